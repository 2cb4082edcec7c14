from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..hooks import link_invoices_to_leads
from .common import FRI_1000_MSK, MON_0930_MSK, MON_1500_MSK, SAT_0100_MSK, SUN_1200_MSK, THU_1700_MSK, ReportCase


@tagged("post_install", "-at_install")
class TestOperatorReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Contact = cls.env["crm.inbound.contact"]
        new_a = cls.env["res.partner"].create({"name": "New Client A"})

        def lead(when, channel, **values):
            with cls.pinned_time(cls, when):
                return cls.Lead.create(
                    dict(
                        {"name": "Request", "type": "opportunity", "channel": channel, "team_id": cls.team_b.id},
                        **values,
                    )
                )

        cls.lead_a = lead(FRI_1000_MSK, "inbound_call", partner_id=new_a.id, user_id=cls.user_salesperson_b.id)
        lead(FRI_1000_MSK, "web_form")
        lead(FRI_1000_MSK, "web_form")
        lead(FRI_1000_MSK, "email")
        lead(THU_1700_MSK, "email")  # the day before
        lead(SAT_0100_MSK, "email")  # Saturday in Moscow
        lost = lead(FRI_1000_MSK, "email")
        lost.action_archive()  # a lost request was received all the same

        def contact(when, channel, new, forwarded, lead_record=None):
            with cls.pinned_time(cls, when):
                return Contact.create(
                    {
                        "kind": "letter" if channel == "email" else "call",
                        "channel": channel,
                        "new_client": new,
                        "lead_created": new,
                        "lead_id": lead_record.id if lead_record else False,
                        "forwarded_to_id": forwarded.id,
                        "operator_id": cls.user_operator.id,
                        "team_id": cls.team_b.id,
                        "date": when,
                    }
                )

        contact(FRI_1000_MSK, "inbound_call", True, cls.user_salesperson_b, cls.lead_a)
        contact(FRI_1000_MSK, "inbound_call", True, cls.user_salesperson_b)
        contact(FRI_1000_MSK, "inbound_call", False, cls.user_regular)
        contact(FRI_1000_MSK, "email", False, cls.user_regular)
        contact(SAT_0100_MSK, "inbound_call", True, cls.user_salesperson_b)

    def test_figures_of_the_day(self):
        self.lead_a.stage_id = self.stage_contact  # taken into work: the new client's call became a request
        figures = self.report("operator", date(2026, 11, 20))._operator_figures()
        rows = {
            row["channel"]: (row["requests"], row["contacts"], row["new_clients"], row["new_requests"])
            for row in figures["rows"]
        }
        self.assertEqual(rows, {"inbound_call": (1, 3, 2, 1), "email": (2, 1, 0, 0), "web_form": (2, 0, 0, 0)})
        self.assertEqual(figures["total"], {"requests": 5, "contacts": 4, "new_clients": 2, "new_requests": 1})
        self.assertEqual(figures["forwarded"], [["Pb Regular", 2], ["Pb Salesperson B", 2]])

    def test_figures_equal_the_pivots(self):
        report = self.report("operator", date(2026, 11, 16), date(2026, 11, 22))
        figures = report._operator_figures()
        received = self.read_group(report.action_view_requests(), "channel")
        contacts = self.read_group(report.action_view_contacts(), "channel")
        for row in figures["rows"]:
            self.assertEqual(row["requests"], received.get(row["channel"], 0))
            self.assertEqual(row["contacts"], contacts.get(row["channel"], 0))
        self.assertEqual(figures["total"]["requests"], 7, "the week has Thursday's and Saturday's too")
        self.assertEqual(figures["total"]["contacts"], 5)

    def test_team_filter(self):
        self.assertFalse(
            self.report("operator", date(2026, 11, 20), team_ids=[(6, 0, self.team_a.ids)])._operator_figures()["rows"]
        )

    def test_on_screen_body(self):
        html = self.report("operator", date(2026, 11, 20)).body_html
        self.assertIn("Call Center Daily Report: 2026-11-20", html)
        self.assertIn("Pb Salesperson B", html)
        self.assertIn("Forwarded to Managers", html)


