from odoo import fields, models


class CrmLeadPostpone(models.TransientModel):
    """The client was reached and the talk moved: when, and what was agreed (PP-11, PP-14)."""

    _name = "crm.lead.postpone"
    _description = "Postpone a Lead"

    lead_id = fields.Many2one("crm.lead", required=True)
    postponed_until = fields.Datetime(string="Call Back On", required=True)
    comment = fields.Text(string="Agreed with the Client", required=True)

    def action_postpone(self):
        self.ensure_one()
        self.lead_id._playbook_postpone(self.postponed_until, self.comment)
        return {"type": "ir.actions.act_window_close"}
