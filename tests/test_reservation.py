from datetime import date

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import PlaybookCase

TODAY = date(2026, 11, 23)


@tagged("post_install", "-at_install")
@freeze_time("2026-11-23 10:00:00")
class TestReservation(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reservation = cls.env["crm.client.reservation"]

    def reserve(self, team, date_end, origin="manual", state="active", **values):
        return self.Reservation.create(
            dict(
                {
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "team_id": team.id,
                    "date_start": "2025-01-01",
                    "date_end": date_end,
                    "origin": origin,
                    "state": state,
                },
                **values,
            )
        )

    def test_connection_lead_reserves_the_client_for_30_days(self):
        contact = self.env["res.partner"].create({"name": "Anna", "parent_id": self.partner.id})
        lead = self.create_lead(
            deal_type="connection", product_id=self.product.id, partner_id=contact.id, user_id=self.user_salesperson.id
        )
        reservation = lead.reservation_id
        self.assertEqual(
            (
                reservation.partner_id,
                reservation.team_id,
                reservation.user_id,
                reservation.date_start,
                reservation.date_end,
                reservation.origin,
                reservation.lead_id,
                reservation.state,
            ),
            (
                self.partner,
                self.team_a,
                self.user_salesperson,
                TODAY,
                date(2026, 12, 23),
                "connection_lead",
                lead,
                "active",
            ),
            "the client's company is reserved for the team for 30 calendar days",
        )
        self.assertFalse(reservation.is_paid)

    def test_reservation_length_is_a_company_setting(self):
        self.company.playbook_reservation_days = 10
        lead = self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=self.partner.id)
        self.assertEqual(lead.reservation_id.date_end, date(2026, 12, 3))

    def test_other_deal_types_reserve_nothing(self):
        for deal_type in ("renewal", "upsell", "service", "activation"):
            self.create_lead(
                deal_type=deal_type,
                product_id=self.product.id,
                partner_id=self.partner.id,
                name=deal_type,
                team_id=self.team_a.id,
            )
        self.assertFalse(self.Reservation.search([("partner_id", "=", self.partner.id)]))

    def test_paid_invoice_extends_the_reservation(self):
        lead = self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=self.partner.id)
        invoice = self._invoice(lead, period=(date(2026, 12, 1), date(2027, 11, 30)))
        self.assertEqual(lead.reservation_id.date_end, date(2026, 12, 23), "an unpaid invoice changes nothing")
        self._pay(invoice)
        reservation = lead.reservation_id
        self.assertEqual(
            (reservation.date_end, reservation.origin, reservation.invoice_id, reservation.team_id),
            (date(2027, 11, 30), "service_period", invoice, self.team_a),
        )
        self.assertTrue(reservation.is_paid, "the client is now reserved by invoice / paid period")
        self.assertEqual(
            self.Reservation.search_count([("partner_id", "=", self.partner.id)]), 1, "the same reservation is extended"
        )

    def test_paid_invoice_without_period_reserves_for_the_paid_days(self):
        self.company.playbook_paid_period_days = 90
        lead = self.create_lead(deal_type="renewal", product_id=self.product.id, partner_id=self.partner.id)
        invoice = self._invoice(lead)
        self._pay(invoice)
        reservation = self.Reservation._find_active(self.partner, self.product, self.company)
        self.assertEqual(
            (reservation.date_end, reservation.origin, reservation.team_id),
            (TODAY + relativedelta(days=90), "invoice", self.team_a),
        )

    def test_database_refuses_a_second_active_reservation(self):
        self.reserve(self.team_a, "2026-12-31")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.reserve(self.team_b, "2026-12-31")
            self.env.flush_all()
        self.env.cr.clear()
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env.cr.execute(
                """
                INSERT INTO crm_client_reservation
                    (partner_id, product_id, team_id, company_id, date_start, date_end, origin, state)
                SELECT partner_id, product_id, %s, company_id, date_start, date_end, 'manual', 'active'
                  FROM crm_client_reservation LIMIT 1
            """,
                [self.team_b.id],
            )
        self.env.cr.clear()
        self.reserve(self.team_b, "2026-12-31", state="expired")
        self.assertEqual(
            self.Reservation.search_count([("partner_id", "=", self.partner.id)]), 2, "ended reservations do not count"
        )

    def test_other_team_reservation_blocks_and_expiry_reopens(self):
        lead = self.create_lead(
            team_id=self.team_b.id,
            user_id=self.user_salesperson_b.id,
            partner_id=self.partner.id,
            product_id=self.product.id,
            deal_type="renewal",
            stage_id=self.stage_contact.id,
        )
        other_product = self.create_lead(
            team_id=self.team_b.id,
            partner_id=self.partner.id,
            product_id=self.env["product.product"].create({"name": "Other"}).id,
            deal_type="renewal",
        )
        reservation = self.reserve(self.team_a, "2026-11-30")
        self.assertEqual((lead.work_status, lead.blocking_reservation_id), ("blocked", reservation))
        self.assertEqual(other_product.work_status, "new", "another product is not blocked")
        self.assertEqual(
            lead.blocked_message,
            "Blocked: team Team Yekaterinburg holds this client for Online Reporting until 2026-11-30.",
        )
        self.assertIn(lead, self.Lead.search([("work_status", "=", "blocked")]))
        with self.assertRaisesRegex(UserError, "read-only. Blocked: team Team Yekaterinburg .* until 2026-11-30"):
            lead.with_user(self.user_salesperson_b).write({"description": "still mine"})
        lead.with_user(self.user_support).write({"description": "support decides"})

        self.Reservation._cron_expire_reservations()
        self.assertEqual(lead.work_status, "blocked", "the reservation still runs on its last day")
        with freeze_time("2026-12-01 08:00:00"):
            self.Reservation._cron_expire_reservations()
            self.assertEqual(reservation.state, "expired")
            self.assertEqual((lead.work_status, lead.blocking_reservation_id.id), ("in_work", False))
            self.assertIn("Reopened", lead.message_ids[0].body)
            messages = len(lead.message_ids)
            self.Reservation._cron_expire_reservations()
            self.assertEqual(len(lead.message_ids), messages, "a second run changes nothing")
        lead.with_user(self.user_salesperson_b).write({"description": "mine again"})

    def test_lead_for_a_client_reserved_by_another_team(self):
        self.reserve(self.team_b, "2026-12-20")
        with self.assertRaisesRegex(UserError, "reserved for Online Reporting by team Team Moscow until 2026-12-20"):
            self.Lead.with_user(self.user_salesperson).create(
                {
                    "name": "Mine",
                    "partner_id": self.partner.id,
                    "product_id": self.product.id,
                    "deal_type": "renewal",
                    "team_id": self.team_a.id,
                    "user_id": self.user_salesperson.id,
                }
            )
        self.env.cr.clear()  # what the refused request leaves: only what is in the database
        lead = self.Lead.with_user(self.user_support).create(
            {
                "name": "Support's",
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "deal_type": "renewal",
                "team_id": self.team_a.id,
            }
        )
        self.assertEqual(lead.work_status, "blocked", "sales support may open it; it waits blocked")

    def test_new_sale_rule(self):
        self.reserve(self.team_a, TODAY - relativedelta(months=5), origin="invoice", state="expired")
        with self.assertRaisesRegex(ValidationError, "Create a renewal or an upsell lead instead"):
            self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=self.partner.id)
        self.env.cr.clear()
        self.Reservation.search([("partner_id", "=", self.partner.id)]).date_end = TODAY - relativedelta(months=7)
        lead = self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=self.partner.id)
        self.assertEqual(lead.reservation_id.origin, "connection_lead", "paid more than 6 months ago: a new sale")

    def test_new_sale_rule_reads_paid_invoices(self):
        """Invoices paid before the addon was installed count too: invoice date + paid period days."""
        self.company.playbook_paid_period_days = 30
        recent, old = self.partner, self.env["res.partner"].create({"name": "Old Client", "is_company": True})
        for partner, months in ((recent, 6), (old, 8)):
            renewal = self.create_lead(deal_type="renewal", product_id=self.product.id, partner_id=partner.id)
            self._pay(self._invoice(renewal, invoice_date=TODAY - relativedelta(months=months), partner=partner))
            renewal.action_set_lost()
        self.Reservation.search([]).unlink()
        lead = self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=old.id)
        self.assertEqual(
            lead.reservation_id.origin, "connection_lead", "paid until 7 months ago (8 months + 30 days): a new sale"
        )
        with self.assertRaisesRegex(ValidationError, "UralStroy LLC has paid for Online Reporting until 2026-06-22"):
            self.create_lead(deal_type="connection", product_id=self.product.id, partner_id=recent.id)

    def test_partner_shows_its_reservations(self):
        self.reserve(self.team_a, "2026-12-31")
        self.reserve(self.team_b, "2026-01-31", state="expired")
        contact = self.env["res.partner"].create({"name": "Anna", "parent_id": self.partner.id})
        self.assertEqual(contact.playbook_reservation_count, 2, "history includes ended reservations")
        self.assertEqual(
            contact.playbook_reservation_label, "Reserved by Team Yekaterinburg until 2026-12-31 (Online Reporting)"
        )
        mine = (
            self.env["res.partner"]
            .with_user(self.user_salesperson)
            .search(
                [
                    (
                        "playbook_reservation_ids",
                        "any",
                        [
                            ("state", "=", "active"),
                            "|",
                            ("team_id.user_id", "=", self.user_salesperson.id),
                            ("team_id.member_ids", "in", [self.user_salesperson.id]),
                        ],
                    )
                ]
            )
        )
        self.assertEqual(mine, self.partner)
        theirs = (
            self.env["res.partner"]
            .with_user(self.user_salesperson_b)
            .search(
                [
                    (
                        "playbook_reservation_ids",
                        "any",
                        [("state", "=", "active"), ("team_id.member_ids", "in", [self.user_salesperson_b.id])],
                    )
                ]
            )
        )
        self.assertFalse(theirs)
        action = contact.action_view_playbook_reservations()
        self.assertEqual(action["domain"], [("partner_id", "=", self.partner.id)])

    def test_only_support_releases(self):
        reservation = self.reserve(self.team_a, "2026-12-31")
        with self.assertRaisesRegex(UserError, "Only sales support"):
            reservation.with_user(self.user_head).action_release()
        reservation.with_user(self.user_support).action_release()
        self.assertEqual(reservation.state, "released")

    def _invoice(self, lead, period=None, invoice_date=None, partner=None):
        line = {"product_id": self.product.id, "product_uom_qty": 1}
        order = self.env["sale.order"].create(
            {
                "partner_id": (partner or self.partner).id,
                "opportunity_id": lead.id,
                "team_id": lead.team_id.id,
                "order_line": [(0, 0, line)],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        if period:
            invoice.invoice_line_ids.write({"service_period_start": period[0], "service_period_end": period[1]})
        if invoice_date:
            invoice.invoice_date = invoice_date
        invoice.action_post()
        return invoice

    def _pay(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move",
            active_ids=invoice.ids,
        ).create({"payment_date": invoice.invoice_date or TODAY})._create_payments()
