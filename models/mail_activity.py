from odoo import fields, models
from odoo.exceptions import UserError

from .approval import APPROVAL_KINDS, approve_by_activity


class MailActivity(models.Model):
    _inherit = "mail.activity"

    playbook_followup = fields.Boolean(
        string="Follow-up's Activity",
        readonly=True,
        copy=False,
        help="The activity of a follow-up: marking it done does the follow-up.",
    )

    def write(self, vals):
        if "playbook_followup" in vals and not self.env.su:
            raise UserError(self.env._("Whether an activity is a follow-up's is set when the follow-up is planned."))
        return super().write(vals)

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a follow-up's activity done from the chatter or the activity list does the follow-up; the
        approver marking an approval's activity done approves the request (EV-8). Other activities look no
        follow-up up."""
        activities = self.sudo()  # sudo: the flag is read before Odoo checks the user's right to mark the activity
        if activities.filtered("playbook_followup"):
            Followup = self.env["crm.lead.followup"].sudo()  # sudo: the activity's follow-up is done with it
            followups = Followup.search([("activity_id", "in", self.ids), ("state", "=", "pending")])
            followups.write({"state": "done", "date_done": fields.Datetime.now()})
            approve_by_activity(followups.filtered(lambda followup: followup.kind in APPROVAL_KINDS), self.env)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
