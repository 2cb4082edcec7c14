from datetime import date, datetime

from odoo.tests import tagged

from .common import MON_0930_MSK, MON_1500_MSK, SUN_1200_MSK, ReportCase

MONDAY = date(2026, 11, 23)


@tagged("post_install", "-at_install")
class TestClientCallsInTheHeadReport(ReportCase):
    """The sales head's evening report counts the calls made to existing clients (ST-19)."""

    def test_calls_to_existing_clients_by_origin_and_salesperson(self):
        """2. Менеджер вносит информацию по поступившим и исходящим звонкам, полученным заявкам по почте и звонках,
        которые он произвел существующим клиентам сразу, после произведенных действий."""
        client = self.env["res.partner"].create({"name": "Regular Client", "playbook_regular_mode": "yes"})
        prospect = self.env["res.partner"].create({"name": "Prospect", "playbook_regular_mode": "no"})
        web = self.create_lead(channel="web_form", partner_id=client.id, team_id=self.team_b.id)
        call = self.create_lead(channel="inbound_call", partner_id=client.id)
        new = self.create_lead(channel="web_form", partner_id=prospect.id, team_id=self.team_b.id)
        Call = self.env["crm.lead.call"]

        def log(lead, user, when, direction="outbound"):
            Call.create(
                {"lead_id": lead.id, "user_id": user.id, "direction": direction, "result": "no_answer", "date": when}
            )

        log(web, self.user_salesperson_b, MON_0930_MSK)
        log(web, self.user_salesperson_b, MON_1500_MSK)
        log(call, self.user_salesperson, MON_1500_MSK)
        log(call, self.user_salesperson, MON_1500_MSK, direction="inbound")  # the client called: not made
        log(new, self.user_salesperson_b, MON_1500_MSK)  # not an existing client
        log(web, self.user_salesperson_b, SUN_1200_MSK)  # not Monday
        report = self.report("head", MONDAY)
        figures = report._head_figures()
        self.assertEqual(
            {row["label"]: row["client_calls"] for row in figures["by_origin"]}, {"Web Form": 2, "Inbound Call": 1}
        )
        self.assertEqual(
            {row["label"]: row["client_calls"] for row in figures["by_person"]},
            {"Pb Salesperson B": 2, "Pb Salesperson": 1},
        )
        self.assertEqual(figures["total"]["client_calls"], 3)
        self.assertEqual(
            self.read_group(report.action_view_client_calls(), "user_id"),
            {self.user_salesperson_b: 2, self.user_salesperson: 1},
            "the figures are the list the button opens",
        )
        self.assertIn("Calls to Existing Clients", report.body_html)


@tagged("post_install", "-at_install")
class TestRegularCustomersReport(ReportCase):
    """The regular-customers department's periodic report (RC-7)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "playbook_regular_report_period": "weekly",
                "playbook_regular_report_hour": 18.0,
                "playbook_regular_report_user_ids": [(6, 0, cls.user_support.ids)],
            }
        )
        Partner = cls.env["res.partner"]
        regular = Partner.create({"name": "Regular Client", "playbook_regular_mode": "yes"})
        vip = Partner.create({"name": "VIP Client", "playbook_regular_mode": "yes", "playbook_vip": True})
        other = Partner.create({"name": "Other Client", "playbook_regular_mode": "no"})

        def lead(when, partner, user=None, **values):
            with cls.pinned_time(cls, when):
                return cls.create_lead(
                    cls, partner_id=partner.id, user_id=user.id if user else False, team_id=cls.team_a.id, **values
                )

        cls.regular_lead = lead(MON_0930_MSK, regular, cls.user_regular)
        cls.vip_lead = lead(MON_0930_MSK, vip, cls.user_regular)
        lead(MON_0930_MSK, other, cls.user_salesperson)  # not a regular customer's request
        lead(SUN_1200_MSK, regular, cls.user_regular)  # the week before
        lead(MON_1500_MSK, other, channel="agent_notice")  # a sales agent's notice, no manager yet
        Call = cls.env["crm.lead.call"]
        for lead_record, user, result, when in (
            (cls.regular_lead, cls.user_regular, "reached", MON_1500_MSK),
            (cls.vip_lead, cls.user_regular, "no_answer", MON_1500_MSK),
            (cls.vip_lead, cls.user_salesperson, "no_answer", MON_1500_MSK),  # not the department's call
            (cls.regular_lead, cls.user_regular, "no_answer", SUN_1200_MSK),  # the week before
        ):
            Call.create(
                {
                    "lead_id": lead_record.id,
                    "user_id": user.id,
                    "direction": "outbound",
                    "result": result,
                    "date": when,
                    "notes": "Talked",
                }
            )

    def test_figures_of_the_department(self):
        """3.1.11	Внести данные в отчетные формы	Менеджер"""
        report = self.report("regular", MONDAY)
        figures = report._regular_figures()
        rows = {
            row["label"]: (row["calls"], row["reached"], row["requests"], row["vip"], row["notices"])
            for row in figures["rows"]
        }
        self.assertEqual(rows, {"Pb Regular": (2, 1, 2, 1, 0), "No Manager": (0, 0, 0, 0, 1)})
        self.assertEqual(figures["total"], {"calls": 2, "reached": 1, "requests": 2, "vip": 1, "notices": 1})
        self.assertEqual(self.read_group(report.action_view_department_calls(), "user_id"), {self.user_regular: 2})
        self.assertEqual(self.read_group(report.action_view_regular_requests(), "user_id"), {self.user_regular: 2})
        self.assertEqual(len(self.env["crm.lead"].search(report.action_view_agent_notices()["domain"])), 1)
        body = report.body_html
        for text in ("Regular Customers Report: 2026-11-23", "VIP Requests", "Sales Agent Notices", "Pb Regular"):
            self.assertIn(text, body)
        week = self.report("regular", date(2026, 11, 16), date(2026, 11, 22))._regular_figures()
        self.assertEqual(week["total"], {"calls": 1, "reached": 0, "requests": 1, "vip": 0, "notices": 0})

    def test_sent_at_its_hour_for_the_period_before(self):
        """3.3.7	Внести данные в отчетные формы	Менеджер"""

        def regular(when):
            with self.pinned_time(when):
                return self.Report._cron_send().filtered(lambda log: log.kind == "regular")

        self.assertFalse(regular(datetime(2026, 11, 23, 14, 59)), "Monday 17:59 in Moscow")
        log = regular(datetime(2026, 11, 23, 15, 0))
        self.assertEqual(log.mail_id.subject, "Regular Customers Report: 2026-11-16 - 2026-11-22")
        self.assertEqual(log.mail_id.recipient_ids, self.user_support.partner_id, "the setting says who")
        self.assertFalse(regular(datetime(2026, 11, 23, 16, 0)), "once")
        self.assertFalse(regular(datetime(2026, 11, 24, 15, 0)), "weekly: on Mondays only")
        self.company.playbook_regular_report_period = "monthly"
        self.assertFalse(regular(datetime(2026, 11, 30, 15, 0)))
        log = regular(datetime(2026, 12, 1, 15, 0))
        self.assertEqual(log.mail_id.subject, "Regular Customers Report: 2026-11-01 - 2026-11-30")
        self.company.write({"playbook_regular_report_period": "daily", "playbook_regular_report_user_ids": [(5,)]})
        log = regular(datetime(2026, 12, 2, 15, 0))
        self.assertEqual(log.mail_id.subject, "Regular Customers Report: 2026-12-02")
        self.assertEqual(log.recipient_ids, self.user_head, "without its own list: the management's")
