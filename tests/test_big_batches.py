from datetime import date, datetime

from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestBigBatches(PlaybookCase):
    """Mass assignment, transfer, planning and Move Client cost the same number of queries for 200 leads as for
    thousands (PP-7, PP-9, PP-10, PP-15)."""

    def make_leads(self, count, **values):
        vals = {"type": "opportunity", "team_id": self.team_b.id, "user_id": self.user_salesperson_b.id}
        vals.update(values)
        with self.pinned_time(datetime(2026, 11, 20, 7, 0)):
            leads = self.Lead.with_context(tracking_disable=True, mail_create_nolog=True).create(
                [dict(vals, name=f"Batch lead {index}") for index in range(count)]
            )
        self.env.invalidate_all()
        return leads

    def queries(self, work):
        """Queries of ``work`` including what Odoo does at commit (tracking)."""
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        work()
        self.flush_tracking()
        return self.env.cr.sql_log_count - before

    def test_mass_assignment_query_budget(self):
        small = self.make_leads(200, temperature="warm")
        big = self.make_leads(2000, temperature="warm")
        head = self.user_support
        cost_small = self.queries(
            lambda: small.with_user(head)._playbook_assign_to([(self.user_salesperson, 120), (self.user_regular, 80)])
        )
        cost_big = self.queries(
            lambda: big.with_user(head)._playbook_assign_to([(self.user_salesperson, 1200), (self.user_regular, 800)])
        )
        self.assertLessEqual(cost_big, 240, "2,000 leads are assigned within a fixed query budget")
        self.assertLessEqual(cost_big, cost_small + 50, "2,000 leads cost about what 200 cost")
        self.assertEqual(len(big.filtered(lambda lead: lead.user_id == self.user_salesperson)), 1200)
        self.assertEqual(big.team_id, self.team_a, "the team follows the salesperson")
        notes = self.env["mail.message"].search([("model", "=", "crm.lead"), ("res_id", "in", big.ids)])
        self.assertEqual(len(notes), 2000, "one note per lead")
        self.assertEqual(
            set(notes.tracking_value_ids.field_id.mapped("name")), {"user_id", "team_id"}, "the notes track the change"
        )
        told = self.env["mail.message"].search(
            [
                ("partner_ids", "in", self.user_salesperson.partner_id.ids),
                ("subject", "=", "1200 leads assigned to you"),
            ]
        )
        self.assertEqual(len(told), 1, "the salesperson is told once, not once per lead")

    def test_transfer_query_budget(self):
        small = self.make_leads(100, temperature="warm")
        big = self.make_leads(1000, temperature="warm")
        support = self.user_support
        cost_small = self.queries(lambda: small.with_user(support)._playbook_transfer_to_team(self.team_a, "load"))
        cost_big = self.queries(lambda: big.with_user(support)._playbook_transfer_to_team(self.team_a, "load"))
        self.assertLessEqual(cost_big, 100, "1,000 leads are transferred within a fixed query budget")
        self.assertLessEqual(cost_big, cost_small + 25, "1,000 leads cost about what 100 cost")
        self.assertEqual((big.team_id, big.user_id), (self.team_a, self.env["res.users"]))
        self.assertEqual(len(big.transfer_ids), 1000)

    def test_client_move_query_budget(self):
        small_client = self.env["res.partner"].create({"name": "Small Client", "is_company": True})
        big_client = self.env["res.partner"].create({"name": "Big Client", "is_company": True})
        self.make_leads(100, temperature="warm", partner_id=small_client.id)
        self.make_leads(1000, temperature="warm", partner_id=big_client.id)
        support = self.user_support
        cost_small = self.queries(
            lambda: small_client.with_user(support)._playbook_transfer_client_to_team(self.team_a, "load", False)
        )
        cost_big = self.queries(
            lambda: big_client.with_user(support)._playbook_transfer_client_to_team(self.team_a, "load", False)
        )
        self.assertLessEqual(cost_big, 110, "a client with 1,000 leads moves within a fixed query budget")
        self.assertLessEqual(cost_big, cost_small + 20, "1,000 leads cost about what 100 cost")
        leads = self.Lead.search([("partner_id", "=", big_client.id)])
        self.assertEqual((len(leads), leads.team_id), (1000, self.team_a))

    def test_planning_query_budget(self):
        small = self.make_leads(100, temperature="warm")
        big = self.make_leads(1000, temperature="cold")
        users = self.user_salesperson | self.user_regular
        with self.pinned_time(datetime(2026, 11, 23, 8, 0)):
            cost_small = self.queries(
                lambda: small.with_user(self.user_support)._playbook_distribute_over_period(
                    date(2026, 11, 23), date(2026, 12, 4), users, self.team_a
                )
            )
            cost_big = self.queries(
                lambda: big.with_user(self.user_support)._playbook_distribute_over_period(
                    date(2026, 11, 23), date(2026, 12, 4), users, self.team_a
                )
            )
        self.assertLessEqual(cost_big, 360, "1,000 leads are planned within a fixed query budget")
        self.assertLessEqual(cost_big, cost_small + 10, "1,000 leads cost what 100 cost")
        self.assertEqual(big.user_id, users)
        self.assertEqual(len(big.activity_ids), 1000, "one call activity per lead")
        self.assertEqual(min(big.mapped("date_planned_contact")), date(2026, 11, 23))
