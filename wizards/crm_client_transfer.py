from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmClientTransfer(models.TransientModel):
    """Sales support moves a client, its open leads and its reservations to another team."""

    _name = "crm.client.transfer"
    _description = "Move a Client to Another Team"

    partner_id = fields.Many2one("res.partner", string="Client", required=True)
    team_id = fields.Many2one(
        "crm.team", string="To Team", required=True, domain=lambda self: [("company_id", "in", self.env.companies.ids)]
    )
    reason = fields.Text(required=True)
    as_sanction = fields.Boolean(
        string="Record as a Sanction",
        default=True,
        help="The client is moved as a sanction against the team it leaves (Kontur 9.1.4): the sanction is "
        "recorded, and the team may contest it.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "res.partner" and self.env.context.get("active_id"):
            partner = self.env["res.partner"].browse(self.env.context["active_id"])
            values["partner_id"] = partner.commercial_partner_id.id
        return values

    def action_transfer(self):
        self.ensure_one()
        Job = self.env["crm.playbook.job"]
        count = self.partner_id._playbook_open_lead_count(self.team_id)
        if Job._playbook_threshold_reached(count):
            if not self.env.user._playbook_is_support():
                raise UserError(self.env._("Only sales support may move a client to another team."))
            return Job._playbook_enqueue(
                "client",
                self.env._("Move of client %(client)s", client=self.partner_id.display_name),
                {
                    "partner_id": self.partner_id.id,
                    "team_id": self.team_id.id,
                    "reason": self.reason,
                    "sanction": self.as_sanction,
                },
                count,
            )
        self.partner_id._playbook_transfer_client_to_team(self.team_id, self.reason, sanction=self.as_sanction)
        return {"type": "ir.actions.act_window_close"}
