"""18.0.1.6.0: response deadlines follow temperature for web requests; the daily reports leave at their minute.

Both changes concern ``noupdate`` data that an update never rewrites, so they are made here.
"""

from odoo import SUPERUSER_ID, api


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


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    retire_web_request_policy(env)
    schedule_daily_reports(env)
