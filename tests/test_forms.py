from datetime import date, datetime

from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestPrintedForms(PlaybookCase):
    """The request and claim forms of RC-6 render with the client's data (HTML: no wkhtmltopdf needed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A company whose document layout is set prints at once instead of opening the layout configurator.
        cls.company.external_report_layout_id = cls.env.ref("web.external_layout_standard")

    def render(self, report, records):
        html, kind = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)
        self.assertEqual(kind, "html")
        return html.decode()

    def test_claim_form(self):
        contact = self.env["res.partner"].create({"name": "Irina Sokolova", "parent_id": self.partner.id})
        claim = self.env["crm.customer.claim"].create(
            {
                "partner_id": self.partner.id,
                "contact_id": contact.id,
                "user_id": self.user_salesperson.id,
                "essence": "Twelve of forty tiles arrived cracked.",
                "client_demand": "Replace them this week.",
                "manager_proposal": "Replacement with Monday's delivery.",
                "talk_result": "more_time",
                "date": datetime(2026, 11, 20, 15, 0),
                "filled_at": datetime(2026, 11, 20, 15, 20),
            }
        )
        html = self.render("crm_sales_playbook.report_customer_claim", claim)
        for text in (
            claim.name,
            "UralStroy LLC",
            "Irina Sokolova",
            "Pb Salesperson",
            "Twelve of forty tiles arrived cracked.",
            "Replace them this week.",
            "Replacement with Monday&#39;s delivery.",
            "More Time Needed",
            "Date and time filled",
        ):
            self.assertIn(text, html)
        self.assertEqual(claim.action_print_form()["report_name"], "crm_sales_playbook.report_customer_claim")

    def test_request_form_from_a_lead(self):
        with self.pinned_time(datetime(2026, 11, 23, 8, 30)):
            lead = self.create_lead(
                name="Tiles for the Sokol office",
                partner_id=self.partner.id,
                contact_name="Irina Sokolova",
                user_id=self.user_salesperson.id,
                playbook_request_volume="40 m² of ceramic tile",
                playbook_request_date=date(2026, 12, 1),
                playbook_delivery_method="delivery",
                playbook_delivery_place="Yekaterinburg, Lenina 5",
                playbook_request_conditions="Unload by hand",
            )
        self.assertEqual(lead.playbook_request_filled_at, datetime(2026, 11, 23, 8, 30))
        html = self.render("crm_sales_playbook.report_request_lead", lead)
        for text in (
            "Tiles for the Sokol office",
            "UralStroy LLC",
            "Irina Sokolova",
            "Pb Salesperson",
            "40 m² of ceramic tile",
            "12/01/2026",
            "Delivery",
            "Yekaterinburg, Lenina 5",
            "Unload by hand",
        ):
            self.assertIn(text, html)

    def test_request_form_from_a_quotation_made_from_the_lead(self):
        lead = self.create_lead(
            partner_id=self.partner.id, playbook_delivery_method="pickup", playbook_request_conditions="Pay on pickup"
        )
        context = lead._prepare_opportunity_quotation_context()
        self.assertEqual(context["default_playbook_delivery_method"], "pickup")
        order = (
            self.env["sale.order"]
            .with_context(**context)
            .create({"order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 3})]})
        )
        self.assertEqual(
            (order.playbook_delivery_method, order.playbook_request_conditions), ("pickup", "Pay on pickup")
        )
        html = self.render("crm_sales_playbook.report_request_order", order)
        for text in (order.name, "UralStroy LLC", "Online Reporting: 3.0 Units", "Pickup", "Pay on pickup"):
            self.assertIn(text, html)
        self.assertEqual(lead.action_print_request_form()["report_name"], "crm_sales_playbook.report_request_lead")
        self.assertEqual(order.action_print_request_form()["report_name"], "crm_sales_playbook.report_request_order")

    def test_printed_dates_without_seconds_in_the_clients_format(self):
        """Issue 20: the PDFs showed seconds; a Russian client reads «20.11.2026 18:00»."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        self.partner.lang = "ru_RU"
        claim = self.env["crm.customer.claim"].create(
            {
                "partner_id": self.partner.id,
                "essence": "Треснула плитка.",
                "date": datetime(2026, 11, 20, 15, 0, 7),
                "filled_at": datetime(2026, 11, 20, 15, 20, 42),
            }
        )
        with self.pinned_time(datetime(2026, 11, 23, 8, 30, 15)):
            lead = self.create_lead(
                name="Плитка для офиса", partner_id=self.partner.id, playbook_request_volume="40 м² плитки"
            )
        report = self.env["ir.actions.report"].with_context(tz="Europe/Moscow")
        claim_html = report._render_qweb_html("crm_sales_playbook.report_customer_claim", claim.ids)[0].decode()
        request_html = report._render_qweb_html("crm_sales_playbook.report_request_lead", lead.ids)[0].decode()
        self.assertIn("20.11.2026 18:00", claim_html)
        self.assertIn("20.11.2026 18:20", claim_html)
        self.assertIn("23.11.2026 11:30", request_html)
        for html in (claim_html, request_html):
            self.assertNotRegex(html, r"\d\d:\d\d:\d\d", "no seconds on a printed form")
        self.assertIn("Заявка на <span>40 м² плитки</span>", request_html, "RC-6: «Заявка на …»")
        self.assertIn("Плитка для офиса", request_html)
        self.assertNotIn("Обращение", request_html)
