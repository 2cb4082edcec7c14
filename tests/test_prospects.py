from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import REAL_PHONE, GuardCase


@tagged("post_install", "-at_install")
class TestProspects(GuardCase):
    """Prospect completeness and regular customers (LG-3, RC-1)."""

    def test_completeness_check_lists_what_is_missing(self):
        industry = self.env["res.partner.industry"].create({"name": "Metallurgy"})
        prospect = self.env["res.partner"].create(
            {
                "name": "Chelyabinsk Metals",
                "is_company": True,
                "playbook_is_prospect": True,
                "phone": "+7 999 999-99-99",
            }
        )
        self.assertFalse(prospect.playbook_is_complete)
        self.assertEqual(prospect.playbook_missing_info, "a real phone or email, city, industry, where it was found")
        with self.assertRaisesRegex(UserError, "Chelyabinsk Metals: fill in a real phone or email, city"):
            prospect.action_check_prospect()
        prospect.write(
            {
                "phone": REAL_PHONE,
                "city": "Chelyabinsk",
                "industry_id": industry.id,
                "playbook_found_where": "Regional business directory",
            }
        )
        self.assertTrue(prospect.playbook_is_complete)
        self.assertFalse(prospect.playbook_missing_info)
        self.assertTrue(prospect.action_check_prospect())
        person = self.env["res.partner"].create(
            {
                "name": "Pavel Sidorov",
                "playbook_is_prospect": True,
                "email": "pavel@sidorov.ru",
                "city": "Perm",
                "playbook_found_where": "Fair",
            }
        )
        self.assertTrue(person.playbook_is_complete, "no industry is asked of an individual")
        ready = self.env["res.partner"].search([("playbook_is_complete", "=", True)])
        self.assertEqual(ready & (prospect | person), prospect | person, "the stored flag is searchable")

    def test_regular_customer_from_confirmed_orders_or_by_hand(self):
        client = self.env["res.partner"].create({"name": "Uralmash JSC", "is_company": True})
        contact = self.env["res.partner"].create({"name": "Ivan Petrov", "parent_id": client.id})
        order = self.env["sale.order"].create(
            {"partner_id": contact.id, "order_line": [(0, 0, {"product_id": self.product.id})]}
        )
        self.assertFalse(client.playbook_is_regular, "a quotation is not a purchase")
        order.action_confirm()
        self.assertTrue(client.playbook_is_regular, "the company bought through its contact")
        self.assertTrue(contact.playbook_is_regular)
        client.playbook_regular_mode = "no"
        self.assertFalse(client.playbook_is_regular, "set by hand")
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "playbook_regular_mode": "yes"})
        self.assertTrue(newcomer.playbook_is_regular)
