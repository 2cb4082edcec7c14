from odoo import api, fields, models
from odoo.tools import SQL

from .approval import APPROVAL_KINDS, approver_leader
from .locking import run_batch


class CrmLeadFollowup(models.Model):
    """An approval left pending goes up: the approver is reminded when it falls due (the follow-up's own
    reminder), the approver's team leader the same minutes later, each exactly once (EV-6, EV-8)."""

    _inherit = "crm.lead.followup"

    escalate_at = fields.Datetime(
        string="Leader Told at",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When an approval still pending is reported to the approver's team leader: the approval minutes "
        "after the approver's reminder.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        followups = super().create(vals_list)
        followups._wake_approval_escalations()
        return followups

    def _workflow_buttons(self):
        buttons = super()._workflow_buttons()
        buttons["escalate_at"] = self.env._("asking for the approval sets it")
        return buttons

    def _wake_approval_escalations(self):
        pending = self.filtered(lambda f: f.kind in APPROVAL_KINDS and f.state == "pending" and f.escalate_at)
        if not pending:
            return
        cron = self.env.ref("crm_sales_playbook.crm_lead_followup_cron_escalate_approvals", raise_if_not_found=False)
        if cron:
            for moment in sorted(set(pending.mapped("escalate_at"))):
                cron._trigger(at=moment)

    @api.model
    def _cron_escalate_approvals(self, batch_size=200):
        """Tell the approver's team leader of each approval still pending at its escalation minute, once.

        Returns how many approvals were handled.
        """
        now = fields.Datetime.now()
        domain = [
            ("kind", "in", list(APPROVAL_KINDS)),
            ("state", "=", "pending"),
            ("escalate_at", "<=", now),
            ("escalated_at", "=", False),
        ]
        result = run_batch(
            self,
            domain,
            lambda followup: followup._escalate_approval(now),
            job="escalate pending approvals",
            order="escalate_at, id",
            batch_size=batch_size,
            condition=SQL("state = 'pending' AND escalated_at IS NULL"),
        )
        return result.done

    def _escalate_approval(self, now):
        self.ensure_one()
        leader = approver_leader(self.user_id, self.team_id, self.company_id or self.env.company)
        if leader:
            self._notify(
                self.env._("Approval waiting: %(name)s"),
                self.env._("%(name)s for %(lead)s was due at %(due)s and still waits for the approver. %(note)s"),
                partners=leader.partner_id,
            )
        self.escalated_at = now
