from odoo import fields, models


class CrmLeadTeamTransfer(models.Model):
    """One move of a lead from a team to another: by hand, with its client, or as an SLA sanction."""

    _name = "crm.lead.team.transfer"
    _description = "Lead Transfer Between Teams"
    _order = "date desc, id desc"

    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    team_from_id = fields.Many2one("crm.team", string="From Team", index=True)
    team_to_id = fields.Many2one("crm.team", string="To Team", required=True, index=True)
    user_from_id = fields.Many2one("res.users", string="Previous Salesperson")
    reason = fields.Text(required=True)
    kind = fields.Selection(
        [("manual", "Transfer"), ("client", "Client Moved"), ("sla", "SLA Sanction")],
        required=True,
        default="manual",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    author_id = fields.Many2one("res.users", string="By", default=lambda self: self.env.user)
