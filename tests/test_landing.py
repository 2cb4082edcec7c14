from lxml import etree

from odoo.tests import Form, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import MON_1100_MSK, PLAYBOOK, REAL_PHONE, GuardCase
from .test_claims import ClaimCase

QUESTION = "How much is online reporting for 20 users?"


def register_call(case):
    """The operator registers a call at the inbound desk, as on the screen."""
    with case.pinned_time(MON_1100_MSK):
        form = Form(case.env["crm.inbound.register"].with_user(case.user_operator).with_context(default_kind="call"))
        form.caller_name = "Ivan Petrov"
        form.phone = REAL_PHONE
        form.question = QUESTION
        form.team_id = case.team_a
        form.transferred_to_id = case.user_salesperson
        action = form.save().action_register()
    return case.env["crm.lead"].browse(action["res_id"])


def landing_records(action, user):
    """The records the user sees on opening ``action``: its domain and the filters its context switches on."""
    Model = action.env[action.res_model].with_user(user)
    domain = list(safe_eval(action.domain or "[]"))
    context = safe_eval(action.context or "{}", {"uid": user.id})
    arch = etree.fromstring(Model.get_views([(False, "search")])["views"]["search"]["arch"])
    for node in arch.iter("filter"):
        if context.get("search_default_" + node.get("name", "")) and node.get("domain"):
            domain += safe_eval(node.get("domain"), {"uid": user.id})
    return Model.search(domain)


@tagged("post_install", "-at_install")
class TestLandingPages(ClaimCase):
    """Each role lands on the records of its day, never on the CRM's sample pipeline (issue 20, "Landing pages")."""

    def test_the_operator_lands_on_the_inbound_desk_with_its_calls(self):
        desk = self.env.ref("crm_sales_playbook.crm_inbound_contact_action")
        self.assertEqual(self.user_operator.action_id.id, desk.id, "the operator's home action is the desk")
        self.company.playbook_source_inbound_call_id = self.source["consultation_request"]
        lead = register_call(self)
        self.assertEqual(landing_records(desk, self.user_operator).lead_id, lead, "the call just registered")
        view = etree.fromstring(
            self.env["crm.inbound.contact"]
            .with_user(self.user_operator)
            .get_views([(False, "list")])["views"]["list"]["arch"]
        )
        self.assertEqual(
            [button.get("string") for button in view.iterfind("header/button")],
            ["Register Call", "Register Letter"],
            "the desk registers the next call from the list",
        )

    def test_the_demo_fills_the_desk_with_its_calls(self):
        """With demo data the operator's landing page shows the story's calls, registered by the demo operator."""
        called = self.create_lead(name="Ivanov: trial access", channel="inbound_call", user_id=self.user_salesperson.id)
        self.create_lead(name="Not a demo record", channel="inbound_call", user_id=self.user_salesperson_b.id)
        self.env["ir.model.data"].create(
            [
                {"module": "crm_sales_playbook", "name": name, "model": record._name, "res_id": record.id}
                for name, record in (("user_operator", self.user_operator), ("demo_lead_called", called))
            ]
        )
        self.env["crm.inbound.contact"]._playbook_demo_desk_log()
        self.env["crm.inbound.contact"]._playbook_demo_desk_log()
        desk = self.env.ref("crm_sales_playbook.crm_inbound_contact_action")
        [row] = landing_records(desk, self.user_operator)
        self.assertEqual(
            (row.lead_id, row.kind, row.operator_id, row.forwarded_to_id, row.question),
            (called, "call", self.user_operator, self.user_salesperson, "Ivanov: trial access"),
            "one row per call of the demo, not twice",
        )

    def test_legal_lands_on_the_claims_to_review(self):
        to_review = self.env.ref("crm_sales_playbook.crm_customer_claim_action_to_review")
        self.assertEqual(self.user_legal.action_id.id, to_review.id)
        waiting = self.claim(responsible_id=self.user_salesperson_b.id)
        waiting.action_client_notified()
        waiting.action_send_to_legal()
        fresh = self.claim()
        self.assertEqual(landing_records(to_review, self.user_legal), waiting, "the claim sent to legal, not the new")
        self.assertTrue(fresh.exists())

    def test_other_roles_keep_odoos_home_and_a_chosen_home_stays(self):
        self.assertFalse(self.user_salesperson.action_id, "a salesperson opens its own pipeline")
        self.assertFalse(self.user_head.action_id)
        chosen = self.env.ref("crm_sales_playbook.crm_customer_claim_action")
        user = new_test_user(self.env, login="pb_new_hire", groups="sales_team.group_sale_salesman")
        user.action_id = chosen.id
        user.groups_id = [(4, self.env.ref(PLAYBOOK + "operator").id)]
        self.assertEqual(user.action_id.id, chosen.id, "the admin's choice stays")
        user.action_id = False
        user.groups_id = [(4, self.env.ref(PLAYBOOK + "legal").id)]
        self.assertEqual(
            user.action_id.id,
            self.env.ref("crm_sales_playbook.crm_inbound_contact_action").id,
            "given a role later, the user gets its landing page; an operator first",
        )


@tagged("post_install", "-at_install")
class TestInboundQuestionOnce(GuardCase):
    """The caller's question is said once on the lead, in the call's entry of the chatter (issue 20)."""

    def test_the_question_is_said_once(self):
        self.company.playbook_source_inbound_call_id = self.source["consultation_request"]
        lead = register_call(self)
        places = [*lead.message_ids.mapped("body"), lead.description or "", *lead.activity_ids.mapped("note")]
        self.assertEqual(sum(str(place).count(QUESTION) for place in places), 1)
        [call] = lead.message_ids.filtered(
            lambda m: m.mail_activity_type_id == self.env.ref("crm_sales_playbook.mail_activity_type_inbound_call")
        )
        self.assertIn(QUESTION, call.body, "in the call's entry")
        self.assertEqual(lead.name, QUESTION, "the lead is named after it")
