"""Read-only analysis views of the pipeline (X-REP): conversion, deadlines met and the funnel by stage."""

from odoo import fields, models, tools
from odoo.tools import SQL

from .playbook_rules import CHANNELS, DEAL_TYPES, TEMPERATURES, WORK_STATUSES


class _LeadDimensions(models.AbstractModel):
    """The dimensions both analysis views group by."""

    _name = "crm.playbook.analysis.mixin"
    _description = "Lead Analysis Dimensions"

    lead_id = fields.Many2one("crm.lead", readonly=True)
    create_date = fields.Datetime(string="Created On", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    temperature = fields.Selection(TEMPERATURES, readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    deal_type = fields.Selection(DEAL_TYPES, readonly=True)
    work_status = fields.Selection(WORK_STATUSES, readonly=True)

    def _dimensions(self):
        return SQL(
            "l.id AS lead_id, l.create_date, l.team_id, l.user_id, l.company_id, l.temperature, "
            "l.source_id, l.channel, l.deal_type, l.work_status"
        )


class CrmPlaybookLeadAnalysis(models.Model):
    """One row per lead: conversion to won and response deadlines met as averages of 100/0 (X-REP)."""

    _name = "crm.playbook.lead.analysis"
    _inherit = ["crm.playbook.analysis.mixin"]
    _description = "Lead Analysis"
    _auto = False
    _order = "create_date desc"

    stage_id = fields.Many2one("crm.stage", readonly=True)
    date_closed = fields.Datetime(string="Closed On", readonly=True)
    sla_status = fields.Selection(
        [("running", "Running"), ("met", "Met"), ("met_late", "Met Late"), ("breached", "Breached")],
        string="Response Status",
        readonly=True,
    )
    won_rate = fields.Float(string="Won (%)", aggregator="avg", readonly=True, help="Share of the leads that were won.")
    sla_rate = fields.Float(
        string="Deadlines Met (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the leads with a response deadline that met it in time.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT l.id AS id, %s, l.stage_id, l.date_closed, l.sla_status,
                       CASE WHEN l.work_status = 'won' THEN 100.0 ELSE 0.0 END AS won_rate,
                       CASE WHEN l.sla_status = 'met' THEN 100.0
                            WHEN l.sla_status IN ('met_late', 'running', 'breached') THEN 0.0 END AS sla_rate
                  FROM crm_lead l
                 WHERE l.active OR l.work_status = 'lost'
            )""",
                SQL.identifier(self._table),
                self._dimensions(),
            )
        )


class CrmPlaybookFunnelAnalysis(models.Model):
    """The funnel: one row per lead and per stage it reached (its stage or an earlier one)."""

    _name = "crm.playbook.funnel.analysis"
    _inherit = ["crm.playbook.analysis.mixin"]
    _description = "Sales Funnel"
    _auto = False
    _order = "stage_sequence"

    stage_id = fields.Many2one("crm.stage", string="Stage Reached", readonly=True)
    stage_sequence = fields.Integer(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT l.id::bigint * 100000 + s.id AS id, %s, s.id AS stage_id, s.sequence AS stage_sequence
                  FROM crm_lead l
                  JOIN crm_stage current ON current.id = l.stage_id
                  JOIN crm_stage s ON (s.sequence < current.sequence
                                       OR (s.sequence = current.sequence AND s.id <= current.id))
                                  AND (s.team_id IS NULL OR s.team_id = l.team_id)
                 WHERE l.type = 'opportunity' AND (l.active OR l.work_status = 'lost')
            )""",
                SQL.identifier(self._table),
                self._dimensions(),
            )
        )
