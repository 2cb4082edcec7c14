from datetime import datetime, timedelta

from odoo.tests import Form, tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestSettings(PlaybookCase):
    """X-CFG: every setting of the playbook is on the settings page with its help, and applies at once."""

    def test_every_setting_has_a_help_text_and_is_on_the_page(self):
        Settings = self.env["res.config.settings"]
        arch = Settings.get_views([(False, "form")])["views"]["form"]["arch"]
        names = [name for name in Settings._fields if name.startswith("playbook_")]
        self.assertGreater(len(names), 25)
        for name in names:
            with self.subTest(setting=name):
                self.assertTrue(Settings._fields[name].get_description(self.env).get("help"), "no help text")
                self.assertIn('name="%s"' % name, arch, "not on the settings page")

    def test_a_change_applies_at_once(self):
        with Form(self.env["res.config.settings"]) as settings:
            settings.playbook_claim_notice_hours = 8
            settings.playbook_qc_call_days = 2
        self.assertEqual((self.company.playbook_claim_notice_hours, self.company.playbook_qc_call_days), (8, 2))
        when = datetime(2026, 11, 23, 9, 0)
        claim = self.env["crm.customer.claim"].create({"partner_id": self.partner.id, "essence": "x", "date": when})
        self.assertEqual(claim.notice_deadline, when + timedelta(hours=8))

    def test_every_setting_states_its_default(self):
        """Each help on the settings page says what the setting does when left as shipped."""
        Settings = self.env["res.config.settings"]
        Company = self.env["res.company"]
        names = [name for name in Settings._fields if name.startswith("playbook_")]
        helps = Settings.fields_get(names, ["help"])
        for name in names:
            field = Company._fields[name]
            default = field.default(Company) if field.default else False
            if field.type == "boolean":
                stated = "Default: on." if default else "Default: off."
            elif field.type in ("many2one", "many2many"):
                stated = "Without it" if "Without it" in (field.help or "") else "When empty"
            elif field.type == "integer":
                stated = "Default: %d." % default if default else "Default: 0 = off."
            elif field.type == "float":
                stated = "Default: %d:%02d." % (int(default), round(default % 1 * 60))
            else:
                labels = dict(field._description_selection(self.env))
                stated = "Default: %s." % (labels[default].lower() if default else "off")
            with self.subTest(setting=name):
                self.assertIn(stated.lower(), helps[name]["help"].lower())

    def test_links_to_each_teams_switches_and_the_company_switch(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        teams = self.env.ref("sales_team.crm_team_action_config")
        self.assertIn('name="%d" type="action"' % teams.id, arch, "a link opens the sales teams, each with its tab")
        self.assertIn('name="playbook_all_teams"', arch)
        self.assertEqual(teams.res_model, "crm.team")
        self.assertIn("Playbook tab", self.env["res.company"]._fields["playbook_all_teams"].help)
