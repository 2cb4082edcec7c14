from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from . import working_time
from .playbook_rules import TEMPERATURES

# An active policy as every lead's create reads it (``_playbook_rules``): its criteria and its deadline.
PolicyRule = namedtuple("PolicyRule", "id company temperature channel source team unit duration")
# The fields a rule is made of: writing one clears the rules kept by every worker.
RULE_FIELDS = {"active", "sequence", "company_id", "temperature", "channel", "source_id", "team_id", "duration", "unit"}

UNITS = [
    ("working_minutes", "Working Minutes"),
    ("working_hours", "Working Hours"),
    ("calendar_days", "Calendar Days"),
]


class CrmSlaPolicy(models.Model):
    """How long a lead may stay New in its team before someone must have contacted the client (PP-12).

    A policy applies to the leads that match all its set criteria; the most specific matching
    policy wins, then the lowest sequence.
    """

    _name = "crm.sla.policy"
    _description = "Lead Response Deadline Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True
    _sql_constraints = [
        ("duration_positive", "CHECK (duration > 0)", "A response deadline must be longer than zero."),
    ]

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty for every company.")
    # Which leads
    temperature = fields.Selection(TEMPERATURES, tracking=True, help="Leave empty for every temperature.")
    channel = fields.Selection(
        lambda self: self.env["crm.lead"]._fields["channel"].selection,
        tracking=True,
        help="Leave empty for every channel.",
    )
    source_id = fields.Many2one("utm.source", tracking=True, check_company=True)
    team_id = fields.Many2one("crm.team", tracking=True, check_company=True)
    # How long
    duration = fields.Float(required=True, tracking=True)
    unit = fields.Selection(
        UNITS,
        required=True,
        default="working_hours",
        tracking=True,
        help="Working time counts on the team's working calendar, without weekends "
        "and public holidays; calendar days count every day.",
    )
    # What happens on a breach
    sanction = fields.Selection(
        [("notify", "Notify Only"), ("move", "Move the Lead to Another Team")],
        required=True,
        default="notify",
        tracking=True,
        help="Besides notifying the team leader and sales support. Cold leads, and hot or warm leads "
        "whose client is reserved for the team by an invoice or paid period, are never moved.",
    )
    specificity = fields.Integer(compute="_compute_specificity", store=True)

    @api.depends("temperature", "channel", "source_id", "team_id")
    def _compute_specificity(self):
        for policy in self:
            policy.specificity = sum(bool(policy[f]) for f in ("temperature", "channel", "source_id", "team_id"))

    @api.constrains("temperature", "channel", "source_id", "team_id")
    def _check_has_criterion(self):
        for policy in self:
            if not policy.specificity:
                raise ValidationError(
                    self.env._(
                        "Response deadline %(policy)s applies to no lead: choose at least a temperature, "
                        "a channel, a source or a team.",
                        policy=policy.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        self.env.registry.clear_cache()  # ``_playbook_rules``
        policies._recompute_waiting_leads()
        return policies

    def write(self, vals):
        # A policy moved to another company leaves the leads of its former one: both are recomputed.
        former = self._waiting_leads() if "company_id" in vals else self.env["crm.lead"]
        result = super().write(vals)
        if RULE_FIELDS & set(vals):
            self.env.registry.clear_cache()  # ``_playbook_rules``
        if set(vals) - {"name", "sanction"}:
            (former | self._waiting_leads()).modified(["date_received"])
        return result

    def unlink(self):
        waiting = self._waiting_leads()
        result = super().unlink()
        self.env.registry.clear_cache()  # ``_playbook_rules``
        # As if their clock had just been set: the deadline, then the status and countdown follow.
        waiting.modified(["date_received"])
        return result

    def _recompute_waiting_leads(self):
        """A changed policy moves the deadlines of the leads still waiting for their first contact."""
        # As if their clock had just been set: the deadline, then the status and countdown follow.
        self._waiting_leads().modified(["date_received"])

    def _waiting_leads(self):
        """The leads still waiting for their first contact in the policies' company (every company for a
        shared policy)."""
        companies = self.company_id if all(policy.company_id for policy in self) else None
        domain = [("date_received", "!=", False), ("sla_stopped_at", "=", False), ("work_status", "=", "new")]
        if companies is not None:
            # A lead without company follows the company of its team, as in _get_policies_by_lead.
            domain += [
                "|",
                ("company_id", "in", companies.ids),
                "&",
                ("company_id", "=", False),
                ("team_id.company_id", "in", companies.ids),
            ]
        # sudo: a policy's deadlines hold for every waiting lead, whoever edits the policy may read them or not
        return self.env["crm.lead"].sudo().search(domain)

    @api.model
    @tools.ormcache()
    def _playbook_rules(self):
        """Every active policy, the most specific first, as a ``PolicyRule``. Kept per worker, since every lead's
        create looks its policy up; creating, changing or deleting a policy clears it in every worker."""
        policies = self.sudo().search(  # sudo: every active policy sets deadlines, whoever creates the lead
            [("active", "=", True)], order="specificity desc, sequence, id"
        )
        return tuple(
            PolicyRule(
                policy.id,
                policy.company_id.id,
                policy.temperature or False,
                policy.channel or False,
                policy.source_id.id,
                policy.team_id.id,
                policy.unit,
                policy.duration,
            )
            for policy in policies
        )

    @api.model
    def _get_policies_by_lead(self, leads):
        """The policy of each lead: the first active one, most specific first, whose every set criterion the
        lead meets. A lead without company follows the company of its team."""
        rules = self._playbook_rules()
        result = {}
        for lead in leads:
            company = (lead.company_id or lead.team_id.company_id).id
            rule = next(
                (
                    rule
                    for rule in rules
                    if (not rule.company or rule.company == company)
                    and (not rule.temperature or rule.temperature == lead.temperature)
                    and (not rule.channel or rule.channel == lead.channel)
                    and (not rule.source or rule.source == lead.source_id.id)
                    and (not rule.team or rule.team == lead.team_id.id)
                ),
                None,
            )
            result[lead] = self.browse(rule.id if rule else ())
        return result

    def _deadlines(self, starts):
        """Deadline of each (start, calendar, time zone name) for this policy, reading each calendar once."""
        self.ensure_one()
        # An active policy's deadline is kept with its rule: the policy itself is not read.
        rule = next((rule for rule in self._playbook_rules() if rule.id == self.id), None)
        unit, duration = (rule.unit, rule.duration) if rule else (self.unit, self.duration)
        if unit == "calendar_days":
            return {key: working_time.add_calendar_days(key[0], duration) for key in starts}
        seconds = round(duration * (60 if unit == "working_minutes" else 3600))
        result = {}
        groups = {}
        for key in starts:
            groups.setdefault(key[1:], []).append(key)
        for (calendar, tz_name), keys in groups.items():
            tz = working_time.zone(tz_name)
            if not calendar:
                result.update({key: working_time.add_working_time(calendar, tz, key[0], seconds) for key in keys})
                continue
            first = min(key[0] for key in keys)
            last = max(key[0] for key in keys)
            intervals = working_time.work_intervals(calendar, tz, first, last, seconds)
            for key in keys:
                result[key] = working_time.plan(intervals, key[0], seconds)
        return result
