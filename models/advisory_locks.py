"""Advisory locks: the "one open X per Y" rules kept in Python hold when requests race (PP-8, PP-2).

A rule such as "one open lead per client and product" or "one pending follow-up of a kind per lead" is checked
by a search, then a create. Two requests doing both at once would each find nothing and each create. Before
searching, a request takes a transaction-level advisory lock on each key of the rule (``lock_keys``), all in one
statement and in sorted order, so that two requests locking several keys cannot deadlock; the second one waits
until the first commits or rolls back.

Odoo's transactions are REPEATABLE READ: the request that waited still reads the database as it was before
the first one committed. So the same statement also claims each key in ``crm_playbook_claim``, one row a key
updated by whoever creates under it: a request whose snapshot predates the claim of a concurrent request fails
with a serialization failure, which Odoo answers by running the request again (RPC and HTTP), on a snapshot
that sees the first request's record. Nothing of the failed attempt stays (``retrying`` rolls it back).

Odoo's retry first sleeps up to two seconds (four on the second try), holding its worker: under a burst of
requests for one client, that sleep, not the work, made intake slow. So a request that has written nothing yet
(intake locks before it writes) does not wait on its old snapshot: it tries the locks without waiting; when
another request holds one, it waits for it, then rolls back its own empty transaction and tries again, on a
snapshot taken after the other one committed (``restart=True``). This is done only for a create that Odoo's RPC
dispatch called itself (the web client, the external API), where nothing of a caller's can be lost; a request
that already wrote, server code calling create (an import and its savepoints, a controller, a cron's job), or
a request that loses the race three times over is left to Odoo's retry.
"""

import hashlib
import sys
import threading

from psycopg2 import errors

from odoo import sql_db
from odoo.tools import SQL

CLAIM_TABLE = "crm_playbook_claim"
RESTARTS = 3  # a request restarts its empty transaction at most this many times before it waits as any other
# The frames between Odoo's ``call_kw`` and the lock of the lead's create: its overrides and the intake's matching.
# ``web_save`` is the form view's save: it creates before anything else.
CREATE_CHAIN = {
    "create",
    "_model_create_multi",
    "_playbook_intake_match",
    "__init__",
    "lock_keys",
    "_take_restarting",
    "web_save",
}


def init_claims(cr):
    """Create the table of claimed keys (called from ``crm.lead``'s ``init``)."""
    cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (key bigint PRIMARY KEY)", SQL.identifier(CLAIM_TABLE)))


def key_hash(namespace, *parts):
    """A stable signed 64-bit hash of a key: the same in every worker and across restarts (unlike ``hash``)."""
    text = "\x1f".join([namespace, *(str(part) for part in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def lock_keys(env, keys, restart=False):
    """Lock ``keys`` (tuples ``(namespace, *parts)``) until the end of the transaction, then claim them.

    One statement for the locks, in sorted order (``unnest`` yields the array in order); one for the claims.
    Raises a serialization failure when a concurrent transaction claimed one of the keys after this one's
    snapshot was taken: the caller's request is to be retried (Odoo does it for RPC and HTTP requests).

    With ``restart``, a transaction that has written nothing yet is rolled back and begun anew instead (see the
    module's docstring): the caller must hold nothing read before the call that it means to write back, and
    the environment's caches are cleared.
    """
    hashes = sorted({key_hash(*key) for key in keys})
    if not hashes:
        return
    if restart and _take_restarting(env, hashes):
        return
    _wait_for(env.cr, hashes)
    _claim(env.cr, hashes)


def _wait_for(cr, hashes):
    """Take the locks of ``hashes``, waiting for whoever holds them, in sorted order."""
    cr.execute(SQL("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", hashes), log_exceptions=False)


def _claim(cr, hashes):
    cr.execute(
        SQL(
            "INSERT INTO %s (key) SELECT unnest(%s::bigint[]) ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key",
            SQL.identifier(CLAIM_TABLE),
            hashes,
        ),
        log_exceptions=False,  # the expected serialization failure is retried, not a bad query
    )


def _in_cron_or_test(env):
    """A cron's job (run in savepoints, by batches; Odoo gives it ``ir_cron_progress_id``, in a cron thread or
    a cron worker) and Odoo's test runner never restart a transaction."""
    thread = threading.current_thread()
    return bool(
        env.context.get("ir_cron_progress_id")
        or getattr(thread, "testing", False)
        or thread.name.startswith("odoo.service.cron")
    )


def _called_by_rpc():
    """Whether the lead's create was called by Odoo's RPC dispatch itself (``odoo.api.call_kw``: the web client
    and the external API), so that nothing of a caller's runs in this transaction before it: no savepoint, no
    work to lose. Server code calling create (an import, a controller, a job) is never restarted."""
    frame = sys._getframe(2)
    while frame:
        code = frame.f_code
        if code.co_name in CREATE_CHAIN or code.co_filename.startswith("<decorator-gen-"):
            frame = frame.f_back
            continue
        return code.co_name == "call_kw" and code.co_filename.endswith(("odoo/api.py", "odoo\\api.py"))
    return False


def _take_restarting(env, hashes):
    """Lock and claim ``hashes`` on a snapshot that sees the work of whoever held them; False when this
    transaction cannot be restarted (it wrote, or has work queued for its commit) or lost the race too often,
    and holds none of the keys then.

    The locks are tried without waiting, in one statement, only while the transaction has no id, that is,
    wrote nothing. A held key is waited for (in order, holding nothing: no deadlock), then the empty transaction
    is rolled back, so that the next statement takes a new snapshot. The claim is the transaction's first
    write: when it fails because the holder committed after this snapshot, rolling back loses nothing either.
    """
    cr = env.cr
    if type(cr) is not sql_db.Cursor or _in_cron_or_test(env) or not _called_by_rpc():
        return False
    for _try in range(RESTARTS):
        env.flush_all()
        if cr.precommit._funcs or cr.postcommit._funcs:  # work queued for the commit would be lost
            return False
        cr.execute(
            SQL(
                """SELECT CASE WHEN txid_current_if_assigned() IS NULL
                               THEN (SELECT bool_and(pg_try_advisory_xact_lock(key)) FROM unnest(%s::bigint[]) key)
                          END""",
                hashes,
            )
        )
        taken = cr.fetchone()[0]
        if taken is None:  # the transaction wrote: it cannot start again
            return False
        if taken:
            try:
                _claim(cr, hashes)
                return True
            except errors.SerializationFailure:
                cr.rollback()  # the holder committed after this snapshot; nothing was written: start again
                continue
        cr.rollback()  # releases what was taken; nothing was written
        _wait_for(cr, hashes)
        cr.rollback()  # its snapshot predates the holder's commit: the next statement takes a new one
    return False
