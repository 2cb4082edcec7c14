"""18.0.1.8.0: a day's work that feels right, in Russian (issue 20). One small function per change."""

from odoo import SUPERUSER_ID, api


def roles_land_on_their_page(env):
    """Operators land on the inbound desk, the legal department on the claims to review: users made before
    the upgrade get the home action their role now comes with (unless one was chosen for them)."""
    env["res.users"].with_context(active_test=False).search([("share", "=", False)])._playbook_set_home_action()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    roles_land_on_their_page(env)
