"""An invoice emailed to the client goes with the fixed internal copies when it comes from an order of a playbook
team (ST-17)."""

from odoo import api, models


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _playbook_internal_copies(self, move):
        """The company's internal copies (003, BP-4: one letter to 3 addresses) for this invoice: when it comes
        from an order of a team that follows the playbook, or is itself of such a team."""
        # sudo: the orders and the setting decide the copies, whoever sends the invoice
        move = move.sudo()
        teams = move.team_id | move.invoice_line_ids.sale_line_ids.order_id.team_id
        return move.company_id._playbook_internal_copies(teams)

    @api.model
    def _get_default_mail_partner_ids(self, move, mail_template, mail_lang):
        """The send screen shows the copies with the client."""
        return super()._get_default_mail_partner_ids(move, mail_template, mail_lang) | self._playbook_internal_copies(
            move
        )

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        """The copies are fixed: the letter goes to them even if they were taken off the screen."""
        partner_ids = list(kwargs.get("partner_ids") or [])
        kwargs["partner_ids"] = partner_ids + [
            pid for pid in self._playbook_internal_copies(move).ids if pid not in partner_ids
        ]
        return super()._send_mail(move, mail_template, **kwargs)
