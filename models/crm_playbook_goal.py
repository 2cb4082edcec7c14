"""Goals and indicators of the sales process with their control methods (LG-7)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang
from odoo.tools.safe_eval import safe_eval

from . import deadline_met, working_time
from .locking import run_batch
from .roles import refuse_workflow_writes

PERIODICITY = [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")]
# What a goal measures: whoever sets it, the goal counts what that user may read (X-SEC).
MEASURED = {"calculation", "filter_domain", "team_id", "company_id"}

# calculation: (label, model, date field, kind, extra domain, unit)
#   kind "count" counts the records, "sum:<field>" sums a field, "ratio:<domain>" is the percentage of the
#   records that also meet the domain.
CALCULATIONS = {
    "leads": ("Leads Received", "crm.lead", "create_date", "count", [], "leads"),
    "conversion": (
        "Conversion from New to Won (%)",
        "crm.lead",
        "create_date",
        "ratio",
        [("work_status", "=", "won")],
        "%",
    ),
    "sla_compliance": (
        "Response Deadlines Met (%)",
        "crm.lead",
        "sla_deadline",
        "ratio",
        deadline_met.met_domain(),
        "%",
    ),
    "calls": ("Calls Made", "crm.lead.call", "date", "count", [], "calls"),
    "meetings": ("Meetings Set", "calendar.event", "create_date", "count", [], "meetings"),
    "proposals": ("Proposals Sent", "crm.lead.proposal", "date_sent", "count", [], "proposals"),
    "invoices_issued": ("Invoices Issued", "account.move", "invoice_date", "count", [], "invoices"),
    "invoices_paid": ("Invoices Paid", "account.move", "playbook_paid_at", "count", [], "invoices"),
    "revenue": ("Revenue Paid", "account.move", "playbook_paid_at", "sum:amount_total_signed", [], "currency"),
    "claims_opened": ("Claims Opened", "crm.customer.claim", "date", "count", [], "claims"),
    "claims_on_time": (
        "Claims Closed with the Notice on Time (%)",
        "crm.customer.claim",
        "date_closed",
        "ratio",
        [("notice_on_time", "=", True)],
        "%",
    ),
    "complaints": ("Complaints", "crm.quality.complaint", "date", "count", [], "complaints"),
}
# What every calculation counts, whatever the filter.
BASE_DOMAINS = {
    "sla_compliance": deadline_met.measured_domain(),
    "meetings": [("opportunity_id", "!=", False)],
    "proposals": [("state", "=", "sent")],
    "invoices_issued": [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
    "invoices_paid": [("move_type", "=", "out_invoice")],
    "revenue": [("move_type", "=", "out_invoice")],
    "claims_on_time": [("is_closed", "=", True)],
}


class CrmPlaybookGoal(models.Model):
    """A goal (Ц1) with its indicator (ПЦ1), target and control method (БД1), measured every period."""

    _name = "crm.playbook.goal"
    _description = "Sales Goal and Indicator"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "sequence, code, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    code = fields.Char(string="Goal Code", required=True, tracking=True, help="For example Ц1.")
    name = fields.Char(string="Goal", required=True, tracking=True)
    indicator_code = fields.Char(required=True, tracking=True, help="For example ПЦ1.")
    indicator_name = fields.Char(string="Indicator", required=True, tracking=True)
    calculation = fields.Selection(
        [(key, value[0]) for key, value in CALCULATIONS.items()],
        required=True,
        tracking=True,
        help="How the indicator is calculated each period.",
    )
    calculation_model = fields.Char(compute="_compute_calculation_model")
    filter_domain = fields.Char(
        string="Filter",
        default="[]",
        tracking=True,
        help="Which records count, e.g. hot leads only or one source; on the records the calculation reads.",
    )
    unit = fields.Char(
        compute="_compute_unit",
        store=True,
        readonly=False,
        help="Unit of the indicator: leads, %, calls, the currency...",
    )
    periodicity = fields.Selection(PERIODICITY, required=True, default="monthly", tracking=True)
    direction = fields.Selection(
        [("at_least", "At Least"), ("at_most", "At Most")],
        required=True,
        default="at_least",
        tracking=True,
        help="Whether the actual value must reach the target or stay below it.",
    )
    target = fields.Float(required=True, tracking=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", check_company=True, help="Leave empty for the whole company."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        check_company=True,
        help="Told when a period ends below the target.",
    )
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    measure_user_id = fields.Many2one(
        "res.users",
        string="Measured As",
        readonly=True,
        copy=False,
        tracking=True,
        default=lambda self: self.env.user,
        help="The goal counts only the records this user may read: whoever last set what the goal measures.",
    )
    # Control method (LG-7, section 6 of the instruction)
    control_code = fields.Char(string="Control Method Code", help="For example БД1 or ОМ1.")
    control_name = fields.Char(string="Control Method")
    control_periodicity = fields.Selection(PERIODICITY)
    control_user_id = fields.Many2one(
        "res.users", string="Controlled By", domain="[('share', '=', False)]", check_company=True
    )
    control_description = fields.Text(string="How It Is Controlled")
    control_storage = fields.Char(
        string="Result Kept In", help="In what form and where the result of the control is kept."
    )
    value_ids = fields.One2many("crm.playbook.goal.value", "goal_id", string="Values")
    last_value_id = fields.Many2one("crm.playbook.goal.value", compute="_compute_last_value")
    last_actual = fields.Float(compute="_compute_last_value")
    last_period = fields.Char(compute="_compute_last_value")
    last_reached = fields.Boolean(compute="_compute_last_value")
    trend = fields.Selection([("up", "Up"), ("down", "Down"), ("flat", "Flat")], compute="_compute_last_value")
    progress = fields.Float(compute="_compute_last_value", help="Actual as a percentage of the target.")
    last_figures = fields.Char(compute="_compute_last_value", help="The last period's actual value of the target.")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, indicator_code, company_id)",
            "A goal and indicator code pair is unique in a company.",
        )
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_writes(self, vals, self._workflow_buttons(), create=True)
        return super().create(vals_list)

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        if MEASURED & set(vals) and not self.env.su:
            vals = dict(vals, measure_user_id=self.env.uid)
        return super().write(vals)

    def _workflow_buttons(self):
        return {"measure_user_id": self.env._("whoever sets what the goal measures becomes it")}

    @api.depends("calculation")
    def _compute_calculation_model(self):
        for goal in self:
            goal.calculation_model = CALCULATIONS[goal.calculation][1] if goal.calculation else "crm.lead"

    @api.depends("calculation")
    def _compute_unit(self):
        for goal in self:
            unit = CALCULATIONS[goal.calculation][5] if goal.calculation else ""
            goal.unit = goal.company_id.currency_id.name if unit == "currency" else unit

    @api.depends("value_ids.actual", "value_ids.period_start")
    def _compute_last_value(self):
        for goal in self:
            values = goal.value_ids.sorted("period_start", reverse=True)
            last = values[:1]
            goal.last_value_id = last
            goal.last_actual = last.actual
            goal.last_period = last.display_name if last else False
            goal.last_reached = last.reached
            goal.progress = 100.0 * last.actual / goal.target if last and goal.target else 0.0
            goal.last_figures = goal._figures(last.actual) if last else False
            if len(values) < 2:
                goal.trend = False
            else:
                before = values[1].actual
                goal.trend = "up" if last.actual > before else "down" if last.actual < before else "flat"

    @api.constrains("filter_domain", "calculation")
    def _check_filter_domain(self):
        for goal in self:
            try:
                domain = goal._filter()
                goal._measured_model().search_count(domain, limit=1)
            except Exception as error:  # pylint: disable=broad-except
                raise ValidationError(
                    self.env._("The filter of goal %(code)s is not valid: %(error)s", code=goal.code, error=error)
                ) from error

    def _filter(self):
        return safe_eval(self.filter_domain or "[]", {"uid": self.env.uid})

    # Periods ---------------------------------------------------------------------------------

    def _period_of(self, day):
        """The period of this goal's periodicity that contains ``day``: (first day, last day)."""
        self.ensure_one()
        if self.periodicity == "daily":
            return day, day
        if self.periodicity == "weekly":
            start = day - timedelta(days=day.weekday())
            return start, start + timedelta(days=6)
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)

    def _measure(self, start, end):
        """The indicator over the days ``start`` to ``end`` (company time zone)."""
        self.ensure_one()
        _label, model, date_field, kind, ratio_domain, _unit = CALCULATIONS[self.calculation]
        Model = self._measured_model()
        if Model._fields[date_field].type == "date":
            dates = [(date_field, ">=", start), (date_field, "<=", end)]
        else:
            zone = self.company_id._playbook_tz()
            dates = [
                (date_field, ">=", working_time.day_start_utc(zone, start)),
                (date_field, "<", working_time.day_start_utc(zone, end + timedelta(days=1))),
            ]
        domain = dates + BASE_DOMAINS.get(self.calculation, []) + self._filter()
        if "company_id" in Model._fields:
            domain.append(("company_id", "in", (self.company_id.id, False)))
        if self.team_id and "team_id" in Model._fields:
            domain.append(("team_id", "=", self.team_id.id))
        if kind == "count":
            return float(Model.search_count(domain))
        if kind.startswith("sum:"):
            [[total]] = Model._read_group(domain, [], [kind[4:] + ":sum"])
            return float(total or 0.0)
        total = Model.search_count(domain)
        return round(100.0 * Model.search_count(domain + ratio_domain) / total, 2) if total else 0.0

    def _measured_model(self):
        """The goal's model as its measuring user sees it, in the goal's company: the filter never counts a
        record that user may not read, whoever runs the measure (X-SEC)."""
        self.ensure_one()
        model = CALCULATIONS[self.calculation][1]
        user = self.measure_user_id or self.create_uid or self.env.user
        return self.env[model].with_user(user).with_company(self.company_id).with_context(active_test=False)

    def _reached(self, actual):
        self.ensure_one()
        return actual >= self.target if self.direction == "at_least" else actual <= self.target

    def _record(self, start, end, final):
        """Store (or refresh) the value of one period; tell the responsible once when it ended short."""
        self.ensure_one()
        # sudo: a goal's values are its measured history, written by the measure only; heads read them
        Value = self.env["crm.playbook.goal.value"].sudo()
        actual = self._measure(start, end)
        value = Value.search([("goal_id", "=", self.id), ("period_start", "=", start)], limit=1)
        vals = {
            "actual": actual,
            "target": self.target,
            "reached": self._reached(actual),
            "final": final,
            "computed_at": fields.Datetime.now(),
        }
        if value:
            if value.final and value.notified:
                return value
            value.write(vals)
        else:
            value = Value.create(dict(vals, goal_id=self.id, period_start=start, period_end=end))
        if final and not value.reached and not value.notified:
            self._notify_short(value)
            value.notified = True
        return value

    def _number(self, number):
        """A figure as people read it: a whole number without decimals ("1", not "1.00"), others with two."""
        if float(number).is_integer():
            return formatLang(self.env, number, digits=0)
        return formatLang(self.env, number, digits=2)

    def _figures(self, actual):
        """ "1 of 2 complaints": the actual value of the target, in the unit of the goal."""
        self.ensure_one()
        return self.env._(
            "%(actual)s of %(target)s %(unit)s",
            actual=self._number(actual),
            target=self._number(self.target),
            unit=self._unit_label(),
        ).strip()

    def _unit_label(self):
        """The goal's unit in the reader's language: the units the calculations give are stored in English."""
        self.ensure_one()
        labels = {
            "leads": self.env._("leads"),
            "calls": self.env._("calls"),
            "meetings": self.env._("meetings"),
            "proposals": self.env._("proposals"),
            "invoices": self.env._("invoices"),
            "claims": self.env._("claims"),
            "complaints": self.env._("complaints"),
        }
        return labels.get(self.unit, self.unit or "")

    def _notify_short(self, value):
        summary = self.env._(
            "%(code)s below target: %(figures)s", code=self.indicator_code, figures=self._figures(value.actual)
        )
        note = self.env._(
            "%(goal)s (%(indicator)s), period %(period)s.",
            goal=self.name,
            indicator=self.indicator_name,
            period=value.display_name,
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=self.user_id.id,
            date_deadline=fields.Date.context_today(self),
            summary=summary,
            note=note,
        )
        self.message_post(
            body=Markup("%s<br/>%s") % (summary, note),
            message_type="notification",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.user_id.partner_id.ids,
        )

    def action_measure_now(self):
        """Measure the current period and the one before it."""
        for goal in self:
            zone = goal.company_id._playbook_tz()
            today = working_time.local_day(fields.Datetime.now(), zone)
            start, end = goal._period_of(today)
            before_start, before_end = goal._period_of(start - timedelta(days=1))
            created = working_time.local_day(goal.create_date, zone)
            if before_end >= created:
                # A period that ended before the goal was set is not held against it.
                goal._record(before_start, before_end, final=True)
            goal._record(start, end, final=False)
        return True

    @api.model
    def _cron_measure(self):
        """Daily: every goal's current period to date, and the period that just ended, once final."""
        measured = []
        run_batch(
            self,
            [("active", "=", True)],
            lambda goal: measured.append(goal.action_measure_now() and goal),
            job="measure goals",
        )
        return self.browse([goal.id for goal in measured])

    @api.readonly
    def action_view_values(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_playbook_goal_value_action")
        action["domain"] = [("goal_id", "=", self.id)]
        return action


class CrmPlaybookGoalValue(models.Model):
    """The actual value of a goal's indicator in one period: the history the dashboard draws."""

    _name = "crm.playbook.goal.value"
    _description = "Goal Value"
    _order = "period_start desc, id desc"

    goal_id = fields.Many2one("crm.playbook.goal", required=True, ondelete="cascade", index=True)
    code = fields.Char(related="goal_id.indicator_code", store=True)
    company_id = fields.Many2one(related="goal_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="goal_id.user_id", string="Responsible", store=True)
    period_start = fields.Date(required=True, index=True)
    period_end = fields.Date(required=True)
    actual = fields.Float(aggregator="avg")
    target = fields.Float(aggregator="avg")
    reached = fields.Boolean()
    final = fields.Boolean(string="Period Ended", help="The period is over: the value will not change.")
    notified = fields.Boolean(string="Responsible Told", readonly=True)
    computed_at = fields.Datetime(string="Measured On")

    _sql_constraints = [("goal_period_uniq", "unique(goal_id, period_start)", "One value per goal and period.")]

    @api.depends("period_start", "period_end")
    def _compute_display_name(self):
        for value in self:
            if value.period_start == value.period_end:
                value.display_name = fields.Date.to_string(value.period_start)
            else:
                value.display_name = "%s - %s" % (
                    fields.Date.to_string(value.period_start),
                    fields.Date.to_string(value.period_end),
                )
