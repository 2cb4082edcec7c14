"""The quotation, order or invoice emailed from an order goes with the fixed internal copies (ST-17)."""

from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def message_post(self, **kwargs):
        """The document sent to the client by *Send by Email* (Odoo's ``mark_so_as_sent``) is one letter to the
        client and the company's internal copies, in teams that follow the playbook (003, BP-4)."""
        if self.env.context.get("mark_so_as_sent") and len(self) == 1:
            # sudo: the copies are a company setting, read for whoever sends the document
            copies = self.company_id.sudo()._playbook_internal_copies(self.team_id)
            if copies:
                partner_ids = list(kwargs.get("partner_ids") or [])
                kwargs["partner_ids"] = partner_ids + [pid for pid in copies.ids if pid not in partner_ids]
        return super().message_post(**kwargs)
