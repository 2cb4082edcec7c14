from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PlaybookCase

TRANSFER_AT = datetime(2026, 11, 23, 12, 30)


@tagged("post_install", "-at_install")
class TestTransfer(PlaybookCase):
    def lead_for(self, partner_name, temperature, **values):
        partner = self.env["res.partner"].create({"name": partner_name, "is_company": True})
        return self.create_lead(
            name=partner_name,
            partner_id=partner.id,
            product_id=self.product.id,
            temperature=temperature,
            deal_type="renewal",
            user_id=self.user_salesperson.id,
            **values,
        )

    def hold(self, lead, origin):
        return self.env["crm.client.reservation"].create(
            {
                "partner_id": lead.partner_id.id,
                "product_id": self.product.id,
                "team_id": lead.team_id.id,
                "date_end": "2027-06-30",
                "origin": origin,
            }
        )

    def test_rules_per_temperature_and_reservation(self):
        cold = self.lead_for("Cold Co", "cold")
        hot_free = self.lead_for("Hot Free", "hot")
        warm_connection = self.lead_for("Warm Connection", "warm")
        hot_invoice = self.lead_for("Hot Invoice", "hot")
        warm_period = self.lead_for("Warm Period", "warm")
        held_by_connection = self.hold(warm_connection, "connection_lead")
        self.hold(hot_invoice, "invoice")
        self.hold(warm_period, "service_period")
        leads = cold | hot_free | warm_connection | hot_invoice | warm_period

        with self.pinned_time(TRANSFER_AT):
            moved, refused = leads.with_user(self.user_support)._playbook_transfer_to_team(self.team_b, "Missed SLA")
        self.assertEqual(moved, hot_free | warm_connection)
        self.assertEqual(
            {lead.name: reason for lead, reason in refused.items()},
            {
                "Cold Co": "cold leads are never transferred",
                "Hot Invoice": "the client is reserved for team Team Yekaterinburg by an invoice or paid period "
                "until 2027-06-30",
                "Warm Period": "the client is reserved for team Team Yekaterinburg by an invoice or paid period "
                "until 2027-06-30",
            },
        )
        for lead in moved:
            self.assertEqual(
                (lead.team_id, lead.user_id.id, lead.date_received),
                (self.team_b, False, TRANSFER_AT),
                "the team's clock restarts at the transfer",
            )
            [log] = lead.transfer_ids
            self.assertEqual(
                (log.team_from_id, log.team_to_id, log.user_from_id, log.reason, log.kind, log.date, log.author_id),
                (
                    self.team_a,
                    self.team_b,
                    self.user_salesperson,
                    "Missed SLA",
                    "manual",
                    TRANSFER_AT,
                    self.user_support,
                ),
            )
        self.assertEqual(held_by_connection.team_id, self.team_b, "the client's reservation moves with the lead")
        self.assertFalse(warm_connection.is_blocked)
        self.assertEqual((cold | hot_invoice | warm_period).team_id, self.team_a, "refused leads stay")

    def test_wizard_reports_what_stayed(self):
        cold = self.lead_for("Cold Co", "cold")
        hot = self.lead_for("Hot Co", "hot")
        wizard_form = Form(
            self.env["crm.lead.transfer"]
            .with_user(self.user_head)
            .with_context(active_model="crm.lead", active_ids=(cold | hot).ids)
        )
        wizard_form.team_id = self.team_b
        wizard_form.reason = "Client moved to Moscow"
        wizard = wizard_form.save()
        action = wizard.action_transfer()
        self.assertEqual(action["res_id"], wizard.id, "the wizard stays open to show what stayed")
        self.assertIn("1 leads transferred to Team Moscow", wizard.result)
        self.assertIn("Cold Co: cold leads are never transferred", wizard.result)
        self.assertEqual(hot.team_id, self.team_b)

        wizard = (
            self.env["crm.lead.transfer"]
            .with_user(self.user_head)
            .create({"lead_ids": [(6, 0, cold.ids)], "team_id": self.team_b.id, "reason": "again"})
        )
        with self.assertRaisesRegex(UserError, "No lead was transferred"):
            wizard.action_transfer()

    def test_reason_is_required(self):
        hot = self.lead_for("Hot Co", "hot")
        with self.assertRaisesRegex(UserError, "Say why"):
            hot._playbook_transfer_to_team(self.team_b, "  ")

    def test_support_moves_a_client_with_its_leads_and_reservations(self):
        hot = self.lead_for("Client Co", "hot")
        cold = self.create_lead(
            name="Client Co cold",
            partner_id=hot.partner_id.id,
            temperature="cold",
            product_id=self.env["product.product"].create({"name": "Other"}).id,
            deal_type="renewal",
        )
        reservation = self.hold(hot, "invoice")
        with self.assertRaisesRegex(UserError, "Only sales support"):
            hot.partner_id.with_user(self.user_head)._playbook_transfer_client_to_team(self.team_b, "decision")
        with self.pinned_time(TRANSFER_AT):
            wizard_form = Form(
                self.env["crm.client.transfer"]
                .with_user(self.user_support)
                .with_context(active_model="res.partner", active_id=hot.partner_id.id)
            )
            self.assertEqual(wizard_form.partner_id, hot.partner_id, "the wizard starts from the client")
            wizard_form.team_id = self.team_b
            wizard_form.reason = "Sanction 9.1.4"
            wizard_form.save().action_transfer()
        self.assertEqual((hot | cold).team_id, self.team_b, "every open lead of the client moves, even cold")
        self.assertEqual(reservation.team_id, self.team_b)
        self.assertFalse((hot | cold).filtered("is_blocked"))
        self.assertEqual(set((hot | cold).transfer_ids.mapped("kind")), {"client"})
        self.assertEqual(hot.date_received, TRANSFER_AT)
