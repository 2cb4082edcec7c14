from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from . import working_time
from .roles import refuse_workflow_writes

# Payments recorded before this hour (the team's local time) are the late entries of the day before (ST-12).
LATE_ENTRY_HOUR = 10


class AccountMove(models.Model):
    _inherit = "account.move"

    # Reporting (ST-12): the lead an invoice sells for, its origin, and when its payment was recorded.
    playbook_lead_id = fields.Many2one(
        "crm.lead",
        string="Lead",
        index="btree_not_null",
        copy=False,
        readonly=True,
        help="The lead of the order this invoice bills.",
    )
    playbook_channel = fields.Selection(
        related="playbook_lead_id.channel", string="Lead Channel", store=True, index=True
    )
    playbook_paid_at = fields.Datetime(
        string="Payment Recorded", copy=False, readonly=True, index=True, help="When the invoice was recorded as paid."
    )
    playbook_paid_late_entry = fields.Boolean(
        string="Recorded Next Morning",
        copy=False,
        readonly=True,
        help="The payment was recorded before 10:00 local time: a late entry for the day before.",
    )

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(lambda move: move.move_type in ("out_invoice", "out_refund"))._playbook_link_leads()
        return posted

    def _playbook_link_leads(self):
        """Remember the lead of the orders each customer invoice bills."""
        for move in self.sudo():  # sudo: the invoice's lead is the playbook's record, set when it is posted
            lead = move.invoice_line_ids.sale_line_ids.order_id.opportunity_id[:1]
            if lead != move.playbook_lead_id:
                move.playbook_lead_id = lead

    def write(self, vals):
        refuse_workflow_writes(
            self,
            vals,
            {
                name: self.env._("posting and paying the invoice set it")
                for name in ("playbook_lead_id", "playbook_paid_at", "playbook_paid_late_entry")
            },
        )
        return super().write(vals)

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        paid = self.filtered(lambda move: move.move_type == "out_invoice")
        first_paid = paid.filtered(lambda move: not move.playbook_paid_at)
        paid._playbook_stamp_payment()
        paid._playbook_reserve_paid_clients()
        paid._playbook_close_paid_leads(confirm=first_paid)
        first_paid._playbook_hand_to_purchasing()
        return result

    def _playbook_hand_to_purchasing(self):
        """A paid client invoice goes to purchasing with the supplier's bill, as a task (ST-7).

        For the orders of teams with the contact rules that hold the supplier's bill or documents, the
        purchasing user of the settings (else the deputy director) gets an activity on the paid invoice, which
        names the supplier's bill and carries the supplier's files.
        """
        for invoice in self:
            orders = invoice.line_ids.sale_line_ids.order_id.filtered(
                lambda order: (
                    order.team_id.playbook_guards
                    and (order.playbook_supplier_bill_id or order.playbook_supplier_attachment_ids)
                )
            )
            buyer = invoice.company_id._playbook_purchasing_user()
            if not orders or not buyer:
                continue
            bills = orders.playbook_supplier_bill_id
            # sudo: the supplier's files go with the paid invoice to purchasing, whoever books the payment (ST-7)
            files = orders.playbook_supplier_attachment_ids.sudo().copy(
                {"res_model": "account.move", "res_id": invoice.id}
            )
            values = {
                "invoice": invoice.name,
                "orders": ", ".join(orders.mapped("name")),
                "bills": ", ".join(bills.mapped("display_name")) or "-",
                "files": ", ".join(files.mapped("name")) or "-",
            }
            # sudo: purchasing hears of the paid invoice on the invoice itself, whoever books the payment (ST-7)
            paid = invoice.sudo()
            paid.message_post(
                body=self.env._(
                    "Invoice %(invoice)s of %(orders)s is paid: to purchasing with the supplier's bill %(bills)s "
                    "and files %(files)s.",
                    **values,
                ),
                attachment_ids=files.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            paid.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=buyer.id,
                date_deadline=fields.Date.context_today(self),
                summary=self.env._("Pay the supplier for %(orders)s", **values),
                note=self.env._(
                    "Client invoice %(invoice)s is paid. Supplier's bill: %(bills)s. Supplier's files: %(files)s.",
                    **values,
                ),
            )

    def _playbook_close_paid_leads(self, confirm=None):
        """A paid invoice is recorded on its leads, confirmed to the client, and wins the leads it closes.

        The client hears of the payment once, the first time the invoice of a lead is paid (ST-7): an invoice
        without a lead is not the sales department's, and paying again after an unreconcile says nothing new.
        """
        template = self.env.ref("crm_sales_playbook.mail_template_payment_confirmation", raise_if_not_found=False)
        confirm = self if confirm is None else confirm
        for invoice in self:
            # sudo: the payment is recorded on the invoice's leads and closes them, whoever books it (PP-5, ST-7)
            leads = invoice.line_ids.sale_line_ids.order_id.opportunity_id.sudo()
            for lead in leads:
                lead.message_post(
                    body=self.env._("Invoice %(invoice)s is paid.", invoice=invoice.name),
                    message_type="notification",
                    subtype_xmlid="mail.mt_note",
                )
            if template and leads and invoice in confirm and invoice.partner_id.email:
                template.sudo().send_mail(invoice.id)  # sudo: the confirmation is the sales department's email
            closing = leads.filtered(lambda lead: lead.deal_needs_invoice and lead.work_status in ("new", "in_work"))
            for lead in closing:
                # The payment is booked whatever the lead's state: a lead that cannot be won says why.
                try:
                    with self.env.cr.savepoint():
                        lead.action_set_won()
                except (UserError, ValidationError) as error:
                    lead.message_post(
                        body=self.env._(
                            "Invoice %(invoice)s is paid but the lead could not be marked won: %(error)s",
                            invoice=invoice.name,
                            error=error.args[0],
                        ),
                        message_type="notification",
                        subtype_xmlid="mail.mt_note",
                    )

    def _playbook_reserve_paid_clients(self):
        """A paid invoice keeps its client with the selling team for the paid period (PP-7).

        The period is the line's service period when given, otherwise the company's paid period
        days from the invoice date. The team is the one of the orders' lead, else the invoice's.
        """
        # sudo: a paid invoice reserves its client for the selling team, whoever books the payment (PP-7)
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
                    invoice.commercial_partner_id,
                    line.product_id,
                    team,
                    date_end,
                    origin,
                    user=invoice.invoice_user_id,
                    lead=lead,
                    invoice=invoice,
                )

    def _playbook_stamp_payment(self):
        now = fields.Datetime.now()
        # sudo: when the payment was recorded is the playbook's stamp, set when the invoice is paid (ST-12)
        for move in self.sudo().filtered(lambda move: not move.playbook_paid_at):
            _calendar, tz = move.team_id._playbook_working_time(move.company_id)
            move.write(
                {
                    "playbook_paid_at": now,
                    "playbook_paid_late_entry": working_time.local_hour(now, tz) < LATE_ENTRY_HOUR,
                }
            )
