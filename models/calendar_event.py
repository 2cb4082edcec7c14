from odoo import fields, models
from odoo.exceptions import UserError


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    playbook_direction = fields.Selection(
        [("incoming", "Incoming"), ("outgoing", "Outgoing")],
        string="Meeting Direction",
        help="Incoming: the client comes to the office. Outgoing: the sales agent goes to the client.",
    )
    playbook_done = fields.Boolean(
        string="Meeting Held",
        copy=False,
        tracking=True,
        help="The meeting took place: it counts as a contact with the client and its times are kept.",
    )

    def write(self, vals):
        if {"start", "stop", "start_date", "stop_date", "allday"} & set(vals) and any(self.mapped("playbook_done")):
            raise UserError(self.env._("The meeting was held: its start and end can no longer change."))
        held = self.filtered(lambda event: not event.playbook_done) if vals.get("playbook_done") else self.browse()
        result = super().write(vals)
        held._playbook_take_leads_into_work()
        return result

    def _playbook_take_leads_into_work(self):
        """A held meeting reached the client: its New lead goes into work (3.5.2; PP-3, LG-5), and a lead of a team
        with the contact rules goes on to the Meeting stage when its stage allows a meeting (EV-5, EV-7): the stage
        says what happened, nobody has to move it by hand."""
        leads = self.opportunity_id
        writable = leads._filtered_access("write")
        readable = leads._filtered_access("read") - writable
        writable._playbook_take_into_work()
        readable.sudo()._playbook_take_into_work()  # sudo: the agent who held the meeting takes in a lead it reads
        # Moving the stage stays the right of whoever may edit the lead: a held meeting moves only those.
        writable.filtered(
            lambda lead: lead.team_id.playbook_guards and "meeting" in lead._playbook_next_steps()
        )._playbook_move_to_step("meeting")

    def action_playbook_done(self):
        """Mark Held: the notification names the lead's stage now and its next step (issue 20)."""
        self.write({"playbook_done": True})
        lead = self.opportunity_id
        if len(self) != 1 or len(lead) != 1 or not lead.has_access("read"):
            return True
        return lead._playbook_next_step_notification(
            self.env._("Meeting held"), self.env._("The meeting %(meeting)s was held.", meeting=self.name)
        )
