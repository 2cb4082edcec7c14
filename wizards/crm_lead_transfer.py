from odoo import api, fields, models
from odoo.exceptions import UserError

from .common import selected_leads


class CrmLeadTransfer(models.TransientModel):
    """Collects the target team and the reason, then transfers the selected leads (PP-7)."""

    _name = "crm.lead.transfer"
    _description = "Transfer Leads to Another Team"

    lead_ids = fields.Many2many("crm.lead", string="Leads", required=True, default=selected_leads)
    team_id = fields.Many2one(
        "crm.team", string="To Team", required=True, domain="[('company_id', 'in', allowed_company_ids)]"
    )
    allowed_company_ids = fields.Many2many(
        "res.company", string="Allowed Companies", compute="_compute_allowed_company_ids"
    )

    @api.depends("lead_ids")
    def _compute_allowed_company_ids(self):
        """The teams offered are those of the leads' company: a lead never moves to another company."""
        for wizard in self:
            companies = wizard.lead_ids.company_id & self.env.companies
            wizard.allowed_company_ids = companies if len(companies) == 1 else self.env.companies

    reason = fields.Text(required=True)
    result = fields.Text(readonly=True)

    def action_transfer(self):
        self.ensure_one()
        Job = self.env["crm.playbook.job"]
        if Job._playbook_threshold_reached(len(self.lead_ids)):
            self.lead_ids.check_access("write")
            return Job._playbook_enqueue(
                "transfer",
                self.env._(
                    "Transfer of %(count)s leads to %(team)s", count=len(self.lead_ids), team=self.team_id.display_name
                ),
                {"lead_ids": self.lead_ids.ids, "team_id": self.team_id.id, "reason": self.reason},
                len(self.lead_ids),
            )
        moved, refused = self.lead_ids._playbook_transfer_to_team(self.team_id, self.reason)
        if not moved:
            raise UserError(self.env._("No lead was transferred:\n%(reasons)s", reasons=self._refusal_text(refused)))
        if not refused:
            return {"type": "ir.actions.act_window_close"}
        self.result = self.env._(
            "%(count)s leads transferred to %(team)s. Not transferred:\n%(reasons)s",
            count=len(moved),
            team=self.team_id.display_name,
            reasons=self._refusal_text(refused),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Transfer Result"),
        }

    def _refusal_text(self, refused):
        return "\n".join(f"- {lead.display_name}: {reason}" for lead, reason in refused.items())
