from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import MON_1100_MSK, GuardCase, PlaybookCase


@tagged("post_install", "-at_install")
class TestDealType(PlaybookCase):
    def test_rules_of_each_type(self):
        expected = {
            # type: (needs product, needs invoice, opens reservation, closes with comment, new sale only)
            "connection": (True, True, True, False, True),
            "renewal": (True, True, False, False, False),
            "upsell": (True, True, False, False, False),
            "service": (False, False, False, True, False),
            "activation": (False, False, False, True, False),
        }
        for deal_type, flags in expected.items():
            with self.subTest(deal_type=deal_type):
                lead = self.create_lead(deal_type=deal_type, product_id=self.product.id)
                rule = lead._playbook_deal_type_rule()
                self.assertEqual(
                    (
                        rule["needs_product"],
                        rule["needs_invoice"],
                        rule["opens_reservation"],
                        rule["closes_with_comment"],
                        rule["new_sale_only"],
                    ),
                    flags,
                )
                self.assertEqual(
                    (
                        lead.deal_needs_product,
                        lead.deal_needs_invoice,
                        lead.deal_opens_reservation,
                        lead.deal_closes_with_comment,
                    ),
                    flags[:4],
                    "the form sees the same rules as the code",
                )
        self.assertFalse(
            any(self.create_lead()._playbook_deal_type_rule().values()),
            "a lead without a deal type follows no playbook rule",
        )

    def test_product_required_for_selling_types(self):
        for deal_type in ("connection", "renewal", "upsell"):
            with self.subTest(deal_type=deal_type):
                with self.assertRaisesRegex(ValidationError, "choose the product"):
                    self.create_lead(name=f"No product {deal_type}", deal_type=deal_type)
                lead = self.create_lead(deal_type=deal_type, product_id=self.product.id)
                with self.assertRaisesRegex(ValidationError, "Lead Playbook lead is a .* lead"):
                    lead.product_id = False
        for deal_type in ("service", "activation"):
            with self.subTest(deal_type=deal_type):
                self.assertTrue(self.create_lead(deal_type=deal_type), f"a {deal_type} lead needs no product")

    def test_service_and_activation_close_with_a_comment(self):
        for deal_type in ("service", "activation"):
            with self.subTest(deal_type=deal_type):
                lead = self.create_lead(deal_type=deal_type)
                with self.assertRaisesRegex(ValidationError, "write a closing comment"):
                    lead.action_set_won()
                self.env.cr.clear()  # what the aborted request leaves: only what is in the database
                self.assertNotEqual(lead.stage_id, self.stage_won, "the refused win left the lead where it was")
                lead.closing_comment = "Explained how to send the report."
                lead.action_set_won()
                self.assertEqual(lead.work_status, "won")

    def test_activation_may_be_closed_at_any_stage(self):
        lead = self.create_lead(
            deal_type="activation",
            stage_id=self.stage_new.id,
            closing_comment="Trial given, the client will decide next month.",
        )
        lead.action_set_won()
        self.assertEqual(lead.work_status, "won")

    def test_selling_types_are_won_only_by_a_paid_invoice(self):
        for deal_type in ("connection", "renewal", "upsell"):
            with self.subTest(deal_type=deal_type):
                lead = self.create_lead(deal_type=deal_type, product_id=self.product.id, partner_id=self.partner.id)
                with self.assertRaisesRegex(ValidationError, "won only by a paid invoice"):
                    lead.action_set_won()
                invoice = self._invoice_lead(lead)
                with self.assertRaisesRegex(ValidationError, "won only by a paid invoice"):
                    lead.action_set_won()
                self._pay(invoice)
                self.assertIn(invoice.payment_state, ("paid", "in_payment"))
                lead.action_set_won()
                self.assertEqual(lead.stage_id, self.stage_won)
                self.assertEqual(lead.work_status, "won")

    def test_selling_types_may_be_lost_without_invoice(self):
        lead = self.create_lead(deal_type="connection", product_id=self.product.id)
        lead.action_set_lost(lost_reason_id=self.env.ref("crm.lost_reason_1").id)
        self.assertEqual(lead.work_status, "lost")

    def _invoice_lead(self, lead):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.partner.id,
                "opportunity_id": lead.id,
                "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1})],
            }
        )
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        return invoice

    def _pay(self, invoice):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {}
        )._create_payments()


