from datetime import date, datetime

from odoo.tests import Form, tagged

from .common import REAL_PHONE, GuardCase

FRI_1730_MSK = datetime(2026, 11, 20, 14, 30)
FRI_1600_MSK = datetime(2026, 11, 20, 13, 0)


@tagged("post_install", "-at_install")
class TestCallLists(GuardCase):
    """The next working day's call lists from complete prospects and due callbacks (LG-3, LG-6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.team_b.crm_team_member_ids.filtered(lambda m: m.user_id == cls.user_salesperson_b)
        cls.member.write({"playbook_cold_calls_per_day": 2, "playbook_calling_from": 10.0, "playbook_calling_to": 12.0})
        industry = cls.env["res.partner.industry"].create({"name": "Construction"})
        Partner = cls.env["res.partner"]
        cls.prospects = Partner.create(
            [
                {
                    "name": f"Prospect {index}",
                    "is_company": True,
                    "playbook_is_prospect": True,
                    "phone": REAL_PHONE,
                    "city": "Moscow",
                    "industry_id": industry.id,
                    "playbook_found_where": "Directory",
                }
                for index in range(3)
            ]
        )
        cls.incomplete = Partner.create(
            {
                "name": "No city",
                "is_company": True,
                "playbook_is_prospect": True,
                "phone": REAL_PHONE,
                "playbook_found_where": "Fair",
                "industry_id": industry.id,
            }
        )
        cls.callback_lead = cls.create_lead(
            cls, name="Call me Monday", team_id=cls.team_b.id, user_id=cls.user_salesperson_b.id, phone=REAL_PHONE
        )
        cls.callback = cls.env["crm.lead.followup"].create(
            {
                "lead_id": cls.callback_lead.id,
                "kind": "callback",
                "user_id": cls.user_salesperson_b.id,
                "name": "Call back",
                "date_due": datetime(2026, 11, 23, 8, 30),
            }
        )

    def build(self, when):
        with self.pinned_time(when):
            return self.env["crm.call.list"]._cron_build_lists()

    def test_friday_builds_monday_within_calling_hours(self):
        self.assertFalse(self.build(FRI_1600_MSK), "16:00 in Moscow: before the configured 17:00")
        [call_list] = self.build(FRI_1730_MSK)
        self.assertEqual((call_list.user_id, call_list.date), (self.user_salesperson_b, date(2026, 11, 23)))
        lines = call_list.line_ids.sorted("planned_at")
        self.assertEqual(
            [(line.kind, line.planned_at) for line in lines],
            [
                ("cold", datetime(2026, 11, 23, 7, 0)),  # 10:00 Moscow
                ("cold", datetime(2026, 11, 23, 8, 0)),  # 11:00
                ("callback", datetime(2026, 11, 23, 8, 30)),  # the agreed 11:30
            ],
        )
        self.assertEqual(
            lines.filtered(lambda line: line.kind == "cold").partner_id,
            self.prospects[:2],
            "complete prospects only, two a day",
        )
        self.assertEqual(lines.filtered(lambda line: line.kind == "callback").lead_id, self.callback_lead)
        self.assertFalse(self.build(FRI_1730_MSK), "built once")

    def test_holidays_are_skipped(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.team_b.resource_calendar_id.id,
                "date_from": datetime(2026, 11, 22, 21, 0),
                "date_to": datetime(2026, 11, 23, 21, 0),
            }
        )
        [call_list] = self.build(FRI_1730_MSK)
        self.assertEqual(call_list.date, date(2026, 11, 24), "Monday is a holiday: Tuesday's list")
        self.assertFalse(
            call_list.line_ids.filtered(lambda line: line.kind == "callback"),
            "the callback falls on the holiday, not on Tuesday",
        )

    def test_working_a_line_logs_the_call_and_takes_the_prospect_off(self):
        [call_list] = self.build(FRI_1730_MSK)
        line = call_list.line_ids.filtered(lambda line: line.kind == "cold")[0]
        action = line.with_user(self.user_salesperson_b).action_call()
        lead = line.lead_id
        self.assertEqual((lead.temperature, lead.channel, lead.partner_id), ("cold", "outbound_call", line.partner_id))
        form = Form(self.env["crm.lead.call"].with_user(self.user_salesperson_b).with_context(**action["context"]))
        form.result = "materials_sent"
        form.save()
        self.assertTrue(line.done)
        self.assertEqual(line.result, "materials_sent")
        self.assertTrue(line.partner_id.playbook_called_at)
        next_day = self.build(datetime(2026, 11, 23, 14, 30))
        self.assertNotIn(line.partner_id, next_day.line_ids.partner_id, "a called prospect is not planned again")
