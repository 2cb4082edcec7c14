from odoo import models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext, is_html_empty


class CrmLeadLost(models.TransientModel):
    _inherit = "crm.lead.lost"

    def action_lost_reason_apply(self):
        """A refusal is explained: the closing note becomes the lead's closing comment (EV-4)."""
        self.ensure_one()
        guarded = self.lead_ids._playbook_guarded()
        if guarded and is_html_empty(self.lost_feedback):
            raise UserError(self.env._("Write a comment on the refusal: what the client said and why."))
        if not is_html_empty(self.lost_feedback):
            self.lead_ids.write({"closing_comment": html2plaintext(self.lost_feedback)})
        return super().action_lost_reason_apply()
