from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# What the execution department may record on an order it only reads: the delivery documents (ST-8).
EXECUTION_FIELDS = {"playbook_delivery_doc_names", "playbook_docs_handed_to"}


class SaleOrder(models.Model):
    """The deal's documents, payment and delivery, step by step, in teams with the contact rules (EV-10,
    ST-6, ST-7, ST-8, ST-15): the requisites asked for and received before the contract, the documents sent
    and their receipt confirmed by a call, the payment method and the delivery recorded, a shipment date,
    the printed delivery documents named or attached."""

    _inherit = "sale.order"

    # Deal documents (ST-6)
    playbook_requisites_requested_on = fields.Datetime(
        string="Requisites Requested",
        tracking=True,
        copy=False,
        help="When the client was asked for the company's requisites or the personal data the invoice and "
        "contract need.",
    )
    playbook_requisites_received_on = fields.Datetime(
        string="Requisites Received",
        tracking=True,
        copy=False,
        help="When the requisites or personal data arrived: the contract and invoice are drawn up from them.",
    )
    playbook_docs_sent_on = fields.Datetime(
        string="Documents Sent",
        tracking=True,
        copy=False,
        help="When the invoice (and the contract of a legal entity) went to the client with the payment and "
        "delivery terms. Sending the quotation by email sets it.",
    )
    playbook_receipt_confirmed_on = fields.Datetime(
        string="Receipt Confirmed by Call",
        tracking=True,
        copy=False,
        help="When a call to the client confirmed that the documents arrived.",
    )
    # Payment and delivery (ST-15), as the callback script asks
    playbook_payment_method = fields.Selection(
        [("cash", "Cash"), ("transfer", "Bank Transfer")],
        string="Payment Method",
        tracking=True,
        copy=False,
    )
    playbook_delivery_scope = fields.Selection(
        [("full", "Full Delivery"), ("partial", "Partial Delivery")],
        string="Delivery",
        tracking=True,
        copy=False,
        help="Whether the client waits for the whole order or takes what is in stock now.",
    )
    # Delivery documents (ST-8)
    playbook_delivery_doc_names = fields.Char(
        string="Delivery Documents",
        tracking=True,
        copy=False,
        help="The documents printed for the delivery, e.g. invoice 17, VAT invoice 17, waybill TORG-12 no. 17.",
    )
    playbook_delivery_doc_ids = fields.Many2many(
        "ir.attachment",
        "sale_order_playbook_delivery_doc_rel",
        string="Delivery Document Files",
        copy=False,
        help="The printed delivery documents, scanned or as files.",
    )
    playbook_docs_handed_to = fields.Char(
        string="Handed To", tracking=True, copy=False, help="The driver or courier who took the documents."
    )

    @api.constrains("playbook_contract_ref", "playbook_requisites_received_on", "team_id")
    def _check_playbook_contract_after_requisites(self):
        """The contract is drawn up from the client's requisites: not before they arrived (ST-6)."""
        for order in self:
            if (
                order.team_id.playbook_guards
                and order.playbook_contract_ref
                and not order.playbook_requisites_received_on
            ):
                raise ValidationError(
                    self.env._(
                        "Order %(order)s: the contract is drawn up from the client's requisites; mark them "
                        "received first.",
                        order=order.name,
                    )
                )

    def message_post(self, **kwargs):
        """Sending the quotation to the client by email sends the deal's documents (ST-6)."""
        if self.env.context.get("mark_so_as_sent"):
            unsent = self.filtered(lambda order: not order.playbook_docs_sent_on)
            unsent.write({"playbook_docs_sent_on": fields.Datetime.now()})
        return super().message_post(**kwargs)

    def _playbook_confirmation_problems(self):
        """What each order of a team with the contact rules still lacks to be confirmed, as {order: [text]}: the
        shipment date and the lines (EV-10), the requisites, the contract of a legal entity and the call confirming
        the documents (ST-6), the payment method and the delivery (ST-15)."""
        problems = {}
        for order in self.filtered("team_id.playbook_guards"):
            missing = [
                text
                for lacking, text in (
                    (not order.commitment_date, self.env._("the shipment date (Delivery Date)")),
                    (not order.order_line.filtered("product_id"), self.env._("the order lines")),
                    (not order.playbook_requisites_requested_on, self.env._("the requisites asked for")),
                    (not order.playbook_requisites_received_on, self.env._("the requisites received")),
                    (
                        order.playbook_is_legal_entity
                        and not (order.playbook_contract_ref and order.playbook_contract_date),
                        self.env._("the contract and its date (legal entity)"),
                    ),
                    (not order.playbook_receipt_confirmed_on, self.env._("a call confirming the documents arrived")),
                    (not order.playbook_payment_method, self.env._("the payment method")),
                    (not order.playbook_delivery_scope, self.env._("full or partial delivery")),
                )
                if lacking
            ]
            if missing:
                problems[order] = missing
        return problems

    def _playbook_check_confirmation(self):
        problems = self._playbook_confirmation_problems()
        if problems:
            raise UserError(
                "\n".join(
                    self.env._(
                        "Order %(order)s cannot be confirmed yet: %(missing)s.",
                        order=order.name,
                        missing="; ".join(missing),
                    )
                    for order, missing in problems.items()
                )
            )

    def action_playbook_requisites_requested(self):
        self.check_access("write")
        self.filtered(lambda order: not order.playbook_requisites_requested_on).write(
            {"playbook_requisites_requested_on": fields.Datetime.now()}
        )
        return True

    def action_playbook_requisites_received(self):
        self.check_access("write")
        for order in self:
            if not order.playbook_requisites_requested_on:
                raise UserError(
                    self.env._("Order %(order)s: ask the client for the requisites first.", order=order.name)
                )
        received = self.filtered(lambda order: not order.playbook_requisites_received_on)
        received.write({"playbook_requisites_received_on": fields.Datetime.now()})
        for order in received.filtered("partner_id"):
            order.message_post(
                body=self.env._(
                    "Thank you: we received your details for order %(order)s. The invoice and the contract follow.",
                    order=order.name,
                ),
                partner_ids=order.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_playbook_docs_sent(self):
        self.check_access("write")
        for order in self:
            if order.team_id.playbook_guards and not order.playbook_requisites_received_on:
                raise UserError(
                    self.env._(
                        "Order %(order)s: the invoice and contract need the client's requisites; mark them received "
                        "first.",
                        order=order.name,
                    )
                )
        self.filtered(lambda order: not order.playbook_docs_sent_on).write(
            {"playbook_docs_sent_on": fields.Datetime.now()}
        )
        return True

    def action_playbook_receipt_confirmed(self):
        self.check_access("write")
        for order in self:
            if not order.playbook_docs_sent_on:
                raise UserError(
                    self.env._(
                        "Order %(order)s: send the documents to the client before a call confirms they arrived.",
                        order=order.name,
                    )
                )
        self.filtered(lambda order: not order.playbook_receipt_confirmed_on).write(
            {"playbook_receipt_confirmed_on": fields.Datetime.now()}
        )
        return True

    def _playbook_write_execution_fields(self, vals):
        """The executor names the delivery documents and who took them on an order it only reads (ST-8).

        Returns the orders to write ``vals`` on: the orders themselves, or as the system when the user is
        their executor (checked by ``_playbook_for_execution``) and ``vals`` holds only those fields.
        """
        if self.env.su or not vals or not set(vals) <= EXECUTION_FIELDS:
            return self
        return self._playbook_for_execution()

    def _playbook_delivery_documents(self):
        """The delivery documents of the order as one line: their names and the attached files' names."""
        self.ensure_one()
        return ", ".join(
            filter(None, [self.playbook_delivery_doc_names, *self.playbook_delivery_doc_ids.mapped("name")])
        )

    def _playbook_check_delivery_documents(self):
        for order in self:
            if not order._playbook_delivery_documents():
                raise UserError(
                    self.env._(
                        "Order %(order)s: name the delivery documents (invoice, VAT invoice, waybill) or attach "
                        "them first.",
                        order=order.name,
                    )
                )

    def _playbook_note_documents(self, text):
        for order in self:
            # sudo: the delivery step is noted on the order by the executor, who may only read it (ST-8)
            order.sudo().message_post(
                body=Markup("<p>%s</p>")
                % (text % {"documents": order._playbook_delivery_documents(), "person": order.playbook_docs_handed_to}),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
