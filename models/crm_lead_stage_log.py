"""The lead's side of its stage history (PP-1, X-REP): every stage it enters is written down, in one batch."""

from odoo import models
from odoo.tools import SQL

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
        """One history row per lead of ``previous`` ({lead id: the stage it left}), all in one statement.

        The rows copy the lead's own stage, team, salesperson and company, checked on the lead: the ORM's create
        would check them again and look up defaults at every request that moves a lead. Nothing computes from the
        history (the analysis reads it with SQL); the model's cache is dropped."""
        now, uid = self.env.cr.now(), self.env.uid
        leads = self.browse(list(previous)).sudo()  # sudo: the row names the lead's team and salesperson
        rows = [
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                lead.id,
                lead.stage_id.id,
                previous[lead.id] or None,
                now,
                lead.team_id.id or None,
                lead.user_id.id or None,
                lead.company_id.id or None,
                lead.type,
                uid,
                now,
                uid,
                now,
            )
            for lead in leads
        ]
        if rows:
            self.env.cr.execute(
                SQL(
                    """INSERT INTO crm_lead_stage_history (lead_id, stage_id, previous_stage_id, date, team_id, user_id,
                                   company_id, lead_type, create_uid, create_date, write_uid, write_date)
                       VALUES %s""",
                    SQL(", ").join(rows),
                )
            )
            self.env["crm.lead.stage.history"].invalidate_model()
