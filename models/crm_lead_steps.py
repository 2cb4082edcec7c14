"""The steps of a sale on the lead: calls with their scripts, proposals, meetings, orders, postponing, the call plan
after the deal (EV-3 to EV-7, ST-10, PP-11, RC-3)."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.i18n import format_list

from . import working_time
from .notifications import notify_and_close
from .playbook_rules import NEXT_STEPS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    playbook_step = fields.Selection(related="stage_id.playbook_step")
    playbook_can_propose = fields.Boolean(compute="_compute_playbook_next_steps")
    playbook_can_meet = fields.Boolean(compute="_compute_playbook_next_steps")
    playbook_can_order = fields.Boolean(compute="_compute_playbook_next_steps")
    proposal_ids = fields.One2many("crm.lead.proposal", "lead_id", string="Proposals")
    proposal_count = fields.Integer(string="Proposals Sent", compute="_compute_proposal_count")
    call_ids = fields.One2many("crm.lead.call", "lead_id", string="Logged Calls")
    call_count = fields.Integer(string="Calls", compute="_compute_call_count")
    followup_ids = fields.One2many("crm.lead.followup", "lead_id", string="Follow-ups")
    followup_pending_count = fields.Integer(string="Pending Follow-ups", compute="_compute_followup_pending_count")

    # Hooks of the lead's write (models/crm_lead.py) ------------------------------------------------

    def _playbook_steps_after_write(self, statuses):
        """A lead won now puts its client in the call plan (RC-3)."""
        if statuses:
            self.filtered(
                lambda lead: statuses.get(lead.id) != "won" and lead.work_status == "won"
            )._playbook_enter_call_plan()

    def _compute_call_count(self):
        counts = dict(self.env["crm.lead.call"]._read_group([("lead_id", "in", self.ids)], ["lead_id"], ["__count"]))
        for lead in self:
            lead.call_count = counts.get(lead, 0)

    def _compute_followup_pending_count(self):
        counts = dict(
            self.env["crm.lead.followup"]._read_group(
                [("lead_id", "in", self.ids), ("state", "=", "pending")], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.followup_pending_count = counts.get(lead, 0)

    @api.depends("stage_id.playbook_step", "work_status", "team_id.playbook_guards")
    def _compute_playbook_next_steps(self):
        for lead in self:
            # The step buttons belong to the playbook's teams; elsewhere the form stays Odoo's.
            steps = lead._playbook_next_steps()
            lead.playbook_can_propose = lead.team_id.playbook_guards and "proposal" in steps
            lead.playbook_can_meet = lead.team_id.playbook_guards and "meeting" in steps
            lead.playbook_can_order = "order" in steps

    def _compute_proposal_count(self):
        counts = dict(
            self.env["crm.lead.proposal"]._read_group(
                [("lead_id", "in", self.ids), ("state", "=", "sent")], ["lead_id"], ["__count"]
            )
        )
        for lead in self:
            lead.proposal_count = counts.get(lead, 0)

    def _playbook_next_steps(self):
        """The next steps the lead's stage allows (EV-5). Teams without the rules allow every step."""
        self.ensure_one()
        if self.work_status not in ("new", "in_work"):
            return ()
        if not self.team_id.playbook_guards:
            return ("proposal", "meeting", "order")
        return NEXT_STEPS.get(self.stage_id.playbook_step, ())

    def _playbook_check_next_step(self, step):
        labels = {
            "proposal": self.env._("a commercial proposal"),
            "meeting": self.env._("a meeting"),
            "order": self.env._("an order"),
        }
        for lead in self:
            allowed = lead._playbook_next_steps()
            if step not in allowed:
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is at stage %(stage)s: %(step)s is not a next step here (allowed: %(allowed)s).",
                        lead=lead.display_name,
                        stage=lead.stage_id.name,
                        step=labels[step],
                        allowed=", ".join([labels[s] for s in allowed] + [self.env._("a refusal")]),
                    )
                )

    def _playbook_next_step_text(self):
        """What comes next on the lead, in words, from the steps its stage allows (EV-5): the hint shown after each
        action, so that nobody has to work out the next step (issue 20)."""
        self.ensure_one()
        if self.work_status == "won":
            return self.env._("The deal is won: the client enters the regular customers' call plan.")
        if self.work_status == "lost":
            return self.env._("The lead is lost.")
        if self.work_status == "blocked":
            return self.blocked_message or ""
        labels = {
            "proposal": self.env._("send the commercial proposal"),
            "meeting": self.env._("plan a meeting"),
            "order": self.env._("make the quotation"),
        }
        steps = [labels[step] for step in self._playbook_next_steps() if step in labels]
        if self.work_status == "new" or not steps:
            return self.env._("Next: reach the client (Log Call).")
        return self.env._("Next: %(steps)s.", steps=format_list(self.env, steps, style="or"))

    def _playbook_next_step_notification(self, title, what, next_step=None):
        """The notification shown after an action on the lead: ``what`` was done, the lead's stage now and what
        comes next (``next_step``, else the steps the stage allows); it then closes the dialog the action ran in,
        which reloads the lead."""
        self.ensure_one()
        message = self.env._(
            "%(what)s Lead %(lead)s is at stage %(stage)s. %(next)s",
            what=what,
            lead=self.display_name,
            stage=self.stage_id.name,
            next=next_step or self._playbook_next_step_text(),
        )
        return notify_and_close(message.strip(), title)

    def _playbook_move_to_step(self, step):
        """Move the leads forward to the first stage of ``step``; never backwards. One search per team."""
        for team, leads in self.grouped("team_id").items():
            stage = self.env["crm.stage"].search(
                [("playbook_step", "=", step), "|", ("team_id", "=", False), ("team_id", "=", team.id)],
                order="sequence, id",
                limit=1,
            )
            if not stage:
                continue
            behind = leads.filtered(lambda lead, stage=stage: stage.sequence > lead.stage_id.sequence)
            if behind:
                behind.stage_id = stage

    def action_open_proposal(self):
        self.ensure_one()
        self._playbook_check_next_step("proposal")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Commercial Proposal"),
            "res_model": "crm.lead.proposal",
            "view_mode": "form",
            "views": [(self.env.ref("crm_sales_playbook.crm_lead_proposal_view_form_dialog").id, "form")],
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def _playbook_proposal_letter(self):
        """The subject and letter a new proposal starts from: the template rendered in the client's language,
        else the user's (EV-6). Without the template (deleted by an admin) the subject alone."""
        self.ensure_one()
        template = self.env.ref("crm_sales_playbook.mail_template_proposal", raise_if_not_found=False)
        if not template:
            product = self.product_id.name and self.product_id.name + " — " or ""
            company = (self.company_id or self.env.company).name
            return {"name": self.env._("Commercial proposal: %(offer)s", offer=product + company), "body": False}
        return {
            field: template._render_field(source, self.ids, compute_lang=True)[self.id]
            for field, source in (("name", "subject"), ("body", "body_html"))
        }

    @api.readonly
    def action_view_proposals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_proposal_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    def action_schedule_meeting(self, smart_calendar=True):
        """Meetings are planned with the sales agent as attendee (EV-7)."""
        action = super().action_schedule_meeting(smart_calendar=smart_calendar)
        if self.team_id.playbook_guards:
            self._playbook_check_next_step("meeting")
        if self.user_id:
            partners = action["context"].get("default_partner_ids") or []
            action["context"]["default_partner_ids"] = list(dict.fromkeys(partners + self.user_id.partner_id.ids))
            action["context"]["default_user_id"] = self.user_id.id
        return action

    def action_sale_quotations_new(self):
        if self.team_id.playbook_guards:
            self._playbook_check_next_step("order")
        return super().action_sale_quotations_new()

    def action_open_consultation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Request Consultation"),
            "res_model": "crm.lead.consultation",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def _playbook_enter_call_plan(self):
        """After the deal the client enters the regular customers' call plan (RC-3)."""
        leads = self.filtered("partner_id")
        if not leads:
            return
        today = fields.Date.context_today(self)
        for lead in leads:
            client = lead.partner_id.commercial_partner_id.sudo()  # sudo: the deal plans the next contact (RC-3)
            values = {}
            if not client.playbook_next_contact or client.playbook_next_contact < today:
                days = (lead.company_id or self.env.company).playbook_regular_contact_days
                values["playbook_next_contact"] = today + timedelta(days=days)
            if not client.playbook_regular_manager_id and lead.user_id:
                values["playbook_regular_manager_id"] = lead.user_id.id
            if values:
                client.write(values)

    def action_open_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "crm.lead.call",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_lead_id": self.id,
                "default_direction": "outbound",
                "default_script_id": self._playbook_script("outbound").id,
            },
        }

    def _playbook_script(self, direction):
        """The script of a call about this lead by the current user (ST-10)."""
        self.ensure_one()
        return self.env["crm.call.script"]._pick_for_call(self, direction)

    def action_open_script(self):
        self.ensure_one()
        script = self._playbook_script(self.env.context.get("playbook_direction", "outbound"))
        if not script:
            raise UserError(
                self.env._(
                    "No call script fits this lead yet: sales support writes them in "
                    "CRM > Configuration > Call Scripts."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.call.script",
            "res_id": script.id,
            "view_mode": "form",
            "target": "new",
            "name": script.name,
            "context": {"form_view_ref": "crm_sales_playbook.crm_call_script_view_form_read"},
        }

    @api.readonly
    def action_view_calls(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_call_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    @api.readonly
    def action_view_followups(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_lead_followup_action")
        action.update(domain=[("lead_id", "=", self.id)], context={"default_lead_id": self.id})
        return action

    def action_open_postpone(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Postpone"),
            "res_model": "crm.lead.postpone",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }

    def _playbook_postpone(self, until, comment):
        """The client was reached and the talk moved to ``until`` (3.4.4, 6.3; PP-11): the postponement logs that
        contact (who, when, what was agreed) and a new lead goes into work, which stops its response clock."""
        self.ensure_one()
        if not (comment or "").strip():
            raise UserError(
                self.env._(
                    "Lead %(lead)s: say what was agreed with the client before postponing.", lead=self.display_name
                )
            )
        if not until or until <= fields.Datetime.now():
            raise UserError(self.env._("Lead %(lead)s: postpone to a future date and time.", lead=self.display_name))
        if self.work_status not in ("new", "in_work"):
            raise UserError(
                self.env._("Lead %(lead)s is closed or blocked: it cannot be postponed.", lead=self.display_name)
            )
        if self.work_status == "new" and self.team_id.playbook_guards:
            if problems := self._playbook_leaving_new_problems().get(self):
                raise UserError("\n".join(problems))
        self.env["crm.lead.call"].with_context(playbook_postponing=True).create(
            {"lead_id": self.id, "result": "callback", "callback_at": until, "notes": comment}
        )
        # The note below says when, in the team's time to the minute: the tracking of the raw date (in the reader's
        # zone, with seconds) would say it a second time, differently.
        self.with_context(mail_notrack=True).write({"postponed_until": until})
        if self.work_status == "new":
            stage = self._playbook_work_stages().get(self)
            if stage:
                self.write({"stage_id": stage.id})
        tz = self.team_id._playbook_working_time(self.company_id)[1]
        local = working_time.format_local(until, tz, self.env)
        user = self.user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=working_time.local_day(until, tz),
            summary=self.env._("Call back at %(moment)s", moment=local),
            note=comment,
            user_id=user.id,
        )
        self.message_post(
            body=self.env._("Postponed to %(moment)s: %(comment)s", moment=local, comment=comment),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return self._playbook_next_step_notification(
            self.env._("Postponed"),
            self.env._("Postponed to %(moment)s.", moment=local),
            self.env._("Next: call the client back then; the call is in the activities of %(user)s.", user=user.name),
        )

    def _playbook_work_stages(self):
        """{lead: the first stage after New of its team}: where a lead goes when it is taken into work (3.5.2).

        One search for the batch: the stages shared by every team and those of the leads' teams, neither New nor
        won, in sequence order."""
        stages = self.env["crm.stage"].search(
            [("is_new_stage", "=", False), ("is_won", "=", False), ("team_id", "in", [False, *self.team_id.ids])],
            order="sequence, id",
        )
        result = {}
        for lead in self:
            stage = next((stage for stage in stages if not stage.team_id or stage.team_id == lead.team_id), None)
            if stage:
                result[lead] = stage
        return result

    def _playbook_take_into_work(self):
        """The client was reached by a call or at a held meeting (3.5.2; PP-3, LG-5): a New lead of a team that
        enforces the contact rules goes into work at the first stage after New, which stops its response clock, in
        one step. A lead that may not leave New yet stays there with a note saying why. Returns the leads moved."""
        leads = self.filtered(lambda lead: lead.team_id.playbook_guards and lead.work_status == "new")
        if not leads:
            return leads
        problems = leads._playbook_leaving_new_problems()
        for lead, reasons in problems.items():
            lead.message_post(
                body=self.env._(
                    "The client was reached, but the lead stays New: %(reasons)s", reasons=" ".join(reasons)
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        ready = leads - leads.browse([lead.id for lead in problems])
        stages = ready._playbook_work_stages()
        moved = ready.browse([lead.id for lead in ready if lead in stages])
        for stage, stage_leads in moved.grouped(lambda lead: stages[lead]).items():
            stage_leads.write({"stage_id": stage.id})
        return moved
