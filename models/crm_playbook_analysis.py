"""Read-only analysis views of the pipeline (X-REP): conversion, deadlines met and the funnel by stage."""

from odoo import fields, models, tools
from odoo.tools import SQL

from . import deadline_met
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
        deadline_met.SLA_STATUSES,
        string="Response Status",
        readonly=True,
    )
    won_rate = fields.Float(string="Won (%)", aggregator="avg", readonly=True, help="Share of the leads that were won.")
    sla_rate = fields.Float(
        string="Deadlines Met (%)",
        aggregator="avg",
        readonly=True,
        help="Share of the leads with a response deadline that were taken into work by it; a lead lost or "
        "blocked before any contact did not meet it.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT l.id AS id, %s, l.stage_id, l.date_closed, l.sla_status,
                       CASE WHEN l.work_status = 'won' THEN 100.0 ELSE 0.0 END AS won_rate,
                       %s AS sla_rate
                  FROM crm_lead l
                 WHERE l.active OR l.work_status = 'lost'
            )""",
                SQL.identifier(self._table),
                self._dimensions(),
                SQL(deadline_met.met_rate_sql("l.sla_status")),
            )
        )


class CrmPlaybookFunnelAnalysis(models.Model):
    """The funnel: one row per lead and per stage it really reached (PP-1), read from the stage history.

    A lead won straight from New reached New and Won, not the stages between them: the funnel counts the
    stages each lead entered (``crm.lead.stage.history``), whatever their sequence.
    """

    _name = "crm.playbook.funnel.analysis"
    _inherit = ["crm.playbook.analysis.mixin"]
    _description = "Sales Funnel"
    _auto = False
    _order = "stage_sequence"

    stage_id = fields.Many2one("crm.stage", string="Stage Reached", readonly=True)
    stage_sequence = fields.Integer(readonly=True)
    date_reached = fields.Datetime(string="First Reached On", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT l.id::bigint * 100000 + s.id AS id, %s, s.id AS stage_id, s.sequence AS stage_sequence,
                       reached.date_reached
                  FROM (SELECT h.lead_id, h.stage_id, min(h.date) AS date_reached
                          FROM crm_lead_stage_history h
                         GROUP BY h.lead_id, h.stage_id) reached
                  JOIN crm_lead l ON l.id = reached.lead_id
                  JOIN crm_stage s ON s.id = reached.stage_id
                 WHERE l.type = 'opportunity' AND (l.active OR l.work_status = 'lost')
            )""",
                SQL.identifier(self._table),
                self._dimensions(),
            )
        )
