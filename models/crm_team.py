from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.addons.base.models.res_partner import _tz_get


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # Working time
    tz = fields.Selection(
        _tz_get,
        string="Time Zone",
        compute="_compute_tz",
        store=True,
        readonly=False,
        help="Time zone in which the team works: lead dates and deadlines are shown in it. "
        "Defaults to the time zone of the company's working calendar.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        default=lambda self: self._default_resource_calendar(),
        check_company=True,
        help="Working hours and public holidays of the team: response deadlines in working "
        "time count on it, in the team's time zone.",
    )

    # Distribution
    playbook_excluded_until = fields.Date(
        string="Excluded Until", tracking=True, copy=False,
        help="The team receives no new leads from assignment or reassignment until this day included.")
    playbook_excluded_forever = fields.Boolean(
        string="Excluded for Good", tracking=True, copy=False,
        help="Sales support excluded the team from lead distribution for good.")
    playbook_excluded = fields.Boolean(
        string="Excluded from Distribution", compute="_compute_playbook_excluded",
        search="_search_playbook_excluded")

    @api.model
    def _default_resource_calendar(self):
        calendar = self.env.ref("crm_sales_playbook.resource_calendar_sales", raise_if_not_found=False)
        return calendar if calendar and calendar.company_id in (self.env.company, self.env["res.company"]) \
            else self.env.company.resource_calendar_id

    @api.depends("company_id")
    def _compute_tz(self):
        for team in self:
            if team.tz and team._origin.company_id == team.company_id:
                continue
            company = team.company_id or self.env.company
            team.tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"

    @api.depends("playbook_excluded_until", "playbook_excluded_forever")
    @api.depends_context("date")
    def _compute_playbook_excluded(self):
        today = fields.Date.context_today(self)
        for team in self:
            team.playbook_excluded = team.playbook_excluded_forever or bool(
                team.playbook_excluded_until and team.playbook_excluded_until >= today)

    def _search_playbook_excluded(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on exclusion supports = and != True/False only."))
        today = fields.Date.context_today(self)
        excluded = ["|", ("playbook_excluded_forever", "=", True), ("playbook_excluded_until", ">=", today)]
        if (operator == "=") == value:
            return excluded
        return [("playbook_excluded_forever", "=", False), "|", ("playbook_excluded_until", "=", False),
                ("playbook_excluded_until", "<", today)]

    def _allocate_leads(self, creation_delta_days=7):
        """Odoo's automatic assignment skips the teams excluded from distribution."""
        return super(CrmTeam, self.filtered(lambda team: not team.playbook_excluded))._allocate_leads(
            creation_delta_days=creation_delta_days)

    def _playbook_calendar(self):
        """The working calendar of the team and its time zone."""
        self.ensure_one()
        calendar = self.resource_calendar_id or (self.company_id or self.env.company).resource_calendar_id
        return calendar, pytz.timezone(self.tz or calendar.tz or "UTC")

    def _playbook_working_days(self, date_from, date_to):
        """The days from ``date_from`` to ``date_to`` with working hours on the team calendar, holidays off."""
        calendar, zone = self._playbook_calendar()
        if not calendar or date_to < date_from:
            return []
        start = zone.localize(datetime.combine(date_from, time.min))
        stop = zone.localize(datetime.combine(date_to + timedelta(days=1), time.min))
        intervals = calendar._work_intervals_batch(start, stop, tz=zone)[False]
        return sorted({begin.astimezone(zone).date() for begin, _stop, _meta in intervals})

    def _playbook_check_breach_limit(self):
        """Exclude a team until the quarter ends once it missed N deadlines in the quarter (PP-15)."""
        today = fields.Date.context_today(self)
        quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        quarter_end = quarter_start + relativedelta(months=3, days=-1)
        for team in self.filtered(lambda t: not t.playbook_excluded):
            limit = (team.company_id or self.env.company).playbook_breach_limit
            if not limit:
                continue
            count = self.env["crm.sla.breach"].sudo().search_count([
                ("team_id", "=", team.id), ("date", ">=", fields.Datetime.to_datetime(quarter_start))])
            if count >= limit:
                team.sudo().playbook_excluded_until = quarter_end
                team.sudo().message_post(body=self.env._(
                    "Excluded from lead distribution until %(date)s: %(count)s response deadlines missed "
                    "this quarter.", date=quarter_end, count=count))

    def action_lift_exclusion(self):
        self._check_playbook_support()
        self.sudo().write({"playbook_excluded_until": False, "playbook_excluded_forever": False})
        return True

    def action_exclude_forever(self):
        self._check_playbook_support()
        self.sudo().write({"playbook_excluded_forever": True})
        return True

    def _check_playbook_support(self):
        """Sales support decides sanctions (PP-15, 9.4); CRM administrators may too."""
        user = self.env.user
        if not (self.env.su or user.has_group("sales_team.group_sale_manager")
                or user.has_group("crm_sales_playbook.group_crm_sales_playbook_support")):
            raise UserError(self.env._("Only sales support may exclude a team or lift its exclusion."))
