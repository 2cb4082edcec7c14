"""The lead of the sales playbook: its core fields, computes and constraints, and the one create and write.

Each concern of the playbook lives in a file of its own that extends ``crm.lead``: intake
(``crm_lead_intake.py``), reservations and transfers (``crm_lead_reservation.py``), response deadlines
(``crm_lead_sla.py``), contact rules (``crm_lead_guards.py``), the steps of a sale (``crm_lead_steps.py``) and
assignment (``crm_lead_assignment.py``). Create and write here call one hook per concern, in a fixed order.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from . import working_time
from .locking import lock_for_write
from .playbook_rules import (
    CHANNELS,
    DEAL_TYPE_RULES,
    DEAL_TYPES,
    NO_DEAL_TYPE_RULE,
    STATUS_FIELDS,
    TEAM_TZ_DATES,
    TEMPERATURES,
    WORK_STATUSES,
)
from .roles import refuse_workflow_writes


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
    playbook_won_hint = fields.Char(
        string="Why not Won yet",
        compute="_compute_playbook_won_hint",
        help="Shown instead of the Won button while the lead cannot be won yet.",
    )
    team_tz = fields.Selection(related="team_id.tz", string="Team Time Zone")
    team_tz_label = fields.Char(string="Team Time", compute="_compute_team_tz_label")
    team_tz_differs = fields.Boolean(
        string="Team in Another Time Zone",
        compute="_compute_team_tz_label",
        help="The team works in another time zone than the user's.",
    )
    create_date_team_tz = fields.Char(string="Created (Team Time)", compute="_compute_team_tz_dates")
    date_received_team_tz = fields.Char(string="Received by Team (Team Time)", compute="_compute_team_tz_dates")
    date_in_work_team_tz = fields.Char(string="Taken into Work (Team Time)", compute="_compute_team_tz_dates")
    postponed_until_team_tz = fields.Char(string="Postponed Until (Team Time)", compute="_compute_team_tz_dates")
    date_closed_team_tz = fields.Char(string="Closed (Team Time)", compute="_compute_team_tz_dates")
    sla_deadline_team_tz = fields.Char(string="Response Deadline (Team Time)", compute="_compute_team_tz_dates")

    @api.depends("deal_type")
    def _compute_deal_type_rule(self):
        for lead in self:
            rule = lead._playbook_deal_type_rule()
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

    @api.depends("active", "probability", "stage_id.is_won", "stage_id.is_new_stage", "is_blocked")
    def _compute_work_status(self):
        for lead in self:
            lead.work_status = lead._playbook_work_status()

    @api.depends("work_status")
    def _compute_date_in_work(self):
        now = self.env.cr.now()
        for lead in self:
            if not lead.date_in_work and lead.work_status in ("in_work", "won"):
                lead.date_in_work = now
            else:
                lead.date_in_work = lead.date_in_work

    @api.depends(
        "team_id.tz", "create_date", "date_received", "date_in_work", "postponed_until", "date_closed", "sla_deadline"
    )
    def _compute_team_tz_dates(self):
        for lead in self:
            _calendar, tz = lead.team_id._playbook_working_time(lead.company_id)
            for source, target in TEAM_TZ_DATES.items():
                lead[target] = working_time.format_local(lead[source], tz, self.env)

    @api.depends("type", "deal_type", "order_ids", "playbook_override_reason", "stage_id.is_won")
    @api.depends_context("uid")
    def _compute_playbook_won_hint(self):
        """A lead whose deal type is won by a paid invoice (Connection) shows why instead of a Won button that could
        only fail: until an invoice of its orders is paid, unless a sales head overrides the rule with a reason."""
        for lead in self:
            blocked = (
                lead.type == "opportunity"
                and not lead.stage_id.is_won
                and lead._playbook_deal_type_rule()["needs_invoice"]
                and not lead._playbook_has_paid_invoice()
                and not lead._playbook_may_override("head")
            )
            lead.playbook_won_hint = blocked and self.env._(
                "Won once an invoice of its order is paid: a %(type)s lead is won by the client's payment.",
                type=lead._playbook_deal_type_label(),
            )

    @api.depends("team_id.tz")
    @api.depends_context("uid")
    def _compute_team_tz_label(self):
        """The team's zone named for people (never "Europe/Moscow"), and whether it is not the user's: the form then
        shows the team's local time next to the dates Odoo shows in the user's zone."""
        user_tz = working_time.zone(self.env.user.tz)
        now = fields.Datetime.now()
        for lead in self:
            _calendar, tz = lead.team_id._playbook_working_time(lead.company_id)
            lead.team_tz_label = working_time.zone_label(tz, self.env)
            lead.team_tz_differs = (
                working_time.to_local(now, tz).utcoffset() != working_time.to_local(now, user_tz).utcoffset()
            )

    @api.constrains("deal_type", "product_id")
    def _check_playbook_deal_type_product(self):
        for lead in self:
            if lead._playbook_deal_type_rule()["needs_product"] and not lead.product_id:
                raise ValidationError(
                    self.env._(
                        "Lead %(lead)s is a %(type)s lead: choose the product it is about.",
                        lead=lead.display_name,
                        type=lead._playbook_deal_type_label(),
                    )
                )

    @api.constrains("deal_type", "stage_id", "closing_comment")
    def _check_playbook_deal_type_closing(self):
        for lead in self.filtered(lambda lead: lead.deal_type and lead.stage_id.is_won):
            rule = lead._playbook_deal_type_rule()
            if rule["closes_with_comment"] and not (lead.closing_comment or "").strip():
                raise ValidationError(
                    self.env._(
                        "Lead %(lead)s is a %(type)s lead: write a closing comment before marking it won.",
                        lead=lead.display_name,
                        type=lead._playbook_deal_type_label(),
                    )
                )
            if (
                rule["needs_invoice"]
                and not lead._playbook_has_paid_invoice()
                and not lead._playbook_may_override("head")
            ):
                raise ValidationError(
                    self.env._(
                        "Lead %(lead)s is a %(type)s lead: it is won only by a paid invoice of one of its orders.",
                        lead=lead.display_name,
                        type=lead._playbook_deal_type_label(),
                    )
                )

    @api.constrains("stage_id", "company_id")
    def _check_playbook_stage_company(self):
        for lead in self:
            stage_company = lead.stage_id.team_id.company_id
            if lead.company_id and stage_company and stage_company != lead.company_id:
                raise ValidationError(
                    self.env._(
                        "Lead %(lead)s belongs to %(company)s and cannot use stage %(stage)s "
                        "of team %(team)s of another company.",
                        lead=lead.display_name,
                        company=lead.company_id.display_name,
                        stage=lead.stage_id.display_name,
                        team=lead.stage_id.team_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        """The only create of the lead: each concern of the playbook (one file each) runs in a fixed order."""
        buttons = self._playbook_workflow_buttons()
        self._playbook_intake_defaults(vals_list)
        for vals in vals_list:
            refuse_workflow_writes(self, vals, buttons, create=True)
            self._playbook_check_values(vals, vals.get("name") or self.env._("(new)"))
            if "temperature" in vals and "temperature_manual" not in vals:
                source = self.env["utm.source"].browse(vals.get("source_id"))
                vals["temperature_manual"] = self._playbook_is_manual_temperature(vals["temperature"], source)
        matcher, new_vals = self._playbook_intake_match(vals_list)
        self._playbook_prime_references(new_vals)
        with self._playbook_deferred_team_followers(new_vals):
            leads = super().create(new_vals)
        leads._playbook_history_on_create()
        leads._playbook_sla_on_create()
        leads._playbook_reservation_on_create()
        leads._playbook_guards_on_create()
        leads._playbook_assignment_on_create()
        leads._playbook_intake_on_create()
        return matcher.merge(leads) if matcher else leads

    def write(self, vals):
        """The only write of the lead: each concern checks before and reacts after, in a fixed order."""
        refuse_workflow_writes(self, vals, self._playbook_workflow_buttons())
        self._playbook_check_values(vals, self)
        if not self.env.su:
            # A user's write waits for the crons' locks, and the crons skip the user's: in the playbook's teams,
            # whose leads the crons handle (elsewhere Odoo's write stays as it is).
            lock_for_write(self.filtered(lambda lead: lead.team_id and lead.team_id._playbook_follows()))
        self._playbook_reservation_before_write(vals)
        self._playbook_guards_before_write(vals)
        manual = self._playbook_manual_temperature(vals)
        statuses = {lead.id: lead.work_status for lead in self} if STATUS_FIELDS & set(vals) else {}
        teams = self._playbook_sla_before_write(vals)
        stages = self._playbook_history_before_write(vals)
        result = super().write(vals)
        self._playbook_history_after_write(stages)
        self._playbook_mark_manual_temperature(vals, manual)
        self._playbook_sla_after_write(teams)
        self._playbook_reservation_after_write(vals)
        self._playbook_guards_after_write(statuses)
        self._playbook_steps_after_write(statuses)
        self._playbook_assignment_after_write(vals)
        self._playbook_intake_after_write(vals)
        return result

    def _playbook_manual_temperature(self, vals):
        """The leads of this write whose new temperature differs from their source's: chosen by hand."""
        if "temperature" not in vals:
            return self.browse()
        return self.filtered(
            lambda lead: self._playbook_is_manual_temperature(
                vals["temperature"],
                self.env["utm.source"].browse(vals["source_id"]) if "source_id" in vals else lead.source_id,
            )
        )

    def _playbook_mark_manual_temperature(self, vals, manual):
        if "temperature" in vals and "temperature_manual" not in vals:
            # sudo: whether the temperature was chosen by hand is the playbook's record of this very write
            marks = self.sudo()
            (marks & manual).filtered(lambda lead: not lead.temperature_manual).write({"temperature_manual": True})
            (marks - manual).filtered("temperature_manual").write({"temperature_manual": False})

    def action_reset_temperature(self):
        """Let the temperature follow the source again after a manual choice."""
        self.check_access("write")
        for source, leads in self.grouped("source_id").items():
            if source.temperature:
                leads.write({"temperature": source.temperature})
            # sudo: the button is the one way to clear the manual mark; the user's write right was checked
            leads.sudo().write({"temperature_manual": False})
        return True

    def _playbook_deal_type_rule(self):
        """The rules of this lead's deal type (PP-5); other addons may add types here."""
        self.ensure_one()
        return DEAL_TYPE_RULES.get(self.deal_type, NO_DEAL_TYPE_RULE)

    def _playbook_deal_type_label(self):
        self.ensure_one()
        return dict(self._fields["deal_type"]._description_selection(self.env)).get(self.deal_type, "")

    def _playbook_has_paid_invoice(self):
        """A customer invoice of one of the lead's orders is paid (PP-5 closing rule)."""
        self.ensure_one()
        invoices = self.sudo().order_ids.invoice_ids  # sudo: a paid invoice decides the rule, whoever may read it
        return any(
            move.move_type == "out_invoice" and move.payment_state in ("paid", "in_payment") for move in invoices
        )

    def _playbook_work_status(self):
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

    @api.model
    def _playbook_is_manual_temperature(self, temperature, source):
        return bool(temperature) and temperature != source.temperature

    def _playbook_workflow_buttons(self):
        """The workflow fields of a lead, written by the playbook's business methods only (X-SEC), and the step
        that sets each, named when a user's direct write is refused. Each concern adds its own."""
        return {
            "temperature_manual": self.env._("choose a temperature, or use Temperature from Source"),
            "date_in_work": self.env._("the lead's team and stage set it: move the lead, or use Postpone"),
        }

    def _playbook_check_values(self, vals, label):
        """Refuse unknown selection values and hand-written statuses with a clear message.

        ``label`` names the lead in the message: the new lead's name, or the leads written.
        """
        if "work_status" not in vals and not any(vals.get(fname) for fname in ("deal_type", "temperature", "channel")):
            return  # nothing to check: the leads' names are not even read
        if isinstance(label, models.BaseModel):
            label = ", ".join(label[:3].mapped("display_name")) + ("..." if len(label) > 3 else "")
        if "work_status" in vals:
            raise UserError(
                self.env._(
                    "Lead %(lead)s: the work status follows the stage and cannot be written. "
                    "Move the lead to another stage, or mark it won or lost.",
                    lead=label,
                )
            )
        for fname in ("deal_type", "temperature", "channel"):
            value = vals.get(fname)
            field = self._fields[fname]
            allowed = dict(field._description_selection(self.env))
            if value and value not in allowed:
                raise ValidationError(
                    self.env._(
                        "Lead %(lead)s: %(value)s is not a valid %(field)s. Allowed values: %(allowed)s.",
                        lead=label,
                        value=repr(value),
                        field=field._description_string(self.env),
                        allowed=", ".join(allowed),
                    )
                )