@tagged("post_install", "-at_install")
class TestHeadReport(ReportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.web_lead = cls.create_lead(
            cls, channel="web_form", partner_id=cls.partner.id, team_id=cls.team_b.id, user_id=cls.user_salesperson_b.id
        )
        cls.call_lead = cls.create_lead(
            cls,
            channel="inbound_call",
            partner_id=cls.partner.id,
            team_id=cls.team_b.id,
            user_id=cls.user_salesperson.id,
        )

    def test_figures_of_the_day_with_late_entries_apart(self):
        self.proposal(self.web_lead, self.user_salesperson_b, MON_1500_MSK)
        self.proposal(self.call_lead, self.user_salesperson, MON_1500_MSK)
        self.proposal(self.call_lead, self.user_salesperson, SUN_1200_MSK)  # not Monday
        friday = self.invoice(self.web_lead, FRI_1000_MSK, 500.0)
        monday = self.invoice(self.web_lead, MON_0930_MSK, 1000.0)
        self.invoice(False, MON_0930_MSK, 300.0)  # no lead: "Other"
        self.pay(friday, MON_0930_MSK)  # recorded by 10:00: the late entry for Friday
        self.pay(monday, MON_1500_MSK)
        self.assertEqual((friday.playbook_paid_at, friday.playbook_paid_late_entry), (MON_0930_MSK, True))
        self.assertEqual((monday.playbook_paid_at, monday.playbook_paid_late_entry), (MON_1500_MSK, False))
        self.assertEqual(monday.playbook_channel, "web_form")

        figures = self.report("head", date(2026, 11, 23))._head_figures()
        by_origin = {
            row["label"]: (row["proposals"], row["issued"], row["issued_amount"], row["paid"], row["paid_amount"])
            for row in figures["by_origin"]
        }
        self.assertEqual(
            by_origin,
            {
                "Inbound Call": (1, 0, 0.0, 0, 0.0),
                "Web Form": (1, 1, 1000.0, 1, 1000.0),
                "Other": (0, 1, 300.0, 0, 0.0),
            },
        )
        by_person = {row["label"]: (row["proposals"], row["issued"], row["paid"]) for row in figures["by_person"]}
        self.assertEqual(
            by_person, {"Pb Salesperson": (1, 0, 0), "Pb Salesperson B": (1, 1, 1), "Pb Regular": (0, 1, 0)}
        )
        self.assertEqual(
            figures["total"],
            {"client_calls": 0, "proposals": 2, "issued": 2, "issued_amount": 1300.0, "paid": 1, "paid_amount": 1000.0},
        )
        self.assertEqual([(row["name"], row["amount"]) for row in figures["late"]], [(friday.name, 500.0)])
        html = self.report("head", date(2026, 11, 23)).body_html
        self.assertIn("<td>11/23/2026 09:30</td>", html, "recorded at, in the team's zone and the reader's format")
        self.assertNotRegex(html, r"\d\d:\d\d:\d\d")

    def test_invoices_posted_before_the_install_get_their_lead(self):
        invoice = self.invoice(self.web_lead, MON_0930_MSK)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_move SET playbook_lead_id = NULL, playbook_channel = NULL WHERE id = %s", [invoice.id]
        )
        link_invoices_to_leads(self.env.cr)
        invoice.invalidate_recordset()
        self.assertEqual((invoice.playbook_lead_id, invoice.playbook_channel), (self.web_lead, "web_form"))

    def test_figures_equal_the_lists(self):
        self.proposal(self.web_lead, self.user_salesperson_b, MON_1500_MSK)
        invoice = self.invoice(self.call_lead, MON_0930_MSK)
        self.pay(invoice, MON_1500_MSK)
        report = self.report("head", date(2026, 11, 23))
        figures = report._head_figures()
        proposals = self.read_group(report.action_view_proposals(), "channel")
        issued = self.read_group(report.action_view_issued(), "playbook_channel")
        paid = self.read_group(report.action_view_paid(), "playbook_channel")
        labels = dict(report._channel_labels())
        for channel, label in labels.items():
            row = next((row for row in figures["by_origin"] if row["label"] == label), None)
            counts = (row["proposals"], row["issued"], row["paid"]) if row else (0, 0, 0)
            self.assertEqual(counts, (proposals.get(channel, 0), issued.get(channel, 0), paid.get(channel, 0)))

    def test_query_count_does_not_grow_with_the_range(self):
        """Both daily reports read their figures grouped: a month costs the queries of a day."""
        earlier = self.invoice(self.call_lead, datetime(2026, 11, 13, 7, 0), 700.0)
        self.pay(earlier, datetime(2026, 11, 16, 6, 30))  # recorded Monday before 10:00: a late entry
        friday = self.invoice(self.web_lead, FRI_1000_MSK, 500.0)
        self.pay(friday, MON_0930_MSK)
        monday = self.invoice(self.web_lead, MON_0930_MSK, 1000.0)
        self.pay(monday, MON_1500_MSK)
        self.proposal(self.web_lead, self.user_salesperson_b, MON_1500_MSK)
        self.proposal(self.call_lead, self.user_salesperson, datetime(2026, 11, 10, 12, 0))
        self.assertTrue(earlier.playbook_paid_late_entry)

        def queries(day_from, day_to):
            spent, rows = 0, 0
            for kind in ("operator", "head"):
                report = self.report(kind, day_from, day_to)
                self.env.invalidate_all()
                before = self.env.cr.sql_log_count
                figures = report._figures()
                report._render_body()
                spent += self.env.cr.sql_log_count - before
                rows += len(figures.get("late", [])) + sum(row["issued"] for row in figures.get("by_origin", []))
            return spent, rows

        queries(date(2026, 11, 23), date(2026, 11, 23))  # warm the caches
        day, day_rows = queries(date(2026, 11, 23), date(2026, 11, 23))
        month, month_rows = queries(date(2026, 10, 25), date(2026, 11, 23))
        self.assertEqual((day_rows, month_rows), (2, 5), "a late entry and an invoice the day, two and three the month")
        self.assertEqual(month, day)


