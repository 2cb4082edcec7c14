from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from . import working_time
from .advisory_locks import lock_keys
from .crm_call_script import REFUSAL_LIMIT
from .roles import refuse_workflow_writes

CALL_RESULTS = [
    ("reached", "Reached"),
    ("no_answer", "No Answer"),
    ("callback", "Call Back Later"),
    ("refused", "Refused"),
    ("request_taken", "Request Taken"),
    ("meeting_set", "Meeting Set"),
    ("materials_sent", "Materials Sent"),
]
# Results in which the client was talked to: they count as the contact that lets a lead go in work.
CONTACT_RESULTS = ("reached", "callback", "refused", "request_taken", "meeting_set", "materials_sent")


class CrmLeadCall(models.Model):
    """A call made or taken about a lead, with its result deciding the next step (LG-5) and the promises made in it
    becoming follow-ups (ST-14)."""

    _name = "crm.lead.call"
    _description = "Logged Call"
    _order = "date desc, id desc"
    _rec_name = "lead_id"
    _check_company_auto = True

    lead_id = fields.Many2one("crm.lead", required=True, ondelete="cascade", index=True, check_company=True)
    partner_id = fields.Many2one(related="lead_id.partner_id", string="Client", store=True)
    team_id = fields.Many2one(related="lead_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="lead_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="Called By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        check_company=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    direction = fields.Selection([("inbound", "Inbound"), ("outbound", "Outbound")], required=True, default="outbound")
    result = fields.Selection(CALL_RESULTS, required=True, index=True)
    is_contact = fields.Boolean(string="Client Reached", compute="_compute_is_contact", store=True)
    duration = fields.Float(string="Duration (min)", help="Length of the call in minutes.")
    notes = fields.Text()
    callback_at = fields.Datetime(string="Call Back On", help="The moment agreed with the client for the next call.")
    lost_reason_id = fields.Many2one("crm.lost.reason", string="Refusal Reason")
    meeting_start = fields.Datetime(string="Meeting On")
    meeting_hours = fields.Float(string="Meeting Length (h)", default=1.0)
    meeting_id = fields.Many2one("calendar.event", readonly=True, copy=False)
    followup_id = fields.Many2one("crm.lead.followup", string="Follow-up", readonly=True, copy=False)
    script_id = fields.Many2one("crm.call.script")
    call_list_line_id = fields.Many2one("crm.call.list.line", index="btree_not_null")
    script_body = fields.Html(related="script_id.body", string="Script Text")
    objection_ids = fields.Many2many("crm.call.objection", string="Objections Heard")
    objection_hint_ids = fields.Many2many(related="script_id.objection_ids", string="Expected Objections")
    refusal_count = fields.Integer(
        string="Refusals Heard", help="How many times the client said no during the call. After three, stop."
    )
    script_stop = fields.Boolean(string="Stop the Call", compute="_compute_script_stop")
    # Promises made in the call (ST-14; 003, call script 4)
    promise_letter = fields.Boolean(
        string="Promised a Letter",
        help="You promised to send the client a letter (the order confirmation and the request for details): a "
        "follow-up is due within the company's promise minutes, and the team leader is told if it is missed.",
    )
    promise_contract = fields.Boolean(
        string="Promised Contract and Invoice",
        help="You promised to send the draft contract and the invoice: a follow-up is due within the company's "
        "promise minutes after the client's details arrive, and the team leader is told if it is missed.",
    )
    promise_details_at = fields.Datetime(
        string="Client Sends Details By",
        help="When the client said they would send their details; the contract and invoice are due that many "
        "working minutes later. Empty: counted from the call.",
    )
    promise_followup_ids = fields.One2many("crm.lead.followup", "call_id", string="Promises")

    @api.depends("result")
    def _compute_is_contact(self):
        for call in self:
            call.is_contact = call.result in CONTACT_RESULTS

    @api.depends("refusal_count")
    def _compute_script_stop(self):
        for call in self:
            call.script_stop = call.refusal_count >= REFUSAL_LIMIT

    @api.constrains("duration", "refusal_count")
    def _check_duration(self):
        if any(call.duration < 0 or call.refusal_count < 0 for call in self):
            raise UserError(self.env._("A call cannot last a negative time or count negative refusals."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_result_values(vals)
        self._check_caller_rights(vals_list)
        calls = super().create(vals_list)
        for call in calls:
            call._apply_next_step()
        calls._plan_promises()
        calls.filtered("is_contact")._plan_next_regular_contact()
        calls._take_leads_into_work()
        lines = calls.call_list_line_id
        lines.check_access("write")
        for call in calls.filtered("call_list_line_id"):
            call.call_list_line_id.call_id = call
        # sudo: the client's last call is the playbook's record of the call just logged (LG-3)
        calls.lead_id.partner_id.commercial_partner_id.sudo().write({"playbook_called_at": fields.Datetime.now()})
        return calls

    def action_log_call(self):
        """The call dialog's button: the call is saved; the notification says what it did to the lead, the stage
        the lead is at now and what comes next, then the dialog closes (issue 20: next steps)."""
        self.ensure_one()
        lead = self.lead_id
        tz = lead.team_id._playbook_working_time(lead.company_id)[1]
        result = dict(self._fields["result"]._description_selection(self.env))[self.result]
        what, next_step = "", None
        if self.result == "callback":
            what = self.env._(
                "Call back at %(moment)s.", moment=working_time.format_local(self.callback_at, tz, self.env)
            )
            next_step = self.env._("Next: call the client back then; the follow-up is planned.")
        elif self.result == "meeting_set":
            what = self.env._(
                "The meeting on %(moment)s is in the calendar.",
                moment=working_time.format_local(self.meeting_start, tz, self.env),
            )
            next_step = self.env._("Next: hold the meeting and mark it held.")
        elif self.result == "no_answer":
            what = self.env._("The client was not reached.")
            next_step = self.env._("Next: call again.")
        elif self.is_contact and lead.work_status == "new" and lead.team_id.playbook_guards:
            next_step = self.env._("The lead stays New: the note on it says what is missing.")
        return lead._playbook_next_step_notification(
            self.env._("Call logged: %(result)s", result=result), what, next_step
        )

    @api.model
    def _check_caller_rights(self, vals_list):
        """Who may log a call on a lead: whoever may edit the lead, and the call-center operators on any lead
        they may read (they call for the salespeople). A call is logged in one's own name; sales heads and
        sales support may log one for a member of their teams."""
        if self.env.su:
            return
        user = self.env.user
        leads = self.env["crm.lead"].browse({vals["lead_id"] for vals in vals_list if vals.get("lead_id")})
        leads.check_access("read")
        if not user._playbook_is_operator():
            leads.check_access("write")
        callers = self.env["res.users"].browse({vals["user_id"] for vals in vals_list if vals.get("user_id")})
        others = callers - user
        if others and not (user._playbook_is_head() and others <= user._playbook_assignable_users()):
            raise AccessError(
                self.env._(
                    "A call is logged in the name of whoever made it: %(users)s did not log this one.",
                    users=", ".join(others.mapped("name")),
                )
            )

    def write(self, vals):
        history = {"result", "lead_id", "callback_at", "meeting_start", "lost_reason_id"}
        if (history | {"promise_letter", "promise_contract", "promise_details_at"}) & set(vals):
            raise UserError(self.env._("A logged call is history: log a new call instead of changing its result."))
        refuse_workflow_writes(
            self,
            vals,
            {name: self.env._("logging the call sets it") for name in ("followup_id", "meeting_id", "user_id")},
        )
        return super().write(vals)

    def _check_result_values(self, vals):
        result = vals.get("result")
        labels = dict(self._fields["result"]._description_selection(self.env))
        if result and result not in labels:
            raise UserError(
                self.env._(
                    "%(value)s is not a call result. Allowed: %(allowed)s.",
                    value=repr(result),
                    allowed=", ".join(labels),
                )
            )
        needs = {
            "callback": ("callback_at", self.env._("the moment to call back")),
            "refused": ("lost_reason_id", self.env._("the refusal reason")),
            "meeting_set": ("meeting_start", self.env._("when the meeting is")),
        }
        if result in needs and not vals.get(needs[result][0]):
            raise UserError(
                self.env._(
                    "A call with the result %(result)s needs %(what)s.", result=labels[result], what=needs[result][1]
                )
            )
        if result == "callback" and fields.Datetime.to_datetime(vals["callback_at"]) <= fields.Datetime.now():
            raise UserError(self.env._("The agreed callback must be in the future."))

    def _plan_next_regular_contact(self):
        """Every talk with a regular customer plans the next one: the agreed date, else the usual interval (RC-1)."""
        today = fields.Date.context_today(self)
        for call in self:
            client = call.lead_id.partner_id.commercial_partner_id.sudo()  # sudo: the talk plans the next (RC-1)
            if not client.playbook_is_regular:
                continue
            days = (call.company_id or self.env.company).playbook_regular_contact_days
            client.playbook_next_contact = call.callback_at.date() if call.callback_at else today + timedelta(days=days)

    def _take_leads_into_work(self):
        """A call that reached the client takes its New lead into work (3.5.2; PP-3, LG-5); a postponement does it
        itself (PP-11), a refusal closes the lead instead."""
        if self.env.context.get("playbook_postponing"):
            return
        leads = self.filtered(lambda call: call.is_contact and call.result != "refused").lead_id
        writable = leads._filtered_access("write")
        writable._playbook_take_into_work()
        # sudo: an operator's call that reached the client takes into work a lead it may only read (checked in create)
        (leads - writable).sudo()._playbook_take_into_work()

    def _plan_promises(self):
        """What the caller promised in the call becomes a follow-up due in the team's working minutes, urgent so
        that a missed one is escalated to the team leader (ST-14; 003, call script 4). One pending follow-up of a
        kind per lead: a promise repeated before the first is kept does not add a second."""
        promised = self.filtered(lambda call: call.promise_letter or call.promise_contract)
        if not promised:
            return
        # sudo: the promise's follow-up is the playbook's entry for the caller, on a lead an operator may only read
        Followup = self.env["crm.lead.followup"].sudo()
        lock_keys(self.env, {("crm.lead.followup", lead.id) for lead in promised.lead_id})
        pending = {
            (followup.lead_id, followup.kind)
            for followup in Followup.search(
                [
                    ("lead_id", "in", promised.lead_id.ids),
                    ("kind", "in", ("promise_letter", "promise_contract")),
                    ("state", "=", "pending"),
                ]
            )
        }
        values = []
        for call in promised:
            lead = call.lead_id
            company = lead.company_id or self.env.company
            for kind, start, name in (
                ("promise_letter", call.date, self.env._("Send the promised letter: %(lead)s")),
                (
                    "promise_contract",
                    call.promise_details_at or call.date,
                    self.env._("Send the promised draft contract and invoice: %(lead)s"),
                ),
            ):
                if not call[kind] or (lead, kind) in pending:
                    continue
                pending.add((lead, kind))
                values.append(
                    {
                        "lead_id": lead.id,
                        "call_id": call.id,
                        "kind": kind,
                        "priority": "1",
                        "user_id": call.user_id.id,
                        "name": name % {"lead": lead.display_name},
                        "note": call.notes,
                        "date_due": lead.team_id._playbook_add_working_time(
                            start, company.playbook_promise_minutes, company
                        ),
                    }
                )
        if values:
            Followup.create(values)

    def _apply_next_step(self):
        """What the result means for the lead: a follow-up, a meeting, a notice or the refusal (LG-5)."""
        self.ensure_one()
        lead = self.lead_id
        if not lead.has_access("write"):
            # Checked in create; the note and notices carry the operator's name, the lead's rules still apply.
            # sudo: an operator logs the call for the salesperson on a lead it may only read
            lead = lead.sudo()
        labels = dict(self._fields["result"]._description_selection(self.env))
        summary = self.env._(
            "%(direction)s call: %(result)s",
            direction=dict(self._fields["direction"]._description_selection(self.env))[self.direction],
            result=labels[self.result],
        )
        if self.env.context.get("playbook_postponing"):
            return  # the postponement notes the talk and plans the call back itself (PP-11)
        lead.message_post(
            body=f"{summary}. {self.notes or ''}".strip(), message_type="comment", subtype_xmlid="mail.mt_note"
        )
        # sudo: the call's follow-up and meeting are the playbook's entries for the responsible salesperson
        call, su_env = self.sudo(), self.sudo().env
        if self.result == "callback":
            call.followup_id = su_env["crm.lead.followup"].create(
                {
                    "lead_id": lead.id,
                    "kind": "callback",
                    "user_id": self.user_id.id,
                    "date_due": self.callback_at,
                    "name": self.env._("Call back %(lead)s", lead=lead.display_name),
                    "note": self.notes,
                }
            )
        elif self.result == "meeting_set":
            agent = lead.user_id or self.user_id
            call.meeting_id = (
                su_env["calendar.event"]
                .with_context(default_res_model=False)
                .create(
                    {
                        "name": self.env._("Meeting: %(lead)s", lead=lead.display_name),
                        "start": self.meeting_start,
                        "stop": self.meeting_start + timedelta(hours=self.meeting_hours or 1),
                        "user_id": agent.id,
                        "opportunity_id": lead.id,
                        "partner_ids": [(6, 0, (agent.partner_id | lead.partner_id).ids)],
                        "res_model_id": self.env["ir.model"]._get_id("crm.lead"),
                        "res_id": lead.id,
                        "description": self.notes or False,
                    }
                )
            )
            if agent != self.env.user:
                lead.message_notify(
                    partner_ids=agent.partner_id.ids,
                    subject=summary,
                    body=self.env._("A meeting with the client is set for you: %(lead)s.", lead=lead.display_name),
                )
        elif self.result == "materials_sent" and lead.user_id and lead.user_id != self.env.user:
            lead.message_notify(
                partner_ids=lead.user_id.partner_id.ids,
                subject=summary,
                body=self.env._("Materials were sent to the client of %(lead)s: follow up.", lead=lead.display_name),
            )
        elif self.result == "refused":
            lead.write({"closing_comment": self.notes or labels["refused"]})
            lead.action_set_lost(lost_reason_id=self.lost_reason_id.id)
