from odoo import api, fields, models
from odoo.exceptions import UserError

from .common import reopen, selected_leads


class CrmLeadMassAssign(models.TransientModel):
    """Collects salespeople and how many leads each gets, then deals the selected leads (PP-9)."""

    _name = "crm.lead.mass.assign"
    _description = "Assign Leads to Salespeople"

    lead_ids = fields.Many2many(
        "crm.lead", string="Leads", required=True, default=selected_leads, context={"active_test": False}
    )
    line_ids = fields.One2many("crm.lead.mass.assign.line", "wizard_id", string="Salespeople")
    eligible_count = fields.Integer(compute="_compute_eligible", string="Leads to Deal")
    skipped_text = fields.Text(compute="_compute_eligible", string="Not Taken")
    result = fields.Text(readonly=True)
    allowed_user_ids = fields.Many2many(
        "res.users",
        string="Allowed Salespeople",
        compute="_compute_allowed_user_ids",
        help="The salespeople of the teams the user directs.",
    )

    def _compute_allowed_user_ids(self):
        for wizard in self:
            wizard.allowed_user_ids = self.env.user._playbook_assignable_users()

    @api.depends("lead_ids")
    def _compute_eligible(self):
        for wizard in self:
            eligible, skipped = wizard.lead_ids._playbook_split_assignable()
            wizard.eligible_count = len(eligible)
            wizard.skipped_text = wizard.lead_ids._playbook_reasons_text(skipped)

    def action_assign(self):
        self.ensure_one()
        counts = [(line.user_id, line.count) for line in self.line_ids]
        Job = self.env["crm.playbook.job"]
        if Job._playbook_threshold_reached(len(self.lead_ids)):
            self.lead_ids._playbook_check_assignees(self.line_ids.user_id)
            return Job._playbook_enqueue(
                "assign",
                self.env._("Mass assignment of %(count)s leads", count=len(self.lead_ids)),
                {"lead_ids": self.lead_ids.ids, "counts": [(user.id, count) for user, count in counts]},
                len(self.lead_ids),
            )
        assigned, skipped = self.lead_ids._playbook_assign_to(counts)
        result = self.env._(
            "%(count)s leads assigned: %(detail)s.",
            count=len(assigned),
            detail=assigned._playbook_counts_per_user_text(),
        )
        result += "\n" + assigned._playbook_assignment_text()
        if skipped:
            result += "\n" + self.env._("Not taken:") + "\n" + self.lead_ids._playbook_reasons_text(skipped)
        self.result = result
        return reopen(self, self.env._("Assignment Result"))


class CrmLeadMassAssignLine(models.TransientModel):
    _name = "crm.lead.mass.assign.line"
    _description = "Salesperson and Number of Leads"

    wizard_id = fields.Many2one("crm.lead.mass.assign", required=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", required=True, domain="[('id', 'in', parent.allowed_user_ids)]"
    )
    count = fields.Integer(string="Leads", required=True, default=1)

    @api.constrains("count")
    def _check_count(self):
        for line in self:
            if line.count <= 0:
                raise UserError(self.env._("%(user)s should get at least one lead.", user=line.user_id.name))
