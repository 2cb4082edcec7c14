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
