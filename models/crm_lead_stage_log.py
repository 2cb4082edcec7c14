"""The lead's side of its stage history (PP-1, X-REP): every stage it enters is written down, in one batch."""

from odoo import models

# The fields of a write that may move a lead to another stage: the stage itself, and what Odoo's
# ``_compute_stage_id`` reads when it picks the stage of a new team or type.
STAGE_FIELDS = {"stage_id", "team_id", "type"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    def _playbook_history_on_create(self):
        """A new lead entered its first stage."""
        leads = self.sudo()  # sudo: the history is the playbook's record of the leads the user just created
        self._playbook_history_insert({lead.id: False for lead in leads if lead.stage_id})

    def _playbook_history_before_write(self, vals):
        """The stage of each lead this write may move, before it: {lead id: stage id}.

        A write of the stage may move every lead; a new team or type moves only a lead without a stage, as
        Odoo's ``_compute_stage_id`` gives a stage to those only. Other writes move none, and cost nothing.
        """
        if "stage_id" in vals:
            return {lead.id: lead.stage_id.id for lead in self}
        if STAGE_FIELDS & set(vals):
            return {lead.id: False for lead in self if not lead.stage_id}
        return {}

    def _playbook_history_after_write(self, before):
        """The leads of this write that entered another stage, tracked or not (batch writes turn tracking off):
        one insert, no read of the history."""
        if not before:
            return
        leads = self.browse(list(before)).sudo()  # sudo: the history records the write the user just made
        moved = leads.filtered(lambda lead: lead.stage_id and lead.stage_id.id != before[lead.id])
        if moved:
            moved._playbook_history_insert({lead.id: before[lead.id] for lead in moved})

    def _playbook_history_insert(self, previous):
        """One history row per lead of ``previous`` ({lead id: the stage it left}), all in one create."""
        now = self.env.cr.now()
        rows = [
            {
                "lead_id": lead.id,
                "stage_id": lead.stage_id.id,
                "previous_stage_id": previous[lead.id],
                "date": now,
                "team_id": lead.team_id.id,
                "user_id": lead.user_id.id,
                "company_id": lead.company_id.id,
                "lead_type": lead.type,
            }
            for lead in self.browse(list(previous)).sudo()  # sudo: the row names the lead's team and salesperson
        ]
        if rows:
            History = self.env["crm.lead.stage.history"]
            History.sudo().create(rows)  # sudo: nobody creates history rows by hand; the write records its moves
