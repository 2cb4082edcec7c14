import logging
from ast import literal_eval
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.base.models.res_partner import _tz_get

from . import roles, working_time
from .lead_intake import same_request_leads
from .locking import lock_skip_locked, run_batch
from .roles import check_allowed_companies

_logger = logging.getLogger(__name__)

# The per-team switches that the company setting "Apply the Playbook to Every Team" turns on.
PLAYBOOK_SWITCHES = ("playbook_assignment", "playbook_guards", "playbook_members_follow")


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
        default=lambda self: self._playbook_default_resource_calendar(),
        check_company=True,
        help="Working hours and public holidays of the team: response deadlines in working "
        "time count on it, in the team's time zone.",
    )

    # Distribution
    playbook_excluded_until = fields.Date(
        string="Excluded Until",
        tracking=True,
        copy=False,
        help="The team receives no new leads from assignment or reassignment until this day included.",
    )
    playbook_excluded_forever = fields.Boolean(
        string="Excluded for Good",
        tracking=True,
        copy=False,
        help="Sales support excluded the team from lead distribution for good.",
    )
    playbook_excluded = fields.Boolean(
        string="Excluded from Distribution", compute="_compute_playbook_excluded", search="_search_playbook_excluded"
    )

    playbook_assignment = fields.Boolean(
        string="Assign by Working Time",
        compute="_compute_playbook_switches",
        store=True,
        tracking=True,
        help="Leads without a salesperson go to the member who is at work now (team calendar and time off), "
        "not opted out, with the lowest load for the capacity: hot leads as they arrive, the others when "
        "Odoo's lead assignment runs.",
    )

    # Rules
    playbook_guards = fields.Boolean(
        string="Enforce Contact Rules",
        compute="_compute_playbook_switches",
        store=True,
        tracking=True,
        help="A lead goes in work only after a logged contact with the client and leaves New only with a real "
        "phone or email; a refusal needs its reason and a comment; web requests and requests given to a "
        "manager get their timed follow-ups.",
    )

    # Notifications
    playbook_notify_email = fields.Char(
        string="Notification Email",
        tracking=True,
        help="Address told at once about hot leads and once a day about new warm and cold leads.",
    )
    playbook_members_follow = fields.Boolean(
        string="Members Follow Team Leads",
        compute="_compute_playbook_switches",
        store=True,
        tracking=True,
        help="Members follow the team, so they follow its new leads and get its hot-lead alerts and daily "
        "digest in Odoo.",
    )
    # The team's own choice of each switch, kept while the company applies the playbook to every team.
    playbook_assignment_own = fields.Boolean(
        string="Assign by Working Time (Team's Choice)",
        help="Leads without a salesperson go to the member at work now with the lowest load for the capacity.",
    )
    playbook_guards_own = fields.Boolean(
        string="Enforce Contact Rules (Team's Choice)",
        help="A lead goes in work only after a logged contact with the client and leaves New only with a real "
        "phone or email.",
    )
    playbook_members_follow_own = fields.Boolean(
        string="Members Follow Team Leads (Team's Choice)",
        help="Members follow the team, so they follow its new leads and get its alerts and digest.",
    )
    playbook_company_governs = fields.Boolean(
        string="Playbook Applied by the Company",
        compute="_compute_playbook_company_governs",
        help="The company applies the playbook to every team: the switches are on whatever the team chose.",
    )
    playbook_plan_built_for = fields.Date(
        string="Week Planned",
        copy=False,
        readonly=True,
        help="The Monday of the last week whose regular-customer calls were planned.",
    )
    playbook_digest_date = fields.Date(
        string="Last Digest",
        copy=False,
        readonly=True,
        help="The day, in the team's time zone, of the last digest of new warm and cold leads.",
    )
    playbook_digest_lead_ids = fields.Many2many(
        "crm.lead", string="Leads of the Next Digest", compute="_compute_playbook_digest_lead_ids"
    )

    @api.model
    def _playbook_default_resource_calendar(self):
        calendar = self.env.ref("crm_sales_playbook.resource_calendar_sales", raise_if_not_found=False)
        return (
            calendar
            if calendar and calendar.company_id in (self.env.company, self.env["res.company"])
            else self.env.company.resource_calendar_id
        )

    @api.depends(
        "company_id.playbook_all_teams",
        "playbook_assignment_own",
        "playbook_guards_own",
        "playbook_members_follow_own",
    )
    def _compute_playbook_switches(self):
        """Each switch is the team's own choice, or on when its company applies the playbook to every team."""
        governed = self._playbook_governed()
        for team in self:
            for switch in PLAYBOOK_SWITCHES:
                team[switch] = team in governed or team[f"{switch}_own"]

    @api.depends("company_id.playbook_all_teams")
    def _compute_playbook_company_governs(self):
        governed = self._playbook_governed()
        for team in self:
            team.playbook_company_governs = team in governed

    def _playbook_governed(self):
        """The teams whose company applies the playbook to every team. A team shared by all companies (no
        company set) is governed as soon as one company applies the playbook to every team."""
        shared = self.filtered(lambda team: not team.company_id)
        # sudo: whether a company applies the playbook is a setting every team reads, whatever the user
        if shared and not self.env["res.company"].sudo().search_count([("playbook_all_teams", "=", True)], limit=1):
            shared = self.browse()
        return shared | self.filtered(lambda team: team.company_id.playbook_all_teams)

    @api.model
    def _playbook_own_switches(self, vals):
        """A switch written on the team is the team's own choice: the company setting may still force it on."""
        vals = dict(vals)
        for switch in PLAYBOOK_SWITCHES:
            if switch in vals:
                value = vals.pop(switch)
                vals.setdefault(f"{switch}_own", value)
        return vals

    @api.depends("company_id")
    def _compute_tz(self):
        for team in self:
            if team.tz and team._origin.company_id == team.company_id:
                continue
            company = team.company_id or self.env.company
            team.tz = company.resource_calendar_id.tz or company.partner_id.tz or "UTC"

    @api.depends_context("playbook_digest_locked")
    def _compute_playbook_digest_lead_ids(self):
        locked = self.env.context.get("playbook_digest_locked")
        leads = self.env["crm.lead"].search(
            [
                ("team_id", "in", self.ids),
                *([("id", "in", locked)] if locked is not None else []),
                ("playbook_announced", "=", False),
                ("temperature", "in", ["warm", "cold"]),
                ("work_status", "in", ["new", "in_work"]),
            ],
            order="temperature desc, date_received, id",
        )
        grouped = leads.grouped("team_id")
        for team in self:
            team.playbook_digest_lead_ids = grouped.get(team, leads.browse())

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create([self._playbook_own_switches(vals) for vals in vals_list])
        teams._playbook_subscribe_members()
        return teams

    def write(self, vals):
        vals = self._playbook_own_switches(vals)
        result = super().write(vals)
        if {"resource_calendar_id", "tz", "company_id"} & set(vals):
            self.env.registry.clear_cache()  # ``_playbook_working_time_key``
        if vals.get("playbook_members_follow_own") or "member_ids" in vals or "company_id" in vals:
            self._playbook_subscribe_members()
        return result

    def _playbook_subscribe_members(self):
        """Members follow the team's discussions, hence its new leads' discussions (PP-2).

        Not Odoo's default team subtypes: *Opportunity Created* and *Stage Changed* would email every member
        about every new lead and every move, where the playbook tells the team about hot leads at once and
        about the others once a day (seed 004, 5.2.2)."""
        subtypes = self._playbook_member_subtypes()
        for team in self.filtered("playbook_members_follow"):
            partners = team.crm_team_member_ids.user_id.partner_id - team.message_partner_ids
            if partners:
                team.message_subscribe(partner_ids=partners.ids, subtype_ids=subtypes.ids)

    def _playbook_member_subtypes(self):
        """The subtypes members follow their team with: its discussions."""
        return self.env.ref("mail.mt_comment")

    def _playbook_announce(self, template, records):
        """Queue ``template`` about each of ``records`` for the team's address, and notify its people in Odoo.

        The template is rendered once for all the records (in each one's language), then reused for the
        email to the team's address and for the in-app notice to the members and the leader. Nothing is sent
        inside the request that created the lead (PP-2): the emails wait in the mail queue, whose cron is
        woken at once so they leave within a minute, and the members' notices by email are queued too.
        """
        self.ensure_one()
        rendered = template._generate_template(records.ids, ["subject", "body_html", "email_from", "email_to"])
        partners = (self.crm_team_member_ids.user_id | self.user_id).partner_id
        mails = [
            {
                "subject": rendered[record.id]["subject"],
                "body_html": rendered[record.id]["body_html"],
                "email_from": rendered[record.id].get("email_from") or self.env.user.email_formatted,
                "email_to": rendered[record.id]["email_to"],
                "model": record._name,
                "res_id": record.id,
                "auto_delete": False,
            }
            for record in records
            if rendered[record.id].get("email_to")
        ]
        if partners:
            queued = records.with_context(mail_notify_force_send=False)
            for record in queued:
                record.message_notify(
                    partner_ids=partners.ids,
                    subject=rendered[record.id]["subject"],
                    body=rendered[record.id]["body_html"],
                    email_layout_xmlid="mail.mail_notification_light",
                )
        if mails:
            self.env["mail.mail"].create(mails)
        if mails or partners:
            # sudo: waking the mail queue is a technical side effect of telling the team (PP-2)
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()

    @api.model
    def _cron_playbook_digest(self):
        """Send each team, once a day at the configured hour of its time zone, its new warm and cold leads."""
        sent = []
        run_batch(
            self,
            [("active", "=", True)],
            lambda team: sent.append(team._playbook_send_digest_if_due()),
            job="daily lead digest",
        )
        return self.union(*sent)

    def _playbook_send_digest_if_due(self):
        """Send the team's digest when its hour of the day came and it was not sent today; the team, or none.

        The team is locked by ``run_batch``; the leads of the digest are locked as the waiting-leads assignment
        and users lock them (``lock_skip_locked``: id order, skipping the leads held elsewhere, which wait for
        the next digest) and read afresh under that lock.
        """
        self.ensure_one()
        now = self.env.cr.now()
        _calendar, tz = self._playbook_working_time()
        today = working_time.local_day(now, tz)
        hour = (self.company_id or self.env.company).playbook_digest_hour
        if self.playbook_digest_date == today or working_time.local_hour(now, tz) < hour:
            return self.browse()
        leads = lock_skip_locked(self.playbook_digest_lead_ids, SQL("playbook_announced IS NOT TRUE"))
        if leads:
            template = self.env.ref("crm_sales_playbook.mail_template_team_digest")
            self._playbook_announce(template.with_context(playbook_digest_locked=leads.ids), self)
            leads.write({"playbook_announced": True})
        self.playbook_digest_date = today
        return self

    @api.depends("playbook_excluded_until", "playbook_excluded_forever")
    @api.depends_context("date")
    def _compute_playbook_excluded(self):
        today = fields.Date.context_today(self)
        for team in self:
            team.playbook_excluded = team.playbook_excluded_forever or bool(
                team.playbook_excluded_until and team.playbook_excluded_until >= today
            )

    def _search_playbook_excluded(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on exclusion supports = and != True/False only."))
        today = fields.Date.context_today(self)
        excluded = ["|", ("playbook_excluded_forever", "=", True), ("playbook_excluded_until", ">=", today)]
        if (operator == "=") == value:
            return excluded
        return [
            ("playbook_excluded_forever", "=", False),
            "|",
            ("playbook_excluded_until", "=", False),
            ("playbook_excluded_until", "<", today),
        ]

    def _allocate_leads(self, creation_delta_days=7):
        """Odoo's automatic assignment skips the teams excluded from distribution."""
        return super(CrmTeam, self.filtered(lambda team: not team.playbook_excluded))._allocate_leads(
            creation_delta_days=creation_delta_days
        )

    def _assign_and_convert_leads(self, force_quota=False):
        """Teams that assign by working time give their leads out themselves; Odoo does the others."""
        playbook = self.filtered("playbook_assignment")
        result = super(CrmTeam, self - playbook)._assign_and_convert_leads(force_quota=force_quota)
        result.update(playbook._playbook_assign_leads(force_quota=force_quota))
        return result

    def _allocate_leads_deduplicate(self, leads, duplicates_cache=None):
        """Odoo merges a lead with its duplicates when it gives it to a team. In a team that follows the
        playbook, with its duplicate rule on, the duplicates are the same request of intake (lead_intake.py):
        one lead per client and product, never two products in one lead."""
        duplicates_cache = duplicates_cache if duplicates_cache is not None else {}
        if self._playbook_follows() and self.env["crm.lead"]._playbook_dedup_enabled():
            rows = [
                (
                    lead.id,
                    {
                        "company": (lead.company_id or self.company_id or self.env.company).id,
                        "product": lead.product_id.id,
                        "team": self.id,
                        "partner": lead.commercial_partner_id.id,
                        "email": lead.email_normalized,
                        "phone": lead.phone_sanitized,
                        "vat": lead.commercial_partner_id.vat,
                    },
                )
                for lead in leads
            ]
            same = same_request_leads(self.env, rows)
            for lead_id, _key in rows:
                lead = leads.browse(lead_id)
                duplicates_cache[lead] = lead | leads.browse(same.get(lead_id, []))
        return super()._allocate_leads_deduplicate(leads, duplicates_cache=duplicates_cache)

    def _playbook_follows(self):
        """Whether the team works by the playbook: it assigns by working time or enforces the contact rules."""
        self.ensure_one()
        return self.playbook_assignment or self.playbook_guards

    @api.model
    def _cron_playbook_assign(self):
        """Hourly: the waiting leads of the teams assigning by working time, a team at a time (PP-2, LG-4).

        Leads that arrived after hours or while nobody could take them go out once members are at work.
        Returns how many leads were given.
        """
        given = []
        run_batch(
            self,
            [("playbook_assignment", "=", True), ("assignment_optout", "=", False)],
            lambda team: given.append(sum(len(data["assigned"]) for data in team._playbook_assign_leads().values())),
            job="assign waiting leads",
            lock=False,
        )
        return sum(given)

    def _playbook_assign_leads(self, leads=None, force_quota=False):
        """Give leads without salesperson to the members at work now, lowest load for capacity first (PP-2).

        ``leads`` defaults to every lead Odoo's assignment would take in these teams. Blocked leads and
        excluded teams are skipped; the leads stay leads or opportunities. Each lead is locked first, so
        that a lead a user or another worker is assigning is left alone. Returns Odoo's assignment result:
        {member: {"assigned": leads, "quota": daily quota}}.
        """
        Lead = self.env["crm.lead"]
        teams = (self if leads is None else leads.team_id).filtered(
            lambda team: team.playbook_assignment and not team.playbook_excluded
        )
        if leads is None:
            leads = Lead.search(teams._get_lead_to_assign_domain(), order="id")
        leads = leads.filtered(
            lambda lead: (
                lead.team_id in teams
                and not lead.user_id
                and not lead.is_blocked
                and lead.active
                and lead.work_status in ("new", "in_work")
            )
        )
        result = {}
        now = self.env.cr.now()
        for team, team_leads in leads.grouped("team_id").items():
            members = team._playbook_members_at_work(now)
            quota = {member: member._get_assignment_quota(force_quota=force_quota) for member in members}
            members = members.filtered(lambda member, quota=quota: quota[member] > 0)
            if not members:
                continue
            load = {member: member.lead_month_count for member in members}
            accepts = {
                member: team_leads.filtered_domain(literal_eval(member.assignment_domain or "[]")) for member in members
            }
            given = defaultdict(list)
            for lead in team_leads._playbook_lock_unassigned().sorted(lambda lead: lead._playbook_priority()):
                candidates = [member for member in members if quota[member] > 0 and lead in accepts[member]]
                if not candidates:
                    continue
                member = min(candidates, key=lambda m: (load[m] / max(m.assignment_max, 1), load[m], m.id))
                given[member].append(lead.id)
                load[member] += 1
                quota[member] -= 1
            for member, lead_ids in given.items():
                assigned = Lead.browse(lead_ids)
                assigned.write({"user_id": member.user_id.id})
                result[member] = {"assigned": assigned, "quota": quota[member] + len(lead_ids)}
        return result

    def _playbook_members_at_work(self, now):
        """Members who take leads and are at work at ``now`` (naive UTC): team calendar, then time off."""
        self.ensure_one()
        members = self.crm_team_member_ids.filtered(
            lambda member: not member.assignment_optout and member.user_id.active
        )
        if not members:
            return members
        if not working_time.is_working_at(*self._playbook_working_time(), now):
            return members.browse()
        away = (
            self.env["resource.calendar.leaves"]
            .search(
                [
                    ("resource_id.user_id", "in", members.user_id.ids),
                    ("time_type", "=", "leave"),
                    ("date_from", "<=", now),
                    ("date_to", ">", now),
                ]
            )
            .resource_id.user_id
        )
        return members.filtered(lambda member: member.user_id not in away)

    def _playbook_working_time(self, company=None):
        """(calendar, time zone) the team works in: the one answer every deadline and local date uses.

        The calendar is the team's, else its company's. The zone is the team's, else its calendar's, else the
        company calendar's, else UTC; never the user's, so that everyone sees the same deadline. Without a team
        (an empty recordset) the answer is ``company``'s (the current company by default).
        """
        if len(self) > 1:
            raise ValueError("one team at a time: %s" % self)
        company = self.company_id or company or self.env.company
        calendar_id, zone_name = self._playbook_working_time_key(company.id)
        return self.env["resource.calendar"].browse(calendar_id), working_time.zone(zone_name)

    @tools.ormcache("self.id")
    def _playbook_operator_id(self):
        """The team's first active member (in the order of the members) in the call-center operators' group whose
        user is not archived, or None: kept per worker until a member or a group changes (``crm.team.member``;
        Odoo clears its caches when a group's users change or a user is archived), so that a web request reads no
        member to plan its confirmation call."""
        self.env["crm.team.member"].flush_model(["crm_team_id", "user_id", "active"])
        self.env["res.users"].flush_model(["groups_id", "active"])
        self.env.cr.execute(
            SQL(
                """SELECT member.user_id FROM crm_team_member member
                     JOIN res_groups_users_rel rel ON rel.uid = member.user_id AND rel.gid = %s
                     JOIN res_users users ON users.id = member.user_id AND users.active
                    WHERE member.crm_team_id = %s AND member.active
                 ORDER BY member.create_date, member.id LIMIT 1""",
                self.env["ir.model.data"]._xmlid_to_res_id(roles.OPERATOR, raise_if_not_found=True),
                self.id,
            )
        )
        row = self.env.cr.fetchone()
        return row[0] if row else None

    @tools.ormcache("self.id", "company_id")
    def _playbook_working_time_key(self, company_id):
        """(calendar id, zone name) of ``_playbook_working_time``, kept per worker until a team's calendar or zone,
        a company's calendar or a calendar changes: a request then reads no calendar to count its deadlines."""
        team = self.sudo()  # sudo: which calendar a deadline counts on is the team's rule, whoever counts it
        company = self.env["res.company"].sudo().browse(company_id)  # sudo: the company's calendar, the same rule
        company_calendar = company.resource_calendar_id
        calendar = team.resource_calendar_id or company_calendar
        return calendar.id, working_time.zone(team.tz, team.resource_calendar_id.tz, company_calendar.tz).zone

    def _playbook_working_days(self, date_from, date_to):
        """The days from ``date_from`` to ``date_to`` with working hours on the team calendar, holidays off."""
        return working_time.working_days(*self._playbook_working_time(), date_from, date_to)

    def _playbook_add_working_time(self, start, minutes, company=None):
        """``minutes`` of the team's working time after ``start`` (naive UTC): follow-ups, claims (ST-2, RC-4)."""
        calendar, tz = self._playbook_working_time(company)
        return working_time.add_working_time(calendar, tz, start, minutes * 60)

    def _playbook_check_breach_limit(self):
        """Exclude a team until the quarter ends once it missed N deadlines in the quarter (PP-15)."""
        today = fields.Date.context_today(self)
        quarter_start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
        quarter_end = quarter_start + relativedelta(months=3, days=-1)
        for team in self.filtered(lambda t: not t.playbook_excluded):
            limit = (team.company_id or self.env.company).playbook_breach_limit
            if not limit:
                continue
            breaches = self.env["crm.sla.breach"].search(
                [("team_id", "=", team.id), ("date", ">=", fields.Datetime.to_datetime(quarter_start))]
            )
            if len(breaches) >= limit:
                message = self.env._(
                    "Excluded from lead distribution until %(date)s: %(count)s response deadlines missed this quarter.",
                    date=quarter_end,
                    count=len(breaches),
                )
                # The sanction carries the exclusion onto the team (crm_team_exclusion.py, PP-17).
                self.env["crm.team.sanction"]._playbook_impose(
                    team, "excluded_until", message, date_to=quarter_end, breaches=breaches
                )
                team.message_post(body=message)

    def action_lift_exclusion(self):
        self._check_playbook_support()
        # sudo: sales support decides the sanction on teams it may only read (PP-15, 9.4)
        self.sudo().write({"playbook_excluded_until": False, "playbook_excluded_forever": False})
        return True

    def action_exclude_forever(self):
        self._check_playbook_support()
        # sudo: sales support decides the sanction on teams it may only read (PP-15, 9.4)
        self.sudo().write({"playbook_excluded_forever": True})
        return True

    def _check_playbook_support(self):
        """Sales support decides sanctions (PP-15, 9.4) on the teams of its companies; CRM administrators too."""
        if self.env.su:
            return
        if not self.env.user._playbook_is_support():
            raise UserError(self.env._("Only sales support may exclude a team or lift its exclusion."))
        self.check_access("read")
        check_allowed_companies(self.env, self.company_id, ", ".join(self.mapped("display_name")))
