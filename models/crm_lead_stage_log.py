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
        self._playbook_history_record(known=False)

    def _playbook_history_after_write(self, vals):
        """A write that moved leads to other stages, tracked or not (batch writes turn tracking off)."""
        if STAGE_FIELDS & set(vals):
            self._playbook_history_record()

    def _playbook_history_record(self, known=True):
        """Add a history row for each lead whose stage is not the last one recorded: one read, one insert.

        ``known``: the leads may have history already (a write), so their last recorded stage is read first.
        """
        # sudo: the history is the playbook's record of the write the user just made
        leads = self.sudo().filtered("stage_id")
        if not leads:
            return
        last = {}
        if known:
            History = self.env["crm.lead.stage.history"]
            History.flush_model(["lead_id", "stage_id", "date"])
            self.env.cr.execute(
                SQL(
                    "SELECT DISTINCT ON (lead_id) lead_id, stage_id FROM crm_lead_stage_history "
                    "WHERE lead_id IN %s ORDER BY lead_id, date DESC, id DESC",
                    tuple(leads.ids),
                )
            )
            last = dict(self.env.cr.fetchall())
        now = self.env.cr.now()
        rows = [
            {
                "lead_id": lead.id,
                "stage_id": lead.stage_id.id,
                "previous_stage_id": last.get(lead.id, False),
                "date": now,
                "team_id": lead.team_id.id,
                "user_id": lead.user_id.id,
                "company_id": lead.company_id.id,
                "lead_type": lead.type,
            }
            for lead in leads
            if last.get(lead.id) != lead.stage_id.id
        ]
        if rows:
            # sudo: nobody creates history rows by hand; the lead's write records its own moves
            self.env["crm.lead.stage.history"].sudo().create(rows)
