"""The response deadline of a lead and its escalation when missed (PP-6, PP-12, PP-15)."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import create_index, drop_index

from . import deadline_met, roles, working_time
from .locking import run_batch


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # SLA
    sla_policy_id = fields.Many2one(
        "crm.sla.policy",
        string="Response Policy",
        compute="_compute_sla",
        store=True,
        index="btree_not_null",
        help="The response deadline policy that applies to this lead.",
    )
    sla_deadline = fields.Datetime(
        string="Response Deadline",
        compute="_compute_sla",
        store=True,
        help="Until when the team may keep the lead New: by then the client must have been contacted.",
    )
    sla_stopped_at = fields.Datetime(
        string="Response Clock Stopped",
        compute="_compute_sla_stopped_at",
        store=True,
        copy=False,
        help="When the lead went into work, was postponed or closed.",
    )
    sla_escalated = fields.Boolean(
        string="Breach Escalated",
        copy=False,
        readonly=True,
        help="The missed deadline was escalated once; a new team starts a new clock.",
    )
    sla_status = fields.Selection(
        deadline_met.SLA_STATUSES,
        string="Response Status",
        compute="_compute_sla_status",
        store=True,
        index=True,
        copy=False,
    )
    sla_met_rate = fields.Float(
        string="Deadlines Met (%)",
        compute="_compute_sla_met_rate",
        store=True,
        aggregator="avg",
        help="100 when the response deadline was met, else 0: averaged over the leads with a deadline (the "
        "Response Deadlines report), it is the share of deadlines met.",
    )
    sla_breached = fields.Boolean(
        string="Response Deadline Passed", compute="_compute_sla_breached", search="_search_sla_breached"
    )
    sla_remaining = fields.Char(string="Time Left", compute="_compute_sla_breached")
    sla_urgency = fields.Selection(
        [("ok", "On Time"), ("soon", "Due Soon"), ("late", "Late")],
        string="Deadline Urgency",
        compute="_compute_sla_breached",
    )
    sla_breach_ids = fields.One2many("crm.sla.breach", "lead_id", string="Missed Deadlines")

    def init(self):
        result = super().init()
        # The escalation crons look for running deadlines that passed: keep exactly those at hand.
        create_index(
            self.env.cr, "crm_lead_playbook_sla_running", self._table, ["sla_deadline"], where="sla_status = 'running'"
        )
        # Early development versions indexed every deadline; the partial index replaces it.
        drop_index(self.env.cr, "crm_lead__sla_deadline_index", self._table)
        return result

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    def _playbook_sla_on_create(self):
        """The clock starts when the team receives the lead (PP-3)."""
        # sudo: the field is the playbook's record, not the user's
        self.filtered(lambda lead: lead.team_id and not lead.date_received).sudo().write(
            {"date_received": self.env.cr.now()}
        )

    def _playbook_sla_before_write(self, vals):
        """The teams before a write that may move the leads to another team."""
        if "date_received" in vals or not {"team_id", "user_id", "type"} & set(vals):
            return {}
        return {lead.id: lead.team_id for lead in self}

    def _playbook_sla_after_write(self, teams):
        """A new team starts a new clock and a new alert (PP-3)."""
        if not teams:
            return
        # sudo: the user's write of the team was checked; the clock is the playbook's
        moved = self.filtered(lambda lead: lead.team_id != teams[lead.id]).sudo()
        moved.filtered("team_id").write(
            {"date_received": self.env.cr.now(), "sla_escalated": False, "playbook_announced": False}
        )
        (moved - moved.filtered("team_id")).write({"date_received": False})

    def _playbook_workflow_buttons(self):
        buttons = super()._playbook_workflow_buttons()
        clock = self.env._("the lead's team and stage set it: move the lead, or use Postpone")
        policies = self.env._("the response deadline policies set it (CRM > Configuration)")
        buttons.update(
            {
                "sla_escalated": self.env._("the hourly escalation of missed response deadlines sets it"),
                "date_received": self.env._("giving the lead to a team sets it"),
                "sla_stopped_at": clock,
                "sla_status": clock,
                "sla_policy_id": policies,
                "sla_deadline": policies,
            }
        )
        return buttons

    @api.depends(
        "date_received",
        "team_id.resource_calendar_id",
        "team_id.tz",
        "temperature",
        "channel",
        "source_id",
        "company_id",
    )
    def _compute_sla(self):
        leads = self.filtered(
            lambda lead: (
                lead.date_received and (lead.company_id or lead.team_id.company_id or self.env.company).playbook_sla
            )
        )
        (self - leads).update({"sla_policy_id": False, "sla_deadline": False})
        policies = self.env["crm.sla.policy"]._get_policies_by_lead(leads)
        for policy, policy_leads in leads.grouped(lambda lead: policies[lead]).items():
            if not policy:
                policy_leads.update({"sla_policy_id": False, "sla_deadline": False})
                continue
            keys = {lead: lead._playbook_sla_clock_key() for lead in policy_leads}
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

    @api.depends(
        "sla_deadline",
        "sla_stopped_at",
        "sla_escalated",
        "date_in_work",
        "date_received",
        "work_status",
        "postponed_until",
    )
    def _compute_sla_status(self):
        """Met only when the client was reached by the deadline (PP-12): ``models/deadline_met.py``."""
        for lead in self:
            contacted = lead._playbook_sla_contacted_at()
            closed = not contacted and lead.work_status in deadline_met.CLOSED_WORK_STATUSES and lead.sla_stopped_at
            lead.sla_status = deadline_met.sla_status(
                lead.sla_deadline, contacted or None, closed or None, lead.sla_escalated
            )

    @api.depends("sla_status")
    def _compute_sla_met_rate(self):
        """The share of deadlines met per team or salesperson is an average (X-REP): ``models/deadline_met.py``."""
        for lead in self:
            lead.sla_met_rate = 100.0 if lead.sla_status in deadline_met.MET else 0.0

    def _playbook_sla_contacted_at(self):
        """When the lead's current team reached the client: it took the lead into work, or postponed it."""
        self.ensure_one()
        if self.date_in_work and (not self.date_received or self.date_in_work >= self.date_received):
            return self.date_in_work
        if self.work_status in ("in_work", "won") or self.postponed_until:
            # Taken into work by an earlier team, then again by this one: the clock stopped then.
            return self.sla_stopped_at
        return False

    @api.depends("sla_deadline", "sla_status", "sla_stopped_at")
    @api.depends_context("uid")
    def _compute_sla_breached(self):
        """The countdown of each lead, at every read: computed for the whole list and put in the cache at once
        (three values a card in the kanban, where assigning them one by one cost a tenth of the read)."""
        now = fields.Datetime.now()
        texts = working_time.time_left_texts(self.env)
        breached, urgency, remaining = [], [], []
        for status, stopped_at, deadline in zip(
            self.mapped("sla_status"), self.mapped("sla_stopped_at"), self.mapped("sla_deadline"), strict=True
        ):
            running = status in ("running", "breached") and not stopped_at and deadline
            left = (deadline - now).total_seconds() if running else None
            breached.append(left is not None and left < 0)
            urgency.append(None if left is None else "late" if left < 0 else "soon" if left <= 3600 else "ok")
            remaining.append(
                working_time.format_time_left(self.env, deadline - now, texts) if left is not None else None
            )
        for name, values in (("sla_breached", breached), ("sla_urgency", urgency), ("sla_remaining", remaining)):
            # Odoo's own way of filling a field for many records (as ``fetch`` does), in the cache's format.
            self.env.cache.update(self, self._fields[name], values)

    def _search_sla_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on a passed deadline supports = and != True/False only."))
        breached = [
            ("sla_status", "in", ("running", "breached")),
            ("sla_stopped_at", "=", False),
            ("sla_deadline", "<", fields.Datetime.now()),
        ]
        if (operator == "=") == value:
            return breached
        return [
            "|",
            "|",
            ("sla_status", "not in", ("running", "breached")),
            ("sla_stopped_at", "!=", False),
            "|",
            ("sla_deadline", "=", False),
            ("sla_deadline", ">=", fields.Datetime.now()),
        ]

    def _playbook_sla_clock_key(self):
        """(start, calendar, time zone) of this lead's response clock: its team's working time."""
        self.ensure_one()
        calendar, tz = self.team_id._playbook_working_time(self.company_id)
        return (self.date_received, calendar, tz.zone)

    @api.model
    def _cron_escalate_sla(self, units=None, batch_size=50):
        """Escalate each missed response deadline once (PP-6, PP-15), a batch at a time.

        ``units`` picks the policies: deadlines in working time (hot leads, web requests) are watched
        every hour, deadlines in calendar days (warm and cold leads) once a day. A lead another worker or a
        user holds is left for the next run, one escalated meanwhile is skipped, and one that fails is logged
        and does not stop the batch (``run_batch``). Batches are small: the leads of a batch stay locked until the
        cron runner commits it, and a user moving one of them waits that long. Returns the leads escalated.
        """
        domain = [("sla_status", "=", "running"), ("sla_deadline", "<", fields.Datetime.now())]
        if units:
            domain.append(("sla_policy_id.unit", "in", list(units)))
        escalated = []
        run_batch(
            self,
            domain,
            lambda lead: escalated.append(lead._playbook_escalate_sla_breach().lead_id),
            job="escalate missed response deadlines",
            order="sla_deadline, id",
            batch_size=batch_size,
            condition=SQL("sla_escalated IS NOT TRUE AND sla_status = 'running'"),
            process_batch=lambda leads: escalated.append(leads._playbook_escalate_sla_breaches().lead_id),
        )
        return self.browse([lead.id for leads in escalated for lead in leads])

    def _playbook_escalate_sla_breach(self):
        """Record the breach, tell the team leader and sales support, and apply the sanction (cron, as root)."""
        self.ensure_one()
        return self._playbook_escalate_sla_breaches()

    def _playbook_escalate_sla_breaches(self):
        """Escalate these leads' missed deadlines together: one write, one insert of the breaches, one check of
        each team's limit; the notices and sanctions lead by lead, in the order of the leads (cron, as root).
        Returns the breaches, in the order of the leads."""
        rows = [(lead, lead.sla_policy_id, lead.team_id, lead.sla_deadline) for lead in self]
        self.write({"sla_escalated": True})
        breaches = self.env["crm.sla.breach"].create(
            [
                {
                    "lead_id": lead.id,
                    "team_id": team.id,
                    "user_id": lead.user_id.id,
                    "policy_id": policy.id,
                    "company_id": (lead.company_id or team.company_id).id,
                    "deadline": deadline,
                }
                for lead, policy, team, deadline in rows
            ]
        )
        logs = {}
        notices = self.with_context(playbook_notes_followed_ids=self._playbook_notes_followed_ids(), playbook_logs=logs)
        for lead, _policy, team, deadline in rows:
            lead.with_env(notices.env)._playbook_notify_sla_breach(team, deadline)
        if logs:
            self.browse(list(logs))._message_log_batch(logs, message_type="notification")
        for (lead, policy, team, deadline), breach in zip(rows, breaches, strict=True):
            if policy.sanction == "move":
                lead._playbook_move_for_breach(breach, team, deadline)
        self.env["crm.team"].union(*(team for _lead, _policy, team, _deadline in rows))._playbook_check_breach_limit()
        return breaches

    def _playbook_move_for_breach(self, breach, team, deadline):
        """The sanction "move": the lead goes to another team, or stays with the reason recorded on the breach."""
        target = self._playbook_escalation_team()
        reservation = self.reservation_id
        problem = (
            self.env._("no other team can take it")
            if not target
            else self._playbook_transfer_refusal(target, reservation)
        )
        if problem:
            breach.write({"sanction": "kept", "sanction_note": problem})
            return
        self._playbook_transfer_to_team(
            target,
            self.env._(
                "Response deadline %(deadline)s missed by team %(team)s",
                deadline=fields.Datetime.to_string(deadline),
                team=team.display_name,
            ),
            kind="sla",
        )
        breach.write({"sanction": "moved", "sanction_note": target.display_name})
        self.env["crm.team.sanction"]._playbook_impose(
            team,
            "lead_moved",
            self.env._(
                "Response deadline %(deadline)s missed: lead %(lead)s moved to team %(target)s.",
                deadline=fields.Datetime.to_string(deadline),
                lead=self.display_name,
                target=target.display_name,
            ),
            breaches=breach,
            leads=self,
            company_id=breach.company_id.id or (team.company_id or self.env.company).id,
        )

    def _playbook_notes_followed_ids(self):
        """The leads among these that someone follows for internal notes: their notices are posted to notify
        those followers; the others' are logged (the same note, with no one to notify)."""
        if not self:
            return set()
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.env["mail.followers"].flush_model(["res_model", "res_id", "subtype_ids"])
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT fol.res_id FROM mail_followers fol
                     JOIN mail_followers_mail_message_subtype_rel rel ON rel.mail_followers_id = fol.id
                    WHERE fol.res_model = %s AND fol.res_id IN %s AND rel.mail_message_subtype_id = %s""",
                self._name,
                tuple(self.ids),
                note,
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _playbook_notify_sla_breach(self, team, deadline):
        recipients = (team.user_id | self._playbook_sales_support_users(team.company_id)).filtered("active")
        summary = self.env._("Response deadline missed")
        note = self.env._(
            "Lead %(lead)s was not taken into work by %(deadline)s (team %(team)s).",
            lead=self.display_name,
            deadline=working_time.format_local(deadline, team._playbook_working_time(self.company_id)[1], self.env),
            team=team.display_name,
        )
        for user in recipients:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=fields.Date.context_today(self),
                summary=summary,
                note=note,
                user_id=user.id,
            )
        link = Markup('<a href="/odoo/crm/%s">%s</a>') % (self.id, self.display_name)
        body = Markup("%s: %s. %s") % (summary, link, note)
        followed = self.env.context.get("playbook_notes_followed_ids")
        if followed is None:
            followed = self._playbook_notes_followed_ids()
        if recipients or self.id in followed:
            self.message_post(
                body=body,
                message_type="notification",
                subtype_xmlid="mail.mt_note",
                partner_ids=recipients.partner_id.ids,
            )
        elif (logs := self.env.context.get("playbook_logs")) is not None:
            logs[self.id] = body  # logged with the other notes of the batch, in one insert
        else:
            # No one to notify: the same note, logged without the notification's work.
            self._message_log(body=body, message_type="notification")

    @api.model
    def _playbook_sales_support_users(self, company):
        return self.env["res.users"]._playbook_users_of(roles.SUPPORT, company or None)

    def _playbook_escalation_team(self):
        """The team that takes a lead its team failed to handle: other addons may choose differently.

        Same company, not excluded from distribution nor banned from selling the lead's product, with active
        members; the one with the fewest open new leads.
        """
        self.ensure_one()
        company = self.company_id or self.team_id.company_id
        teams = self.env["crm.team"].search(
            [
                ("id", "!=", self.team_id.id),
                ("company_id", "in", (company.id, False)),
                ("playbook_excluded", "=", False),
                ("id", "not in", self._playbook_banned_team_ids()),
                ("crm_team_member_ids.active", "=", True),
            ]
        )
        if not teams:
            return teams
        load = dict(
            self._read_group([("team_id", "in", teams.ids), ("work_status", "=", "new")], ["team_id"], ["__count"])
        )
        return min(teams, key=lambda team: (load.get(team, 0), team.sequence, team.id))
