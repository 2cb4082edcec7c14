"""18.0.1.6.0: the regulations at their seams (issue 18). One small function per change.

The changes concern ``noupdate`` data and stored values that an update never rewrites, so they are made here.
"""

from odoo import SUPERUSER_ID, api, fields


def retire_web_request_policy(env):
    """The shipped "Web request" policy (10 working minutes) outranked temperature (PP-12, ST-2). It is archived
    when still as shipped; archiving recomputes the deadlines of the leads waiting in its companies. The
    confirmation call of a web request stays a follow-up."""
    policy = env.ref("crm_sales_playbook.crm_sla_policy_web_form", raise_if_not_found=False)
    if (
        policy
        and policy.active
        and (policy.channel, policy.duration, policy.unit) == ("web_form", 10, "working_minutes")
        and not policy.temperature
        and not policy.team_id
    ):
        policy.active = False


def schedule_daily_reports(env):
    """The daily reports' cron ran every 15 minutes from the install time (11:07, 19:37): it is now woken at
    each report's minute (ST-11, ST-12) and runs hourly only to catch a missed wake-up."""
    cron = env.ref("crm_sales_playbook.crm_playbook_daily_report_cron_send", raise_if_not_found=False)
    if cron:
        cron.write({"interval_number": 1, "interval_type": "hours"})
    env["crm.playbook.daily.report"]._playbook_schedule()


def fill_stage_history(env):
    """The funnel counts the stages each lead reached (PP-1): the leads from before the upgrade get theirs."""
    env["crm.lead.stage.history"]._playbook_fill_from_leads()


def recompute_response_statuses(env):
    """A deadline is met only when the client was reached by it (PP-12): lost and blocked leads untouched
    before their deadline are "closed without contact", no longer "met"."""
    Lead = env["crm.lead"].with_context(active_test=False)
    leads = Lead.search([("sla_deadline", "!=", False)])
    env.add_to_compute(Lead._fields["sla_status"], leads)
    Lead.flush_model(["sla_status"])


def record_existing_exclusions(env):
    """Teams excluded from distribution before sanctions were recorded get the sanction of their exclusion
    (PP-15), so that every exclusion has its record and lifting it goes through the sanction."""
    Sanction = env["crm.team.sanction"].with_context(playbook_sanction_sync=True)
    today = fields.Date.context_today(Sanction)
    teams = (
        env["crm.team"]
        .with_context(active_test=False)
        .search(["|", ("playbook_excluded_forever", "=", True), ("playbook_excluded_until", ">=", today)])
    )
    recorded = Sanction.search(
        [("team_id", "in", teams.ids), ("kind", "in", ("excluded_until", "excluded_forever"))]
    ).team_id
    reason = env._("Exclusion in force before sanctions were recorded.")
    for team in teams - recorded:
        if team.playbook_excluded_forever:
            Sanction._playbook_impose(team, "excluded_forever", reason, automatic=False, decided_by_id=False)
        else:
            day = team.playbook_excluded_until
            Sanction._playbook_impose(
                team,
                "excluded_until",
                reason,
                automatic=False,
                decided_by_id=False,
                date_from=min(today, day),
                date_to=day,
            )


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    retire_web_request_policy(env)
    schedule_daily_reports(env)
    fill_stage_history(env)
    recompute_response_statuses(env)
    record_existing_exclusions(env)
