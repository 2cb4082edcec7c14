from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import PlaybookCase


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
