from odoo import api, fields, models

from .common import reopen, selected_leads


class CrmLeadDistribute(models.TransientModel):
    """Spreads warm and cold leads over the working days of a period to plan the daily load (PP-10)."""

    _name = "crm.lead.distribute"
    _description = "Plan Leads over a Period"

    lead_ids = fields.Many2many(
        "crm.lead", string="Leads", required=True, default=selected_leads, context={"active_test": False}
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Calendar of Team",
        required=True,
        default=lambda self: self._default_team(),
        domain="[('id', 'in', allowed_team_ids)]",
        help="Working days and holidays are read from this team's calendar.",
    )
    allowed_team_ids = fields.Many2many("crm.team", string="Allowed Teams", compute="_compute_allowed")
    allowed_user_ids = fields.Many2many("res.users", string="Allowed Salespeople", compute="_compute_allowed")
    date_from = fields.Date(string="From", required=True, default=fields.Date.context_today)
    date_to = fields.Date(string="To", required=True)
    user_ids = fields.Many2many(
        "res.users", string="Salespeople", required=True, domain="[('id', 'in', allowed_user_ids)]"
    )
    hot_count = fields.Integer(compute="_compute_selection", string="Hot Leads")
    eligible_count = fields.Integer(compute="_compute_selection", string="Leads to Plan")
    skipped_text = fields.Text(compute="_compute_selection", string="Not Taken")
    line_ids = fields.One2many("crm.lead.distribute.line", "wizard_id", string="Plan", readonly=True)
    result = fields.Text(readonly=True)
    done = fields.Boolean(readonly=True)

    def _default_team(self):
        context = self.env.context
        leads = self.env["crm.lead"].browse(
            context.get("active_ids", []) if context.get("active_model") == "crm.lead" else []
        )
        return leads.team_id[:1] if len(leads.team_id) == 1 else self.env.user.sale_team_id

    def _compute_allowed(self):
        """Only the teams the user directs and their salespeople: choices that can succeed."""
        for wizard in self:
            wizard.allowed_team_ids = self.env.user._playbook_managed_teams()
            wizard.allowed_user_ids = self.env.user._playbook_assignable_users()

    @api.depends("lead_ids")
    def _compute_selection(self):
        for wizard in self:
            eligible, skipped = wizard.lead_ids._playbook_split_distributable()
            wizard.hot_count = len(wizard.lead_ids.filtered(lambda lead: lead.temperature == "hot"))
            wizard.eligible_count = len(eligible)
            wizard.skipped_text = wizard.lead_ids._playbook_reasons_text(
                {lead: reason for lead, reason in skipped.items() if lead.temperature != "hot"}
            )

    def action_distribute(self):
        self.ensure_one()
        Job = self.env["crm.playbook.job"]
        if Job._playbook_threshold_reached(len(self.lead_ids)):
            self.lead_ids._playbook_check_period(self.date_from, self.date_to)
            self.lead_ids._playbook_check_assignees(self.user_ids)
            return Job._playbook_enqueue(
                "distribute",
                self.env._("Planning of %(count)s leads", count=len(self.lead_ids)),
                {
                    "lead_ids": self.lead_ids.ids,
                    "user_ids": self.user_ids.ids,
                    "team_id": self.team_id.id,
                    "date_from": fields.Date.to_string(self.date_from),
                    "date_to": fields.Date.to_string(self.date_to),
                },
                len(self.lead_ids),
            )
        plan, skipped = self.lead_ids._playbook_distribute_over_period(
            self.date_from, self.date_to, self.user_ids, self.team_id
        )
        result = self.env._("%(count)s leads planned.", count=len(plan))
        if skipped:
            result += "\n" + self.env._("Not planned:") + "\n" + self.lead_ids._playbook_reasons_text(skipped)
        summary = {}
        for lead, key in plan.items():
            summary.setdefault(key, []).append(lead.temperature)
        self.write(
            {
                "done": True,
                "result": result,
                "line_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "date": day,
                            "user_id": user.id,
                            "warm_count": temperatures.count("warm"),
                            "cold_count": temperatures.count("cold"),
                        },
                    )
                    for (day, user), temperatures in sorted(
                        summary.items(), key=lambda item: (item[0][0], item[0][1].name)
                    )
                ],
            }
        )
        return reopen(self, self.env._("Planned Contacts"))


class CrmLeadDistributeLine(models.TransientModel):
    _name = "crm.lead.distribute.line"
    _description = "Planned Contacts of a Day"
    _order = "date, id"

    wizard_id = fields.Many2one("crm.lead.distribute", required=True, ondelete="cascade")
    date = fields.Date(required=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    warm_count = fields.Integer(string="Warm")
    cold_count = fields.Integer(string="Cold")
    lead_count = fields.Integer(string="Leads", compute="_compute_lead_count")

    @api.depends("warm_count", "cold_count")
    def _compute_lead_count(self):
        for line in self:
            line.lead_count = line.warm_count + line.cold_count
