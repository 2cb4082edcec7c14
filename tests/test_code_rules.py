from odoo.tests import BaseCase, tagged

from .code_rules import sudo_calls


@tagged("post_install", "-at_install")
class TestCodeRules(BaseCase):
    """Rules on the addon's own code (house style)."""

    def test_every_sudo_says_why(self):
        """Acting for a user: every elevation says why, on its line or the line above (X-SEC)."""
        calls = sudo_calls()
        self.assertGreater(len(calls), 20, "the addon's sources were found")
        unjustified = [f"{path}:{line}" for path, line, justified in calls if not justified]
        self.assertEqual(unjustified, [], "sudo() without '# sudo: <reason>' on its line or the line above")
