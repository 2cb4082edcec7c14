from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PlaybookCase

# Moscow is UTC+3: Friday 20 November 2026, 16:00, the default hour of the weekly review.
FRI_1600_MSK = datetime(2026, 11, 20, 13, 0)
NEXT_FRI_1600_MSK = datetime(2026, 11, 27, 13, 0)


@tagged("post_install", "-at_install")
class TestDatabaseReview(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "resource_calendar_id": cls.env.ref("crm_sales_playbook.resource_calendar_sales").id,
                "playbook_deputy_director_id": cls.user_head.id,
                "playbook_stale_new_days": 3,
                # Repeated requests are merged on entry; duplicates still come in by import: let two in.
                "playbook_dedup": False,
            }
        )
        cls.Review = cls.env["crm.db.review"]
        Partner = cls.env["res.partner"]
        cls.client = Partner.create(
            {
                "name": "Review Client",
                "is_company": True,
                "email": "rc@example.com",
                "user_id": cls.user_salesperson.id,
                "playbook_regular_manager_id": cls.user_regular.id,
                "playbook_next_contact": date(2026, 11, 25),
            }
        )
        cls.silent = Partner.create(
            {"name": "Silent Client", "is_company": True, "customer_rank": 1, "user_id": cls.user_salesperson.id}
        )
        cls.orphan = Partner.create(
            {"name": "Orphan Client", "is_company": True, "customer_rank": 1, "phone": "+7 343 200-10-11"}
        )

        def lead(when, **values):
            with cls.pinned_time(cls, when):
                return cls.Lead.create(
                    dict(
                        {
                            "name": "Lead",
                            "type": "opportunity",
                            "team_id": cls.team_a.id,
                            "user_id": cls.user_salesperson.id,
                        },
                        **values,
                    )
                )

        cls.week_lead = lead(datetime(2026, 11, 17, 7, 0), name="Tuesday request")
        cls.stale = lead(datetime(2026, 11, 10, 7, 0), name="Old request")
        cls.planned = lead(
            datetime(2026, 11, 2, 7, 0),
            name="Renewal talk",
            stage_id=cls.stage_contact.id,
            date_deadline=date(2026, 11, 26),
        )
        cls.first = lead(
            datetime(2026, 11, 3, 7, 0),
            name="Reporting for Review Client",
            partner_id=cls.client.id,
            product_id=cls.product.id,
            stage_id=cls.stage_contact.id,
        )
        cls.second = lead(
            datetime(2026, 11, 4, 7, 0),
            name="Reporting again",
            partner_id=cls.client.id,
            product_id=cls.product.id,
            stage_id=cls.stage_contact.id,
        )
        cls.no_product = lead(
            datetime(2026, 11, 5, 7, 0),
            name="Connection without product",
            deal_type="connection",
            product_id=cls.product.id,
            stage_id=cls.stage_contact.id,
        )
        cls.env.flush_all()
        # Imported before the rule: the database has a connection lead without product.
        cls.env.cr.execute("UPDATE crm_lead SET product_id = NULL WHERE id = %s", [cls.no_product.id])
        cls.no_product.invalidate_recordset()

        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client.id,
                "user_id": cls.user_salesperson.id,
                "order_line": [(0, 0, {"product_id": cls.product.id, "product_uom_qty": 2, "tax_id": [(5, 0, 0)]})],
            }
        )
        order.action_confirm()
        cls.invoice = order._create_invoices()
        cls.invoice.write({"invoice_date": date(2026, 10, 1), "invoice_date_due": date(2026, 11, 10)})
        cls.invoice.action_post()
        cls.claim = cls.env["crm.customer.claim"].create(
            {"partner_id": cls.client.id, "essence": "Wrong amount", "user_id": cls.user_salesperson.id}
        )
        cls.complaint = cls.env["crm.quality.complaint"].create(
            {"partner_id": cls.client.id, "essence": "Rude driver", "user_id": cls.user_salesperson_b.id}
        )
        cls.orphan.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date(2026, 11, 18),
            user_id=cls.user_regular.id,
            summary="Send the contract",
        )

    def run_review(self, when, notify=True):
        with self.pinned_time(when):
            return self.Review._run(self.company, notify=notify)

    def items(self, review, state="open"):
        return {
            (line.kind, line.res_model, line.res_id): line
            for line in review.line_ids.filtered(lambda line: line.state == state)
        }

    def test_lists_and_inconsistencies(self):
        review = self.run_review(FRI_1600_MSK)
        self.assertEqual(review.week_start, date(2026, 11, 16))
        items = self.items(review)
        expected = {
            ("week_lead", "crm.lead", self.week_lead.id): self.user_salesperson,
            ("next_call", "res.partner", self.client.id): self.user_regular,
            ("planned_request", "crm.lead", self.planned.id): self.user_salesperson,
            ("debtor", "res.partner", self.client.id): self.user_regular,
            ("open_claim", "crm.customer.claim", self.claim.id): self.user_salesperson,
            ("open_complaint", "crm.quality.complaint", self.complaint.id): self.user_salesperson_b,
            ("open_question", "res.partner", self.orphan.id): self.user_regular,
            ("no_contact", "res.partner", self.silent.id): self.user_salesperson,
            ("no_salesperson", "res.partner", self.orphan.id): self.env["res.users"],
            ("stale_new", "crm.lead", self.stale.id): self.user_salesperson,
            ("duplicate", "crm.lead", self.second.id): self.user_salesperson,
            ("no_product", "crm.lead", self.no_product.id): self.user_salesperson,
        }
        for key, manager in expected.items():
            with self.subTest(item=key):
                self.assertIn(key, items)
                self.assertEqual(items[key].manager_id, manager)
        self.assertNotIn(("stale_new", "crm.lead", self.week_lead.id), items, "three days are not up")
        self.assertNotIn(("duplicate", "crm.lead", self.first.id), items, "the oldest is the original")
        self.assertEqual(items[("duplicate", "crm.lead", self.second.id)].detail, "Same as Reporting for Review Client")
        self.assertEqual(
            items[("debtor", "res.partner", self.client.id)].detail,
            "1 overdue invoices, %s due" % self.company.currency_id.format(2000.0),
        )

    def test_managers_get_a_todo_and_the_deputy_director_one_email(self):
        review = self.run_review(FRI_1600_MSK)
        mine = len(review.line_ids.filtered(lambda line: line.manager_id == self.user_salesperson))
        [todo] = review.activity_ids.filtered(lambda activity: activity.user_id == self.user_salesperson)
        self.assertEqual(todo.summary, "Weekly review: %s items" % mine)
        self.assertIn("Lead Stale in New: 1", todo.note)
        # (The to-dos send their own "assigned to you" emails: the summary is the one with the review's name.)
        mails = self.env["mail.mail"].search(
            [("model", "=", "crm.db.review"), ("res_id", "=", review.id), ("subject", "=", review.name)]
        )
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.recipient_ids, self.user_head.partner_id)
        self.assertIn("Pb Salesperson", mails.body_html)

    def test_a_fixed_inconsistency_disappears_and_is_shown_fixed(self):
        first = self.run_review(FRI_1600_MSK, notify=False)
        self.silent.phone = "+7 343 200-10-12"
        self.second.action_archive()
        second = self.run_review(NEXT_FRI_1600_MSK, notify=False)
        self.assertEqual(second.previous_id, first)
        items = self.items(second)
        self.assertNotIn(("no_contact", "res.partner", self.silent.id), items)
        self.assertNotIn(("duplicate", "crm.lead", self.second.id), items)
        self.assertIn(("no_salesperson", "res.partner", self.orphan.id), items, "not fixed: still listed")
        fixed = self.items(second, state="fixed")
        self.assertIn(("no_contact", "res.partner", self.silent.id), fixed)
        self.assertIn(("duplicate", "crm.lead", self.second.id), fixed)
        self.assertNotIn(("stale_new", "crm.lead", self.stale.id), fixed)
        self.assertEqual(second.fixed_count, len(fixed))

    def test_weekly_cron_runs_once_at_the_hour(self):
        Review = self.Review
        with self.pinned_time(datetime(2026, 11, 20, 12, 59)):
            self.assertFalse(Review._cron_review(), "15:59 in Moscow")
        with self.pinned_time(FRI_1600_MSK):
            self.assertEqual(len(Review._cron_review()), 1)
        with self.pinned_time(datetime(2026, 11, 20, 14, 0)):
            self.assertFalse(Review._cron_review(), "once a week")
        with self.pinned_time(datetime(2026, 11, 23, 13, 0)):
            self.assertFalse(Review._cron_review(), "Monday is not the review day")

    def test_the_wizard_runs_it_now(self):
        with self.pinned_time(FRI_1600_MSK):
            action = self.env["crm.db.review.run"].with_user(self.user_head).create({"notify": False}).action_run()
        review = self.Review.browse(action["res_id"])
        self.assertTrue(review.item_count)
        self.assertFalse(review.activity_ids)

    def test_no_query_per_record(self):
        self.run_review(FRI_1600_MSK, notify=False)  # warm the caches

        def queries(count):
            with self.pinned_time(datetime(2026, 11, 10, 7, 0)):
                self.Lead.create(
                    [
                        {
                            "name": "Stale %s" % index,
                            "type": "opportunity",
                            "team_id": self.team_a.id,
                            "user_id": self.user_salesperson.id,
                        }
                        for index in range(count)
                    ]
                )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.run_review(FRI_1600_MSK, notify=False)
            return self.env.cr.sql_log_count - before

        few, many = queries(5), queries(100)
        self.assertLess(many - few, 15, "95 more stale leads cost %s more queries" % (many - few))

    def test_query_count_does_not_grow_with_the_items(self):
        """The items are written set-based: a review with eight times more items of every list costs the same queries.

        More stale leads, duplicate leads, clients of the week without contact and clients to call next week.
        """
        self.run_review(FRI_1600_MSK, notify=False)  # warm the caches
        Partner = self.env["res.partner"]

        def queries(count):
            with self.pinned_time(datetime(2026, 11, 17, 7, 0)):
                clients = Partner.create(
                    [
                        {
                            "name": "Mute client %s" % index,
                            "is_company": True,
                            "customer_rank": 1,
                            "user_id": self.user_salesperson.id,
                            "playbook_regular_manager_id": self.user_regular.id,
                            "playbook_next_contact": date(2026, 11, 24),
                        }
                        for index in range(count)
                    ]
                )
            with self.pinned_time(datetime(2026, 11, 10, 7, 0)):
                self.Lead.create(
                    [
                        {
                            "name": "Request %s" % index,
                            "type": "opportunity",
                            "team_id": self.team_a.id,
                            "user_id": self.user_salesperson.id,
                            "partner_id": client.id,
                            "product_id": self.product.id,
                        }
                        for client in clients
                        for index in range(2)
                    ]
                )
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            review = self.run_review(FRI_1600_MSK, notify=False)
            spent = self.env.cr.sql_log_count - before
            kinds = review.line_ids.filtered(lambda line: line.partner_id in clients).mapped("kind")
            return spent, {kind: kinds.count(kind) for kind in set(kinds)}

        few, few_items = queries(3)
        many, many_items = queries(24)
        self.assertEqual(
            few_items,
            {"week_client": 3, "no_contact": 3, "next_call": 3, "stale_new": 6, "duplicate": 3},
        )
        self.assertEqual(
            many_items,
            {"week_client": 24, "no_contact": 24, "next_call": 24, "stale_new": 48, "duplicate": 24},
        )
        self.assertEqual(many, few, "%s more items cost %s more queries" % (5 * 21, many - few))

    def test_who_reads_the_review(self):
        review = self.run_review(FRI_1600_MSK, notify=False)
        Line = self.env["crm.db.review.line"]
        own = Line.with_user(self.user_regular).search([("review_id", "=", review.id)])
        self.assertTrue(own)
        self.assertEqual(own.manager_id, self.user_regular, "a manager reads its own items only")
        self.assertEqual(
            len(Line.with_user(self.user_head).search([("review_id", "=", review.id)])), len(review.line_ids)
        )
        with self.assertRaises(AccessError):
            self.Review.with_user(self.user_salesperson).search([("id", "=", review.id)])
