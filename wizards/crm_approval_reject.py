from odoo import api, fields, models


class CrmApprovalReject(models.TransientModel):
    """The approver rejects a proposal or an order and says why; the author is told (EV-6, EV-8)."""

    _name = "crm.approval.reject"
    _description = "Reject with a Reason"

    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    proposal_id = fields.Many2one("crm.lead.proposal", readonly=True)
    reason = fields.Text(required=True, help="Why the request is rejected: its author reads it.")

    @api.model
    def _action_for(self, request):
        """The dialog asking the reason for rejecting ``request`` (an order or a proposal)."""
        request.ensure_one()
        field = "order_id" if request._name == "sale.order" else "proposal_id"
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject %(request)s", request=request.display_name),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {f"default_{field}": request.id},
        }

    def action_reject(self):
        self.ensure_one()
        if self.order_id:
            self.order_id._playbook_decide(False, reason=self.reason)
        else:
            self.proposal_id._decide(False, reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
