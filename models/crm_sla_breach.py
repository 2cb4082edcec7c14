from odoo import fields, models


class CrmSlaBreach(models.Model):
    """One missed response deadline, recorded once when the escalation handles it (PP-15)."""

    _name = "crm.sla.breach"
    _description = "Missed Response Deadline"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    team_id = fields.Many2one("crm.team", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson")
    company_id = fields.Many2one("res.company", index=True)
    policy_id = fields.Many2one("crm.sla.policy")
    temperature = fields.Selection(related="policy_id.temperature")
    deadline = fields.Datetime(required=True)
    date = fields.Datetime(string="Escalated On", required=True, default=fields.Datetime.now, index=True)
    sanction = fields.Selection(
        [("notify", "Notified"), ("moved", "Moved to Another Team"), ("kept", "Kept: Could Not Move")],
        required=True,
        default="notify",
    )
    sanction_note = fields.Char()
