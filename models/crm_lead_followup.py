from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from . import working_time
from .locking import run_batch
from .roles import refuse_workflow_writes

FOLLOWUP_KINDS = [
    ("first_contact", "First Contact with the Client"),
    ("busy_callback", "Promised Callback"),
    ("confirm_call", "Confirmation Call"),
    ("answer_call", "Call the Client Back"),
    ("callback", "Agreed Callback"),
    ("approve_proposal", "Approve Proposal"),
    ("approve_order", "Approve Order"),
    ("promise_letter", "Promised Letter"),
    ("promise_contract", "Promised Contract and Invoice"),
]
# Follow-ups that keep a promise made to the client in a call (ST-14): sending, not calling.
PROMISE_KINDS = ("promise_letter", "promise_contract")
# The follow-up's fields its activity is made of (``_schedule_activities``).
ACTIVITY_SOURCE_FIELDS = ("lead_id", "order_id", "kind", "user_id", "name", "date_due", "note")


class CrmLeadFollowup(models.Model):
    """A task on a lead due at an exact minute, with its reminder and escalation (EV-2, ST-2, ST-3, ST-4, ST-14).

    Odoo's activities are due on a day; the follow-up keeps the minute and mirrors itself as an
    activity in the responsible user's list. A cron woken exactly at the due minute (``_trigger``)
    reminds the user, and for urgent follow-ups tells the team leader, each exactly once.
    """

    _name = "crm.lead.followup"
    _description = "Lead Follow-up"
    _inherit = ["mail.thread"]
    _order = "date_due, id"
    _check_company_auto = True

    name = fields.Char(string="Summary", required=True)
    lead_id = fields.Many2one("crm.lead", ondelete="cascade", index=True, check_company=True)
    order_id = fields.Many2one(
        "sale.order", string="Sales Order", ondelete="cascade", index="btree_not_null", check_company=True
    )
    proposal_id = fields.Many2one("crm.lead.proposal", ondelete="cascade", index="btree_not_null", check_company=True)
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Client")
    # Computed before the insert (``precompute``): the follow-up is inserted whole, not inserted then updated.
    team_id = fields.Many2one("crm.team", compute="_compute_team_company", store=True, index=True, precompute=True)
    company_id = fields.Many2one(
        "res.company", compute="_compute_team_company", store=True, index=True, precompute=True
    )
    kind = fields.Selection(FOLLOWUP_KINDS, required=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        required=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
    )
    date_due = fields.Datetime(
        string="Due", required=True, tracking=True, help="The exact minute by which the follow-up must be done."
    )
    date_due_team_tz = fields.Char(string="Due (Team Time)", compute="_compute_date_due_team_tz")
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0", tracking=True)
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="pending",
        required=True,
        tracking=True,
    )
    is_late = fields.Boolean(string="Late", compute="_compute_is_late", search="_search_is_late")
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    reminded_at = fields.Datetime(
        string="Reminded On",
        readonly=True,
        copy=False,
        help="When the responsible was reminded that the follow-up was due.",
    )
    escalated_at = fields.Datetime(
        string="Escalated On",
        readonly=True,
        copy=False,
        help="When the team leader was told the urgent follow-up was not done in time.",
    )
    note = fields.Text()
    activity_id = fields.Many2one(
        "mail.activity", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )
    call_id = fields.Many2one(
        "crm.lead.call",
        string="Promised in Call",
        readonly=True,
        copy=False,
        ondelete="set null",
        index="btree_not_null",
        help="The logged call in which the promise was made to the client.",
    )

    def init(self):
        # The reminder cron looks for pending follow-ups that fell due and were not reminded yet.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS crm_lead_followup_due_pending ON crm_lead_followup (date_due) "
                "WHERE state = 'pending' AND (reminded_at IS NULL OR (priority = '1' AND escalated_at IS NULL))"
            )
        )

    _sql_constraints = [
        (
            "lead_or_order",
            "CHECK (lead_id IS NOT NULL OR order_id IS NOT NULL)",
            "A follow-up belongs to a lead or to an order.",
        ),
    ]

    @api.depends("lead_id.team_id", "lead_id.company_id", "order_id.team_id", "order_id.company_id")
    def _compute_team_company(self):
        for followup in self:
            followup.team_id = followup.lead_id.team_id or followup.order_id.team_id
            followup.company_id = followup.lead_id.company_id or followup.order_id.company_id

    def _target(self):
        """The record the follow-up is about: the order when there is one, else the lead."""
        self.ensure_one()
        return self.order_id or self.lead_id

    @api.depends("date_due", "team_id.tz")
    def _compute_date_due_team_tz(self):
        for followup in self:
            _calendar, tz = followup.team_id._playbook_working_time(followup.company_id)
            followup.date_due_team_tz = working_time.format_local(followup.date_due, tz, self.env)

    @api.depends("date_due", "state")
    def _compute_is_late(self):
        now = fields.Datetime.now()
        for followup in self:
            followup.is_late = followup.state == "pending" and followup.date_due and followup.date_due < now

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Search on lateness supports = and != True/False only."))
        late = [("state", "=", "pending"), ("date_due", "<", fields.Datetime.now())]
        return (
            late
            if (operator == "=") == value
            else ["!", *late[:1], "|", ("state", "!=", "pending"), ("date_due", ">=", fields.Datetime.now())][1:]
        )

    @api.model_create_multi
    def create(self, vals_list):
        buttons = self._workflow_buttons()
        for vals in vals_list:
            refuse_workflow_writes(self, vals, buttons, create=True)
        self._check_creator_rights(vals_list)
        # Each follow-up's activity first, so that the follow-up is inserted with it (no update afterwards).
        activities = self._schedule_activities(vals_list)
        vals_list = [dict(vals, activity_id=activity.id) for vals, activity in zip(vals_list, activities, strict=True)]
        if self.env.su:
            # Planned by the playbook itself (a request, a call, a promise): the follow-up's own chatter needs no
            # "created" note nor followers; its responsible gets the activity (above) and the reminders by name.
            # Later changes of its state are tracked as usual.
            quiet = self.with_context(tracking_disable=True)
            followups = super(CrmLeadFollowup, quiet).create(vals_list).with_env(self.env)
        else:
            followups = super().create(vals_list)
        followups.filtered(lambda f: f.priority == "1")._notify(
            self.env._("Urgent: %(name)s"), self.env._("Due at %(due)s. %(note)s")
        )
        followups._wake_reminders()
        return followups

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        result = super().write(vals)
        if "date_due" in vals:
            self.filtered(lambda f: f.state == "pending")._wake_reminders()
        return result

    def _workflow_buttons(self):
        done = self.env._("use Mark Done or Cancel")
        return {
            "state": done,
            "date_done": done,
            "reminded_at": self.env._("the reminder sets it when the follow-up falls due"),
            "escalated_at": self.env._("the reminder sets it when an urgent follow-up is not done"),
            "activity_id": self.env._("the follow-up keeps its own activity"),
            "call_id": self.env._("ticking the promise on the logged call sets it"),
        }

    @api.model
    def _check_creator_rights(self, vals_list):
        """A follow-up is planned on a lead or order one may edit, for oneself; sales heads and sales support
        plan them for the members of their teams. The playbook plans its own as the system."""
        if self.env.su:
            return
        user = self.env.user
        targets = [
            self.env[model].browse({vals[field] for vals in vals_list if vals.get(field)})
            for model, field in (
                ("crm.lead", "lead_id"),
                ("sale.order", "order_id"),
                ("crm.lead.proposal", "proposal_id"),
            )
        ]
        for records in targets:
            records.check_access("write")
        others = self.env["res.users"].browse({vals["user_id"] for vals in vals_list if vals.get("user_id")}) - user
        if others and not (user._playbook_is_head() and others <= user._playbook_assignable_users()):
            raise AccessError(
                self.env._(
                    "You plan follow-ups for yourself; %(users)s plan their own, or their sales head does.",
                    users=", ".join(others.mapped("name")),
                )
            )

    @api.model
    def _schedule_activities(self, vals_list):
        """The activity mirroring each follow-up to be created with ``vals_list``, in its responsible's list, due
        on the follow-up's day in the responsible's time zone."""
        # Odoo's own activity types, by id (``env.ref`` would read each one to check it exists).
        type_id = self.env["ir.model.data"]._xmlid_to_res_id
        call = type_id("mail.mail_activity_data_call", raise_if_not_found=True)
        todo = type_id("mail.mail_activity_data_todo", raise_if_not_found=True)
        email = type_id("mail.mail_activity_data_email", raise_if_not_found=True)
        # The follow-up shows as an activity in its responsible's list, on a lead the planner may only read.
        activities = self.env["mail.activity"].sudo()  # sudo: the follow-up's own activity, on a lead read only
        values = []
        for given in vals_list:
            # Only the defaults the activity needs, when not given (``create`` fills the others itself).
            missing = [fname for fname in ACTIVITY_SOURCE_FIELDS if fname not in given]
            vals = dict(self.default_get(missing), **given) if missing else given
            if not vals.get("lead_id") and not vals.get("order_id"):
                raise ValidationError(self.env._("A follow-up belongs to a lead or to an order."))
            model, res_id = ("sale.order", vals["order_id"]) if vals.get("order_id") else ("crm.lead", vals["lead_id"])
            kind = vals.get("kind") or ""
            user = self.env["res.users"].browse(vals.get("user_id"))
            due = fields.Datetime.to_datetime(vals.get("date_due"))
            model_id = self.env["ir.model"]._get_id(model)
            # The activity computes its model's name from the model's row (a full read of it): known, given.
            self.env["crm.lead"]._playbook_cache(self.env["ir.model"].browse(model_id), "model", model)
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": res_id,
                    "activity_type_id": (
                        todo if kind.startswith("approve") else email if kind in PROMISE_KINDS else call
                    ),
                    "user_id": user.id,
                    "summary": vals.get("name"),
                    # The responsible's day: the request's zone (a planner elsewhere) only for a user without one.
                    "date_deadline": due
                    and fields.Datetime.context_timestamp(
                        self.with_user(user).with_context(tz=user.tz or self.env.context.get("tz")), due
                    ).date(),
                    "note": vals.get("note") or False,
                    # What the activity would compute after its insert (an update of each new activity), given.
                    "res_name": activities.env[model].browse(res_id).display_name,
                    "user_tz": user.tz or False,
                    "date_done": False,
                    "playbook_followup": True,
                }
            )
        return activities.with_context(mail_activity_quick_update=True).create(values)

    def _wake_reminders(self):
        """Wake the reminder job at the minute each follow-up falls due (rounded up: a reminder is never early).

        The follow-ups due within one minute share its trigger: a minute already planned costs one lookup, and
        neither a new trigger nor a wake-up of the cron workers at the commit (a web request plans one)."""
        # By id: ``env.ref`` would read the job to check it exists, at every follow-up planned.
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id("crm_sales_playbook.crm_lead_followup_cron_remind")
        minutes = sorted({working_time.minute_up(due) for due in self.mapped("date_due") if due})
        if not cron_id or not minutes:
            return
        self.env["ir.cron.trigger"].flush_model(["cron_id", "call_at"])
        self.env.cr.execute(
            SQL("SELECT call_at FROM ir_cron_trigger WHERE cron_id = %s AND call_at IN %s", cron_id, tuple(minutes))
        )
        planned = {row[0] for row in self.env.cr.fetchall()}
        missing = [minute for minute in minutes if minute not in planned]
        if missing:
            self.env["ir.cron"].browse(cron_id)._trigger(at=missing)

    def _notify(self, subject, body, partners=None):
        """Tell the responsible (or ``partners``) in Odoo and by email, with a link to the lead."""
        for followup in self:
            recipients = partners or followup.user_id.partner_id
            target = followup._target()
            values = {
                "name": followup.name,
                "due": followup.date_due_team_tz,
                "note": followup.note or "",
                "lead": target.display_name,
            }
            target.message_notify(
                partner_ids=recipients.ids,
                subject=subject % values,
                body=Markup("<p>%s</p>") % (body % values),
                email_layout_xmlid="mail.mail_notification_light",
            )
            inbox = recipients.filtered(lambda p: p.user_ids[:1].notification_type == "inbox" and p.email)
            if inbox:
                Mail = self.env["mail.mail"].sudo()  # sudo: the reminder is emailed too; users create no mail
                Mail.create(
                    {
                        "subject": subject % values,
                        "body_html": Markup("<p>%s</p>") % (body % values),
                        "email_to": ",".join(inbox.mapped("email_formatted")),
                        "model": target._name,
                        "res_id": target.id,
                        "auto_delete": False,
                    }
                )

    def action_done(self):
        self.check_access("write")
        # sudo: the state of the follow-up is written by its Done button only (checked writable above)
        pending = self.filtered(lambda f: f.state == "pending").sudo()
        pending.write({"state": "done", "date_done": fields.Datetime.now()})
        for followup in pending.filtered("activity_id"):
            activity = followup.activity_id
            followup.activity_id = False
            activity.with_env(self.env).action_feedback(feedback=followup.name)
        return True

    def action_cancel(self):
        self.check_access("write")
        # sudo: the state of the follow-up is written by its Cancel button only (checked writable above)
        pending = self.filtered(lambda f: f.state == "pending").sudo()
        pending.write({"state": "cancelled"})
        pending.activity_id.unlink()
        return True

    @api.model
    def _cron_remind(self, batch_size=200):
        """Remind the responsibles of what fell due, and tell team leaders of urgent ones not done, once.

        Returns how many follow-ups were handled.
        """
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "pending"),
            ("date_due", "<=", now),
            "|",
            ("reminded_at", "=", False),
            "&",
            ("priority", "=", "1"),
            ("escalated_at", "=", False),
        ]
        result = run_batch(
            self,
            domain,
            lambda followup: followup._remind_or_escalate(now),
            job="remind due follow-ups",
            order="date_due, id",
            batch_size=batch_size,
            condition=SQL("state = 'pending' AND (reminded_at IS NULL OR (priority = '1' AND escalated_at IS NULL))"),
        )
        return result.done

    def _remind_or_escalate(self, now):
        self.ensure_one()
        if not self.reminded_at:
            self._notify(
                self.env._("Due now: %(name)s"),
                self.env._("%(name)s for %(lead)s was due at %(due)s and is not done yet. %(note)s"),
            )
            self.reminded_at = now
        if self.priority == "1" and not self.escalated_at:
            leader = self.team_id.user_id
            if leader:
                body, summary = self._escalation_texts()
                self._notify(self.env._("Not done in time: %(name)s"), body, partners=leader.partner_id)
                self._target().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    date_deadline=fields.Date.context_today(self),
                    summary=summary,
                )
            self.escalated_at = now

    def _escalation_texts(self):
        """(notice body, leader's activity summary) of an urgent follow-up not done in time."""
        self.ensure_one()
        if self.kind in PROMISE_KINDS:
            return (
                self.env._(
                    "%(name)s for %(lead)s was promised to the client by %(due)s and is not done. "
                    "Make sure the promise is kept. %(note)s"
                ),
                self.env._("Promise to the client not kept: %(name)s", name=self.name),
            )
        return (
            self.env._(
                "%(name)s for %(lead)s was promised by %(due)s and is not done. "
                "Make sure the client is called back. %(note)s"
            ),
            self.env._("Promised callback not done: %(name)s", name=self.name),
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(followup.state == "done" for followup in self) and not self.env.su:
            raise UserError(self.env._("Done follow-ups are history: they cannot be deleted."))
