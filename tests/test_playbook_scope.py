from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import REAL_PHONE, PlaybookCase

SWITCHES = ("playbook_assignment", "playbook_guards", "playbook_members_follow")


@tagged("post_install", "-at_install")
class TestApplyToEveryTeam(PlaybookCase):
    """Where the playbook applies: each team's own switches, or every team when the company says so."""

    def switches(self, team):
        return tuple(team[switch] for switch in SWITCHES)

    def test_the_company_setting_turns_every_switch_on_and_off_again(self):
        self.team_a.playbook_guards = True
        self.assertEqual(self.switches(self.team_a), (False, True, False))
        self.assertEqual(self.switches(self.team_b), (False, False, False))

        with Form(self.env["res.config.settings"]) as settings:
            settings.playbook_all_teams = True
        self.assertTrue(self.company.playbook_all_teams)
        self.assertEqual(self.switches(self.team_a), (True, True, True))
        self.assertEqual(self.switches(self.team_b), (True, True, True))
        new_team = self.env["crm.team"].create({"name": "Team Kazan"})
        self.assertEqual(self.switches(new_team), (True, True, True), "a new team follows the company at once")
        self.assertEqual(
            self.switches(self.team_company_2), (False, False, False), "another company's teams keep their own"
        )
        self.assertEqual(
            self.env["crm.team"].search([("playbook_guards", "=", True), ("id", "in", self.team_b.ids)]),
            self.team_b,
            "the applied switch is stored: searches and domains see it",
        )

        self.company.playbook_all_teams = False
        self.assertEqual(self.switches(self.team_a), (False, True, False), "each team gets its own choice back")
        self.assertEqual(self.switches(self.team_b), (False, False, False))
        self.assertEqual(self.switches(new_team), (False, False, False))

    def test_a_choice_written_while_the_company_governs_is_kept_for_later(self):
        self.company.playbook_all_teams = True
        self.team_b.write({"playbook_assignment": False, "playbook_guards": True})
        self.assertEqual(self.switches(self.team_b), (True, True, True), "the company setting governs")
        self.company.playbook_all_teams = False
        self.assertEqual(self.switches(self.team_b), (False, True, False))

    def test_contact_rules_apply_in_a_team_that_did_not_opt_in(self):
        """Seed 004, 8.2.3: «перевод ПП из статуса «новая» в статус «в работе» без установления контакта
        с клиентом» is forbidden: in every team once the company applies the playbook."""
        lead = self.create_lead(
            name="Kazan Steel", team_id=self.team_b.id, stage_id=self.stage_new.id, phone=REAL_PHONE
        )
        self.env.flush_all()
        lead.stage_id = self.stage_contact  # the team follows Odoo: no rule
        self.assertEqual(lead.work_status, "in_work")

        self.company.playbook_all_teams = True
        other = self.create_lead(
            name="Kazan Glass",
            team_id=self.team_b.id,
            stage_id=self.stage_new.id,
            phone="+7 843 200-10-10",
            deal_type="service",
        )
        self.env.flush_all()
        self.assertTrue(other.playbook_guards)
        with self.assertRaisesRegex(ValidationError, "Lead Kazan Glass cannot go in work: no contact with the client"):
            other.write({"stage_id": self.stage_contact.id})

    def test_members_follow_the_team_when_the_company_applies_the_playbook(self):
        self.assertNotIn(self.user_salesperson_b.partner_id, self.team_b.message_partner_ids)
        self.company.playbook_all_teams = True
        self.assertIn(self.user_salesperson_b.partner_id, self.team_b.message_partner_ids)

    def test_the_team_form_shows_that_the_company_governs(self):
        arch = self.env["crm.team"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("The company applies the playbook to every team", arch)
        self.company.playbook_all_teams = True
        with Form(self.team_b) as form:
            self.assertTrue(form.playbook_company_governs)
            self.assertTrue(form.playbook_guards)
            # The team's own choice is hidden and the applied switch is read-only while the company governs.
            with self.assertRaises(AssertionError):
                form.playbook_guards = False
