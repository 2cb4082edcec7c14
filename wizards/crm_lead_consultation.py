from odoo import fields, models


class CrmLeadConsultation(models.TransientModel):
    """The manager asks a specialist for a prospect consultation on the lead (EV-3)."""

    _name = "crm.lead.consultation"
    _description = "Request a Consultation"

    lead_id = fields.Many2one("crm.lead", required=True)
    specialist_id = fields.Many2one("res.users", required=True, domain="[('share', '=', False)]")
    date_deadline = fields.Date(string="Due Date", required=True, default=fields.Date.context_today)
    note = fields.Text(string="Question", required=True)

    def action_request(self):
        self.ensure_one()
        self.lead_id.activity_schedule(
            "crm_sales_playbook.mail_activity_type_consultation",
            user_id=self.specialist_id.id,
            date_deadline=self.date_deadline,
            note=self.note,
            summary=self.env._("Prospect consultation: %(lead)s", lead=self.lead_id.display_name),
        )
        return {"type": "ir.actions.act_window_close"}
