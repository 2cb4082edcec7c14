"""Giving leads to salespeople: hot leads at once, mass assignment, planning over a period, and telling the team
(PP-2, PP-6, PP-9, PP-10)."""

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.sql import create_index

from .lead_planning import spread_over_days
from .locking import lock_skip_locked, run_batch
from .playbook_rules import TEMPERATURE_RANK

# The longest period leads are planned over at once (PP-10): a quarter, so a typo in the year cannot spread
# the leads over a decade.
MAX_PLANNING_DAYS = 92


class CrmLead(models.Model):
    _inherit = "crm.lead"

    date_planned_contact = fields.Date(
        string="Planned Contact",
        copy=False,
        tracking=True,
        index="btree_not_null",
        help="The day the salesperson plans to contact the client, set when leads are spread over a period.",
    )
    playbook_announced = fields.Boolean(
        string="Team Told",
        copy=False,
        readonly=True,
        help="The current team was told about this lead: at once when hot, in the daily digest otherwise.",
    )
    playbook_hot_pending = fields.Boolean(
        string="Hot Lead Being Dealt",
        copy=False,
        readonly=True,
        help="A hot lead that arrived or moved: the job woken at that moment gives it to a member at work and "
        "tells the team, within seconds, outside the request that created it.",
    )

    def init(self):
        result = super().init()
        # The hot-lead job looks for the few flagged leads among all: keep exactly those at hand.
        create_index(
            self.env.cr,
            "crm_lead_playbook_hot_pending",
            self._table,
            ["id"],
            where="playbook_hot_pending",
        )
        return result

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    def _playbook_assignment_on_create(self):
        self._playbook_queue_hot()

    def _playbook_assignment_after_write(self, vals):
        if {"team_id", "user_id", "temperature", "source_id", "active"} & set(vals):
            self._playbook_queue_hot()

    def _playbook_hot_to_deal(self):
        """The hot leads that wait for a salesperson of a team assigning by working time, or for their team's
        announcement."""
        return self.filtered(
            lambda lead: (
                lead.temperature == "hot"
                and lead.team_id
                and lead.active
                and lead.work_status == "new"
                and (not lead.playbook_announced or (not lead.user_id and lead.team_id.playbook_assignment))
            )
        )

    def _playbook_queue_hot(self):
        """Flag the hot leads to deal out and announce, and wake the job that does it at once (PP-2, PP-6).

        The request that created or moved the leads only flags them: the job does the work right after the
        commit (``ir.cron._trigger``), in its own transaction, where a lead another worker holds is skipped,
        not waited for. A request retried after a serialization failure flags again and sends nothing twice."""
        leads = self._playbook_hot_to_deal().filtered(lambda lead: not lead.playbook_hot_pending)
        if leads:
            leads._playbook_set_hot_pending(True)
            job = self.env.ref("crm_sales_playbook.crm_lead_cron_deal_requests")
            job.sudo()._trigger()  # sudo: the hot-lead job is woken for whoever created or moved the lead (PP-2)

    def _cron_playbook_deal_requests(self, batch_size=200):
        """Deal out and announce the flagged hot leads, each locked (``SKIP LOCKED``) and in its own savepoint."""
        return run_batch(
            self,
            [("playbook_hot_pending", "=", True)],
            lambda lead: lead._playbook_deal_hot(),
            job="hot leads",
            batch_size=batch_size,
            condition=SQL("playbook_hot_pending"),
        )

    def _playbook_deal_hot(self):
        """Give the hot lead to the member at work, tell its team once, and clear its flag."""
        self._playbook_assign_hot()
        self._playbook_notify_hot()
        self._playbook_set_hot_pending(False)

    def _playbook_set_hot_pending(self, value):
        """Set the flag in SQL: the playbook's bookkeeping, not a change of the lead (no write hooks, no tracking)."""
        self.flush_recordset()
        self.env.cr.execute(SQL("UPDATE crm_lead SET playbook_hot_pending = %s WHERE id IN %s", value, tuple(self.ids)))
        self.invalidate_recordset(["playbook_hot_pending"])

    def _playbook_workflow_buttons(self):
        buttons = super()._playbook_workflow_buttons()
        buttons["playbook_announced"] = self.env._("the hot-lead alert and the daily digest set it")
        buttons["playbook_hot_pending"] = self.env._("the hot-lead job sets it")
        return buttons

    def _playbook_assign_hot(self):
        """Hot leads without salesperson go to a member at work at once, in teams assigning by working time."""
        hot = self.filtered(
            lambda lead: lead.temperature == "hot" and not lead.user_id and lead.team_id.playbook_assignment
        )
        if hot:
            hot = hot.sudo()  # sudo: a hot lead goes at once to the member at work, whoever created it (PP-2)
            hot.env["crm.team"]._playbook_assign_leads(hot, force_quota=True)

    def _playbook_priority(self):
        """Sort key dealing leads out: hottest first, then the longest waiting."""
        return -TEMPERATURE_RANK.get(self.temperature, 0), self.date_received or self.create_date, self.id

    def _playbook_notify_hot(self):
        """Tell the team at once, and only once, about a new hot lead it received (PP-2, PP-6)."""
        hot = self.filtered(
            lambda lead: (
                lead.temperature == "hot"
                and lead.team_id
                and lead.active
                and not lead.playbook_announced
                and lead.work_status == "new"
            )
        )
        if not hot:
            return
        hot = hot.sudo()  # sudo: the team is told once of its new hot lead, whoever created or moved it (PP-2)
        template = hot.env.ref("crm_sales_playbook.mail_template_hot_lead")
        hot.write({"playbook_announced": True})
        for team, leads in hot.grouped("team_id").items():
            team._playbook_announce(template, leads)

    def _playbook_lock_unassigned(self):
        """Lock the leads still without salesperson; the ones locked elsewhere are skipped, not waited for."""
        return lock_skip_locked(self, SQL("user_id IS NULL"))

    def _playbook_split_assignable(self):
        """Leads a salesperson may be given (new or in work), and the others with the reason (PP-9)."""
        labels = dict(self._fields["work_status"]._description_selection(self.env))
        skipped = {
            lead: self.env._("it is %(status)s", status=labels.get(lead.work_status, "").lower())
            for lead in self
            if lead.work_status not in ("new", "in_work")
        }
        return self - self.browse([lead.id for lead in skipped]), skipped

    def _playbook_assign_to(self, counts):
        """Deal the leads to salespeople, ``counts`` being [(user, how many)] (PP-9).

        Hottest and oldest first, round-robin in proportion to the counts; the previous salesperson
        is replaced and the team follows the salesperson. Returns (assigned leads, skipped {lead: why}).
        """
        eligible, skipped = self._playbook_split_assignable()
        counts = [(user, count) for user, count in counts if count]
        total = sum(count for _user, count in counts)
        if not counts:
            raise UserError(self.env._("Say which salespeople get leads, and how many."))
        self._playbook_check_assignees(self.env["res.users"].union(*[user for user, _count in counts]))
        if total > len(eligible):
            raise UserError(
                self.env._(
                    "%(total)s leads are asked for but only %(available)s of the selection can be assigned.",
                    total=total,
                    available=len(eligible),
                )
            )
        ordered = eligible.sorted(lambda lead: lead._playbook_priority())
        given = [0] * len(counts)
        plan = {}
        for lead in ordered[:total]:
            index = max(range(len(counts)), key=lambda i: ((counts[i][1] - given[i]) / counts[i][1], -i))
            given[index] += 1
            plan.setdefault(counts[index][0], []).append(lead.id)
        assigned = self.browse([lead_id for lead_ids in plan.values() for lead_id in lead_ids])
        user_of = {lead_id: user for user, lead_ids in plan.items() for lead_id in lead_ids}
        nobody = self.env._("nobody")
        assigned._playbook_write_grouped(
            {lead.id: {"user_id": user_of[lead.id].id} for lead in assigned},
            {
                lead.id: self.env._(
                    "%(author)s assigned the lead to %(user)s (before: %(previous)s).",
                    author=self.env.user.name,
                    user=user_of[lead.id].name,
                    previous=lead.user_id.name or nobody,
                )
                for lead in assigned
            },
        )
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
            raise UserError(
                self.env._(
                    "%(users)s: not a member of the teams you direct (%(teams)s). Choose a salesperson of those "
                    "teams, or ask sales support to move the leads.",
                    users=", ".join(outside.mapped("name")),
                    teams=", ".join(me._playbook_managed_teams().mapped("name")) or self.env._("none"),
                )
            )
        for user in users:
            foreign = self.filtered(lambda lead, user=user: lead.company_id and lead.company_id not in user.company_ids)
            if foreign:
                raise UserError(
                    self.env._(
                        "%(user)s does not work in %(company)s, the company of lead %(lead)s.",
                        user=user.name,
                        company=foreign[0].company_id.name,
                        lead=foreign[0].display_name,
                    )
                )

    def _playbook_split_distributable(self):
        """Leads that may be spread over a period (warm or cold, new), and the others with the reason (PP-10)."""
        eligible, skipped = self._playbook_split_assignable()
        labels = dict(self._fields["work_status"]._description_selection(self.env))
        for lead in eligible:
            if lead.work_status != "new":
                skipped[lead] = self.env._("it is %(status)s", status=labels[lead.work_status].lower())
            elif lead.temperature not in ("warm", "cold"):
                skipped[lead] = self.env._("it has no temperature")
        return self - self.browse([lead.id for lead in skipped]), skipped

    def _playbook_reasons_text(self, reasons):
        """One line per lead and why it is not taken, by name: "- Lead A: it is won" (PP-9, PP-10)."""
        lines = sorted((lead.display_name, lead.id, reason) for lead, reason in reasons.items())
        return "\n".join(f"- {name}: {reason}" for name, _id, reason in lines)

    def _playbook_assignment_text(self):
        """One line per lead and the salesperson it went to: "- Lead A → Anna" (PP-9)."""
        return "\n".join(f"- {lead.display_name} → {lead.user_id.name}" for lead in self)

    def _playbook_counts_per_user_text(self):
        """How many of the leads each salesperson has: "Anna 2, Boris 1" (PP-9, PP-10)."""
        return ", ".join(f"{user.name} {len(leads)}" for user, leads in self.grouped("user_id").items())

    def _playbook_check_period(self, date_from, date_to):
        """A planning period ends on or after its first day and lasts at most ``MAX_PLANNING_DAYS`` (PP-10)."""
        if not (date_from and date_to) or date_to < date_from:
            raise UserError(self.env._("The period must end on or after its first day."))
        if (date_to - date_from).days + 1 > MAX_PLANNING_DAYS:
            raise UserError(
                self.env._(
                    "The period from %(start)s to %(end)s is %(days)s days long: plan at most %(limit)s days at once.",
                    start=date_from,
                    end=date_to,
                    days=(date_to - date_from).days + 1,
                    limit=MAX_PLANNING_DAYS,
                )
            )

    def _playbook_distribute_over_period(self, date_from, date_to, users, team):
        """Spread warm and cold new leads over the working days of ``team`` between two dates (PP-10).

        Warm leads take the nearest days, cold leads the last ones, each salesperson getting the same
        number of leads a day, give or take one. Every lead gets its planned contact day, the salesperson
        and a call activity on that day. Returns ({lead: (day, user)}, {skipped lead: reason}).
        """
        hot = self.filtered(lambda lead: lead.temperature == "hot")
        if hot:
            raise UserError(
                self.env._(
                    "Hot leads cannot be planned over a period, they must be handled within hours. "
                    "Remove them from the selection:\n%(leads)s",
                    leads=hot._playbook_reasons_text(dict.fromkeys(hot, self.env._("it is hot"))),
                )
            )
        if not users:
            raise UserError(self.env._("Choose the salespeople who will call the leads."))
        self._playbook_check_assignees(users)
        self._playbook_check_period(date_from, date_to)
        today = fields.Date.context_today(self.with_context(tz=team.tz))
        if date_from < today:
            raise UserError(self.env._("The period cannot start in the past (today is %(today)s).", today=today))
        days = team._playbook_working_days(date_from, date_to)
        if not days:
            raise UserError(
                self.env._(
                    "%(team)s has no working day from %(start)s to %(end)s on its calendar.",
                    team=team.display_name,
                    start=date_from,
                    end=date_to,
                )
            )
        eligible, skipped = self._playbook_split_distributable()
        if not eligible:
            raise UserError(
                self.env._(
                    "None of the selected leads can be planned over a period:\n%(leads)s",
                    leads=self._playbook_reasons_text(skipped),
                )
            )

        def oldest_first(lead):
            return lead.date_received or lead.create_date, lead.id

        plan = spread_over_days(
            list(eligible.filtered(lambda lead: lead.temperature == "warm").sorted(oldest_first)),
            list(eligible.filtered(lambda lead: lead.temperature == "cold").sorted(oldest_first)),
            days,
            list(users),
        )
        planned = self.browse([lead.id for lead in plan])
        planned._playbook_write_grouped(
            {lead.id: {"user_id": user.id, "date_planned_contact": day} for lead, (day, user) in plan.items()},
            {
                lead.id: self.env._("Contact planned on %(day)s by %(user)s.", day=day, user=user.name)
                for lead, (day, user) in plan.items()
            },
            tracked=("user_id", "team_id", "date_planned_contact"),
        )
        call = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id(self._name)
        # The call activities are the salespeople's plan, not news: no notice per activity.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": lead.id,
                    "activity_type_id": call.id,
                    "date_deadline": day,
                    "user_id": user.id,
                    "summary": self.env._("Planned contact"),
                }
                for lead, (day, user) in plan.items()
            ]
        )
        return plan, skipped
