from odoo import api, models


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    @api.model_create_multi
    def create(self, vals_list):
        """A member added from the Members menu follows the team as one added on the team form does."""
        members = super().create(vals_list)
        members.crm_team_id._playbook_subscribe_members()
        return members

    def write(self, vals):
        result = super().write(vals)
        if vals.get("active") or "user_id" in vals:
            self.crm_team_id._playbook_subscribe_members()
        return result
