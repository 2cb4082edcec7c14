"""18.0.1.6.0: the regulations at their seams (issue 18). One small function per change.

The changes concern ``noupdate`` data and stored values that an update never rewrites, so they are made here.
"""

from lxml import etree, html

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import convert_file, file_open

SCRIPTS_FILE = "data/crm_call_script_data.xml"
# The shipped scripts and who makes their calls (ST-10).
SCRIPT_ROLES = {
    "crm_call_script_operator_inbound": "operator",
    "crm_call_script_operator_web_request": "operator",
    "crm_call_script_callback_individual": "sales",
    "crm_call_script_manager_inbound": "sales",
    "crm_call_script_after_letter": "sales",
}
# The callback script's text as 18.0.1.5.0 shipped it: replaced by the new one only if nobody edited it.
OLD_CALLBACK_TEXT = (
    '1. "Good afternoon, [client name]! This is [name] from [company], you asked us to call back." '
    "2. Is it convenient to talk? Yes → go on. No → agree on a time and log Call Back Later. "
    "3. Answer the question even without the final information, so the client never feels forgotten. "
    "4. Next step: an order, a proposal by email, or the next call."
)


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


def _text(markup):
    """The words of an HTML text, whitespace left out: what an admin would have had to change."""
    return "".join(html.fromstring(markup).text_content().split()) if markup else ""


def create_missing_call_scripts(env):
    """The scripts of the distributor standard the addon did not ship (003, scripts 3 and 5): the data file
    creates its records missing from the database (an update only skips the ones that exist)."""
    convert_file(env, "crm_sales_playbook", SCRIPTS_FILE, {}, mode="update", noupdate=True)


def set_call_script_roles(env):
    """Who makes the calls of each shipped script, where an admin has not said it yet (ST-10)."""
    for xmlid, role in SCRIPT_ROLES.items():
        script = env.ref(f"crm_sales_playbook.{xmlid}", raise_if_not_found=False)
        if script and not script.role:
            script.role = role


def complete_callback_script(env):
    """The callback script asks for the payment method and the delivery and expects the third objection
    (003, script 4; ST-15): its new text replaces the shipped one unless an admin edited it."""
    script = env.ref("crm_sales_playbook.crm_call_script_callback_individual", raise_if_not_found=False)
    cheaper = env.ref("crm_sales_playbook.crm_call_objection_cheaper", raise_if_not_found=False)
    if not script:
        return
    if cheaper:
        script.objection_ids |= cheaper
    if _text(script.with_context(lang="en_US").body) == "".join(OLD_CALLBACK_TEXT.split()):
        with file_open(f"crm_sales_playbook/{SCRIPTS_FILE}", "rb") as data:
            [body] = etree.parse(data).xpath(
                "//record[@id='crm_call_script_callback_individual']/field[@name='body']/*"
            )
        script.with_context(lang="en_US").body = etree.tostring(body, encoding="unicode")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    retire_web_request_policy(env)
    schedule_daily_reports(env)
    fill_stage_history(env)
    recompute_response_statuses(env)
    record_existing_exclusions(env)
    create_missing_call_scripts(env)
    set_call_script_roles(env)
    complete_callback_script(env)
