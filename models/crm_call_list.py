from datetime import timedelta

import pytz

from odoo import api, fields, models


class CrmCallList(models.Model):
    """A salesperson's calls for one day: cold calls to prospects and the callbacks that fall due (LG-3, LG-6)."""

    _name = "crm.call.list"
    _description = "Call List"
    _order = "date desc, user_id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True, index=True, check_company=True)
    team_id = fields.Many2one("crm.team", required=True, index=True, check_company=True)
    company_id = fields.Many2one(related="team_id.company_id", store=True, index=True)
    date = fields.Date(required=True, index=True)
    line_ids = fields.One2many("crm.call.list.line", "list_id", string="Calls")
    line_count = fields.Integer(string="Calls Planned", compute="_compute_counts")
    done_count = fields.Integer(string="Calls Made", compute="_compute_counts")

    _sql_constraints = [
        ("user_date_unique", "UNIQUE (user_id, team_id, date)", "A salesperson has one call list a day per team."),
    ]

    @api.depends("user_id.name", "date")
    def _compute_name(self):
        for call_list in self:
            call_list.name = f"{call_list.user_id.name or ''} {call_list.date or ''}".strip()

    @api.depends("line_ids.done")
    def _compute_counts(self):
        for call_list in self:
            call_list.line_count = len(call_list.line_ids)
            call_list.done_count = len(call_list.line_ids.filtered("done"))

    @api.model
    def _cron_build_lists(self):
        """At the configured hour of each team's day, build its next working day's lists, once (LG-3)."""
        now = self.env.cr.now()
        built = self.browse()
        teams = self.env["crm.team"].search([("crm_team_member_ids.playbook_cold_calls_per_day", ">", 0)])
        for team in teams:
            _calendar, zone = team._playbook_calendar()
            local = pytz.utc.localize(now).astimezone(zone)
            hour = (team.company_id or self.env.company).playbook_call_list_hour
            if local.hour + local.minute / 60 < hour or not team._playbook_working_days(local.date(), local.date()):
                continue
            days = team._playbook_working_days(local.date() + timedelta(days=1), local.date() + timedelta(days=31))
            if days:
                built |= team._playbook_build_call_lists(days[0])
        return built

    @api.model
    def _cron_build_week_plans(self):
        """On the configured day and hour of each team's week, plan next week's regular-customer calls, once."""
        now = self.env.cr.now()
        built = self.browse()
        for team in self.env["crm.team"].search([("active", "=", True)]):
            _calendar, zone = team._playbook_calendar()
            local = pytz.utc.localize(now).astimezone(zone)
            company = team.company_id or self.env.company
            monday = local.date() + timedelta(days=7 - local.weekday())
            if str(local.weekday()) != (company.playbook_plan_weekday or "4") \
                    or local.hour + local.minute / 60 < company.playbook_plan_hour \
                    or team.playbook_plan_built_for == monday:
                continue
            built |= team._playbook_build_week_plan(monday)
            team.playbook_plan_built_for = monday
        return built


class CrmCallListLine(models.Model):
    _name = "crm.call.list.line"
    _description = "Planned Call"
    _order = "planned_at, id"

    list_id = fields.Many2one("crm.call.list", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="list_id.user_id", store=True)
    kind = fields.Selection([("cold", "Cold Call"), ("callback", "Callback"), ("regular", "Regular Customer")],
                            required=True)
    partner_id = fields.Many2one("res.partner", string="Client", index=True)
    lead_id = fields.Many2one("crm.lead", index="btree_not_null")
    followup_id = fields.Many2one("crm.lead.followup", index="btree_not_null")
    planned_at = fields.Datetime(required=True)
    call_id = fields.Many2one("crm.lead.call", string="Logged Call", readonly=True)
    result = fields.Selection(related="call_id.result")
    done = fields.Boolean(compute="_compute_done", store=True)

    @api.depends("call_id")
    def _compute_done(self):
        for line in self:
            line.done = bool(line.call_id)

    def action_call(self):
        """Work the line: the lead (a cold lead for a prospect) and the Log Call screen with its script."""
        self.ensure_one()
        lead = self.lead_id
        if not lead:
            regular = self.kind == "regular"
            name = self.env._("Regular customer call: %(partner)s", partner=self.partner_id.display_name) \
                if regular else self.env._("Cold call: %(partner)s", partner=self.partner_id.display_name)
            lead = self.env["crm.lead"].create({
                "name": name, "partner_id": self.partner_id.id, "team_id": self.list_id.team_id.id,
                "user_id": self.user_id.id, "temperature": "warm" if regular else "cold",
                "channel": "outbound_call", "type": "opportunity",
            })
            self.lead_id = lead
        action = lead.action_open_log_call()
        action["context"]["default_call_list_line_id"] = self.id
        return action
