from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestWorkStatus(PlaybookCase):
    def test_status_follows_the_stage_flags(self):
        lead = self.create_lead(stage_id=self.stage_new.id)
        self.assertEqual(lead.work_status, "new", "a stage flagged New keeps the lead new")
        lead.stage_id = self.stage_contact
        self.assertEqual(lead.work_status, "in_work", "leaving the New stages takes the lead into work")
        lead.stage_id = self.stage_proposal
        self.assertEqual(lead.work_status, "in_work")
        lead.stage_id = self.stage_new
        self.assertEqual(lead.work_status, "new")

    def test_flag_is_a_setting_not_a_name(self):
        screening = self.env["crm.stage"].create({"name": "Screening", "sequence": 2, "is_new_stage": True})
        lead = self.create_lead(stage_id=screening.id)
        self.assertEqual(lead.work_status, "new", "any stage flagged New counts as new, whatever its name")
        screening.is_new_stage = False
        self.assertEqual(lead.work_status, "in_work", "unflagging a stage moves its leads into work")
        self.stage_new.name = "Incoming"
        self.assertEqual(
            self.create_lead(stage_id=self.stage_new.id).work_status, "new", "renaming the stage changes nothing"
        )

    def test_won_lost_and_restored(self):
        lead = self.create_lead(stage_id=self.stage_contact.id)
        lead.action_set_won()
        self.assertEqual(lead.work_status, "won", "Odoo's won stage is won")
        lead = self.create_lead(stage_id=self.stage_contact.id)
        lead.action_set_lost(lost_reason_id=self.env.ref("crm.lost_reason_1").id)
        self.assertEqual((lead.active, lead.probability, lead.work_status), (False, 0, "lost"))
        lead.action_unarchive()
        self.assertTrue(lead.active)
        self.assertEqual(lead.work_status, "in_work", "a restored lead is back in work in its stage")
        lead = self.create_lead(stage_id=self.stage_new.id)
        lead.action_set_lost()
        lead.toggle_active()
        self.assertEqual(lead.work_status, "new", "a lead restored in a New stage is new again")

    def test_archived_is_not_lost(self):
        lead = self.create_lead(stage_id=self.stage_contact.id, probability=40)
        lead.active = False
        self.assertEqual(lead.work_status, "in_work", "archiving without losing is not a refusal")

    def test_blocked(self):
        lead = self.create_lead(stage_id=self.stage_contact.id, partner_id=self.partner.id, product_id=self.product.id)
        reservation = self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": self.team_b.id,
                "date_end": "2099-01-31",
            }
        )
        self.assertEqual(lead.work_status, "blocked", "another team's reservation blocks the lead")
        reservation.action_release()
        self.assertEqual(lead.work_status, "in_work", "the lead is back in work when the hold ends")
        reservation.state = "active"
        self.assertEqual(lead.work_status, "blocked")
        lead.action_set_lost()
        self.assertEqual(lead.work_status, "lost", "a refusal ends a blocked lead too")

    def test_lead_without_stage_is_new(self):
        lead = self.create_lead(type="lead", team_id=False)
        lead.stage_id = False
        self.assertEqual(lead.work_status, "new")

    def test_status_is_searchable(self):
        new = self.create_lead(stage_id=self.stage_new.id)
        in_work = self.create_lead(stage_id=self.stage_contact.id)
        found = self.Lead.search([("id", "in", (new | in_work).ids), ("work_status", "=", "in_work")])
        self.assertEqual(found, in_work)

    def test_status_cannot_be_written(self):
        lead = self.create_lead(stage_id=self.stage_new.id)
        with self.assertRaisesRegex(UserError, "work status follows the stage"):
            lead.write({"work_status": "in_work"})
        with self.assertRaisesRegex(UserError, "work status follows the stage"):
            self.create_lead(work_status="won")
        self.assertEqual(lead.work_status, "new")
