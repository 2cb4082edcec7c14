"""18.0.1.6.0: changes to shipped ``noupdate`` data, each in its own function so that merges stay easy."""

from lxml import etree, html

from odoo import SUPERUSER_ID, api
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
    create_missing_call_scripts(env)
    set_call_script_roles(env)
    complete_callback_script(env)
