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
        """A held meeting reached the client: its New lead goes into work (3.5.2; PP-3, LG-5)."""
        leads = self.opportunity_id
        writable = leads._filtered_access("write")
        writable._playbook_take_into_work()
        # sudo: the sales agent who held the meeting takes into work a lead of the sales center it may only read
        (leads._filtered_access("read") - writable).sudo()._playbook_take_into_work()

    def action_playbook_done(self):
        self.write({"playbook_done": True})
        return True
