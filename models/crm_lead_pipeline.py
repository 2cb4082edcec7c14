"""The playbook's pipeline kanban (X-KANBAN), chosen by a company setting.

One kanban shows the leads of many teams, so the revenue Odoo sums over each column says little (mostly "0"). A
company that sets *Pipeline by Temperature or Deadline* gets a kanban whose columns count their leads, whose bar
shows the leads' temperature or response status, and whose cards put the hot and breached leads first. The kanban
arch cannot read a company setting: the Pipeline actions swap Odoo's kanban for the playbook's variant.
"""

from odoo import api, fields, models

# The kanban variant of each value of ``res.company.playbook_pipeline_kanban``.
PIPELINE_KANBANS = {
    "temperature": "crm_sales_playbook.crm_lead_view_kanban_pipeline_temperature",
    "sla": "crm_sales_playbook.crm_lead_view_kanban_pipeline_sla",
}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Pipeline
    playbook_pipeline_rank = fields.Integer(
        string="Attention Rank",
        compute="_compute_playbook_pipeline_rank",
        store=True,
        help="Orders the playbook's pipeline: 3 hot with a breached response deadline, 2 breached, 1 hot, 0 others.",
    )

    @api.depends("temperature", "sla_status")
    def _compute_playbook_pipeline_rank(self):
        for lead in self:
            lead.playbook_pipeline_rank = 2 * (lead.sla_status == "breached") + (lead.temperature == "hot")


class CrmTeam(models.Model):
    _inherit = "crm.team"

    @api.model
    def action_your_pipeline(self):
        return self._playbook_pipeline_kanban(super().action_your_pipeline())

    def action_primary_channel_button(self):
        action = super().action_primary_channel_button()
        if action and action.get("res_model") == "crm.lead":
            action = self._playbook_pipeline_kanban(action)
        return action

    @api.model
    def _playbook_pipeline_kanban(self, action):
        """Give the Pipeline action the playbook's kanban when the current company chose one (X-KANBAN)."""
        xmlid = PIPELINE_KANBANS.get(self.env.company.playbook_pipeline_kanban)
        if not xmlid:
            return action
        kanban = self.env.ref(xmlid).id
        action["views"] = [(kanban if kind == "kanban" else view, kind) for view, kind in action.get("views", [])]
        return action
