from odoo import fields, models


class CrmTeamSanctionDecide(models.TransientModel):
    """Sales support decides a contested sanction: upheld or cancelled, with its comment (Kontur §10.1)."""

    _name = "crm.team.sanction.decide"
    _description = "Decide a Contested Team Sanction"

    sanction_id = fields.Many2one("crm.team.sanction", required=True, ondelete="cascade")
    contest_reason = fields.Text(related="sanction_id.contest_reason")
    decision = fields.Selection(
        [("upheld", "Uphold the Sanction"), ("cancelled", "Cancel the Sanction")],
        required=True,
        default="upheld",
        help="Cancelling an exclusion or a ban lifts it at once.",
    )
    comment = fields.Text(required=True)

    def action_decide(self):
        self.ensure_one()
        self.sanction_id._playbook_decide(self.decision, self.comment)
        return {"type": "ir.actions.act_window_close"}
