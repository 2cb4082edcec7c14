from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from . import roles, working_time
from .approval import ask_approval, check_approver, decide_approval
from .notifications import notify_and_close
from .roles import refuse_workflow_writes


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Approval (EV-8)
    playbook_requires_approval = fields.Boolean(
        string="Requires Approval",
        tracking=True,
        copy=False,
        help="The order is confirmed only after the approver chosen by the manager approves it.",
    )
    playbook_approver_id = fields.Many2one(
        "res.users", string="Approver", tracking=True, copy=False, domain="[('share', '=', False)]", check_company=True
    )
    playbook_approval_state = fields.Selection(
        [("pending", "Waiting for Approval"), ("approved", "Approved"), ("rejected", "Rejected")],
        string="Approval",
        tracking=True,
        copy=False,
        readonly=True,
    )
    # Execution (EV-9)
    playbook_executor_id = fields.Many2one(
        "res.users",
        string="Executor",
        tracking=True,
        copy=False,
        check_company=True,
        domain=lambda self: [("groups_id", "in", self.env.ref(roles.EXECUTION).ids)],
        help="Who carries the order out, from the execution department. Left empty, the head of the "
        "department gets it at confirmation.",
    )
    # Contract (ST-6)
    playbook_contract_ref = fields.Char(string="Contract", tracking=True, copy=False)
    playbook_contract_date = fields.Date(string="Contract Date", tracking=True, copy=False)
    playbook_is_legal_entity = fields.Boolean(
        string="Legal Entity",
        compute="_compute_playbook_is_legal_entity",
        help="In teams with the contact rules, orders of legal entities need a contract to be confirmed; "
        "individuals never do.",
    )
    # Supplier (ST-5)
    playbook_supplier_answer = fields.Selection(
        [("available", "Available"), ("partial", "Partly Available"), ("unavailable", "Not Available")],
        string="Supplier Answer",
        tracking=True,
        copy=False,
    )
    playbook_supplier_bill_id = fields.Many2one(
        "account.move", string="Supplier Invoice", copy=False, domain="[('move_type', '=', 'in_invoice')]"
    )
    playbook_supplier_attachment_ids = fields.Many2many(
        "ir.attachment", "sale_order_playbook_supplier_attachment_rel", string="Supplier Documents", copy=False
    )
    # Delivery documents (ST-8)
    playbook_docs_printed_on = fields.Datetime(string="Documents Printed", tracking=True, copy=False)
    playbook_docs_handed_on = fields.Datetime(string="Documents Handed Over", tracking=True, copy=False)
    # Quality control (ST-9)
    playbook_delivered_on = fields.Date(
        string="Delivered On",
        tracking=True,
        copy=False,
        help="When the goods reached the client; the quality-control call is planned from this day. With "
        "Inventory installed, the first done delivery counts when this is empty.",
    )
    playbook_qc_call_id = fields.Many2one(
        "crm.quality.call", string="Quality Call", copy=False, readonly=True, index="btree_not_null"
    )
    playbook_qc_due_date = fields.Date(
        string="Quality Call Due",
        compute="_compute_playbook_qc_due_date",
        store=True,
        copy=False,
        index="btree_not_null",
        help="The working day of the quality-control call: the company's days after the delivery, or after the "
        "first posted invoice when nothing ships. The daily planning creates the call that day.",
    )
    playbook_complaint_ids = fields.One2many("crm.quality.complaint", "order_id", string="Complaints")
    playbook_claim_ids = fields.One2many("crm.customer.claim", "order_id", string="Claims")

    @api.depends("partner_id.commercial_partner_id.is_company")
    def _compute_playbook_is_legal_entity(self):
        for order in self:
            order.playbook_is_legal_entity = order.partner_id.commercial_partner_id.is_company

    @api.depends(
        lambda self: (
            [
                "state",
                "playbook_delivered_on",
                "order_line.product_id.type",
                "order_line.invoice_lines.move_id.state",
                "order_line.invoice_lines.move_id.invoice_date",
                "company_id.playbook_qc_call_days",
                "team_id.resource_calendar_id",
                "team_id.tz",
            ]
            + (["effective_date"] if "effective_date" in self._fields else [])
        )
    )
    def _compute_playbook_qc_due_date(self):
        cache = {}
        for order in self:
            days = order.company_id.playbook_qc_call_days
            order.playbook_qc_due_date = (
                order.state == "sale" and days > 0 and order._playbook_qc_call_date(days, cache) or False
            )

    @api.model_create_multi
    def create(self, vals_list):
        """The lead source stays on the order for new clients only (EV-10)."""
        for vals in vals_list:
            refuse_workflow_writes(self, vals, self._playbook_workflow_buttons(), create=True)
        orders = super().create(vals_list)
        orders.filtered("playbook_approver_id")._playbook_check_approver({})
        returning = orders.filtered(lambda order: order.source_id and order._playbook_client_bought_before())
        returning.write({"source_id": False})
        return orders

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._playbook_workflow_buttons())
        if {"playbook_approver_id", "playbook_requires_approval"} & set(vals):
            self._playbook_check_approver(vals)
        return super(SaleOrder, self._playbook_write_execution_fields(vals)).write(vals)

    def _playbook_workflow_buttons(self):
        return {
            "playbook_approval_state": self.env._("Confirm asks for the approval; the approver uses Approve or Reject"),
            "playbook_qc_call_id": self.env._("the daily planning of quality calls sets it"),
        }

    def _playbook_check_approver(self, vals=None):
        check_approver(
            self,
            vals,
            approver_field="playbook_approver_id",
            author_field="user_id",
            requires_field="playbook_requires_approval",
            state_field="playbook_approval_state",
            pending="pending",
        )

    def _playbook_client_bought_before(self):
        self.ensure_one()
        return bool(
            self.search_count(
                [
                    ("partner_id", "child_of", self.partner_id.commercial_partner_id.id),
                    ("state", "=", "sale"),
                    ("id", "!=", self.id),
                ],
                limit=1,
            )
        )

    def action_confirm(self):
        self._playbook_check_confirmation()
        waiting = self.filtered(
            lambda order: order.playbook_requires_approval and order.playbook_approval_state != "approved"
        )
        if waiting:
            waiting._playbook_request_approval()
            if waiting == self:
                return notify_and_close(
                    self.env._(
                        "The order is confirmed once %(approver)s approves it.",
                        approver=", ".join(waiting.playbook_approver_id.mapped("name")),
                    ),
                    self.env._("Sent for approval"),
                    "warning",
                )
            raise UserError(
                self.env._("Orders %(orders)s need approval first.", orders=", ".join(waiting.mapped("name")))
            )
        result = super().action_confirm()
        self._playbook_hand_to_executor()
        return result

    def _playbook_request_approval(self):
        self._playbook_check_approver()
        for order in self:
            if not order.playbook_approver_id:
                raise UserError(self.env._("Order %(order)s requires approval: choose the approver.", order=order.name))
            if order.playbook_approval_state == "pending":
                raise UserError(
                    self.env._(
                        "Order %(order)s is waiting for %(approver)s to approve it.",
                        order=order.name,
                        approver=order.playbook_approver_id.name,
                    )
                )
            contact = order.partner_id
            ask_approval(
                order,
                state_field="playbook_approval_state",
                pending="pending",
                approver=order.playbook_approver_id,
                kind="approve_order",
                link_field="order_id",
                lead=order.opportunity_id,
                team=order.team_id,
                company=order.company_id,
                name=self.env._("Approve order %(order)s", order=order.name),
                note=self.env._(
                    "Customer: %(customer)s, contact: %(contact)s, total %(total)s %(currency)s.",
                    customer=contact.commercial_partner_id.name,
                    contact=contact.name,
                    total=order.amount_total,
                    currency=order.currency_id.name,
                ),
            )

    def _playbook_decide(self, approve, reason=None):
        return decide_approval(
            self,
            approve,
            reason=reason,
            state_field="playbook_approval_state",
            pending="pending",
            approver_field="playbook_approver_id",
            author_field="user_id",
            followup_field="order_id",
            kind="approve_order",
            not_pending=lambda order: self.env._("Order %(order)s is not waiting for approval.", order=order.name),
            not_approver=lambda order: self.env._(
                "Only %(approver)s may approve or reject order %(order)s.",
                approver=order.playbook_approver_id.name,
                order=order.name,
            ),
        )

    def action_playbook_approve(self):
        return self._playbook_decide(True)

    def action_playbook_reject(self):
        """Reject asks for the reason first (EV-8)."""
        return self.env["crm.approval.reject"]._action_for(self)

    def _playbook_hand_to_executor(self):
        """A confirmed order goes to its executor (or the head of execution), who gets a reminder (EV-9)."""
        head = self.env["res.users"].search(
            [("groups_id", "in", self.env.ref(roles.EXECUTION_HEAD).ids)], order="id", limit=1
        )
        for order in self.filtered(lambda o: o.state == "sale"):
            if not order.playbook_executor_id and head:
                order.playbook_executor_id = head
            if order.playbook_executor_id:
                order.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=order.playbook_executor_id.id,
                    date_deadline=fields.Date.context_today(self),
                    summary=self.env._("New order to carry out: %(order)s", order=order.name),
                )

    def _create_invoices(self, grouped=False, final=False, date=None):
        """With the supplier step required, the client is invoiced only after the supplier answered (ST-5)."""
        for order in self.filtered(lambda o: o.company_id.playbook_require_supplier_step):
            if order.playbook_supplier_answer != "available" or not (
                order.playbook_supplier_bill_id or order.playbook_supplier_attachment_ids
            ):
                raise UserError(
                    self.env._(
                        "Order %(order)s: record the supplier's availability answer and its invoice before "
                        "invoicing the client.",
                        order=order.name,
                    )
                )
        return super()._create_invoices(grouped=grouped, final=final, date=date)

    def _playbook_for_execution(self):
        """The orders as the execution department may mark them: their executor and its head only read an
        order, the salesperson edits it. Anyone else is refused."""
        user = self.env.user
        if self.env.su or self.has_access("write"):
            return self
        self.check_access("read")
        head = user._playbook_is_execution_head()
        if all(order.playbook_executor_id == user or (head and order.playbook_executor_id) for order in self):
            return self.sudo()  # sudo: the executor records delivery steps on an order it may only read (EV-9)
        self.check_access("write")
        return self

    def action_playbook_docs_printed(self):
        """The printed delivery documents are named or attached, not only timed (ST-8)."""
        orders = self._playbook_for_execution()
        self._playbook_check_delivery_documents()
        orders.write({"playbook_docs_printed_on": fields.Datetime.now()})
        self._playbook_note_documents(self.env._("Delivery documents printed: %(documents)s."))
        return True

    def action_playbook_docs_handed(self):
        orders = self._playbook_for_execution()
        for order in self:
            if not order.playbook_docs_printed_on:
                raise UserError(
                    self.env._(
                        "Order %(order)s: print the delivery documents before handing them over.", order=order.name
                    )
                )
            if not order.playbook_docs_handed_to:
                raise UserError(
                    self.env._(
                        "Order %(order)s: enter who took the delivery documents (the driver) before handing them over.",
                        order=order.name,
                    )
                )
        orders.write({"playbook_docs_handed_on": fields.Datetime.now()})
        self._playbook_note_documents(self.env._("Delivery documents handed to %(person)s: %(documents)s."))
        return True

    def action_playbook_mark_delivered(self):
        self.filtered(lambda order: not order.playbook_delivered_on)._playbook_for_execution().write(
            {"playbook_delivered_on": fields.Date.context_today(self)}
        )
        return True

    def _playbook_has_delivery(self):
        return any(line.product_id.type == "consu" for line in self.order_line)

    def _playbook_qc_base_date(self):
        """The day the quality call counts from: delivery of goods, or the invoice when nothing ships."""
        self.ensure_one()
        if self._playbook_has_delivery():
            delivered = self.playbook_delivered_on
            effective = self._fields.get("effective_date") and self["effective_date"]
            return delivered or (effective and fields.Date.to_date(effective)) or False
        invoices = self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted" and move.invoice_date
        )
        return min(invoices.mapped("invoice_date"), default=False)

    def _playbook_qc_call_date(self, days, cache=None):
        """The working day of the quality call: ``days`` after the base date, moved past days off.

        ``cache`` (team, day) -> working day spares a calendar lookup per order in a batch.
        """
        self.ensure_one()
        base = self._playbook_qc_base_date()
        if not base:
            return False
        day = base + timedelta(days=days)
        team = self.team_id
        if not team:
            return day
        cache = {} if cache is None else cache
        if (team, day) not in cache:
            cache[team, day] = working_time.next_working_day(*team._playbook_working_time(), day, within=21) or day
        return cache[team, day]
