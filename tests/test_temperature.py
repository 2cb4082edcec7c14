from odoo.tests import Form, tagged

from .common import PlaybookCase

# Annex 1 of the instruction, restated here so the shipped data is checked against it.
ANNEX_1 = {
    "registration": ("warm", "client"),
    "connection_request": ("hot", "client"),
    "demo_order": ("warm", "client"),
    "consultation_request": ("hot", "client"),
    "presentation_request": ("warm", "client"),
    "callback_request": ("hot", "client"),
    "test_drive_order": ("warm", "client"),
    "calling_base_upload": ("cold", "internal"),
    "renewal_base_upload": ("cold", "internal"),
    "marketing_event_contacts": ("warm", "internal"),
    "created_by_sales_support": ("warm", "internal"),
    "upsell_base_upload": ("cold", "internal"),
}


@tagged("post_install", "-at_install")
class TestTemperature(PlaybookCase):
    def test_each_annex_source_sets_the_temperature(self):
        for key, (temperature, initiator) in ANNEX_1.items():
            with self.subTest(source=key):
                source = self.source[key]
                self.assertEqual(source.initiator, initiator, f"source {key} is started by the {initiator}")
                lead = self.create_lead(source_id=source.id)
                self.assertEqual(lead.temperature, temperature, f"a lead from {key} is {temperature}")
                self.assertFalse(lead.temperature_manual, "a temperature taken from the source is not manual")

    def test_source_change_moves_the_temperature(self):
        lead = self.create_lead(source_id=self.source["calling_base_upload"].id)
        self.assertEqual(lead.temperature, "cold")
        lead.source_id = self.source["callback_request"]
        self.assertEqual(lead.temperature, "hot", "a lead that follows its source heats up with it")

    def test_manual_choice_survives_source_change_and_is_tracked(self):
        lead = self.create_lead(source_id=self.source["calling_base_upload"].id)
        self.flush_tracking()
        lead.temperature = "hot"
        self.assertTrue(lead.temperature_manual, "a temperature other than the source's is manual")
        lead.source_id = self.source["demo_order"]
        self.assertEqual(lead.temperature, "hot", "the manual choice survives a later source change")
        self.assertIn(
            ("Cold", "Hot"), self.tracked_values(lead, "temperature"), "the manual change is in the lead's history"
        )

        lead.action_reset_temperature()
        self.assertFalse(lead.temperature_manual, "reset lets the temperature follow the source again")
        self.assertEqual(lead.temperature, "warm", "after reset the temperature is the source's")
        lead.source_id = self.source["connection_request"]
        self.assertEqual(lead.temperature, "hot")

    def test_choosing_the_source_value_by_hand_is_not_manual(self):
        lead = self.create_lead(source_id=self.source["demo_order"].id, temperature="warm")
        self.assertFalse(lead.temperature_manual)
        lead.source_id = self.source["upsell_base_upload"]
        self.assertEqual(lead.temperature, "cold")

    def test_manual_temperature_at_creation(self):
        lead = self.create_lead(source_id=self.source["demo_order"].id, temperature="cold")
        self.assertTrue(lead.temperature_manual)
        self.assertEqual(lead.temperature, "cold")

    def test_lead_without_source_keeps_its_hand_set_temperature(self):
        lead = self.create_lead(temperature="warm")
        self.assertEqual(lead.temperature, "warm")
        self.assertTrue(lead.temperature_manual)
        lead.source_id = self.source["connection_request"]
        self.assertEqual(lead.temperature, "warm")

    def test_form_follows_source_then_keeps_manual_choice(self):
        self.env.user.groups_id |= self.env.ref("sales_team.group_sale_manager")
        with Form(self.Lead.with_context(default_type="opportunity")) as form:
            form.name = "Form lead"
            form.source_id = self.source["consultation_request"]
            self.assertEqual(form.temperature, "hot", "the form shows the source's temperature at once")
        lead = form.record
        self.assertEqual(lead.temperature, "hot")
        self.assertFalse(lead.temperature_manual, "saving the onchange value is not a manual choice")

        with Form(lead) as form:
            form.temperature = "warm"
        self.assertTrue(lead.temperature_manual)
        with Form(lead) as form:
            form.source_id = self.source["callback_request"]
            self.assertEqual(form.temperature, "warm", "the form keeps the manual choice too")
        self.assertEqual(lead.temperature, "warm")

    def test_temperature_filters_and_grouping(self):
        hot = self.create_lead(source_id=self.source["callback_request"].id)
        cold = self.create_lead(source_id=self.source["renewal_base_upload"].id)
        leads = hot | cold
        self.assertEqual(self.Lead.search([("id", "in", leads.ids), ("temperature", "=", "hot")]), hot)
        groups = self.Lead._read_group([("id", "in", leads.ids)], ["temperature"], ["__count"])
        self.assertEqual(dict(groups), {"hot": 1, "cold": 1})

    def test_email_gateway_sets_the_channel(self):
        lead = self.Lead.message_new(
            {"subject": "Please call me", "from": "client@example.com"}, {"type": "opportunity"}
        )
        self.assertEqual(lead.channel, "email", "a lead from the mail gateway arrived by email")