@tagged("post_install", "-at_install")
class TestReportSending(ReportCase):
    def sent(self):
        return self.env["crm.playbook.report.log"].search([("company_id", "=", self.company.id)])

    def run_cron(self, when):
        with self.pinned_time(when):
            return self.Report._cron_send()

    def test_each_report_at_its_hour_once_a_day(self):
        self.assertFalse(self.run_cron(datetime(2026, 11, 23, 7, 59)), "10:59 in Moscow")
        [operator] = self.run_cron(datetime(2026, 11, 23, 8, 0))
        self.assertEqual((operator.kind, operator.day), ("operator", date(2026, 11, 23)))
        self.assertEqual(
            operator.mail_id.subject,
            "Call Center Daily Report: 2026-11-20",
            "Monday's report is of Friday, the previous working day",
        )
        self.assertEqual(operator.mail_id.recipient_ids, self.user_head.partner_id)
        self.assertEqual(operator.mail_id.attachment_ids.mapped("name"), ["Call Center Daily Report 2026-11-20.pdf"])
        self.assertFalse(self.run_cron(datetime(2026, 11, 23, 8, 30)), "once a day")
        self.assertFalse(self.run_cron(datetime(2026, 11, 23, 16, 29)), "19:29")
        [head] = self.run_cron(datetime(2026, 11, 23, 16, 30))
        self.assertEqual(head.mail_id.subject, "Sales Head Daily Report: 2026-11-23")
        self.assertFalse(self.run_cron(datetime(2026, 11, 23, 20, 0)))
        [tuesday] = self.run_cron(datetime(2026, 11, 24, 8, 0))
        self.assertEqual(tuesday.mail_id.subject, "Call Center Daily Report: 2026-11-23")
        self.assertEqual(len(self.sent()), 3)

    def test_reports_leave_at_their_minute_whatever_the_install_time(self):
        """Seed 003: «Ежедневно до 11 утра секретарь отправляет данный отчет Руководству» and «Отчет заполняется
        ежедневно до 19.30 РОПом отдела продаж»: the cron is woken at 11:00 and 19:30 Moscow time to the
        minute, not on a phase set by the install."""
        Trigger = self.env["ir.cron.trigger"]
        cron = self.env.ref("crm_sales_playbook.crm_playbook_daily_report_cron_send")
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        with self.pinned_time(datetime(2026, 11, 23, 7, 7, 33)):  # Monday 10:07:33 in Moscow
            asked = self.Report._playbook_schedule(self.company)
            # 11:00 call center, 18:00 regular customers (RC-7), 19:30 sales head
            moments = [datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 23, 15, 0), datetime(2026, 11, 23, 16, 30)]
            self.assertEqual(asked, moments)
            self.assertEqual(self.Report._playbook_schedule(self.company), [], "asked once")
        calls = Trigger.search([("cron_id", "=", cron.id)]).mapped("call_at")
        self.assertEqual(sorted(calls), moments)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"), "hourly only as a safety net")

        [operator] = self.run_cron(datetime(2026, 11, 23, 8, 0))  # woken at 11:00:00
        self.assertEqual(operator.kind, "operator")
        calls = Trigger.search([("cron_id", "=", cron.id), ("call_at", ">", datetime(2026, 11, 23, 8, 0))])
        self.assertLessEqual(
            {datetime(2026, 11, 23, 16, 30), datetime(2026, 11, 24, 8, 0)},
            set(calls.mapped("call_at")),
            "the run asks for the evening report and for tomorrow's 11:00 (and for the other companies' hours)",
        )

    def test_a_new_report_hour_is_scheduled_at_once(self):
        cron = self.env.ref("crm_sales_playbook.crm_playbook_daily_report_cron_send")
        with self.pinned_time(datetime(2026, 11, 23, 7, 7)):
            self.company.playbook_head_report_hour = 18.75  # 18:45 Moscow
        calls = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]).mapped("call_at")
        self.assertIn(datetime(2026, 11, 23, 15, 45), calls)

    def test_two_workers_cannot_both_send(self):
        Log = self.env["crm.playbook.report.log"]
        self.assertTrue(Log._claim(self.company, "head", date(2026, 11, 23)))
        self.assertFalse(Log._claim(self.company, "head", date(2026, 11, 23)))

    def test_without_recipients_the_deputy_director_receives(self):
        self.company.write(
            {"playbook_report_recipient_ids": [(5, 0, 0)], "playbook_deputy_director_id": self.user_support.id}
        )
        [log] = self.run_cron(datetime(2026, 11, 23, 8, 0))
        self.assertEqual(log.recipient_ids, self.user_support)


@tagged("post_install", "-at_install")
class TestReportAccess(ReportCase):
    def test_only_managers_read_the_reports(self):
        for user in (self.user_salesperson, self.user_operator, self.user_regular, self.user_legal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Report.with_user(user).create({"kind": "operator"})
        for user in (self.user_head, self.user_support, self.user_admin):
            with self.subTest(user=user.login):
                report = self.Report.with_user(user).create({"kind": "head"})
                self.assertIn("Sales Head Daily Report", report.body_html)
        with self.assertRaises(AccessError):
            self.env["crm.inbound.contact"].with_user(self.user_salesperson).search([("id", "!=", 0)])
