import logging
import threading
from collections import defaultdict
from datetime import timedelta

import pytz
from babel.dates import format_datetime as babel_format_datetime
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import create_index, drop_index

from . import roles
from .contact_check import email_problem, phone_problem
from .lead_intake import LeadMatcher
from .lead_planning import spread_over_days
from .locking import lock_skip_locked
from .roles import check_allowed_companies, refuse_workflow_writes
from .utm_source import TEMPERATURES

_logger = logging.getLogger(__name__)

DEAL_TYPES = [
    ("connection", "Connection"),
    ("renewal", "Renewal"),
    ("upsell", "Upsell"),
    ("service", "Service"),
    ("activation", "Activation"),
]

# What each deal type demands (PP-5). Every rule that depends on the deal type
# reads this table through ``_get_deal_type_rule``, so the types are described
# in one place only.
DEAL_TYPE_RULES = {
    "connection": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": True,
        "closes_with_comment": False,
        "new_sale_only": True,
    },
    "renewal": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": False,
        "closes_with_comment": False,
        "new_sale_only": False,
    },
    "upsell": {
        "needs_product": True,
        "needs_invoice": True,
        "opens_reservation": False,
        "closes_with_comment": False,
        "new_sale_only": False,
    },
    "service": {
        "needs_product": False,
        "needs_invoice": False,
        "opens_reservation": False,
        "closes_with_comment": True,
        "new_sale_only": False,
    },
    "activation": {
        "needs_product": False,
        "needs_invoice": False,
        "opens_reservation": False,
        "closes_with_comment": True,
        "new_sale_only": False,
    },
}
NO_DEAL_TYPE_RULE = dict.fromkeys(DEAL_TYPE_RULES["connection"], False)

WORK_STATUSES = [
    ("new", "New"),
    ("in_work", "In Work"),
    ("won", "Won"),
    ("lost", "Lost"),
    ("blocked", "Blocked"),
]

CHANNELS = [
    ("inbound_call", "Inbound Call"),
    ("email", "Email"),
    ("web_form", "Web Form"),
    ("online_chat", "Online Chat"),
    ("outbound_call", "Outbound Call"),
    ("agent_notice", "Sales Agent Notice"),
]

TEMPERATURE_RANK = {"cold": 1, "warm": 2, "hot": 3}
# A lead created in work came from a conversation: the conversation was the contact (PP-14).
LIVE_CHANNELS = ("inbound_call", "outbound_call", "online_chat")
# Fields whose change may move a lead between work statuses.
STATUS_FIELDS = {"stage_id", "active", "probability", "lost_reason_id"}
# The next steps each step of the sale allows (EV-5); a refusal is always allowed on an open lead (EV-4).
NEXT_STEPS = {
    False: (),
    "contact": ("proposal", "meeting", "order"),
    "proposal": ("meeting", "order"),
    "meeting": ("order",),
    "order": ("order",),
}
# Fields the system may still write on a blocked lead.
BLOCKED_WRITABLE = {"blocking_reservation_id", "message_main_attachment_id"}

# Stored dates shown again as text in the team's time zone.
TEAM_TZ_DATES = {
    "date_received": "date_received_team_tz",
    "date_in_work": "date_in_work_team_tz",
    "postponed_until": "postponed_until_team_tz",
    "date_closed": "date_closed_team_tz",
}
TEAM_TZ_PATTERN = "yyyy-MM-dd HH:mm"


