from datetime import date, datetime

from odoo.tests import Form, tagged

from .common import MON_1100_MSK, REAL_PHONE, GuardCase

# Team Yekaterinburg is UTC+5: Friday 15:00 there, the configured hour of the weekly plan, is 10:00 UTC.
FRI_1500_YEKT = datetime(2026, 11, 20, 10, 0)
FRI_1400_YEKT = datetime(2026, 11, 20, 9, 0)


@tagged("post_install", "-at_install")
class TestRegularCustomers(GuardCase):
    """VIP requests first, the weekly call plan, agent notices (RC-1, RC-2, RC-3)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A call is a consultation request unless the operator says otherwise (PP-6).
        cls.company.playbook_source_inbound_call_id = cls.source["consultation_request"]
        Partner = cls.env["res.partner"]
        cls.vip = Partner.create(
            {
                "name": "Gazprom Ural",
                "is_company": True,
                "playbook_regular_mode": "yes",
                "playbook_vip": True,
                "phone": REAL_PHONE,
                "playbook_regular_manager_id": cls.user_regular.id,
            }
        )
        cls.regulars = Partner.create(
            [
                {
                    "name": f"Regular {index}",
                    "is_company": True,
                    "playbook_regular_mode": "yes",
                    "playbook_regular_manager_id": cls.user_regular.id,
                    "playbook_next_contact": date(2026, 11, 27),
                }
                for index in range(7)
            ]
        )
        cls.later = Partner.create(
            {
                "name": "Not yet",
                "is_company": True,
                "playbook_regular_mode": "yes",
                "playbook_regular_manager_id": cls.user_regular.id,
                "playbook_next_contact": date(2026, 12, 31),
            }
        )

    def test_vip_requests_are_flagged_and_come_first(self):
        with self.pinned_time(MON_1100_MSK):
            ordinary = self.create_lead(name="Ordinary", priority="3")
            vip = self.create_lead(name="VIP request", partner_id=self.vip.id)
        self.assertEqual(vip.priority, "3")
        self.assertTrue(vip.activity_ids.filtered(lambda a: a.user_id == self.user_head and "VIP" in a.summary))
        notice = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", vip.id), ("subject", "=like", "VIP request%")]
        )
        self.assertIn(self.user_head.partner_id, notice.partner_ids, "flagged to the sales center")
        self.assertIn(self.user_support.partner_id, notice.partner_ids)
        found = self.Lead.search([("id", "in", (ordinary | vip).ids)])
        self.assertEqual(found.ids, [vip.id, ordinary.id], "VIP first in every list and kanban")

    def test_inbound_request_from_a_regular_customer(self):
        with self.pinned_time(MON_1100_MSK):
            form = Form(self.env["crm.inbound.register"].with_user(self.user_operator))
            form.caller_name = "Oleg"
            form.phone = REAL_PHONE
            form.question = "We want ten more licences"
            form.team_id = self.team_a
            self.assertEqual(form.partner_id, self.vip)
            self.assertEqual(form.transferred_to_id, self.user_regular, "the customer's own manager")
            form.request_reason = "More licences"
            action = form.save().action_register()
        lead = self.Lead.browse(action["res_id"])
        self.assertEqual(lead.playbook_request_reason, "More licences")
        self.assertEqual(self.vip.playbook_next_contact, date(2026, 12, 23), "next contact planned: 30 days")

    def test_weekly_plan_spreads_due_clients_over_next_week(self):
        self.team_a.crm_team_member_ids.filtered(lambda m: m.user_id == self.user_regular).write(
            {"playbook_calling_from": 10.0, "playbook_calling_to": 16.0}
        )
        with self.pinned_time(FRI_1400_YEKT):
            self.assertFalse(self.env["crm.call.list"]._cron_build_week_plans(), "14:00: before the hour")
        with self.pinned_time(FRI_1500_YEKT):
            lists = self.env["crm.call.list"]._cron_build_week_plans()
        lines = lists.line_ids.filtered(lambda line: line.kind == "regular")
        self.assertEqual(set(lines.partner_id), set(self.regulars), "due clients only, the VIP has no date")
        per_day = sorted((day, len(group)) for day, group in lines.grouped(lambda line: line.list_id.date).items())
        self.assertEqual(
            per_day,
            [
                (date(2026, 11, 23), 2),
                (date(2026, 11, 24), 2),
                (date(2026, 11, 25), 1),
                (date(2026, 11, 26), 1),
                (date(2026, 11, 27), 1),
            ],
            "seven calls over five working days, two at most a day",
        )
        monday = lines.filtered(lambda line: line.list_id.date == date(2026, 11, 23)).sorted("planned_at")
        # Calling hours 10:00-16:00 in Yekaterinburg (UTC+5): two calls at 10:00 and 13:00.
        self.assertEqual(monday.mapped("planned_at"), [datetime(2026, 11, 23, 5, 0), datetime(2026, 11, 23, 8, 0)])
        with self.pinned_time(FRI_1500_YEKT):
            self.assertFalse(self.env["crm.call.list"]._cron_build_week_plans(), "planned once")

    def test_agent_notice_for_a_known_regular_and_a_new_client(self):
        form = Form(self.env["crm.agent.notice"].with_user(self.user_salesperson))
        form.client_name = "Someone"
        form.phone = "8 912 604 18 37"
        form.note = "Wants a demo"
        form.team_id = self.team_a
        self.assertEqual(form.partner_id, self.vip, "found by phone")
        self.assertEqual(form.known_message, "Gazprom Ural is already a regular customer of Pb Regular.")
        form.save().action_confirm()
        lead = self.Lead.search([("partner_id", "=", self.vip.id), ("channel", "=", "agent_notice")])
        self.assertEqual(lead.user_id, self.user_regular, "confirmed with the customer's own manager")
        told = self.env["mail.message"].search(
            [("model", "=", "crm.lead"), ("res_id", "=", lead.id), ("subject", "=like", "Gazprom Ural is already%")]
        )
        self.assertEqual(told.partner_ids, self.user_salesperson.partner_id, "the agent is told at once")
        new = Form(self.env["crm.agent.notice"].with_user(self.user_salesperson))
        new.client_name = "Brand New LLC"
        new.vat = "6671000000"
        new.email = "office@brandnew.ru"
        new.note = "Needs reporting"
        new.team_id = self.team_a
        self.assertFalse(new.partner_id)
        new.save().action_confirm()
        lead = self.Lead.search([("partner_id.name", "=", "Brand New LLC")])
        self.assertEqual((lead.partner_id.vat, lead.channel), ("6671000000", "agent_notice"), "the new client is added")

    def test_after_the_deal_the_client_enters_the_call_plan(self):
        client = self.env["res.partner"].create({"name": "Fresh client", "is_company": True})
        lead = self.create_lead(team_id=self.team_b.id, partner_id=client.id, user_id=self.user_salesperson_b.id)
        with self.pinned_time(MON_1100_MSK):
            lead.action_set_won()
        self.assertEqual(
            (client.playbook_next_contact, client.playbook_regular_manager_id),
            (date(2026, 12, 23), self.user_salesperson_b),
        )

    def test_every_talk_plans_the_next_contact(self):
        lead = self.create_lead(partner_id=self.regulars[0].id, phone=REAL_PHONE)
        with self.pinned_time(MON_1100_MSK):
            self.env["crm.lead.call"].create(
                {"lead_id": lead.id, "result": "callback", "callback_at": datetime(2027, 1, 15, 7, 0)}
            )
        self.assertEqual(self.regulars[0].playbook_next_contact, date(2027, 1, 15), "the date agreed in the call")
        with self.pinned_time(MON_1100_MSK):
            self.env["crm.lead.call"].create(
                {"lead_id": lead.id, "result": "refused", "lost_reason_id": self.lost_reason.id, "notes": "No budget"}
            )
        self.assertEqual(
            self.regulars[0].playbook_next_contact,
            date(2026, 12, 23),
            "a refusal still plans when to ask about the next request",
        )
