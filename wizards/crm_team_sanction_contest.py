from odoo import fields, models


class CrmTeamSanctionContest(models.TransientModel):
    """The sanctioned team says why it contests the sanction (Kontur §10.1)."""

    _name = "crm.team.sanction.contest"
    _description = "Contest a Team Sanction"

    sanction_id = fields.Many2one("crm.team.sanction", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_contest(self):
        self.ensure_one()
        self.sanction_id._playbook_contest(self.reason)
        return {"type": "ir.actions.act_window_close"}
