"""18.0.1.9.0: a follow-up's activity says so (issue 19), so that marking another activity done looks no follow-up
up. One small function per change."""

from odoo import SUPERUSER_ID, api


def followup_activities_flagged(env):
    """The activities of the follow-ups planned before the upgrade get the flag the new ones are created with."""
    env.cr.execute(
        """UPDATE mail_activity SET playbook_followup = TRUE
            WHERE id IN (SELECT activity_id FROM crm_lead_followup WHERE activity_id IS NOT NULL)
              AND playbook_followup IS NOT TRUE"""
    )
    env["mail.activity"].invalidate_model(["playbook_followup"])


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    followup_activities_flagged(env)
