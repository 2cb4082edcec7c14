"""Row locks and batched crons: the work that must happen exactly once when workers, crons and users race.

Every cron of the addon runs through ``run_batch``: one bounded batch, each record locked with
``FOR NO KEY UPDATE SKIP LOCKED`` (a record another worker or a user holds is left for the next run; users
may still insert rows that reference it, such as a logged call), each processed in a savepoint of its own (a
failing record is logged, remembered and moved behind the others), progress reported to the cron runner.
A record that another transaction changed since this one began (a user, or another cron, on the same
leads) cannot be locked or written under REPEATABLE READ: that race is lost, not an error. The record is left
for the next run and logged at INFO, never at ERROR: crons are not retried by Odoo.
The helper never commits: Odoo 18's cron runner commits after each call and calls again while work remains,
and a button or *Run manually* commits nothing by itself.
"""

import logging
from collections import namedtuple

from psycopg2 import errors

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

BatchResult = namedtuple("BatchResult", "done failed remaining")

# The errors of a lost race: a row changed by a transaction committed after this one's snapshot, a lock waited
# for longer than ``lock_timeout``, a deadlock.
LOST_RACE = (errors.SerializationFailure, errors.LockNotAvailable, errors.DeadlockDetected)


def lock_skip_locked(records, condition=None):
    """Lock the rows of ``records`` that still meet ``condition`` (an ``SQL`` on the table's columns).

    Rows another transaction holds are skipped, not waited for. ``FOR NO KEY UPDATE`` lets others insert rows
    that reference the locked ones meanwhile. The cache of the locked records is refreshed, so that what the
    caller reads is what it locked.
    """
    if not records:
        return records
    records.flush_recordset()
    records.env.cr.execute(
        SQL(
            "SELECT id FROM %s WHERE id IN %s AND %s ORDER BY id FOR NO KEY UPDATE SKIP LOCKED",
            SQL.identifier(records._table),
            tuple(records.ids),
            condition or SQL("TRUE"),
        ),
        log_exceptions=False,  # a lost race is the caller's to log (``run_batch``: INFO), not a bad query
    )
    locked = records.browse([row[0] for row in records.env.cr.fetchall()])
    locked.invalidate_recordset()
    return locked


def lock_for_write(records):
    """Lock the rows a user is about to write, in id order, before the write itself (the user's side of the
    rule whose cron side is ``lock_skip_locked``).

    A cron running meanwhile then skips these leads and leaves them for its next run. Without this lock, a
    lead a cron changed after the user's request began would fail only at the request's flush, where Odoo logs
    the UPDATE as a bad query (ERROR) before retrying the request. Here the same lost race raises the same
    serialization failure, retried the same way, without an ERROR; a lead a cron holds is waited for.
    """
    ids = sorted(id_ for id_ in records._ids if isinstance(id_, int))
    if ids:
        records.env.cr.execute(
            SQL(
                "SELECT 1 FROM %s WHERE id IN %s ORDER BY id FOR NO KEY UPDATE",
                SQL.identifier(records._table),
                tuple(ids),
            ),
            log_exceptions=False,  # a lost race: the request is retried by Odoo, not a bad query
        )


def run_batch(
    model,
    domain,
    process,
    *,
    job,
    order="id",
    batch_size=None,
    condition=None,
    lock=True,
    notify=True,
    process_batch=None,
):
    """Process one batch of the records of ``model`` matching ``domain`` with ``process(record)``.

    ``job`` names the work in the log of failed items. ``batch_size`` bounds the batch (None: every record,
    for crons over a handful of teams or companies). ``condition`` (an ``SQL``) is checked again under the
    lock, so that a record handled meanwhile is skipped; without ``lock`` (companies, whose work claims its
    own once-a-day right) nothing is locked. Records that failed before come after the others.
    With ``process_batch(records)``, the records that did not fail before are first processed together, in one
    savepoint; if that fails, they are processed one by one as without it (the batch's work is rolled back).
    Returns a ``BatchResult``; with ``notify`` the cron runner is told the progress.
    """
    Failure = model.env["crm.playbook.batch.failure"]
    failing = Failure._failing_ids(job, model._name)
    records = model.search(domain + [("id", "not in", failing)], order=order, limit=batch_size)
    if failing and (batch_size is None or len(records) < batch_size):
        room = None if batch_size is None else batch_size - len(records)
        records |= model.search(domain + [("id", "in", failing)], order=order, limit=room)
    done = failed = 0
    one_by_one = False
    if lock:
        try:
            with model.env.cr.savepoint():
                records = lock_skip_locked(records, condition)
        except LOST_RACE:
            one_by_one = True  # a record changed meanwhile: lock each in its own savepoint, skip the lost ones
    fresh = records.filtered(lambda record: record.id not in failing)
    if process_batch and not one_by_one and len(fresh) > 1:
        try:
            with model.env.cr.savepoint():
                process_batch(fresh)
        except Exception as error:  # pylint: disable=broad-except
            _logger.info("%s: the batch of %s %s failed, one at a time now: %s", job, len(fresh), model._name, error)
        else:
            done += len(fresh)
            records -= fresh
    for record in records:
        try:
            with model.env.cr.savepoint():
                if one_by_one and not lock_skip_locked(record, condition):
                    continue
                process(record)
        except LOST_RACE as error:
            _logger.info("%s skipped %s %s, changed by another transaction: %s", job, model._name, record.id, error)
        except Exception as error:  # pylint: disable=broad-except
            _logger.exception("%s failed on %s %s", job, model._name, record.id)
            Failure._record(job, record, error)
            failed += 1
        else:
            done += 1
            if record.id in failing:
                Failure._clear(job, record)
    remaining = 0
    if batch_size is not None and len(records) >= batch_size:
        remaining = max(model.search_count(domain) - done, 0)
    if notify:
        model.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    return BatchResult(done, failed, remaining)
