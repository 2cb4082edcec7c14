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
        return super().write(vals)

    def action_playbook_done(self):
        self.write({"playbook_done": True})
        return True
