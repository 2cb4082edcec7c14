from odoo.tests import Form, tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestDedup(PlaybookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing = cls.Lead.create(
            {
                "name": "UralStroy reporting",
                "type": "opportunity",
                "team_id": cls.team_a.id,
                "partner_id": cls.partner.id,
                "product_id": cls.product.id,
                "deal_type": "renewal",
                "source_id": cls.env.ref("crm_sales_playbook.utm_source_calling_base_upload").id,
                "email_from": "office@uralstroy.example.com",
                "phone": "+7 343 200-10-10",
            }
        )

    def request(self, **values):
        vals = {
            "name": "Repeated request",
            "type": "opportunity",
            "product_id": self.product.id,
            "team_id": self.team_a.id,
            "deal_type": "renewal",
        }
        vals.update(values)
        return vals

    def test_same_partner_returns_the_open_lead_and_updates_it(self):
        contact = self.env["res.partner"].create({"name": "Anna", "parent_id": self.partner.id})
        count = self.Lead.search_count([])
        lead = self.Lead.create(
            self.request(
                partner_id=contact.id,
                source_id=self.source["callback_request"].id,
                channel="web_form",
                phone="+7 912 345-67-89",
                email_from="anna@uralstroy.example.com",
                description="<p>Call me after lunch</p>",
            )
        )
        self.assertEqual(lead, self.existing, "a contact of the same company is the same client")
        self.assertEqual(self.Lead.search_count([]), count, "no second lead")
        self.assertEqual(lead.temperature, "hot", "the hotter request heats the lead")
        self.assertEqual(lead.mobile, "+7 912 345-67-89", "a new phone is added")
        self.assertEqual(lead.email_cc, "anna@uralstroy.example.com", "a new email is added")
        body = lead.message_ids[0].body
        for text in ("asked again", "Web Form", "Callback request", "Call me after lunch", "+7 912 345-67-89"):
            self.assertIn(text, body)

    def test_colder_request_does_not_cool_the_lead(self):
        self.existing.temperature = "hot"
        lead = self.Lead.create(self.request(partner_id=self.partner.id, temperature="cold"))
        self.assertEqual((lead, lead.temperature), (self.existing, "hot"))

    def test_match_by_email_phone_and_vat(self):
        self.partner.vat = "6658000000"
        for label, values in {
            "email": {"email_from": "Office <OFFICE@uralstroy.example.com>"},
            "phone": {"phone": "8 (343) 200 10 10"},
            "vat": {
                "partner_id": self.env["res.partner"]
                .create({"name": "UralStroy (duplicate card)", "is_company": True, "vat": "6658000000"})
                .id
            },
        }.items():
            with self.subTest(match=label):
                self.assertEqual(self.Lead.create(self.request(**values)), self.existing)

    def test_russian_phone_formats_match_one_client(self):
        first = self.Lead.create(
            self.request(
                name="Ivanov",
                phone="+7 912 345-67-89",
                product_id=self.env["product.product"].create({"name": "P2"}).id,
            )
        )
        for number in ("8 (912) 345 67 89", "89123456789", "+7 912 345-67-89"):
            with self.subTest(number=number):
                self.assertEqual(self.Lead.create(self.request(phone=number, product_id=first.product_id.id)), first)

    def test_batch_rows_each_on_their_own(self):
        other_product = self.env["product.product"].create({"name": "Signature"})
        leads = self.Lead.create(
            [
                self.request(name="row 0: existing client", partner_id=self.partner.id),
                self.request(name="row 1: new client", email_from="new@client.example.com"),
                self.request(name="row 2: same new client", email_from="NEW@client.example.com"),
                self.request(name="row 3: other product", partner_id=self.partner.id, product_id=other_product.id),
                self.request(
                    name="row 4: other company",
                    partner_id=self.partner.id,
                    team_id=self.team_company_2.id,
                    company_id=self.company_2.id,
                ),
                {"name": "row 5: no product", "partner_id": self.partner.id},
            ]
        )
        self.assertEqual(len(leads), 6, "one lead per row, in order")
        self.assertEqual(leads[0], self.existing)
        self.assertEqual(leads[2], leads[1], "a duplicate inside the batch merges too")
        self.assertEqual(leads[1].name, "row 1: new client")
        self.assertEqual(len(set(leads.ids)), 5)
        self.assertEqual(leads[4].company_id, self.company_2, "companies never share leads")

    def test_closed_leads_do_not_absorb_requests(self):
        self.existing.action_set_lost()
        lead = self.Lead.create(self.request(partner_id=self.partner.id))
        self.assertNotEqual(lead, self.existing)

    def test_form_intake(self):
        with Form(self.Lead.with_context(default_type="opportunity")) as form:
            form.name = "Typed again"
            form.partner_id = self.partner
            form.product_id = self.product
            form.deal_type = "renewal"
        self.assertEqual(form.record, self.existing)

    def test_import_reports_merged_rows(self):
        result = self.Lead.load(
            ["name", "partner_id/id", "product_id/id", "deal_type", "team_id/id"],
            [
                ["Imported", self._xmlid(self.partner), self._xmlid(self.product), "renewal", self._xmlid(self.team_a)],
                ["Imported new", "", self._xmlid(self.product), "renewal", self._xmlid(self.team_a)],
            ],
        )
        self.assertEqual(result["ids"][0], self.existing.id)
        self.assertNotEqual(result["ids"][1], self.existing.id)
        [message] = [m for m in result["messages"] if m["type"] == "info"]
        self.assertIn(f"Merged into the existing lead UralStroy reporting (id {self.existing.id})", message["message"])
        self.assertEqual(message["rows"], {"from": 0, "to": 0})

    def test_email_gateway_with_alias_defaults(self):
        lead = self.Lead.message_new(
            {"subject": "Invoice please", "from": "Office <office@uralstroy.example.com>", "body": "<p>Hi</p>"},
            {"type": "opportunity", "product_id": self.product.id, "team_id": self.team_a.id},
        )
        self.assertEqual(lead, self.existing)

    def test_website_form_intake(self):
        lead = (
            self.Lead.sudo()
            .with_context(mail_create_nosubscribe=True)
            .create(self.request(contact_name="Anna", email_from="office@uralstroy.example.com", channel="web_form"))
        )
        self.assertEqual(lead, self.existing)

    def test_dedup_can_be_switched_off(self):
        self.company.playbook_dedup = False
        lead = self.Lead.create(self.request(partner_id=self.partner.id))
        self.assertNotEqual(lead, self.existing)

    def _xmlid(self, record):
        data = self.env["ir.model.data"].search([("model", "=", record._name), ("res_id", "=", record.id)])
        if not data:
            data = self.env["ir.model.data"].create(
                {
                    "module": "__test__",
                    "name": f"{record._table}_{record.id}",
                    "model": record._name,
                    "res_id": record.id,
                }
            )
        return f"{data.module}.{data.name}"
