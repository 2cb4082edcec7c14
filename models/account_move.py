from datetime import timedelta

from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        self.filtered(lambda move: move.move_type == "out_invoice")._reserve_paid_clients()
        return result

    def _reserve_paid_clients(self):
        """A paid invoice keeps its client with the selling team for the paid period (PP-7).

        The period is the line's service period when given, otherwise the company's paid period
        days from the invoice date. The team is the one of the orders' lead, else the invoice's.
        """
        Reservation = self.env["crm.client.reservation"].sudo()
        for invoice in self:
            orders = invoice.line_ids.sale_line_ids.order_id
            lead = orders.opportunity_id[:1]
            team = lead.team_id or invoice.team_id or orders.team_id[:1]
            if not team:
                continue
            start = invoice.invoice_date or fields.Date.context_today(self)
            days = invoice.company_id.playbook_paid_period_days
            for line in invoice.invoice_line_ids.filtered("product_id"):
                date_end = line.service_period_end or start + timedelta(days=days)
                if date_end < fields.Date.context_today(self):
                    continue
                origin = "service_period" if line.service_period_end else "invoice"
                Reservation._reserve(
                    invoice.commercial_partner_id, line.product_id, team, date_end, origin,
                    user=invoice.invoice_user_id, lead=lead, invoice=invoice,
                )
