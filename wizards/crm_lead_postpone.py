from odoo import api, fields, models

from ..models import working_time


class CrmLeadPostpone(models.TransientModel):
    """The client was reached and the talk moved: when, and what was agreed (PP-11, PP-14)."""

    _name = "crm.lead.postpone"
    _description = "Postpone a Lead"

    lead_id = fields.Many2one("crm.lead", required=True)
    postponed_until = fields.Datetime(string="Call Back On", required=True)
    comment = fields.Text(string="Agreed with the Client", required=True)
    zone_note = fields.Char(string="Time Zone", compute="_compute_zone_note")
    postponed_until_team_tz = fields.Char(string="Team Time", compute="_compute_zone_note")

    @api.depends("lead_id.team_id.tz", "postponed_until")
    @api.depends_context("uid")
    def _compute_zone_note(self):
        """The dialog says which zone its date is in (the user's, as Odoo shows dates) and the moment in the team's
        time, as the activity and the chatter will say it."""
        user_zone = working_time.zone_label(working_time.zone(self.env.user.tz), self.env)
        for wizard in self:
            lead = wizard.lead_id
            tz = lead.team_id._playbook_working_time(lead.company_id)[1]
            wizard.zone_note = self.env._(
                "The date is in your time zone, %(user_zone)s; the team works in %(team_zone)s.",
                user_zone=user_zone,
                team_zone=working_time.zone_label(tz, self.env),
            )
            wizard.postponed_until_team_tz = working_time.format_local(wizard.postponed_until, tz, self.env)

    def action_postpone(self):
        self.ensure_one()
        return self.lead_id._playbook_postpone(self.postponed_until, self.comment)
