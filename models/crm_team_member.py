from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CrmTeamMember(models.Model):
    _inherit = "crm.team.member"

    # Each salesperson's cold-calling hours and daily number of calls (LG-3, LG-6).
    playbook_calling_from = fields.Float(
        string="Calls From", default=10.0, help="When the salesperson's calling hours start, in the team's time."
    )
    playbook_calling_to = fields.Float(string="Calls Until", default=17.0)
    playbook_cold_calls_per_day = fields.Integer(
        string="Cold Calls a Day",
        default=0,
        help="How many prospects the salesperson calls a day; 0 leaves them out of the daily call lists.",
    )

    @api.constrains("playbook_calling_from", "playbook_calling_to", "playbook_cold_calls_per_day")
    def _check_playbook_calling(self):
        for member in self:
            if (
                not 0 <= member.playbook_calling_from < member.playbook_calling_to <= 24
                or member.playbook_cold_calls_per_day < 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s: calling hours must run forward within the day and the number of calls be positive.",
                        user=member.user_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """A member added from the Members menu follows the team as one added on the team form does."""
        members = super().create(vals_list)
        self.env.registry.clear_cache()  # ``crm.team._playbook_operator_id``
        members.crm_team_id._playbook_subscribe_members()
        return members

    def write(self, vals):
        result = super().write(vals)
        if {"crm_team_id", "user_id", "active"} & set(vals):
            self.env.registry.clear_cache()  # ``crm.team._playbook_operator_id``
        if vals.get("active") or "user_id" in vals:
            self.crm_team_id._playbook_subscribe_members()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()  # ``crm.team._playbook_operator_id``
        return result
