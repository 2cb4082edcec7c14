"""The stages each lead really reached (PP-1, X-REP): one row per stage entered, written by the lead's write."""

from odoo import api, fields, models
from odoo.tools import SQL


class CrmLeadStageHistory(models.Model):
    """A lead entered a stage: when, in which team and with which salesperson.

    The lead's create and write add the rows (``models/crm_lead_stage_log.py``), also for batch writes that turn
    mail tracking off, so the funnel counts the stages each lead passed through, not the stages before its
    current one. Nobody edits the rows: they are the record of what happened.
    """

    _name = "crm.lead.stage.history"
    _description = "Lead Stage History"
    _order = "date desc, id desc"
    _rec_name = "stage_id"
    _check_company_auto = True

    lead_id = fields.Many2one(
        "crm.lead", required=True, readonly=True, ondelete="cascade", index=True, check_company=True
    )
    stage_id = fields.Many2one("crm.stage", required=True, readonly=True, ondelete="cascade", index=True)
    previous_stage_id = fields.Many2one("crm.stage", string="From Stage", readonly=True, ondelete="set null")
    date = fields.Datetime(string="Entered On", required=True, readonly=True, index=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True, index=True, check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True, check_company=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], string="Type", readonly=True, index=True
    )

    @api.model
    def _playbook_fill_from_leads(self):
        """Give every lead without history the stages it reached: the stages its mail tracking records, else
        its current stage when it was created, and its current stage when a batch write left no tracking.

        Runs at install (``hooks.post_init_hook``) and at the upgrade that adds the model; three statements,
        whatever the number of leads.
        """
        self.flush_model()
        self.env["crm.lead"].flush_model(["stage_id", "team_id", "user_id", "company_id", "type"])
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        cr = self.env.cr
        missing = SQL(
            "SELECT id FROM crm_lead l WHERE l.stage_id IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM crm_lead_stage_history h WHERE h.lead_id = l.id)"
        )
        cr.execute(SQL("CREATE TEMPORARY TABLE playbook_history_leads ON COMMIT DROP AS %s", missing))
        tracked = SQL(
            """
            SELECT t.id, m.res_id AS lead_id, t.old_value_integer AS old_stage, t.new_value_integer AS new_stage,
                   m.date
              FROM mail_tracking_value t
              JOIN mail_message m ON m.id = t.mail_message_id AND m.model = 'crm.lead'
              JOIN playbook_history_leads todo ON todo.id = m.res_id
             WHERE t.field_id = %s
            """,
            field.id,
        )
        insert = SQL(
            "INSERT INTO crm_lead_stage_history (lead_id, stage_id, previous_stage_id, date, team_id, user_id, "
            "company_id, lead_type, create_uid, create_date, write_uid, write_date) "
        )
        audit = SQL("%s, now() at time zone 'UTC', %s, now() at time zone 'UTC'", self.env.uid, self.env.uid)
        # The stage each lead was created in: the first tracked change's old stage, else its current stage.
        cr.execute(
            SQL(
                """%s
                SELECT l.id, s.id, NULL, l.create_date, l.team_id, l.user_id, l.company_id, l.type, %s
                  FROM crm_lead l
                  JOIN playbook_history_leads todo ON todo.id = l.id
                  LEFT JOIN LATERAL (SELECT tr.old_stage FROM (%s) tr WHERE tr.lead_id = l.id
                                      ORDER BY tr.date, tr.id LIMIT 1) first ON TRUE
                  JOIN crm_stage s ON s.id = COALESCE(first.old_stage, l.stage_id)
                """,
                insert,
                audit,
                tracked,
            )
        )
        # Every tracked change of stage.
        cr.execute(
            SQL(
                """%s
                SELECT l.id, s.id, tr.old_stage, tr.date, l.team_id, l.user_id, l.company_id, l.type, %s
                  FROM (%s) tr
                  JOIN crm_lead l ON l.id = tr.lead_id
                  JOIN crm_stage s ON s.id = tr.new_stage
                """,
                insert,
                audit,
                tracked,
            )
        )
        # A batch write with tracking off moved the lead without a trace: its current stage, when last written.
        cr.execute(
            SQL(
                """%s
                SELECT l.id, l.stage_id, last.stage_id,
                       GREATEST(COALESCE(l.date_last_stage_update, l.write_date), last.date),
                       l.team_id, l.user_id, l.company_id, l.type, %s
                  FROM crm_lead l
                  JOIN playbook_history_leads todo ON todo.id = l.id
                  JOIN LATERAL (SELECT h.stage_id, h.date FROM crm_lead_stage_history h WHERE h.lead_id = l.id
                                 ORDER BY h.date DESC, h.id DESC LIMIT 1) last ON TRUE
                 WHERE last.stage_id != l.stage_id
                """,
                insert,
                audit,
            )
        )
        cr.execute(SQL("DROP TABLE playbook_history_leads"))
        self.invalidate_model()
