from odoo import fields, models

from .approval import APPROVAL_KINDS, approve_by_activity


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        """Marking a follow-up's activity done from the chatter or the activity list does the follow-up; the
        approver marking an approval's activity done approves the request (EV-8)."""
        # sudo: the activity's own follow-up is done with it, whoever may mark the activity done
        followups = (
            self.env["crm.lead.followup"].sudo().search([("activity_id", "in", self.ids), ("state", "=", "pending")])
        )
        followups.write({"state": "done", "date_done": fields.Datetime.now()})
        approve_by_activity(followups.filtered(lambda followup: followup.kind in APPROVAL_KINDS), self.env)
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
