"""What counts as a met response deadline (PP-12, X-REP): the one definition every report and goal uses.

A deadline is met when the lead was taken into work, the client reached (``date_in_work``, or the moment a
postponement stopped the clock), by the deadline. A lead lost or blocked before any contact did not meet it: it
is "closed without contact" when it closed before the deadline, "breached" when the deadline passed first.
The lead stores the status (``crm.lead.sla_status``); the analysis views, the goals and the SLA reports read it
through the domains and the SQL expression below, so that they always agree on the same leads.

No Odoo import here, like ``playbook_rules``: the tables are read by models, views and checks alike.
"""

SLA_STATUSES = [
    ("running", "Running"),
    ("met", "Met"),
    ("met_late", "Met Late"),
    ("breached", "Breached"),
    ("no_contact", "Closed without Contact"),
]
# The statuses of the leads whose deadline counts in a share of deadlines met: every lead with a deadline.
MEASURED = tuple(key for key, _label in SLA_STATUSES)
MET = ("met",)
# Work statuses that close a lead for its team before anyone reached the client.
CLOSED_WORK_STATUSES = ("lost", "blocked")


def sla_status(deadline, contacted_at, closed_at, escalated):
    """The response status of one lead.

    ``contacted_at``: when the lead was taken into work (client reached), or None; ``closed_at``: when the lead
    was lost or blocked before any contact, or None; ``escalated``: the missed deadline was escalated.
    """
    if not deadline:
        return False
    if contacted_at:
        return "met" if contacted_at <= deadline else "met_late"
    if closed_at:
        return "no_contact" if closed_at <= deadline and not escalated else "breached"
    return "breached" if escalated else "running"


def measured_domain():
    """The leads a share of deadlines met counts: every lead with a deadline, whatever became of it."""
    return [("sla_status", "in", MEASURED)]


def met_domain():
    """Of those, the leads that met their deadline."""
    return [("sla_status", "in", MET)]


def met_rate_sql(status_column):
    """100 for a met deadline, 0 for any other, NULL without a deadline: the average is the share met.

    ``status_column`` names the stored ``sla_status`` in the query (e.g. ``"l.sla_status"``, written by the
    code, never by a user); the caller wraps the text in Odoo's ``SQL``.
    """
    return "CASE WHEN {column} IN ({met}) THEN 100.0 WHEN {column} IN ({measured}) THEN 0.0 END".format(
        column=status_column,
        met=", ".join("'%s'" % status for status in MET),
        measured=", ".join("'%s'" % status for status in MEASURED),
    )
