from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestBadInput(PlaybookCase):
    def test_unknown_selection_values(self):
        for field_name in ("temperature", "deal_type", "channel"):
            with self.subTest(field=field_name):
                with self.assertRaisesRegex(ValidationError, r"Lead Bad one: 'tepid' is not a valid"):
                    self.create_lead(name="Bad one", **{field_name: "tepid"})
                lead = self.create_lead(name="Good one")
                with self.assertRaisesRegex(ValidationError, r"Lead Good one: 'tepid' is not a valid .*Allowed"):
                    lead.write({field_name: "tepid"})
                self.assertFalse(lead[field_name])

    def test_batch_with_one_bad_row_creates_nothing(self):
        count = self.Lead.search_count([])
        with self.assertRaises(ValidationError):
            self.Lead.create(
                [
                    {"name": "Fine", "deal_type": "service"},
                    {"name": "No product", "deal_type": "connection"},
                ]
            )
        self.assertEqual(self.Lead.search_count([]), count, "nothing is half-written")

    def test_product_of_another_company(self):
        product = self.env["product.product"].create(
            {"name": "Other company's product", "company_id": self.company_2.id}
        )
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.create_lead(deal_type="connection", product_id=product.id)

    def test_source_of_another_company(self):
        source = self.env["utm.source"].create({"name": "Second company fair", "company_id": self.company_2.id})
        with self.assertRaisesRegex(UserError, "Incompatible companies"):
            self.create_lead(source_id=source.id)
        shared = self.env["utm.source"].create({"name": "Shared fair"})
        self.assertTrue(self.create_lead(source_id=shared.id), "a source without company is shared")

    def test_a_new_lead_reads_neither_its_product_nor_its_source(self):
        """Odoo checks that a lead's product and source belong to its company: their companies, and the source's
        temperature, are kept per worker, so a new lead reads neither table; a change is seen by the next lead."""
        product = self.env["product.product"].create({"name": "Shared product"})
        source = self.env["utm.source"].create({"name": "Shared fair", "temperature": "warm"})
        self.env.invalidate_all()
        self.create_lead(name="First", product_id=product.id, source_id=source.id)  # the worker reads them once
        self.env.invalidate_all()
        with self.recorded_queries() as queries:
            lead = self.create_lead(name="Second", product_id=product.id, source_id=source.id)
        tables = ('FROM "product_product"', 'FROM "product_template"', 'FROM "utm_source"')
        self.assertEqual([query for query in queries if any(table in query for table in tables)], [])
        self.assertEqual((lead.product_id, lead.source_id, lead.temperature), (product, source, "warm"))
        product.product_tmpl_id.company_id = self.company_2
        source.company_id = self.company_2
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "(?s)Incompatible companies.*Shared product"):
            self.create_lead(name="Third", product_id=product.id)
        with self.assertRaisesRegex(UserError, "(?s)Incompatible companies.*Shared fair"):
            self.create_lead(name="Third", source_id=source.id)
        source.write({"company_id": False, "temperature": "hot"})
        product.product_tmpl_id.company_id = False
        self.env.invalidate_all()
        lead = self.create_lead(name="Fourth", product_id=product.id, source_id=source.id)
        self.assertEqual((lead.product_id, lead.temperature), (product, "hot"))

    def test_the_copies_follow_a_deleted_company_and_a_moved_variant(self):
        """The per-worker copies of a product's and a source's company follow what changes them without a write
        of either: a company deleted (the database empties their company) and a variant moved to another
        template."""
        size = self.env["product.attribute"].create({"name": "Size", "value_ids": [Command.create({"name": "S"})]})
        theirs = self.env["product.template"].create(
            {
                "name": "Their template",
                "company_id": self.company_2.id,
                # Variants of their own: the moved one, with no attribute value, is not one of them.
                "attribute_line_ids": [Command.create({"attribute_id": size.id, "value_ids": size.value_ids.ids})],
            }
        )
        variant = self.env["product.product"].create({"name": "Shared variant"})
        self.env.invalidate_all()
        self.create_lead(name="With the variant", product_id=variant.id)
        variant.product_tmpl_id = theirs
        self.env.invalidate_all()
        with self.assertRaisesRegex(UserError, "(?s)Incompatible companies.*Their template"):
            self.create_lead(name="With the moved variant", product_id=variant.id)

        closing = self.env["res.company"].create({"name": "Closing Company"})
        source = self.env["utm.source"].create({"name": "Closing fair", "company_id": closing.id})
        product = self.env["product.product"].create({"name": "Closing product", "company_id": closing.id})
        self.env.invalidate_all()
        first = self.Lead.create(
            {"name": "Theirs", "company_id": closing.id, "source_id": source.id, "product_id": product.id}
        )
        first.unlink()
        closing.unlink()
        self.env.invalidate_all()
        lead = self.create_lead(name="Ours now", source_id=source.id, product_id=product.id)
        self.assertEqual((lead.company_id, lead.source_id, lead.product_id), (self.company, source, product))
        self.assertFalse(source.company_id or product.company_id, "both shared once their company is gone")

    def test_stage_of_another_company(self):
        stage = self.env["crm.stage"].create({"name": "Their stage", "team_id": self.team_company_2.id})
        lead = self.create_lead(name="Ours")
        with self.assertRaisesRegex(ValidationError, "of another company"):
            lead.stage_id = stage
        with self.assertRaisesRegex(ValidationError, "cannot use stage Their stage of team Team Second Company"):
            self.create_lead(name="Ours", stage_id=stage.id)

    def test_source_temperature_is_for_admins(self):
        source = self.source["demo_order"].with_user(self.user_salesperson)
        with self.assertRaisesRegex(AccessError, "Only CRM administrators"):
            source.temperature = "hot"
        with self.assertRaises(AccessError):
            self.env["utm.source"].with_user(self.user_head).create({"name": "Mine", "temperature": "hot"})
        source.with_user(self.user_admin).temperature = "hot"
        self.assertEqual(source.temperature, "hot")
        self.source["demo_order"].with_user(self.user_support).temperature = "warm"
        self.assertEqual(source.temperature, "warm")
        self.assertTrue(
            self.env["utm.source"].with_user(self.user_salesperson).create({"name": "Plain"}),
            "plain UTM sources stay open to every user, as in Odoo",
        )
