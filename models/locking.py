"""Row locks for the work that must happen exactly once when workers and users race."""
from odoo.tools import SQL


def lock_skip_locked(records, condition=None):
    """Lock the rows of ``records`` that still meet ``condition`` (an ``SQL`` on the table's columns).

    Rows another transaction holds are skipped, not waited for: the cron leaves them to the next run.
    The cache of the locked records is refreshed, so that what the caller reads is what it locked.
    """
    if not records:
        return records
    records.flush_recordset()
    records.env.cr.execute(SQL(
        "SELECT id FROM %s WHERE id IN %s AND %s ORDER BY id FOR UPDATE SKIP LOCKED",
        SQL.identifier(records._table), tuple(records.ids), condition or SQL("TRUE")))
    locked = records.browse([row[0] for row in records.env.cr.fetchall()])
    locked.invalidate_recordset()
    return locked