@tagged("post_install", "-at_install")
class TestTypeToLeaveNew(GuardCase):
    """In teams with the contact rules every lead leaving New has a type and what its type needs (PP-5, PP-13).

    Today is Monday 23 November 2026; a new sale is one whose last paid period ended over 6 months ago."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner, Reservation = cls.env["res.partner"], cls.env["crm.client.reservation"]
        cls.never = Partner.create({"name": "Never Paid LLC", "is_company": True})
        cls.lapsed = Partner.create({"name": "Lapsed LLC", "is_company": True})
        cls.gone = Partner.create({"name": "Long Gone LLC", "is_company": True})
        cls.active = Partner.create({"name": "Active LLC", "is_company": True})
        for partner, start, end, state in (
            (cls.lapsed, date(2025, 10, 1), date(2026, 9, 30), "expired"),
            (cls.gone, date(2025, 4, 1), date(2026, 3, 31), "expired"),
            (cls.active, date(2026, 7, 1), date(2027, 6, 30), "active"),
        ):
            Reservation.create(
                {
                    "partner_id": partner.id,
                    "product_id": cls.product.id,
                    "team_id": cls.team_a.id,
                    "origin": "service_period",
                    "date_start": start,
                    "date_end": end,
                    "state": state,
                }
            )

    def typed(self, name, deal_type, partner):
        with self.pinned_time(MON_1100_MSK):
            lead = self.client_lead(name, deal_type, partner)
            self.log_call(lead)
        return lead

    def client_lead(self, name, deal_type, partner):
        """A lead of its own: the same phone for the same product would merge it into another client's lead."""
        email = "director@%s.ru" % name.lower().replace(" ", "-")
        return self.lead(
            name=name,
            deal_type=deal_type,
            partner_id=partner.id,
            product_id=self.product.id,
            phone=False,
            email_from=email,
        )

    def assert_refused(self, lead, message):
        with self.pinned_time(MON_1100_MSK):
            with self.assertRaisesRegex(ValidationError, message):
                lead.write({"stage_id": self.stage_contact.id})
            self.env.cr.clear()
            self.assertEqual(lead.work_status, "new")

    def test_a_lead_leaves_new_only_with_a_type(self):
        """Seed 004, 3.1: «Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта,
        допродажа, обслуживание и т.д.) в сервисе ПП необходимо формировать ПП»; 4.1: «В сервисе ПП существует 5
        (Пять) типов ПП, выбор типа зависит от того, что необходимо выполнить – продать новый Продукт клиенту,
        продлить Продукт и т.д.»"""
        lead = self.lead(name="Untyped", deal_type=False)
        self.log_call(lead)
        self.assertEqual(lead.work_status, "new", "the reached call could not take it into work")
        self.assert_refused(
            lead,
            "Lead Untyped cannot leave New without a deal type: every lead is a Connection, Renewal, Upsell, "
            "Service, Activation. Choose the one that fits.",
        )
        with self.assertRaisesRegex(ValidationError, "Lead Untyped cannot leave New without a deal type"):
            lead.action_set_won()
        lead.write({"deal_type": "service", "stage_id": self.stage_contact.id})
        self.assertEqual(lead.work_status, "in_work")
        with self.assertRaisesRegex(UserError, "Lead Untyped is out of New: it keeps a deal type"):
            lead.deal_type = False

    def test_a_lead_created_out_of_new_needs_a_type(self):
        """Seed 004, 4.1: «В сервисе ПП существует 5 (Пять) типов ПП»"""
        with self.assertRaisesRegex(ValidationError, "Lead Call cannot leave New without a deal type"):
            self.Lead.create(
                {
                    "name": "Call",
                    "team_id": self.team_a.id,
                    "stage_id": self.stage_contact.id,
                    "channel": "inbound_call",
                    "phone": "+7 912 604-18-37",
                }
            )

    def test_renewal_needs_a_paid_period_of_the_product(self):
        """Seed 004, 4.1.2: «"Продление" – создается у клиента, которому необходимо продлить действие Продукта на
        новый период.» 4.1.1: «Под новой продажей Продукта следует понимать продажу Продукта клиенту, который им
        никогда не пользовался, либо с момента последнего использования прошло более 6 месяцев.»"""
        lapsed = self.typed("Lapsed renewal", "renewal", self.lapsed)
        active = self.typed("Active renewal", "renewal", self.active)
        self.assertEqual((lapsed.work_status, active.work_status), ("in_work", "in_work"))
        never = self.typed("Never renewal", "renewal", self.never)
        self.assert_refused(
            never,
            r"Lead Never renewal cannot be a Renewal lead: Never Paid LLC never had a paid period of Online "
            r"Reporting\. Create a Connection lead instead\.",
        )
        gone = self.typed("Gone renewal", "renewal", self.gone)
        self.assert_refused(
            gone,
            r"Lead Gone renewal cannot be a Renewal lead: the last paid period of Long Gone LLC for Online Reporting "
            r"ended on 2026-03-31, more than 6 months ago, so it is a new sale\. Create a Connection lead instead\.",
        )

    def test_upsell_needs_a_paid_period_active_now(self):
        """Seed 004, 4.1.3: «"Допродажа" – создается у клиента, который уже пользуется Продуктом (есть действующий
        оплаченный период обслуживания), но ему необходимо выполнить продажу дополнительных услуг»"""
        active = self.typed("Active upsell", "upsell", self.active)
        self.assertEqual(active.work_status, "in_work")
        lapsed = self.typed("Lapsed upsell", "upsell", self.lapsed)
        self.assert_refused(
            lapsed,
            r"Lead Lapsed upsell cannot be an Upsell lead: the paid period of Lapsed LLC for Online Reporting ended "
            r"on 2026-09-30, an upsell needs one active now\. Create a Renewal lead instead\.",
        )
        never = self.typed("Never upsell", "upsell", self.never)
        self.assert_refused(
            never,
            r"Lead Never upsell cannot be an Upsell lead: Never Paid LLC has no paid period of Online Reporting\. "
            r"Create a Connection lead instead\.",
        )

    def test_paid_periods_are_read_once_for_a_batch(self):
        """Seed 004, 4.1: «выбор типа зависит от того, что необходимо выполнить – продать новый Продукт клиенту,
        продлить Продукт и т.д.»"""
        with self.pinned_time(MON_1100_MSK):
            leads = self.Lead
            for name, deal_type, partner in (
                ("First", "renewal", self.lapsed),
                ("Second", "upsell", self.active),
                ("Third", "upsell", self.gone),
            ):
                leads |= self.client_lead(name, deal_type, partner)
            for lead in leads:  # a done call activity is a contact that moves nothing by itself
                lead.activity_schedule(
                    "mail.mail_activity_data_call", user_id=self.user_salesperson.id
                ).action_feedback(feedback="Talked to the director")
            original = type(self.Lead)._playbook_paid_period_ends
            with (
                patch.object(type(self.Lead), "_playbook_paid_period_ends", autospec=True, side_effect=original) as spy,
                self.assertRaises(ValidationError) as caught,
            ):
                leads.write({"stage_id": self.stage_contact.id})
            self.env.cr.clear()
        self.assertEqual(spy.call_count, 1, "one read of the paid periods for the whole batch")
        self.assertEqual(
            str(caught.exception),
            "Lead Third cannot be an Upsell lead: the paid period of Long Gone LLC for Online Reporting ended on "
            "2026-03-31, an upsell needs one active now. Create a Connection lead instead.",
        )

    def test_teams_without_the_rules_keep_odoo_behaviour(self):
        lead = self.create_lead(team_id=self.team_b.id, stage_id=self.stage_new.id)
        lead.stage_id = self.stage_contact
        lead.action_set_won()
        self.assertEqual((lead.deal_type, lead.work_status), (False, "won"))
