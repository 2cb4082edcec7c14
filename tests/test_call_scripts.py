from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import GuardCase


@tagged("post_install", "-at_install")
class TestCallScripts(GuardCase):
    """The right script opens by context; objections are marked; three refusals stop the call (ST-10, LG-5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Script = cls.env["crm.call.script"]
        cls.cold_company = cls.env.ref("crm_sales_playbook.crm_call_script_cold_call")
        cls.web = cls.env.ref("crm_sales_playbook.crm_call_script_operator_web_request")
        cls.callback = cls.env.ref("crm_sales_playbook.crm_call_script_callback_individual")

    def test_selection_by_context(self):
        self.assertEqual(self.Script._find_for("cold_call", "outbound", "company"), self.cold_company)
        self.assertFalse(self.Script._find_for("cold_call", "inbound", "company"), "direction must fit")
        specific = self.Script.create(
            {
                "name": "Cold call from a fair",
                "purpose": "cold_call",
                "direction": "outbound",
                "customer_type": "company",
                "channel": "outbound_call",
            }
        )
        self.assertEqual(
            self.Script._find_for("cold_call", "outbound", "company", "outbound_call"),
            specific,
            "the most specific script wins",
        )
        self.assertEqual(self.Script._find_for("cold_call", "outbound", "company", "email"), self.cold_company)

    def test_lead_context_picks_the_script(self):
        web = self.lead(channel="web_form")
        self.assertEqual(
            web.with_user(self.user_operator)._playbook_script("outbound"),
            self.web,
            "the operator confirming a web request",
        )
        # Three clients: leads without a product of one client are one request (PP-8).
        prospect = self.lead(
            temperature="cold", partner_name="Uralmash JSC", channel="outbound_call", phone="+7 912 604-18-51"
        )
        self.assertEqual(prospect._playbook_script("outbound"), self.cold_company)
        person = self.lead(channel="inbound_call", contact_name="Pavel Sidorov", phone="+7 912 604-18-52")
        self.assertEqual(person._playbook_script("outbound"), self.callback)
        action = person.action_open_log_call()
        self.assertEqual(action["context"]["default_script_id"], self.callback.id)
        self.assertEqual(person.action_open_script()["res_id"], self.callback.id)

    def test_objections_and_the_three_refusal_stop(self):
        lead = self.lead(temperature="cold", partner_name="Uralmash JSC", channel="outbound_call")
        form = Form(self.env["crm.lead.call"].with_context(**lead.action_open_log_call()["context"]))
        self.assertEqual(form.script_id, self.cold_company)
        self.assertEqual(len(form.objection_hint_ids), 3, "the objections the script expects")
        form.result = "no_answer"
        form.objection_ids.add(self.env.ref("crm_sales_playbook.crm_call_objection_expensive"))
        form.refusal_count = 2
        self.assertFalse(form.script_stop)
        form.refusal_count = 3
        self.assertTrue(form.script_stop, "after three refusals the script says to stop")
        call = form.save()
        self.assertEqual(call.objection_ids.mapped("name"), ["Too expensive"], "stored for the reports")
        with self.assertRaisesRegex(UserError, "negative"):
            self.env["crm.lead.call"].create({"lead_id": lead.id, "result": "no_answer", "refusal_count": -1})

    def test_no_script_is_a_clear_message(self):
        self.Script.search([]).action_archive()
        with self.assertRaisesRegex(UserError, "No call script fits this lead yet"):
            self.lead().action_open_script()

    def test_salespeople_read_scripts_support_writes_them(self):
        self.assertTrue(self.cold_company.with_user(self.user_salesperson).body)
        with self.assertRaises(AccessError):
            self.cold_company.with_user(self.user_salesperson).name = "Mine"
        self.cold_company.with_user(self.user_support).name = "Cold call (support's version)"