class CrmLead(models.Model):
    _inherit = "crm.lead"
    # VIP clients' requests come first in every list and kanban column (RC-1); the rest is Odoo's order.
    _order = "playbook_vip desc, priority desc, id desc"

    # Deal type
    deal_type = fields.Selection(
        DEAL_TYPES,
        index=True,
        tracking=True,
        help="Connection: a new sale, opens a reservation of the client for the team. "
        "Renewal: a new period for a client who has the product. "
        "Upsell: more for a client with an active paid period. "
        "Service: help for a client, closed with a comment. "
        "Activation: temporary access, may be closed at any time with a comment.",
    )
    product_id = fields.Many2one(
        "product.product",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        help="The product this lead is about: one lead per client and product.",
    )
    deal_needs_product = fields.Boolean(compute="_compute_deal_type_rule")
    deal_needs_invoice = fields.Boolean(compute="_compute_deal_type_rule")
    deal_opens_reservation = fields.Boolean(compute="_compute_deal_type_rule")
    deal_closes_with_comment = fields.Boolean(compute="_compute_deal_type_rule")
    closing_comment = fields.Text(
        tracking=True,
        help="What was done for the client. Service and activation leads are closed with it.",
    )

    # Temperature
    source_id = fields.Many2one(check_company=True)
    temperature = fields.Selection(
        TEMPERATURES,
        compute="_compute_temperature",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
        help="Hot: the client asked to buy or to be called, react within hours. "
        "Warm: the client showed interest. Cold: from prospect lists. "
        "Set from the source; a different value chosen by hand is kept until reset.",
    )
    temperature_manual = fields.Boolean(
        string="Temperature Set by Hand",
        copy=False,
        readonly=True,
        help="The temperature was chosen by hand and no longer follows the source.",
    )

    # Channel
    channel = fields.Selection(
        CHANNELS,
        index=True,
        tracking=True,
        help="How the request reached the company.",
    )

    # Work status
    blocking_reservation_id = fields.Many2one(
        "crm.client.reservation",
        string="Blocked by Reservation",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The reservation of another team that holds this client for this product.",
    )
    is_blocked = fields.Boolean(
        string="Blocked",
        compute="_compute_is_blocked",
        store=True,
        help="Another team holds a reservation of this client for this product.",
    )
    work_status = fields.Selection(
        WORK_STATUSES,
        compute="_compute_work_status",
        store=True,
        index=True,
        tracking=True,
        help="New: received, the client not contacted yet. In Work: the client was contacted. "
        "Won: the product is sold. Lost: the client refused. "
        "Blocked: another team holds a reservation of the client.",
    )

    # Reservation and transfers
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index="btree_not_null", string="Client Company"
    )
    reservation_id = fields.Many2one(
        "crm.client.reservation", string="Client Reservation", compute="_compute_reservation_id",
        help="The active reservation of this client for this product, whichever team holds it.",
    )
    blocked_message = fields.Char(compute="_compute_blocked_message")
    transfer_ids = fields.One2many("crm.lead.team.transfer", "lead_id", string="Transfers")

    # SLA
    sla_policy_id = fields.Many2one(
        "crm.sla.policy", string="Response Policy", compute="_compute_sla", store=True,
        index="btree_not_null", help="The response deadline policy that applies to this lead.")
    sla_deadline = fields.Datetime(
        string="Response Deadline", compute="_compute_sla", store=True,
        help="Until when the team may keep the lead New: by then the client must have been contacted.")
    sla_stopped_at = fields.Datetime(
        string="Response Clock Stopped", compute="_compute_sla_stopped_at", store=True, copy=False,
        help="When the lead went into work, was postponed or closed.")
    sla_escalated = fields.Boolean(
        string="Breach Escalated", copy=False, readonly=True,
        help="The missed deadline was escalated once; a new team starts a new clock.")
    sla_status = fields.Selection(
        [("running", "Running"), ("met", "Met"), ("met_late", "Met Late"), ("breached", "Breached")],
        string="Response Status", compute="_compute_sla_status", store=True, index=True, copy=False)
    sla_breached = fields.Boolean(
        string="Response Deadline Passed", compute="_compute_sla_breached", search="_search_sla_breached")
    sla_remaining = fields.Char(string="Time Left", compute="_compute_sla_breached")
    sla_urgency = fields.Selection(
        [("ok", "On Time"), ("soon", "Due Soon"), ("late", "Late")], string="Deadline Urgency",
        compute="_compute_sla_breached")
    sla_breach_ids = fields.One2many("crm.sla.breach", "lead_id", string="Missed Deadlines")

    # Dates
    date_received = fields.Datetime(
        string="Received by Team",
        copy=False,
        readonly=True,
        index=True,
        help="When the lead reached its current team.",
    )
    date_in_work = fields.Datetime(
        string="Taken into Work",
        compute="_compute_date_in_work",
        store=True,
        copy=False,
        help="When the lead was first taken into work.",
    )
    postponed_until = fields.Datetime(
        copy=False,
        tracking=True,
        help="The client was reached and the talk moved to this date and time.",
    )
    date_planned_contact = fields.Date(
        string="Planned Contact",
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The day the salesperson plans to contact the client, set when leads are spread over a period.",
    )
    playbook_announced = fields.Boolean(
        string="Team Told", copy=False, readonly=True,
        help="The current team was told about this lead: at once when hot, in the daily digest otherwise.")
    playbook_override_reason = fields.Text(
        string="Rule Override Reason", copy=False, tracking=True,
        help="Why a playbook rule was overridden: sales support taking a lead in work without a logged "
        "contact, a sales head winning a lead without a paid invoice.")
    playbook_step = fields.Selection(related="stage_id.playbook_step")
    playbook_vip = fields.Boolean(
        string="VIP Client", related="partner_id.commercial_partner_id.playbook_vip", store=True, index=True)
    playbook_request_reason = fields.Char(
        string="Request Reason", tracking=True, help="Why a regular customer got in touch.")
    playbook_guards = fields.Boolean(related="team_id.playbook_guards", string="Team Enforces Contact Rules")
    playbook_can_propose = fields.Boolean(compute="_compute_playbook_next_steps")
    playbook_can_meet = fields.Boolean(compute="_compute_playbook_next_steps")
    playbook_can_order = fields.Boolean(compute="_compute_playbook_next_steps")
    proposal_ids = fields.One2many("crm.lead.proposal", "lead_id", string="Proposals")
    proposal_count = fields.Integer(string="Proposals Sent", compute="_compute_proposal_count")
    call_ids = fields.One2many("crm.lead.call", "lead_id", string="Logged Calls")
    call_count = fields.Integer(string="Calls", compute="_compute_call_count")
    followup_ids = fields.One2many("crm.lead.followup", "lead_id", string="Follow-ups")
    followup_pending_count = fields.Integer(string="Pending Follow-ups", compute="_compute_followup_pending_count")
    team_tz = fields.Selection(related="team_id.tz", string="Team Time Zone")
    date_received_team_tz = fields.Char(
        string="Received by Team (Team Time)", compute="_compute_team_tz_dates"
    )
    date_in_work_team_tz = fields.Char(
        string="Taken into Work (Team Time)", compute="_compute_team_tz_dates"
    )
    postponed_until_team_tz = fields.Char(
        string="Postponed Until (Team Time)", compute="_compute_team_tz_dates"
    )
    date_closed_team_tz = fields.Char(string="Closed (Team Time)", compute="_compute_team_tz_dates")

    def init(self):
        result = super().init()
        # Duplicate lookups compare whole normalized emails, many at once: Odoo's trigram
        # index serves "contains" searches and is slow for that; a plain btree is not.
        create_index(self.env.cr, "crm_lead_playbook_email_normalized_btree", self._table,
                     ["email_normalized"], where="email_normalized IS NOT NULL")
        # The escalation crons look for running deadlines that passed: keep exactly those at hand.
        create_index(self.env.cr, "crm_lead_playbook_sla_running", self._table,
                     ["sla_deadline"], where="sla_status = 'running'")
        # Early development versions indexed every deadline; the partial index replaces it.
        drop_index(self.env.cr, "crm_lead__sla_deadline_index", self._table)
        return result

    @api.depends("deal_type")
    def _compute_deal_type_rule(self):
        for lead in self:
            rule = lead._get_deal_type_rule()
            lead.deal_needs_product = rule["needs_product"]
            lead.deal_needs_invoice = rule["needs_invoice"]
            lead.deal_opens_reservation = rule["opens_reservation"]
            lead.deal_closes_with_comment = rule["closes_with_comment"]

    @api.depends("source_id")
    def _compute_temperature(self):
        for lead in self:
            if lead.temperature_manual:
                lead.temperature = lead.temperature
            else:
                lead.temperature = lead.source_id.temperature or lead.temperature

    @api.depends("blocking_reservation_id.state")
    def _compute_is_blocked(self):
        for lead in self:
            lead.is_blocked = lead.blocking_reservation_id.state == "active"

    @api.depends("commercial_partner_id.playbook_reservation_ids.state",
                 "commercial_partner_id.playbook_reservation_ids.team_id", "product_id", "company_id")
    def _compute_reservation_id(self):
        Reservation = self.env["crm.client.reservation"]
        for lead in self:
            lead.reservation_id = Reservation._find_active(
                lead.commercial_partner_id, lead.product_id, lead.company_id or self.env.company
            )

    @api.depends("is_blocked", "blocking_reservation_id")
    def _compute_blocked_message(self):
        for lead in self:
            reservation = lead.blocking_reservation_id
            lead.blocked_message = lead.is_blocked and self.env._(
                "Blocked: team %(team)s holds this client for %(product)s until %(date)s.",
                team=reservation.team_id.display_name, product=reservation.product_id.display_name,
                date=reservation.date_end,
            )

    @api.depends("date_received", "team_id.resource_calendar_id", "team_id.tz", "temperature", "channel",
                 "source_id", "company_id")
    def _compute_sla(self):
        leads = self.filtered(lambda lead: lead.date_received
                              and (lead.company_id or lead.team_id.company_id or self.env.company).playbook_sla)
        (self - leads).update({"sla_policy_id": False, "sla_deadline": False})
        policies = self.env["crm.sla.policy"]._get_policies_by_lead(leads)
        for policy, policy_leads in leads.grouped(lambda lead: policies[lead]).items():
            if not policy:
                policy_leads.update({"sla_policy_id": False, "sla_deadline": False})
                continue
            keys = {lead: lead._sla_clock_key() for lead in policy_leads}
            deadlines = policy._deadlines(set(keys.values()))
            for lead in policy_leads:
                lead.sla_policy_id = policy
                lead.sla_deadline = deadlines[keys[lead]]

    @api.depends("work_status", "postponed_until")
    def _compute_sla_stopped_at(self):
        now = self.env.cr.now()
        for lead in self:
            if lead.work_status == "new" and not lead.postponed_until:
                lead.sla_stopped_at = False
            else:
                lead.sla_stopped_at = lead.sla_stopped_at or now

    @api.depends("sla_deadline", "sla_stopped_at", "sla_escalated")
    def _compute_sla_status(self):
        for lead in self:
            if not lead.sla_deadline:
                lead.sla_status = False
            elif lead.sla_stopped_at:
                lead.sla_status = "met" if lead.sla_stopped_at <= lead.sla_deadline else "met_late"
            else:
                lead.sla_status = "breached" if lead.sla_escalated else "running"

    @api.depends("sla_deadline", "sla_status")
    @api.depends_context("uid")
    def _compute_sla_breached(self):
        now = fields.Datetime.now()
        for lead in self:
            running = lead.sla_status in ("running", "breached")
            left = (lead.sla_deadline - now) if running and lead.sla_deadline else None
            lead.sla_breached = bool(left is not None and left.total_seconds() < 0)
            lead.sla_urgency = False if left is None else (
                "late" if left.total_seconds() < 0 else "soon" if left.total_seconds() <= 3600 else "ok")
            lead.sla_remaining = left is not None and self._format_time_left(left)

    def _search_sla_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on a passed deadline supports = and != True/False only."))
        breached = [("sla_status", "in", ("running", "breached")), ("sla_deadline", "<", fields.Datetime.now())]
        if (operator == "=") == value:
            return breached
        return ["|", ("sla_status", "not in", ("running", "breached")), "|", ("sla_deadline", "=", False),
                ("sla_deadline", ">=", fields.Datetime.now())]

    @api.depends("active", "probability", "stage_id.is_won", "stage_id.is_new_stage", "is_blocked")
    def _compute_work_status(self):
        for lead in self:
            lead.work_status = lead._get_work_status()

    @api.depends("work_status")
    def _compute_date_in_work(self):
        now = self.env.cr.now()
        for lead in self:
            if not lead.date_in_work and lead.work_status in ("in_work", "won"):
                lead.date_in_work = now
            else:
                lead.date_in_work = lead.date_in_work

    @api.depends("team_id.tz", "date_received", "date_in_work", "postponed_until", "date_closed")
    def _compute_team_tz_dates(self):
        for lead in self:
            tz = pytz.timezone(lead.team_id.tz or self.env.user.tz or "UTC")
            for source, target in TEAM_TZ_DATES.items():
                lead[target] = lead._format_in_tz(lead[source], tz)

    @api.constrains("deal_type", "product_id")
    def _check_deal_type_product(self):
        for lead in self:
            if lead._get_deal_type_rule()["needs_product"] and not lead.product_id:
                raise ValidationError(self.env._(
                    "Lead %(lead)s is a %(type)s lead: choose the product it is about.",
                    lead=lead.display_name, type=lead._deal_type_label(),
                ))

    @api.constrains("deal_type", "stage_id", "closing_comment")
    def _check_deal_type_closing(self):
        for lead in self.filtered(lambda lead: lead.deal_type and lead.stage_id.is_won):
            rule = lead._get_deal_type_rule()
            if rule["closes_with_comment"] and not (lead.closing_comment or "").strip():
                raise ValidationError(self.env._(
                    "Lead %(lead)s is a %(type)s lead: write a closing comment before marking it won.",
                    lead=lead.display_name, type=lead._deal_type_label(),
                ))
            if rule["needs_invoice"] and not lead._has_paid_invoice() and not lead._may_override("head"):
                raise ValidationError(self.env._(
                    "Lead %(lead)s is a %(type)s lead: it is won only by a paid invoice "
                    "of one of its orders.",
                    lead=lead.display_name, type=lead._deal_type_label(),
                ))

    @api.constrains("stage_id", "company_id")
    def _check_stage_company(self):
        for lead in self:
            stage_company = lead.stage_id.team_id.company_id
            if lead.company_id and stage_company and stage_company != lead.company_id:
                raise ValidationError(self.env._(
                    "Lead %(lead)s belongs to %(company)s and cannot use stage %(stage)s "
                    "of team %(team)s of another company.",
                    lead=lead.display_name, company=lead.company_id.display_name,
                    stage=lead.stage_id.display_name, team=lead.stage_id.team_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        buttons = self._playbook_workflow_buttons()
        for vals in vals_list:
            refuse_workflow_writes(self, vals, buttons, create=True)
            self._check_playbook_values(vals, vals.get("name") or self.env._("(new)"))
            if "temperature" in vals and "temperature_manual" not in vals:
                source = self.env["utm.source"].browse(vals.get("source_id"))
                vals["temperature_manual"] = self._is_manual_temperature(vals["temperature"], source)
        matcher = LeadMatcher(self, vals_list) if self._playbook_dedup_enabled() else None
        new_vals = [vals for row, vals in enumerate(vals_list) if not matcher or matcher.creates(row)]
        if matcher and len(new_vals) < len(vals_list):
            # A merged row creates nothing, so Odoo checks nothing: the requester must be allowed to create
            # leads, in the company the row names (create([]) returns before its own check).
            self.browse().check_access("create")
        leads = super().create(new_vals)
        # sudo: the clock starts when the team receives the lead; the field is the playbook's, not the user's
        leads.filtered(lambda lead: lead.team_id and not lead.date_received).sudo().write(
            {"date_received": self.env.cr.now()}
        )
        leads._apply_reservation_rules()
        leads._check_playbook_guards_on_create()
        leads._playbook_assign_hot()
        leads._playbook_plan_request_followups()
        leads._playbook_notify_hot()
        leads.filtered(lambda lead: lead.playbook_vip and lead.work_status == "new")._playbook_flag_vip()
        if not matcher:
            return leads
        return matcher.merge(leads)

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._playbook_workflow_buttons())
        self._check_playbook_values(vals, self)
        self._check_blocked_write(vals)
        manual = self.browse()
        if "temperature" in vals:
            manual = self.filtered(lambda lead: self._is_manual_temperature(
                vals["temperature"],
                self.env["utm.source"].browse(vals["source_id"]) if "source_id" in vals else lead.source_id,
            ))
        if "playbook_override_reason" in vals and not (self.env.su or self.env.user._playbook_is_head()):
            raise UserError(self.env._("Only sales heads and sales support may override a playbook rule."))
        statuses = {lead.id: lead.work_status for lead in self} if STATUS_FIELDS & set(vals) else {}
        team_may_change = "date_received" not in vals and {"team_id", "user_id", "type"} & set(vals)
        old_teams = {lead.id: lead.team_id for lead in self} if team_may_change else {}
        result = super().write(vals)
        if "temperature" in vals and "temperature_manual" not in vals:
            # sudo: whether the temperature was chosen by hand is the playbook's record of this very write
            marks = self.sudo()
            (marks & manual).filtered(lambda lead: not lead.temperature_manual).write({"temperature_manual": True})
            (marks - manual).filtered("temperature_manual").write({"temperature_manual": False})
        if old_teams:
            # sudo: a new team starts a new clock and a new alert (PP-3); the user's write of the team was checked
            moved = self.filtered(lambda lead: lead.team_id != old_teams[lead.id]).sudo()
            moved.filtered("team_id").write({"date_received": self.env.cr.now(), "sla_escalated": False,
                                             "playbook_announced": False})
            (moved - moved.filtered("team_id")).write({"date_received": False})
        if {"deal_type", "partner_id", "product_id", "team_id", "company_id"} & set(vals):
            self._apply_reservation_rules()
        if statuses:
            self._check_playbook_guards(statuses)
            self.filtered(lambda lead: statuses.get(lead.id) != "won" and lead.work_status == "won") \
                ._playbook_enter_call_plan()
        if {"team_id", "user_id", "temperature", "source_id", "active"} & set(vals):
            self._playbook_notify_hot()
        if "user_id" in vals:
            self._playbook_plan_request_followups()
        return result

    def message_new(self, msg_dict, custom_values=None):
        """Leads from the email gateway arrived by email."""
        custom_values = dict(custom_values or {})
        custom_values.setdefault("channel", "email")
        return super().message_new(msg_dict, custom_values=custom_values)

    def action_reset_temperature(self):
        """Let the temperature follow the source again after a manual choice."""
        self.check_access("write")
        for source, leads in self.grouped("source_id").items():
            if source.temperature:
                leads.write({"temperature": source.temperature})
            # sudo: the button is the one way to clear the manual mark; the user's write right was checked
            leads.sudo().write({"temperature_manual": False})
        return True

    def action_open_transfer(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer to Team"),
            "res_model": "crm.lead.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "crm.lead", "active_ids": self.ids},
        }

    @api.model
    def load(self, fields, data):
        """Imports say which rows were merged into an existing lead instead of creating one."""
        merges = []
        result = super(CrmLead, self.with_context(playbook_intake_log=merges)).load(fields, data)
        for info, lead in merges:
            result["messages"].append(dict(
                info or {}, type="info",
                message=self.env._("Merged into the existing lead %(lead)s (id %(id)s): same client and product.",
                                   lead=lead.display_name, id=lead.id),
            ))
        return result

    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        log = self.env.context.get("playbook_intake_log")
        if log is None:
            return super()._load_records(data_list, update=update, ignore_duplicates=ignore_duplicates)
        merged = []
        records = super(CrmLead, self.with_context(playbook_intake_merged=merged))._load_records(
            data_list, update=update, ignore_duplicates=ignore_duplicates)
        infos = {id(data["values"]): data.get("info") for data in data_list}
        log.extend((infos.get(vals_id), lead) for vals_id, lead in merged)
        return records

    def _get_deal_type_rule(self):
        """The rules of this lead's deal type (PP-5); other addons may add types here."""
        self.ensure_one()
        return DEAL_TYPE_RULES.get(self.deal_type, NO_DEAL_TYPE_RULE)

    def _deal_type_label(self):
        self.ensure_one()
        return dict(self._fields["deal_type"]._description_selection(self.env)).get(self.deal_type, "")

    def _has_paid_invoice(self):
        """A customer invoice of one of the lead's orders is paid (PP-5 closing rule)."""
        self.ensure_one()
        invoices = self.sudo().order_ids.invoice_ids  # sudo: a paid invoice decides the rule, whoever may read it
        return any(
            move.move_type == "out_invoice" and move.payment_state in ("paid", "in_payment")
            for move in invoices
        )

    def _get_work_status(self):
        """Work status (PP-4) from Odoo's own won and lost markers and the stage flags."""
        self.ensure_one()
        if not self.active and not self.probability:
            return "lost"
        if self.stage_id.is_won:
            return "won"
        if self.is_blocked:
            return "blocked"
        if not self.stage_id or self.stage_id.is_new_stage:
            return "new"
        return "in_work"

    def _sla_clock_key(self):
        """(start, calendar, time zone) of this lead's response clock: its team's working time."""
        self.ensure_one()
        team = self.team_id
        calendar = team.resource_calendar_id or (self.company_id or self.env.company).resource_calendar_id
        return (self.date_received, calendar, team.tz or calendar.tz or "UTC")

    @api.model
    def _format_time_left(self, left):
        minutes = int(abs(left.total_seconds()) // 60)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        parts = ([self.env._("%(days)s d", days=days)] if days else []) + \
            ([self.env._("%(hours)s h", hours=hours)] if hours else []) + \
            ([self.env._("%(minutes)s min", minutes=minutes)] if minutes or not (days or hours) else [])
        text = " ".join(parts[:2])
        if left.total_seconds() < 0:
            return self.env._("late by %(time)s", time=text)
        return self.env._("%(time)s left", time=text)

    @api.model
    def _is_manual_temperature(self, temperature, source):
        return bool(temperature) and temperature != source.temperature

    @api.model
    def _format_in_tz(self, value, tz):
        if not value:
            return False
        local = pytz.utc.localize(value).astimezone(tz)
        return "%s (%s)" % (babel_format_datetime(local, TEAM_TZ_PATTERN, locale="en_US"), tz.zone)

    def _playbook_workflow_buttons(self):
        """The workflow fields of a lead, written by the playbook's business methods only (X-SEC), and the step
        that sets each, named when a user's direct write is refused."""
        clock = self.env._("the lead's team and stage set it: move the lead, or use Postpone")
        buttons = {
            "sla_escalated": self.env._("the hourly escalation of missed response deadlines sets it"),
            "date_received": self.env._("giving the lead to a team sets it"),
            "playbook_announced": self.env._("the hot-lead alert and the daily digest set it"),
            "sla_stopped_at": clock,
            "temperature_manual": self.env._("choose a temperature, or use Temperature from Source"),
            "blocking_reservation_id": self.env._("the client's reservations set it; sales support releases them"),
            "is_blocked": self.env._("the client's reservations set it; sales support releases them"),
            "sla_policy_id": self.env._("the response deadline policies set it (CRM > Configuration)"),
            "sla_deadline": self.env._("the response deadline policies set it (CRM > Configuration)"),
            "sla_status": clock,
            "date_in_work": clock,
        }
        return buttons

    def _check_playbook_values(self, vals, label):
        """Refuse unknown selection values and hand-written statuses with a clear message.

        ``label`` names the lead in the message: the new lead's name, or the leads written.
        """
        if isinstance(label, models.BaseModel):
            label = ", ".join(label[:3].mapped("display_name")) + ("..." if len(label) > 3 else "")
        if "work_status" in vals:
            raise UserError(self.env._(
                "Lead %(lead)s: the work status follows the stage and cannot be written. "
                "Move the lead to another stage, or mark it won or lost.",
                lead=label,
            ))
        for fname in ("deal_type", "temperature", "channel"):
            value = vals.get(fname)
            field = self._fields[fname]
            allowed = dict(field._description_selection(self.env))
            if value and value not in allowed:
                raise ValidationError(self.env._(
                    "Lead %(lead)s: %(value)s is not a valid %(field)s. Allowed values: %(allowed)s.",
                    lead=label, value=repr(value), field=field._description_string(self.env),
                    allowed=", ".join(allowed),
                ))

    # Intake -------------------------------------------------------------

    @api.model
    def _playbook_dedup_enabled(self):
        return not self.env.context.get("playbook_no_dedup") and self.env.company.playbook_dedup

    def _merge_intake(self, vals):
        """Fold a repeated request into this open lead (PP-8): hotter, more contacts, its details logged."""
        self.ensure_one()
        # create() checked that the requester may create leads in the lead's company.
        # sudo: the repeated request is folded into the client's open lead, which the requester may not edit
        lead = self.sudo()
        updates = {}
        source = self.env["utm.source"].browse(vals.get("source_id"))
        temperature = vals.get("temperature") or source.temperature
        if TEMPERATURE_RANK.get(temperature, 0) > TEMPERATURE_RANK.get(lead.temperature, 0):
            updates["temperature"] = temperature
        country = lead.country_id or lead.company_id.country_id
        known_phones = {lead.phone_sanitized, lead._phone_format(number=lead.mobile, country=country)} - {False, None}
        for number in (vals.get("phone"), vals.get("mobile")):
            sanitized = number and lead._phone_format(number=number, country=country)
            if sanitized and sanitized not in known_phones:
                field_name = "phone" if not lead.phone and "phone" not in updates else "mobile"
                if not lead[field_name] and field_name not in updates:
                    updates[field_name] = number
                known_phones.add(sanitized)
        email = tools.email_normalize(vals.get("email_from") or "")
        if email and email != lead.email_normalized:
            if not lead.email_from:
                updates["email_from"] = vals["email_from"]
            elif email not in (lead.email_cc or ""):
                updates["email_cc"] = ", ".join(filter(None, [lead.email_cc, vals["email_from"]]))
        if updates:
            lead.write(updates)
        lead.message_post(body=lead._intake_summary(vals), message_type="comment", subtype_xmlid="mail.mt_note")
        merged = self.env.context.get("playbook_intake_merged")
        if merged is not None:
            merged.append((id(vals), lead.with_env(self.env)))

    def _playbook_log_inbound(self, kind, channel, caller_name, question, forwarded_to, manager_busy=False,
                              request_reason=False, new_client=False, lead_created=False):
        """Log a call or letter registered at the inbound desk on this lead (EV-1, EV-2, ST-1, ST-3, RC-1).

        The call or letter becomes a done activity of the registering user, the desk's log gets its row, and
        the employee it went to a follow-up: the first contact, or the urgent callback the operator promised
        when the manager was busy. A regular customer's reason is recorded and the next contact planned.

        Registration is the operator's job, also on a lead the operator may only read (a client another
        salesperson works): the operator's read right is checked, the lead is edited as the system, and
        everything it changes carries the operator's name in the chatter. Anyone else needs the write right.
        """
        self.ensure_one()
        self.check_access("read")
        check_allowed_companies(self.env, self.company_id, self.display_name)
        lead = self
        if not self.has_access("write"):
            if not self.env.user._playbook_is_operator():
                self.check_access("write")
            lead = self.sudo()  # sudo: the operator registers the call on a lead it may only read (audited below)
            lead.message_post(body=self.env._(
                "Registered at the inbound desk by %(operator)s, who may not edit this lead: the call or letter, "
                "its follow-up and the client's reason below are the desk's entries.", operator=self.env.user.name),
                message_type="notification", subtype_xmlid="mail.mt_note")
        client = lead.partner_id.commercial_partner_id
        company = lead.company_id or self.env.company
        if client.playbook_is_regular:
            if request_reason:
                lead.playbook_request_reason = request_reason
            # sudo: every talk with a regular customer plans the next one (RC-1), whoever took the call
            client.sudo().playbook_next_contact = fields.Date.context_today(self) + timedelta(
                days=company.playbook_regular_contact_days)
            if not lead_created and client.playbook_vip:
                lead._playbook_flag_vip()
        activity_type = self.env.ref("crm_sales_playbook.mail_activity_type_inbound_" + kind)
        subject = self.env._("Call from a client") if kind == "call" else self.env._("Letter from a client")
        activity = lead.activity_schedule(
            activity_type_id=activity_type.id, summary=subject, note=question,
            user_id=self.env.user.id, date_deadline=fields.Date.context_today(self))
        activity.action_feedback(feedback=question)
        # sudo: the desk's log and the follow-up are written by the registration only; users read them
        su_env = self.sudo().env
        su_env["crm.inbound.contact"].create({
            "kind": kind, "channel": channel, "caller_name": caller_name,
            "operator_id": self.env.user.id, "lead_id": lead.id, "partner_id": lead.partner_id.id,
            "new_client": new_client, "lead_created": lead_created,
            "forwarded_to_id": forwarded_to.id, "team_id": lead.team_id.id,
            "company_id": company.id, "question": question,
        })
        Followup = su_env["crm.lead.followup"]
        now = self.env.cr.now()
        if manager_busy:
            values = {
                "kind": "busy_callback", "priority": "1",
                "name": self.env._("Call back as promised: %(caller)s", caller=caller_name),
                "date_due": Followup._plan_due(lead.team_id, now, company.playbook_busy_callback_minutes),
            }
        else:
            values = {
                "kind": "first_contact",
                "name": self.env._("First contact with the client: %(caller)s", caller=caller_name),
                "date_due": Followup._plan_due(lead.team_id, now, company.playbook_first_contact_minutes),
            }
        return Followup.create(dict(values, lead_id=lead.id, user_id=forwarded_to.id, note=question))

    def _intake_summary(self, vals):
        lines = [self.env._("The client asked again: a new request was merged into this lead.")]
        labels = {
            "name": self.env._("Request"),
            "contact_name": self.env._("Contact"),
            "email_from": self.env._("Email"),
            "phone": self.env._("Phone"),
            "mobile": self.env._("Mobile"),
        }
        for key, label in labels.items():
            if vals.get(key):
                lines.append(Markup("%s: %s") % (label, vals[key]))
        if vals.get("channel"):
            channels = dict(self._fields["channel"]._description_selection(self.env))
            lines.append(Markup("%s: %s") % (self.env._("Channel"), channels.get(vals["channel"], "")))
        if vals.get("source_id"):
            source = self.env["utm.source"].browse(vals["source_id"])
            lines.append(Markup("%s: %s") % (self.env._("Source"), source.name))
        body = Markup("<br/>").join(lines)
        if vals.get("description"):
            body += Markup("<br/>") + tools.html_sanitize(vals["description"])
        return body

    # Reservations ---------------------------------------------------------

    def _apply_reservation_rules(self):
        """Reservation rules for leads that name a client, a product and a team (PP-4, PP-5).

        A lead may not be opened for a client that another team holds (sales support may: the
        lead is then blocked); a connection lead must be a new sale and opens a reservation.
        """
        leads = self.filtered(lambda lead: lead.commercial_partner_id and lead.product_id and lead.team_id
                              and lead.work_status in ("new", "in_work", "blocked"))
        if not leads:
            return
        # Users only read reservations; a connection lead opens one whoever creates it.
        # sudo: every reservation of the leads' companies decides the rule
        Reservation = self.env["crm.client.reservation"].sudo()
        held = Reservation.search([
            ("state", "=", "active"),
            ("company_id", "in", (leads.company_id | leads.team_id.company_id | self.env.company).ids),
            ("partner_id", "in", leads.commercial_partner_id.ids),
            ("product_id", "in", leads.product_id.ids),
        ]).grouped(lambda r: (r.company_id.id, r.partner_id.id, r.product_id.id))
        is_support = self.env.su or self.env.user._playbook_is_support()
        for lead in leads:
            company = lead.company_id or lead.team_id.company_id or self.env.company
            reservation = held.get(lead._playbook_reservation_key())
            if reservation and reservation.team_id != lead.team_id:
                if not is_support:
                    raise UserError(self.env._(
                        "Lead %(lead)s: client %(client)s is reserved for %(product)s by team %(team)s "
                        "until %(date)s. Only sales support may open a lead for it.",
                        lead=lead.display_name, client=lead.commercial_partner_id.display_name,
                        product=lead.product_id.display_name, team=reservation.team_id.display_name,
                        date=reservation.date_end,
                    ))
                if lead.blocking_reservation_id != reservation:
                    lead.sudo().blocking_reservation_id = reservation  # sudo: blocking is the reservation's doing
                continue
            if lead.deal_type == "connection":
                lead._check_new_sale()
                if not reservation:
                    days = company.playbook_reservation_days
                    Reservation._reserve(
                        lead.commercial_partner_id, lead.product_id, lead.team_id,
                        Reservation._default_period_end(days), "connection_lead", user=lead.user_id, lead=lead,
                    )

    def _check_new_sale(self):
        """A connection lead is a new sale: never bought, or the last paid period ended long ago (PP-5)."""
        self.ensure_one()
        company = self.company_id or self.team_id.company_id or self.env.company
        last_end = self._last_paid_period_end(self.commercial_partner_id, self.product_id, company)
        months = company.playbook_new_sale_months
        limit = fields.Date.context_today(self) - relativedelta(months=months)
        if last_end and last_end > limit:
            raise ValidationError(self.env._(
                "Lead %(lead)s cannot be a connection: %(client)s has paid for %(product)s until %(date)s, "
                "less than %(months)s months ago. Create a renewal or an upsell lead instead.",
                lead=self.display_name, client=self.commercial_partner_id.display_name,
                product=self.product_id.display_name, date=last_end, months=months,
            ))

    @api.model
    def _last_paid_period_end(self, partner, product, company):
        """End of the client's last paid period for the product: reservations and paid invoices."""
        ends = []
        # sudo: the client's paid periods decide the rule, whoever may read the reservations and invoices
        su_env = self.sudo().env
        [(reservation_end,)] = su_env["crm.client.reservation"]._read_group([
            ("company_id", "=", company.id), ("partner_id", "=", partner.id),
            ("product_id", "=", product.id), ("is_paid", "=", True),
        ], [], ["date_end:max"])
        ends.append(reservation_end)
        lines = [
            ("company_id", "=", company.id), ("product_id", "=", product.id),
            ("move_id.commercial_partner_id", "=", partner.id), ("move_id.move_type", "=", "out_invoice"),
            ("parent_state", "=", "posted"), ("move_id.payment_state", "in", ("paid", "in_payment")),
        ]
        Line = su_env["account.move.line"]
        [(period_end,)] = Line._read_group(lines + [("service_period_end", "!=", False)], [],
                                           ["service_period_end:max"])
        [(invoice_date,)] = Line._read_group(lines + [("service_period_end", "=", False)], [], ["date:max"])
        ends.append(period_end)
        if invoice_date:
            ends.append(invoice_date + timedelta(days=company.playbook_paid_period_days))
        ends = [end for end in ends if end]
        return max(ends) if ends else False

    def _check_blocked_write(self, vals):
        """A blocked lead is read-only for its team; sales support still decides (PP-4, 3.6)."""
        if self.env.su or not set(vals) - BLOCKED_WRITABLE:
            return
        blocked = self.filtered("is_blocked")
        if blocked and not self.env.user._playbook_is_support():
            raise UserError(self.env._(
                "Lead %(lead)s is read-only. %(reason)s",
                lead=blocked[0].display_name, reason=blocked[0].blocked_message,
            ))

    @api.model
    def _reopen_unblocked_leads(self, batch_size=500):
        """Clear the link of leads whose blocking reservation ended, and say so on each lead (cron)."""
        leads = self.search([
            ("blocking_reservation_id", "!=", False), ("is_blocked", "=", False),
        ], limit=batch_size)
        for lead in leads:
            lead.message_post(
                body=self.env._("Reopened: the reservation of team %(team)s ended.",
                                team=lead.blocking_reservation_id.team_id.display_name),
                message_type="notification", subtype_xmlid="mail.mt_note",
            )
        leads.write({"blocking_reservation_id": False})
        return leads

    # Transfers ------------------------------------------------------------

    def _transfer_to_team(self, team, reason, kind="manual"):
        """Move leads to another team under PP-7; return (moved leads, {lead: refusal}).

        Sales heads move the leads of their teams, sales support and CRM administrators any lead of their
        companies; the SLA escalation moves leads as the system.
        """
        if not (self.env.su or self.env.user._playbook_is_head()):
            raise AccessError(self.env._("Only sales heads and sales support may transfer leads to another team."))
        self.check_access("write")
        check_allowed_companies(self.env, team.company_id, team.display_name)
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the leads are transferred."))
        # The leads were checked writable above; users only read reservations.
        # sudo: the client's reservation decides the transfer and follows its lead to the new team
        held = self.env["crm.client.reservation"].sudo().search([
            ("state", "=", "active"),
            ("company_id", "in", (self.company_id | self.team_id.company_id).ids),
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("product_id", "in", self.product_id.ids),
        ]).grouped(lambda r: (r.company_id.id, r.partner_id.id, r.product_id.id))
        refused = {}
        for lead in self:
            reservation = held.get(lead._playbook_reservation_key())
            problem = lead._get_transfer_refusal(team, reservation)
            if problem:
                refused[lead] = problem
        moved = self - self.browse([lead.id for lead in refused])
        if not moved:
            return moved, refused
        # sudo: the transfer log is written by the transfer only; users read it
        self.env["crm.lead.team.transfer"].sudo().create([
            lead._prepare_transfer_values(team, reason, kind) for lead in moved
        ])
        for lead in moved:
            reservation = held.get(lead._playbook_reservation_key())
            if reservation and reservation.team_id == lead.team_id:
                reservation.with_context(playbook_skip_blocking=True).write({"team_id": team.id, "user_id": False})
        moved.write({"team_id": team.id, "user_id": False})
        for lead in moved:
            lead.message_post(
                body=self.env._("Transferred to team %(team)s: %(reason)s", team=team.display_name, reason=reason),
                message_type="notification", subtype_xmlid="mail.mt_note",
            )
        moved._playbook_assign_hot()
        return moved, refused

    def _playbook_reservation_key(self):
        """(company, client, product): what a reservation holds, and how reservations are looked up."""
        self.ensure_one()
        company = self.company_id or self.team_id.company_id or self.env.company
        return company.id, self.commercial_partner_id.id, self.product_id.id

    def _get_transfer_refusal(self, team, reservation):
        """Why this lead may not move to the team, or False (PP-7)."""
        self.ensure_one()
        if self.team_id == team:
            return self.env._("it is already in team %(team)s", team=team.display_name)
        if team.company_id and self.company_id and team.company_id != self.company_id:
            return self.env._("team %(team)s belongs to another company", team=team.display_name)
        if self.work_status in ("won", "lost"):
            return self.env._("it is closed")
        if self.temperature == "cold":
            return self.env._("cold leads are never transferred")
        if team.playbook_excluded:
            return self.env._("team %(team)s is excluded from lead distribution", team=team.display_name)
        if reservation and reservation.is_paid and reservation.team_id == self.team_id:
            return self.env._(
                "the client is reserved for team %(team)s by an invoice or paid period until %(date)s",
                team=reservation.team_id.display_name, date=reservation.date_end,
            )
        return False

    def _prepare_transfer_values(self, team, reason, kind):
        self.ensure_one()
        return {
            "lead_id": self.id,
            "team_from_id": self.team_id.id,
            "team_to_id": team.id,
            "user_from_id": self.user_id.id,
            "reason": reason,
            "kind": kind,
            "date": self.env.cr.now(),
            "author_id": self.env.uid,
        }

    # SLA escalation ---------------------------------------------------------

    @api.model
    def _cron_escalate_sla(self, units=None, batch_size=200):
        """Escalate each missed response deadline once (PP-6, PP-15), a batch at a time.

        ``units`` picks the policies: deadlines in working time (hot leads, web requests) are watched
        every hour, deadlines in calendar days (warm and cold leads) once a day.

        The leads of the batch are locked with SKIP LOCKED: a lead another worker or a user holds is
        left for the next run, and one that was escalated meanwhile is skipped. One failing lead is
        logged and does not stop the batch.
        """
        domain = [("sla_status", "=", "running"), ("sla_deadline", "<", fields.Datetime.now())]
        if units:
            domain.append(("sla_policy_id.unit", "in", list(units)))
        leads = self.search(domain, limit=batch_size, order="sla_deadline, id")
        escalated = self.browse()
        for lead in leads._lock_for_escalation():
            try:
                with self.env.cr.savepoint():
                    lead._escalate_sla_breach()
                escalated |= lead
            except Exception:  # pylint: disable=broad-except
                _logger.exception("Escalation of the missed deadline of lead %s failed", lead.id)
        remaining = self.search_count(domain) if len(leads) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(escalated), remaining=remaining)
        if not getattr(threading.current_thread(), "testing", False):
            # Escalations of a batch are kept even if a later batch fails.
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return escalated

    def _lock_for_escalation(self):
        """Lock the leads still to escalate; the ones locked elsewhere are skipped, not waited for."""
        return lock_skip_locked(self, SQL("sla_escalated IS NOT TRUE AND sla_status = 'running'"))

    def _escalate_sla_breach(self):
        """Record the breach, tell the team leader and sales support, and apply the sanction (cron, as root)."""
        self.ensure_one()
        policy, team, deadline = self.sla_policy_id, self.team_id, self.sla_deadline
        self.write({"sla_escalated": True})
        breach = self.env["crm.sla.breach"].create({
            "lead_id": self.id, "team_id": team.id, "user_id": self.user_id.id, "policy_id": policy.id,
            "company_id": (self.company_id or team.company_id).id, "deadline": deadline,
        })
        self._notify_sla_breach(team, deadline)
        if policy.sanction == "move":
            target = self._get_escalation_team()
            reservation = self.reservation_id
            problem = self.env._("no other team can take it") if not target else \
                self._get_transfer_refusal(target, reservation)
            if problem:
                breach.write({"sanction": "kept", "sanction_note": problem})
            else:
                self._transfer_to_team(target, self.env._(
                    "Response deadline %(deadline)s missed by team %(team)s",
                    deadline=fields.Datetime.to_string(deadline), team=team.display_name), kind="sla")
                breach.write({"sanction": "moved", "sanction_note": target.display_name})
        team._playbook_check_breach_limit()
        return breach

    def _notify_sla_breach(self, team, deadline):
        recipients = (team.user_id | self._get_sales_support_users(team.company_id)).filtered("active")
        summary = self.env._("Response deadline missed")
        note = self.env._("Lead %(lead)s was not taken into work by %(deadline)s (team %(team)s).",
                          lead=self.display_name, deadline=self._format_in_tz(
                              deadline, pytz.timezone(team.tz or "UTC")), team=team.display_name)
        for user in recipients:
            self.activity_schedule("mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self),
                                   summary=summary, note=note, user_id=user.id)
        link = Markup('<a href="/odoo/crm/%s">%s</a>') % (self.id, self.display_name)
        self.message_post(body=Markup("%s: %s. %s") % (summary, link, note), message_type="notification",
                          subtype_xmlid="mail.mt_note", partner_ids=recipients.partner_id.ids)

    @api.model
    def _get_sales_support_users(self, company):
        return self.env["res.users"]._playbook_users_of(roles.SUPPORT, company or None)

    def _get_escalation_team(self):
        """The team that takes a lead its team failed to handle: other addons may choose differently.

        Same company, not excluded from distribution, with active members; the one with the fewest
        open new leads.
        """
        self.ensure_one()
        company = self.company_id or self.team_id.company_id
        teams = self.env["crm.team"].search([
            ("id", "!=", self.team_id.id), ("company_id", "in", (company.id, False)),
            ("playbook_excluded", "=", False), ("crm_team_member_ids.active", "=", True),
        ])
        if not teams:
            return teams
        load = dict(self._read_group(
            [("team_id", "in", teams.ids), ("work_status", "=", "new")], ["team_id"], ["__count"]))
        return min(teams, key=lambda team: (load.get(team, 0), team.sequence, team.id))

    # Assignment and planning ------------------------------------------------

    def _playbook_assign_hot(self):
        """Hot leads without salesperson go to a member at work at once, in teams assigning by working time."""
        hot = self.filtered(lambda lead: lead.temperature == "hot" and not lead.user_id
                            and lead.team_id.playbook_assignment)
        if hot:
            # sudo: a hot lead goes at once to the member at work, whoever created it (PP-2)
            hot = hot.sudo()
            hot.env["crm.team"]._playbook_assign_leads(hot, force_quota=True)

    def _playbook_priority(self):
        """Sort key dealing leads out: hottest first, then the longest waiting."""
        return -TEMPERATURE_RANK.get(self.temperature, 0), self.date_received or self.create_date, self.id

    def _playbook_notify_hot(self):
        """Tell the team at once, and only once, about a new hot lead it received (PP-2, PP-6)."""
        hot = self.filtered(lambda lead: lead.temperature == "hot" and lead.team_id and lead.active
                            and not lead.playbook_announced and lead.work_status == "new")
        if not hot:
            return
        # sudo: the team is told once of its new hot lead, whoever created or moved it (PP-2)
        hot = hot.sudo()
        template = hot.env.ref("crm_sales_playbook.mail_template_hot_lead")
        hot.write({"playbook_announced": True})
        for team, leads in hot.grouped("team_id").items():
            team._playbook_announce(template, leads)

    def _lock_unassigned(self):
        """Lock the leads still without salesperson; the ones locked elsewhere are skipped, not waited for."""
        return lock_skip_locked(self, SQL("user_id IS NULL"))

    # Guards (PP-14, EV-4, EV-10) ---------------------------------------------

    def _compute_call_count(self):
        counts = dict(self.env["crm.lead.call"]._read_group(
            [("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.call_count = counts.get(lead, 0)

    def _compute_followup_pending_count(self):
        counts = dict(self.env["crm.lead.followup"]._read_group(
            [("lead_id", "in", self.ids), ("state", "=", "pending")], ["lead_id"], ["__count"]))
        for lead in self:
            lead.followup_pending_count = counts.get(lead, 0)

    @api.depends("stage_id.playbook_step", "work_status", "team_id.playbook_guards")
    def _compute_playbook_next_steps(self):
        for lead in self:
            # The step buttons belong to the playbook's teams; elsewhere the form stays Odoo's.
            steps = lead._playbook_next_steps()
            lead.playbook_can_propose = lead.team_id.playbook_guards and "proposal" in steps
            lead.playbook_can_meet = lead.team_id.playbook_guards and "meeting" in steps
            lead.playbook_can_order = "order" in steps

    def _compute_proposal_count(self):
        counts = dict(self.env["crm.lead.proposal"]._read_group(
            [("lead_id", "in", self.ids), ("state", "=", "sent")], ["lead_id"], ["__count"]))
        for lead in self:
            lead.proposal_count = counts.get(lead, 0)

    def _playbook_next_steps(self):
        """The next steps the lead's stage allows (EV-5). Teams without the rules allow every step."""
        self.ensure_one()
        if self.work_status not in ("new", "in_work"):
            return ()
        if not self.team_id.playbook_guards:
            return ("proposal", "meeting", "order")
        return NEXT_STEPS.get(self.stage_id.playbook_step, ())

    def _playbook_check_next_step(self, step):
        labels = {"proposal": self.env._("a commercial proposal"), "meeting": self.env._("a meeting"),
                  "order": self.env._("an order")}
        for lead in self:
            allowed = lead._playbook_next_steps()
            if step not in allowed:
                raise UserError(self.env._(
                    "Lead %(lead)s is at stage %(stage)s: %(step)s is not a next step here (allowed: %(allowed)s).",
                    lead=lead.display_name, stage=lead.stage_id.name, step=labels[step],
                    allowed=", ".join([labels[s] for s in allowed] + [self.env._("a refusal")])))

    def _playbook_move_to_step(self, step):
        """Move the lead forward to the first stage of ``step``; never backwards."""
        for lead in self:
            stage = self.env["crm.stage"].search([
                ("playbook_step", "=", step), "|", ("team_id", "=", False), ("team_id", "=", lead.team_id.id)],
                order="sequence, id", limit=1)
            if stage and stage.sequence > lead.stage_id.sequence:
                lead.stage_id = stage

    def action_open_proposal(self):
        self.ensure_one()
        self._playbook_check_next_step("proposal")
        return {
            "type": "ir.actions.act_window", "name": self.env._("Commercial Proposal"),
            "res_model": "crm.lead.proposal", "view_mode": "form", "target": "current",
            "context": {"default_lead_id": self.id,
                        "default_name": self.env._("Commercial proposal: %(lead)s", lead=self.name)},
        }

    def action_view_proposals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_proposal_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    def action_schedule_meeting(self, smart_calendar=True):
        """Meetings are planned with the sales agent as attendee (EV-7)."""
        action = super().action_schedule_meeting(smart_calendar=smart_calendar)
        if self.team_id.playbook_guards:
            self._playbook_check_next_step("meeting")
        if self.user_id:
            partners = action["context"].get("default_partner_ids") or []
            action["context"]["default_partner_ids"] = list(dict.fromkeys(partners + self.user_id.partner_id.ids))
            action["context"]["default_user_id"] = self.user_id.id
        return action

    def action_sale_quotations_new(self):
        if self.team_id.playbook_guards:
            self._playbook_check_next_step("order")
        return super().action_sale_quotations_new()

    def action_open_consultation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Request Consultation"),
            "res_model": "crm.lead.consultation", "view_mode": "form", "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def _playbook_flag_vip(self):
        """A VIP client's request is flagged to the sales center: high priority, an activity, a notice (RC-1)."""
        # sudo: a VIP request is flagged to the sales center whoever registered it (RC-1)
        for lead in self.sudo():
            support = self.env["res.users"]._playbook_users_of(roles.SUPPORT, lead.company_id or None)
            lead.priority = "3"
            center = (lead.team_id.user_id | support).filtered("active")
            responsible = lead.team_id.user_id or lead.user_id or support[:1]
            if responsible:
                lead.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=responsible.id,
                    date_deadline=fields.Date.context_today(lead),
                    summary=self.env._("VIP request: serve first (%(client)s)",
                                       client=lead.partner_id.commercial_partner_id.name))
            if center:
                lead.message_notify(
                    partner_ids=center.partner_id.ids,
                    subject=self.env._("VIP request: %(lead)s", lead=lead.display_name),
                    body=self.env._("%(client)s, a VIP client, sent a request: serve it first.",
                                    client=lead.partner_id.commercial_partner_id.name))

    def _playbook_enter_call_plan(self):
        """After the deal the client enters the regular customers' call plan (RC-3)."""
        today = fields.Date.context_today(self)
        for lead in self.filtered("partner_id"):
            client = lead.partner_id.commercial_partner_id.sudo()  # sudo: the deal plans the next contact (RC-3)
            values = {}
            if not client.playbook_next_contact or client.playbook_next_contact < today:
                days = (lead.company_id or self.env.company).playbook_regular_contact_days
                values["playbook_next_contact"] = today + timedelta(days=days)
            if not client.playbook_regular_manager_id and lead.user_id:
                values["playbook_regular_manager_id"] = lead.user_id.id
            if values:
                client.write(values)

    def _playbook_guarded(self):
        """The leads of teams that enforce the contact rules."""
        return self.filtered(lambda lead: lead.team_id.playbook_guards)

    def _contacted_leads(self):
        """The leads with a logged contact: a done call, meeting or email activity, or a call that reached
        the client. Two queries for the whole batch."""
        if not self.ids:
            return self.browse()
        types = [self.env.ref(xmlid).id for xmlid in (
            "mail.mail_activity_data_call", "mail.mail_activity_data_meeting", "mail.mail_activity_data_email")]
        # sudo: every logged contact decides the rule, whoever logged it and whoever may read it
        su_env = self.sudo().env
        done = su_env["mail.message"]._read_group(
            [("model", "=", self._name), ("res_id", "in", self.ids), ("mail_activity_type_id", "in", types)],
            ["res_id"])
        calls = su_env["crm.lead.call"]._read_group(
            [("lead_id", "in", self.ids), ("is_contact", "=", True)], ["lead_id"])
        meetings = su_env["calendar.event"]._read_group(
            [("opportunity_id", "in", self.ids), ("playbook_done", "=", True)], ["opportunity_id"])
        return self.browse({res_id for (res_id,) in done} | {lead.id for (lead,) in calls}
                           | {lead.id for (lead,) in meetings})

    def _contact_data_problem(self):
        """Why the lead has no real contact data (a phone for the company's country or an email), or False."""
        self.ensure_one()
        country = (self.country_id or self.company_id.country_id or self.env.company.country_id).code
        phones = [number for number in (self.phone, self.mobile) if number]
        if any(not phone_problem(number, country) for number in phones):
            return False
        if self.email_from and not email_problem(self.email_from):
            return False
        reasons = [self.env._("phone %(phone)s: %(why)s", phone=number, why=self._contact_reason(
            phone_problem(number, country))) for number in phones]
        if self.email_from:
            reasons.append(self.env._("email %(email)s: %(why)s", email=self.email_from,
                                      why=self._contact_reason(email_problem(self.email_from))))
        return "; ".join(reasons) or self.env._("no phone or email")

    def _contact_reason(self, reason):
        labels = {
            "empty": self.env._("empty"),
            "all digits are the same": self.env._("all digits are the same"),
            "not a phone number": self.env._("not a phone number"),
            "too short": self.env._("too short"),
            "sequential digits": self.env._("sequential digits"),
            "not a valid number for the country": self.env._("not a valid number for the country"),
            "not an email address": self.env._("not an email address"),
            "an example or test domain": self.env._("an example or test domain"),
            "a placeholder address": self.env._("a placeholder address"),
        }
        return labels.get(reason, reason)

    def _may_override(self, role):
        """A rule is overridden by a sales head (``role`` "head") or sales support ("support"), with a reason."""
        predicate = {"head": "_playbook_is_head", "support": "_playbook_is_support"}[role]
        # The user who acts decides, even where the playbook edits the lead as the system on its behalf.
        return bool((self.playbook_override_reason or "").strip()) and getattr(self.env.user, predicate)()

    def _check_playbook_guards(self, statuses):
        """Refuse the status changes the playbook forbids, with one line per lead (PP-14, EV-4).

        ``statuses`` maps lead ids to their work status before the write.
        """
        guarded = self._playbook_guarded()
        went_in_work = guarded.filtered(lambda lead: statuses.get(lead.id) == "new" and lead.work_status == "in_work")
        contacted = went_in_work._contacted_leads()
        problems = []
        for lead in guarded:
            before, now = statuses.get(lead.id), lead.work_status
            if lead in went_in_work and lead not in contacted and not lead._may_override("support"):
                problems.append(self.env._(
                    "Lead %(lead)s cannot go in work: no contact with the client is logged. Log a call, or mark "
                    "a call, meeting or email activity done (sales support may override with a reason).",
                    lead=lead.display_name))
            if before == "new" and now not in ("new", "lost") and (data := lead._contact_data_problem()):
                problems.append(self.env._(
                    "Lead %(lead)s cannot leave New without real contact data (%(problem)s).",
                    lead=lead.display_name, problem=data))
            if now == "lost" and before != "lost" and not self.env.context.get("playbook_lost_checked"):
                problems.extend(lead._lost_problems(lead.lost_reason_id))
        if problems:
            raise ValidationError("\n".join(problems))

    def _check_playbook_guards_on_create(self):
        problems = []
        guarded = self._playbook_guarded()
        in_work = guarded.filtered(lambda lead: lead.work_status == "in_work")
        for lead in guarded:
            data = lead._contact_data_problem() if (
                lead.deal_type == "connection" or lead.work_status not in ("new", "lost")) else False
            if data:
                problems.append(self.env._(
                    "Lead %(lead)s needs real contact data to be a connection lead or to start out of New "
                    "(%(problem)s).", lead=lead.display_name, problem=data))
            if lead in in_work and lead.channel not in LIVE_CHANNELS and not lead._may_override("support"):
                problems.append(self.env._(
                    "Lead %(lead)s cannot be created in work: only a call or a chat with the client is a contact. "
                    "Create it in New and log the contact.", lead=lead.display_name))
        if problems:
            raise ValidationError("\n".join(problems))

    def _lost_problems(self, reason, comment=None):
        problems = []
        if not reason:
            problems.append(self.env._("Lead %(lead)s: choose the refusal reason to mark it lost.",
                                       lead=self.display_name))
        if not (comment or self.closing_comment or "").strip():
            problems.append(self.env._("Lead %(lead)s: write a comment on the refusal to mark it lost.",
                                       lead=self.display_name))
        return problems

    def action_set_lost(self, **additional_values):
        """A refusal needs its reason and a comment in teams that enforce the rules (EV-4)."""
        reason = self.env["crm.lost.reason"].browse(additional_values.get("lost_reason_id"))
        problems = [problem for lead in self._playbook_guarded()
                    for problem in lead._lost_problems(reason or lead.lost_reason_id,
                                                       additional_values.get("closing_comment"))]
        if problems:
            raise UserError("\n".join(problems))
        return super(CrmLead, self.with_context(playbook_lost_checked=True)).action_set_lost(**additional_values)

    def action_open_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Log a Call"), "res_model": "crm.lead.call",
            "view_mode": "form", "target": "new",
            "context": {"default_lead_id": self.id, "default_direction": "outbound",
                        "default_script_id": self._playbook_script("outbound").id},
        }

    def _playbook_script_purpose(self, direction):
        """Which script fits a call about this lead by the current user (ST-10)."""
        self.ensure_one()
        operator = self.env.user._playbook_is_operator()
        regular = self.partner_id.commercial_partner_id.playbook_is_regular
        if direction == "inbound":
            return "operator_inbound" if operator else "manager_inbound"
        if operator and self.channel == "web_form":
            return "operator_web_request"
        if regular:
            return "regular_customer"
        if self.temperature == "cold":
            return "cold_call"
        if self.channel == "email":
            return "after_letter"
        return "callback_individual"

    def _playbook_script(self, direction):
        self.ensure_one()
        customer_type = "company" if self.partner_id.commercial_partner_id.is_company or self.partner_name \
            else "person"
        return self.env["crm.call.script"]._find_for(
            self._playbook_script_purpose(direction), direction, customer_type, self.channel,
            self.company_id or self.env.company)

    def action_open_script(self):
        self.ensure_one()
        script = self._playbook_script(self.env.context.get("playbook_direction", "outbound"))
        if not script:
            raise UserError(self.env._("No call script fits this lead yet: sales support writes them in "
                                       "CRM > Configuration > Call Scripts."))
        return {"type": "ir.actions.act_window", "res_model": "crm.call.script", "res_id": script.id,
                "view_mode": "form", "target": "new", "name": script.name,
                "context": {"form_view_ref": "crm_sales_playbook.crm_call_script_view_form_read"}}

    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_call_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_followup_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    # Request follow-ups (ST-2, ST-4, LG-4) --------------------------------------

    def _playbook_plan_request_followups(self):
        """A web request gets a confirmation call; a new request given to a manager a call back in an hour."""
        if self.env.context.get("playbook_no_request_followups"):
            return
        # sudo: the request's follow-ups go to the operator and the manager, whoever created the lead (ST-2, ST-4)
        Followup = self.env["crm.lead.followup"].sudo()
        new = self.filtered(lambda lead: lead.work_status == "new" and lead.team_id.playbook_guards and lead.active)
        if not new:
            return
        pending = {(followup.lead_id.id, followup.kind) for followup in Followup.search(
            [("lead_id", "in", new.ids), ("state", "=", "pending")])}
        now = self.env.cr.now()
        values = []
        for lead in new:
            company = lead.company_id or self.env.company
            if lead.channel == "web_form" and (lead.id, "confirm_call") not in pending:
                operator = lead._playbook_operator()
                if operator:
                    values.append({
                        "lead_id": lead.id, "kind": "confirm_call", "user_id": operator.id,
                        "name": self.env._("Confirmation call: %(lead)s", lead=lead.display_name),
                        "date_due": Followup._plan_due(lead.team_id, now, company.playbook_confirm_minutes)})
            if lead.user_id and lead._is_client_request() and not lead.date_planned_contact and not {
                    (lead.id, kind) for kind in ("answer_call", "first_contact", "busy_callback")} & pending:
                values.append({
                    "lead_id": lead.id, "kind": "answer_call", "user_id": lead.user_id.id,
                    "name": self.env._("Call the client back: %(lead)s", lead=lead.display_name),
                    "date_due": Followup._plan_due(lead.team_id, now, company.playbook_answer_minutes)})
        if values:
            Followup.create(values)

    def _is_client_request(self):
        """The client asked (a call, letter, web form or chat, or a source the client starts): not a prospect."""
        return self.channel in ("inbound_call", "email", "web_form", "online_chat") or \
            self.source_id.initiator == "client"

    def _playbook_operator(self):
        """Who makes the confirmation call of a web request: the team's call-center operator, else its leader."""
        self.ensure_one()
        operators = self.team_id.member_ids.filtered(lambda user: user._playbook_is_operator())
        return operators[:1] or self.team_id.user_id

    def _split_assignable(self):
        """Leads a salesperson may be given (new or in work), and the others with the reason (PP-9)."""
        labels = dict(self._fields["work_status"]._description_selection(self.env))
        skipped = {lead: self.env._("it is %(status)s", status=labels.get(lead.work_status, "").lower())
                   for lead in self if lead.work_status not in ("new", "in_work")}
        return self - self.browse([lead.id for lead in skipped]), skipped

    def _assign_to(self, counts):
        """Deal the leads to salespeople, ``counts`` being [(user, how many)] (PP-9).

        Hottest and oldest first, round-robin in proportion to the counts; the previous salesperson
        is replaced and the team follows the salesperson. Returns (assigned leads, skipped {lead: why}).
        """
        eligible, skipped = self._split_assignable()
        counts = [(user, count) for user, count in counts if count]
        total = sum(count for _user, count in counts)
        if not counts:
            raise UserError(self.env._("Say which salespeople get leads, and how many."))
        self._playbook_check_assignees(self.env["res.users"].union(*[user for user, _count in counts]))
        if total > len(eligible):
            raise UserError(self.env._(
                "%(total)s leads are asked for but only %(available)s of the selection can be assigned.",
                total=total, available=len(eligible)))
        ordered = eligible.sorted(lambda lead: lead._playbook_priority())
        given = [0] * len(counts)
        plan = {}
        for lead in ordered[:total]:
            index = max(range(len(counts)), key=lambda i: ((counts[i][1] - given[i]) / counts[i][1], -i))
            given[index] += 1
            plan.setdefault(counts[index][0], []).append(lead.id)
        assigned = self.browse()
        for user, lead_ids in plan.items():
            leads = self.browse(lead_ids)
            previous = {lead.id: lead.user_id for lead in leads}
            leads.write({"user_id": user.id})
            for lead in leads:
                lead.message_post(
                    body=self.env._("%(author)s assigned the lead to %(user)s (before: %(previous)s).",
                                    author=self.env.user.name, user=user.name,
                                    previous=previous[lead.id].name or self.env._("nobody")),
                    message_type="notification", subtype_xmlid="mail.mt_note")
            assigned |= leads
        return assigned, skipped

    def _playbook_check_assignees(self, users):
        """Refuse to give leads to people outside the teams the user directs, naming them (PP-9, PP-10).

        Sales heads give leads to the members of the teams they lead or belong to; sales support and CRM
        administrators to the members of any team of their companies. The leads must be the user's to edit.
        """
        if self.env.su:
            return
        me = self.env.user
        if not me._playbook_is_head():
            raise AccessError(self.env._("Only sales heads and sales support assign leads to salespeople."))
        self.check_access("write")
        outside = users - me._playbook_assignable_users()
        if outside:
            raise UserError(self.env._(
                "%(users)s: not a member of the teams you direct (%(teams)s). Choose a salesperson of those "
                "teams, or ask sales support to move the leads.", users=", ".join(outside.mapped("name")),
                teams=", ".join(me._playbook_managed_teams().mapped("name")) or self.env._("none")))
        for user in users:
            foreign = self.filtered(lambda lead, user=user: lead.company_id and lead.company_id not in user.company_ids)
            if foreign:
                raise UserError(self.env._(
                    "%(user)s does not work in %(company)s, the company of lead %(lead)s.",
                    user=user.name, company=foreign[0].company_id.name, lead=foreign[0].display_name))

    def _split_distributable(self):
        """Leads that may be spread over a period (warm or cold, new), and the others with the reason (PP-10)."""
        eligible, skipped = self._split_assignable()
        labels = dict(self._fields["work_status"]._description_selection(self.env))
        for lead in eligible:
            if lead.work_status != "new":
                skipped[lead] = self.env._("it is %(status)s", status=labels[lead.work_status].lower())
            elif lead.temperature not in ("warm", "cold"):
                skipped[lead] = self.env._("it has no temperature")
        return self - self.browse([lead.id for lead in skipped]), skipped

    def _distribute_over_period(self, date_from, date_to, users, team):
        """Spread warm and cold new leads over the working days of ``team`` between two dates (PP-10).

        Warm leads take the nearest days, cold leads the last ones, each salesperson getting the same
        number of leads a day, give or take one. Every lead gets its planned contact day, the salesperson
        and a call activity on that day. Returns ({lead: (day, user)}, {skipped lead: reason}).
        """
        hot = self.filtered(lambda lead: lead.temperature == "hot")
        if hot:
            raise UserError(self.env._(
                "Hot leads cannot be planned over a period, they must be handled within hours: %(leads)s. "
                "Remove them from the selection.", leads=", ".join(hot.mapped("display_name"))))
        if not users:
            raise UserError(self.env._("Choose the salespeople who will call the leads."))
        self._playbook_check_assignees(users)
        if not (date_from and date_to) or date_to < date_from:
            raise UserError(self.env._("The period must end on or after its first day."))
        today = fields.Date.context_today(self.with_context(tz=team.tz))
        if date_from < today:
            raise UserError(self.env._("The period cannot start in the past (today is %(today)s).", today=today))
        days = team._playbook_working_days(date_from, date_to)
        if not days:
            raise UserError(self.env._(
                "%(team)s has no working day from %(start)s to %(end)s on its calendar.",
                team=team.display_name, start=date_from, end=date_to))
        eligible, skipped = self._split_distributable()
        def oldest_first(lead):
            return lead.date_received or lead.create_date, lead.id

        plan = spread_over_days(
            list(eligible.filtered(lambda lead: lead.temperature == "warm").sorted(oldest_first)),
            list(eligible.filtered(lambda lead: lead.temperature == "cold").sorted(oldest_first)),
            days, list(users))
        by_user, by_day = defaultdict(list), defaultdict(list)
        for lead, (day, user) in plan.items():
            by_user[user].append(lead.id)
            by_day[day].append(lead.id)
        for user, lead_ids in by_user.items():
            self.browse(lead_ids).write({"user_id": user.id})
        for day, lead_ids in by_day.items():
            self.browse(lead_ids).write({"date_planned_contact": day})
        call = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id(self._name)
        # The call activities are the salespeople's plan, not news: no notice per activity.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create([{
            "res_model_id": model_id, "res_id": lead.id, "activity_type_id": call.id,
            "date_deadline": day, "user_id": user.id,
            "summary": self.env._("Planned contact"),
        } for lead, (day, user) in plan.items()])
        return plan, skipped

    def action_open_postpone(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "name": self.env._("Postpone"), "res_model": "crm.lead.postpone",
            "view_mode": "form", "target": "new", "context": {"default_lead_id": self.id},
        }

    def _postpone(self, until, comment):
        """The client was reached and the talk moved to ``until`` (PP-11): the lead goes into work."""
        self.ensure_one()
        if not (comment or "").strip():
            raise UserError(self.env._(
                "Lead %(lead)s: say what was agreed with the client before postponing.", lead=self.display_name))
        if not until or until <= fields.Datetime.now():
            raise UserError(self.env._("Lead %(lead)s: postpone to a future date and time.", lead=self.display_name))
        if self.work_status not in ("new", "in_work"):
            raise UserError(self.env._("Lead %(lead)s is closed or blocked: it cannot be postponed.",
                                       lead=self.display_name))
        values = {"postponed_until": until}
        if self.work_status == "new":
            stage = self.env["crm.stage"].search([
                ("is_new_stage", "=", False), ("is_won", "=", False),
                "|", ("team_id", "=", False), ("team_id", "=", self.team_id.id)], order="sequence, id", limit=1)
            if stage:
                values["stage_id"] = stage.id
        self.write(values)
        local = self._format_in_tz(until, pytz.timezone(self.team_id.tz or self.env.user.tz or "UTC"))
        self.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=fields.Datetime.context_timestamp(self, until).date(),
            summary=self.env._("Call back at %(moment)s", moment=local), note=comment,
            user_id=(self.user_id or self.env.user).id)
        self.message_post(body=self.env._("Postponed to %(moment)s: %(comment)s", moment=local, comment=comment),
                          message_type="comment", subtype_xmlid="mail.mt_note")
        return True
