from datetime import date, datetime
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

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


@tagged("post_install", "-at_install")
class TestBackgroundBatches(PlaybookCase):
    """Above the company's threshold the wizards queue a job that a cron runs as the user, who is told (PP-9)."""

    def test_above_the_threshold_the_assignment_runs_in_the_background_as_the_user(self):
        self.company.playbook_background_threshold = 5
        leads = self.Lead.create(
            [
                {"name": f"Queued {index}", "type": "opportunity", "team_id": self.team_b.id, "user_id": False}
                for index in range(6)
            ]
        )
        cron = self.env.ref("crm_sales_playbook.crm_playbook_job_cron")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        wizard_form = Form(
            self.env["crm.lead.mass.assign"]
            .with_user(self.user_support)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
        )
        with wizard_form.line_ids.new() as line:
            line.user_id = self.user_salesperson
            line.count = 6
        action = wizard_form.save().action_assign()
        self.assertEqual(
            action["params"]["message"],
            "6 leads are being processed in the background; you will be told when done.",
        )
        job = self.env["crm.playbook.job"].search([("user_id", "=", self.user_support.id)])
        self.assertEqual((job.kind, job.state, job.total_count, job.done_count), ("assign", "queued", 6, 0))
        self.assertFalse(leads.user_id, "nothing is assigned inside the request")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1, "the cron is woken"
        )
        self.assertEqual(job.with_user(self.user_support).search([]), job, "the user sees the job asked for")
        self.assertFalse(job.with_user(self.user_head).search([]), "another user does not")
        self.env["crm.playbook.job"]._cron_run_jobs()
        self.assertEqual((job.state, job.done_count), ("done", 6))
        self.assertEqual(job.result, "6 leads assigned (Pb Salesperson 6), 0 not taken.")
        self.assertEqual(leads.user_id, self.user_salesperson)
        self.assertEqual(
            leads.message_ids.filtered(lambda m: "assigned the lead" in m.body).author_id,
            self.user_support.partner_id,
            "the job ran as the user who asked",
        )
        told = self.env["mail.message"].search([("model", "=", "crm.playbook.job"), ("res_id", "=", job.id)])
        self.assertEqual(told.partner_ids, self.user_support.partner_id, "the user is told when done")
        self.assertEqual(told.subject, "Mass assignment of 6 leads: Done")

    def test_a_job_keeps_the_rights_of_the_user(self):
        """A job queued for leads the user may not change fails with the reason, and changes nothing."""
        self.company.playbook_background_threshold = 1
        leads = self.Lead.create(
            [{"name": f"Other {index}", "type": "opportunity", "team_id": self.team_b.id} for index in range(2)]
        )
        job = (
            self.env["crm.playbook.job"]
            .with_user(self.user_head)
            ._playbook_enqueue(
                "transfer", "Transfer", {"lead_ids": leads.ids, "team_id": self.team_a.id, "reason": "x"}, 2
            )
        )
        self.assertEqual(job["tag"], "display_notification")
        self.env["crm.playbook.job"]._cron_run_jobs()
        job = self.env["crm.playbook.job"].search([("user_id", "=", self.user_head.id)])
        self.assertEqual(job.state, "failed")
        self.assertEqual(leads.team_id, self.team_b, "nothing moved")

    def test_zero_threshold_never_queues(self):
        self.company.playbook_background_threshold = 0
        self.assertFalse(self.env["crm.playbook.job"]._playbook_threshold_reached(100000))


@tagged("post_install", "-at_install")
class TestBatchBounds(PlaybookCase):
    def test_planning_period_is_bounded(self):
        leads = self.Lead
        with self.assertRaisesRegex(UserError, r"is 93 days long: plan at most 92 days at once"):
            leads._playbook_check_period(date(2026, 11, 23), date(2027, 2, 23))
        leads._playbook_check_period(date(2026, 11, 23), date(2027, 2, 22))

    def test_editing_a_policy_recomputes_the_leads_of_its_company_only(self):
        with self.pinned_time(datetime(2026, 11, 20, 7, 0)):
            mine = self.create_lead(name="Mine", temperature="hot")
            theirs = self.create_lead(
                name="Theirs", temperature="hot", team_id=self.team_company_2.id, company_id=self.company_2.id
            )
        Policy = self.env["crm.sla.policy"]
        policy = Policy.create({"name": "Local", "company_id": self.company.id, "duration": 2, "unit": "working_hours"})
        shared = Policy.create({"name": "Shared", "duration": 2, "unit": "working_hours"})
        self.assertIn(mine, policy._waiting_leads())
        self.assertNotIn(theirs, policy._waiting_leads(), "a policy of one company leaves the others' leads alone")
        self.assertIn(theirs, shared._waiting_leads(), "a shared policy recomputes every company")
        self.assertIn(mine, shared._waiting_leads())
        moved = self.Lead.browse()
        original = type(self.Lead).modified

        def spy(records, fnames, *args, **kwargs):
            nonlocal moved
            if fnames == ["date_received"]:
                moved |= records
            return original(records, fnames, *args, **kwargs)

        with patch.object(type(self.Lead), "modified", spy):
            policy.duration = 4
        self.assertIn(mine.id, moved.ids)
        self.assertNotIn(theirs.id, moved.ids, "editing the policy did not touch the other company's leads")
