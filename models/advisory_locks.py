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
"""

import hashlib

from odoo.tools import SQL

CLAIM_TABLE = "crm_playbook_claim"


def init_claims(cr):
    """Create the table of claimed keys (called from ``crm.lead``'s ``init``)."""
    cr.execute(SQL("CREATE TABLE IF NOT EXISTS %s (key bigint PRIMARY KEY)", SQL.identifier(CLAIM_TABLE)))


def key_hash(namespace, *parts):
    """A stable signed 64-bit hash of a key: the same in every worker and across restarts (unlike ``hash``)."""
    text = "\x1f".join([namespace, *(str(part) for part in parts)])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True)


def lock_keys(env, keys):
    """Lock ``keys`` (tuples ``(namespace, *parts)``) until the end of the transaction, then claim them.

    One statement for the locks, in sorted order (``unnest`` yields the array in order); one for the claims.
    Raises a serialization failure when a concurrent transaction claimed one of the keys after this one's
    snapshot was taken: the caller's request is to be retried (Odoo does it for RPC and HTTP requests).
    """
    hashes = sorted({key_hash(*key) for key in keys})
    if not hashes:
        return
    env.cr.execute(
        SQL("SELECT pg_advisory_xact_lock(key) FROM unnest(%s::bigint[]) AS key", hashes), log_exceptions=False
    )
    env.cr.execute(
        SQL(
            "INSERT INTO %s (key) SELECT unnest(%s::bigint[]) ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key",
            SQL.identifier(CLAIM_TABLE),
            hashes,
        ),
        log_exceptions=False,  # the expected serialization failure is retried, not a bad query
    )
