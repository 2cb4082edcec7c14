from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import roles
from .locking import run_batch
from .roles import refuse_workflow_writes


class CrmQualityCall(models.Model):
    """The quality-control call some days after an order was delivered or invoiced (ST-9)."""

    _name = "crm.quality.call"
    _description = "Quality-Control Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _rec_name = "order_id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        string="Sales Order",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, readonly=True)
    phone = fields.Char(related="partner_id.phone")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson", store=True, index=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Operator", index=True, tracking=True, domain="[('share', '=', False)]", check_company=True
    )
    base_date = fields.Date(string="Delivered or Invoiced On", readonly=True)
    date_planned = fields.Date(string="Call On", required=True, index=True, tracking=True)
    script_id = fields.Many2one("crm.call.script", domain="[('purpose', '=', 'quality_control')]")
    script_body = fields.Html(related="script_id.body", string="What to Say")
    state = fields.Selection(
        [
            ("planned", "Planned"),
            ("positive", "Positive"),
            ("negative", "Negative: Complaint"),
            ("cancelled", "Cancelled"),
        ],
        default="planned",
        required=True,
        tracking=True,
        index=True,
    )
    date_done = fields.Datetime(string="Called On", readonly=True, copy=False)
    note = fields.Text(string="Outcome Notes")
    complaint_essence = fields.Text(string="Essence of the Complaint")
    complaint_category_id = fields.Many2one("crm.complaint.category")
    complaint_product_id = fields.Many2one("product.product", string="Product Complained About")
    complaint_id = fields.Many2one("crm.quality.complaint", readonly=True, copy=False)

    _sql_constraints = [
        ("order_uniq", "unique(order_id)", "An order gets one quality-control call."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        for call in calls:
            call.order_id.sudo().playbook_qc_call_id = call  # sudo: the order's quality call is set by the planning
        return calls

    def write(self, vals):
        refuse_workflow_writes(
            self,
            vals,
            {
                name: self.env._("use Positive, Negative: Record Complaint or Cancel")
                for name in ("state", "date_done", "complaint_id")
            },
        )
        self._check_caller()
        return super().write(vals)

    def _check_caller(self):
        """The quality call checks the salesperson's work: the operators and management make it, never the
        salesperson of the order (ST-9)."""
        user = self.env.user
        if self.env.su or user._playbook_is_head():
            return
        own = self.filtered(lambda call: call.salesperson_id == user)
        if own:
            raise AccessError(
                self.env._(
                    "The quality call of %(order)s checks your own order: the call center makes it.",
                    order=own[0].order_id.name,
                )
            )

    def _check_planned(self):
        done = self.filtered(lambda call: call.state != "planned")
        if done:
            raise UserError(
                self.env._(
                    "The quality call for %(order)s is already %(state)s.",
                    order=done[0].order_id.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[done[0].state].lower(),
                )
            )

    def action_positive(self):
        """The client is satisfied: thank them and record it."""
        self.check_access("write")
        self._check_caller()
        self._check_planned()
        now = fields.Datetime.now()
        for call in self:
            call.sudo().write({"state": "positive", "date_done": now})  # sudo: Positive records the outcome
            text = self.env._("Quality call: the client is satisfied and was thanked.")
            if call.note:
                text = "%s %s" % (text, call.note)
            # sudo: the operator may only read the order; the outcome is noted on it in the operator's name
            call.order_id.sudo().message_post(
                body=text, subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id
            )
            call.activity_ids.action_feedback(feedback=text)
        return True

    def action_negative(self):
        """The client is not satisfied: record the complaint and pass it to management."""
        self.check_access("write")
        self._check_caller()
        self._check_planned()
        Complaint = self.env["crm.quality.complaint"]
        now = fields.Datetime.now()
        for call in self:
            if not (call.complaint_essence or "").strip():
                raise UserError(
                    self.env._("Write the essence of the complaint for %(order)s.", order=call.order_id.name)
                )
            # sudo: the operator may only read the order; the complaint is recorded against it and its seller
            order = call.order_id.sudo()
            complaint = Complaint.create(
                {
                    "partner_id": call.partner_id.id,
                    "order_id": order.id,
                    "product_id": (call.complaint_product_id or order.order_line.product_id[:1]).id,
                    "user_id": order.user_id.id,
                    "team_id": order.team_id.id,
                    "company_id": order.company_id.id,
                    "category_id": call.complaint_category_id.id,
                    "essence": call.complaint_essence,
                    "quality_call_id": call.id,
                }
            )
            # sudo: Negative records the outcome
            call.sudo().write({"state": "negative", "date_done": now, "complaint_id": complaint.id})
            order.message_post(
                body=self.env._("Quality call: complaint %(name)s recorded.", name=complaint.name),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
            call.activity_ids.action_feedback(feedback=call.complaint_essence)
        return True

    def action_cancel(self):
        self.check_access("write")
        self._check_caller()
        self._check_planned()
        self.sudo().write({"state": "cancelled"})  # sudo: Cancel records the outcome
        self.activity_ids.unlink()
        return True

    # Planning (daily cron) ----------------------------------------------------

    @api.model
    def _cron_plan_calls(self, batch_size=500):
        """Plan the quality-control calls whose day came, one per order (ST-9); calls due more than 120 days
        ago are not planned any more. Returns the calls planned."""
        today = fields.Date.context_today(self)
        domain = [
            ("state", "=", "sale"),
            ("playbook_qc_call_id", "=", False),
            ("playbook_qc_due_date", "<=", today),
            ("playbook_qc_due_date", ">=", today - timedelta(days=120)),
        ]
        planned, loads, scripts = [], {}, {}
        run_batch(
            self.env["sale.order"],
            domain,
            lambda order: planned.append(self._plan_for_order(order, loads, scripts)),
            job="plan quality calls",
            order="playbook_qc_due_date, id",
            batch_size=batch_size,
            condition=SQL("playbook_qc_call_id IS NULL"),
        )
        return self.union(*planned)

    def _plan_for_order(self, order, loads, scripts):
        """The call of ``order`` (locked), given to the least loaded operator, with the QC script.

        ``loads`` and ``scripts`` are caches shared by the batch: operators' open calls per company, the
        script per company and client type.
        """
        company = order.company_id
        if company not in loads:
            loads[company] = self._operator_load(company)
        operator = self._pick_operator(order, company, loads[company])
        if operator:
            loads[company][operator] = loads[company].get(operator, 0) + 1
        client_type = "company" if order.partner_id.commercial_partner_id.is_company else "person"
        if (company, client_type) not in scripts:
            scripts[company, client_type] = self.env["crm.call.script"]._find_for(
                "quality_control", direction="outbound", customer_type=client_type, company=company
            )
        call = self.create(
            {
                "order_id": order.id,
                "partner_id": order.partner_id.id,
                "user_id": operator.id,
                "date_planned": max(order.playbook_qc_due_date, fields.Date.context_today(self)),
                "base_date": order._playbook_qc_base_date(),
                "script_id": scripts[company, client_type].id,
            }
        )
        if call.user_id:
            call.activity_schedule(
                "crm_sales_playbook.mail_activity_type_quality_call",
                date_deadline=call.date_planned,
                user_id=call.user_id.id,
                summary=self.env._(
                    "Quality call: %(client)s, %(order)s", client=call.partner_id.name, order=order.name
                ),
            )
        return call

    def _operator_load(self, company):
        groups = self._read_group(
            [("state", "=", "planned"), ("company_id", "=", company.id)], ["user_id"], ["__count"]
        )
        return {user: count for user, count in groups if user}

    def _pick_operator(self, order, company, load):
        if company.playbook_qc_operator_id:
            return company.playbook_qc_operator_id
        operators = order.team_id.member_ids.filtered(lambda user: user._playbook_is_operator() and user.active)
        if not operators:
            operators = self.env["res.users"]._playbook_users_of(roles.OPERATOR, company)
        if not operators:
            # Never the order's salesperson: the call checks the salesperson's work.
            return order.team_id.user_id - order.user_id
        return min(operators, key=lambda user: (load.get(user, 0), user.id))
