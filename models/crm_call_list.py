from datetime import timedelta

from odoo import api, fields, models

from . import working_time
from .lead_planning import spread_over_days
from .locking import run_batch


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
        """At the configured hour of each team's day, build its next working day's lists, once (LG-3).

        A team at a time, each on its own: one that fails is logged and does not stop the others.
        """
        built = []
        run_batch(
            self.env["crm.team"],
            [("crm_team_member_ids.playbook_cold_calls_per_day", ">", 0)],
            lambda team: built.append(self._build_lists_if_due(team)),
            job="build call lists",
        )
        return self.union(*built)

    @api.model
    def _build_lists_if_due(self, team):
        """The team's lists for its next working day, once its call-list hour of a working day came."""
        now = self.env.cr.now()
        calendar, tz = team._playbook_working_time()
        today = working_time.local_day(now, tz)
        hour = (team.company_id or self.env.company).playbook_call_list_hour
        if working_time.local_hour(now, tz) < hour or not working_time.working_days(calendar, tz, today, today):
            return self.browse()
        day = working_time.next_working_day(calendar, tz, today + timedelta(days=1), within=30)
        return self._build_cold_lists(team, day) if day else self.browse()

    @api.model
    def _cron_build_week_plans(self):
        """On the configured day and hour of each team's week, plan next week's regular-customer calls, once."""
        built = []
        run_batch(
            self.env["crm.team"],
            [("active", "=", True)],
            lambda team: built.append(self._build_week_plan_if_due(team)),
            job="build weekly call plans",
        )
        return self.union(*built)

    @api.model
    def _build_week_plan_if_due(self, team):
        now = self.env.cr.now()
        _calendar, tz = team._playbook_working_time()
        today = working_time.local_day(now, tz)
        company = team.company_id or self.env.company
        monday = today + timedelta(days=7 - today.weekday())
        if (
            str(today.weekday()) != (company.playbook_plan_weekday or "4")
            or working_time.local_hour(now, tz) < company.playbook_plan_hour
            or team.playbook_plan_built_for == monday
        ):
            return self.browse()
        lists = self._build_week_plan(team, monday)
        team.playbook_plan_built_for = monday
        return lists

    @api.model
    def _build_cold_lists(self, team, day):
        """The call lists of ``day`` for the team's cold callers: callbacks falling due that day, then complete
        prospects not called yet, spread over each salesperson's calling hours. Built once a day."""
        CallList = self
        _calendar, zone = team._playbook_working_time()
        members = team.crm_team_member_ids.filtered(lambda member: member.playbook_cold_calls_per_day > 0)
        existing = CallList.search([("team_id", "=", team.id), ("date", "=", day)])
        done = existing.filtered(
            lambda call_list: call_list.line_ids.filtered(lambda line: line.kind in ("cold", "callback"))
        ).user_id
        members = members.filtered(lambda member: member.user_id not in done)
        if not members:
            return CallList
        day_start = working_time.day_start_utc(zone, day)
        day_end = day_start + timedelta(days=1)
        planned = self.env["crm.call.list.line"].search([("partner_id", "!=", False)]).partner_id
        prospects = self.env["res.partner"].search(
            [
                ("playbook_is_complete", "=", True),
                ("playbook_called_at", "=", False),
                ("id", "not in", planned.ids),
                ("company_id", "in", [False, team.company_id.id or self.env.company.id]),
            ],
            order="id",
            limit=sum(members.mapped("playbook_cold_calls_per_day")),
        )
        callbacks = self.env["crm.lead.followup"].search(
            [
                ("kind", "=", "callback"),
                ("state", "=", "pending"),
                ("user_id", "in", members.user_id.ids),
                ("date_due", ">=", day_start),
                ("date_due", "<", day_end),
            ]
        )
        lists = self._lists_of(team, day, members.user_id, existing)
        by_user = {call_list.user_id: call_list for call_list in lists}
        lines = [
            {
                "list_id": by_user[followup.user_id].id,
                "kind": "callback",
                "lead_id": followup.lead_id.id,
                "partner_id": followup.lead_id.partner_id.id,
                "followup_id": followup.id,
                "planned_at": followup.date_due,
            }
            for followup in callbacks
        ]
        queue = list(prospects)
        for member in members:
            mine, queue = queue[: member.playbook_cold_calls_per_day], queue[member.playbook_cold_calls_per_day :]
            start = working_time.at_hour_utc(zone, day, member.playbook_calling_from)
            step = (member.playbook_calling_to - member.playbook_calling_from) * 3600 / max(len(mine), 1)
            lines += [
                {
                    "list_id": by_user[member.user_id].id,
                    "kind": "cold",
                    "partner_id": partner.id,
                    "planned_at": start + timedelta(seconds=index * step),
                }
                for index, partner in enumerate(mine)
            ]
        self.env["crm.call.list.line"].create(lines)
        return lists

    @api.model
    def _lists_of(self, team, day, users, existing=None):
        """The team's call lists of ``day`` for ``users``, created where missing."""
        CallList = self
        existing = (
            existing if existing is not None else CallList.search([("team_id", "=", team.id), ("date", "=", day)])
        )
        missing = users - existing.user_id
        created = CallList.create([{"user_id": user.id, "team_id": team.id, "date": day} for user in missing])
        return (existing | created).filtered(lambda call_list: call_list.user_id in users)

    @api.model
    def _build_week_plan(self, team, monday):
        """Next week's calls to regular customers whose next contact falls due, for their managers in this
        team, spread evenly over the week's working days within each manager's calling hours (RC-2)."""
        _calendar, zone = team._playbook_working_time()
        days = team._playbook_working_days(monday, monday + timedelta(days=6))
        members = team.crm_team_member_ids.filtered(lambda member: member.user_id.active)
        if not days or not members:
            return self.browse()
        planned = (
            self.env["crm.call.list.line"]
            .search([("kind", "=", "regular"), ("done", "=", False), ("list_id.date", ">=", monday)])
            .partner_id
        )
        clients = self.env["res.partner"].search(
            [
                ("playbook_is_regular", "=", True),
                ("playbook_regular_manager_id", "in", members.user_id.ids),
                ("playbook_next_contact", "<=", days[-1]),
                ("id", "not in", planned.ids),
            ],
            order="playbook_vip desc, playbook_next_contact, id",
        )
        lines, lists = [], self.env["crm.call.list"]
        for member in members:
            mine = clients.filtered(lambda client, user=member.user_id: client.playbook_regular_manager_id == user)
            if not mine:
                continue
            plan = spread_over_days(list(mine), [], days, [member.user_id])
            per_day = {}
            for client, (day, _user) in plan.items():
                per_day.setdefault(day, []).append(client)
            for day, day_clients in per_day.items():
                call_list = self._lists_of(team, day, member.user_id)
                lists |= call_list
                start = working_time.at_hour_utc(zone, day, member.playbook_calling_from)
                step = (member.playbook_calling_to - member.playbook_calling_from) * 3600 / len(day_clients)
                lines += [
                    {
                        "list_id": call_list.id,
                        "kind": "regular",
                        "partner_id": client.id,
                        "planned_at": start + timedelta(seconds=index * step),
                    }
                    for index, client in enumerate(day_clients)
                ]
        self.env["crm.call.list.line"].create(lines)
        return lists


class CrmCallListLine(models.Model):
    _name = "crm.call.list.line"
    _description = "Planned Call"
    _order = "planned_at, id"

    list_id = fields.Many2one("crm.call.list", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="list_id.user_id", store=True)
    kind = fields.Selection(
        [("cold", "Cold Call"), ("callback", "Callback"), ("regular", "Regular Customer")], required=True
    )
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
            name = (
                self.env._("Regular customer call: %(partner)s", partner=self.partner_id.display_name)
                if regular
                else self.env._("Cold call: %(partner)s", partner=self.partner_id.display_name)
            )
            lead = self.env["crm.lead"].create(
                {
                    "name": name,
                    "partner_id": self.partner_id.id,
                    "team_id": self.list_id.team_id.id,
                    "user_id": self.user_id.id,
                    "temperature": "warm" if regular else "cold",
                    "channel": "outbound_call",
                    "type": "opportunity",
                }
            )
            self.lead_id = lead
        action = lead.action_open_log_call()
        action["context"]["default_call_list_line_id"] = self.id
        return action
