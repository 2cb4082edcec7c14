from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        paid = self.filtered(lambda move: move.move_type == "out_invoice")
        paid._reserve_paid_clients()
        paid._playbook_close_paid_leads()
        return result

    def _playbook_close_paid_leads(self):
        """A paid invoice is recorded on its leads, confirmed to the client, and wins the leads it closes."""
        template = self.env.ref("crm_sales_playbook.mail_template_payment_confirmation", raise_if_not_found=False)
        for invoice in self:
            leads = invoice.line_ids.sale_line_ids.order_id.opportunity_id.sudo()
            for lead in leads:
                lead.message_post(body=self.env._("Invoice %(invoice)s is paid.", invoice=invoice.name),
                                  message_type="notification", subtype_xmlid="mail.mt_note")
            if template and invoice.partner_id.email:
                template.sudo().send_mail(invoice.id)
            closing = leads.filtered(lambda lead: lead.deal_needs_invoice and lead.work_status in ("new", "in_work"))
            for lead in closing:
                # The payment is booked whatever the lead's state: a lead that cannot be won says why.
                try:
                    with self.env.cr.savepoint():
                        lead.action_set_won()
                except (UserError, ValidationError) as error:
                    lead.message_post(body=self.env._(
                        "Invoice %(invoice)s is paid but the lead could not be marked won: %(error)s",
                        invoice=invoice.name, error=error.args[0]),
                        message_type="notification", subtype_xmlid="mail.mt_note")

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
