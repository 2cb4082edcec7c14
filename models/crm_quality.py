from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from . import roles
from .locking import run_batch
from .roles import refuse_workflow_writes


class CrmComplaintCategory(models.Model):
    """What a complaint is about, for the management report (ST-9)."""

    _name = "crm.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_uniq", "unique(name)", "A complaint category with this name exists already.")]


class CrmQualityComplaint(models.Model):
    """A client's complaint (претензия), mostly heard in a quality-control call; it may become a claim."""

    _name = "crm.quality.complaint"
    _description = "Quality Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, tracking=True,
                                 check_company=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", index=True, tracking=True, check_company=True)
    product_id = fields.Many2one("product.product", index=True, tracking=True,
                                 check_company=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, tracking=True,
                              domain="[('share', '=', False)]", check_company=True,
                              help="The salesperson of the order the complaint is about.")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    category_id = fields.Many2one("crm.complaint.category", index=True, tracking=True)
    essence = fields.Text(string="Essence of the Complaint", required=True, tracking=True)
    recorded_by_id = fields.Many2one("res.users", default=lambda self: self.env.user,
                                     readonly=True)
    quality_call_id = fields.Many2one("crm.quality.call", readonly=True, copy=False)
    state = fields.Selection(
        [("open", "Open"), ("claim", "Turned into a Claim"), ("closed", "Closed")], default="open",
        required=True, tracking=True, index=True)
    claim_id = fields.Many2one("crm.customer.claim", readonly=True, copy=False)
    resolution = fields.Text(tracking=True)

    _sql_constraints = [
        ("name_company_uniq", "unique(name, company_id)", "A complaint reference is unique in its company."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            refuse_workflow_writes(self, vals, self._workflow_buttons(), create=True)
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "crm.quality.complaint") or "/"
        complaints = super().create(vals_list)
        complaints._notify_management()
        return complaints

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        self._check_not_about_oneself()
        return super().write(vals)

    def _workflow_buttons(self):
        return {"state": self.env._("use Close, Reopen or Turn into Claim"),
                "claim_id": self.env._("Turn into Claim sets it")}

    def _check_not_about_oneself(self):
        """A complaint about one's own order is handled by management, not by the salesperson it is about."""
        user = self.env.user
        if self.env.su or user._playbook_is_head():
            return
        own = self.filtered(lambda complaint: complaint.user_id == user
                            and user not in complaint.company_id._playbook_deputy_directors())
        if own:
            raise AccessError(self.env._(
                "Complaint %(name)s is about your own order: management handles it. Write in its chatter instead.",
                name=own[0].name))
    @api.onchange("order_id")
    def _onchange_order_id(self):
        order = self.order_id
        if order:
            self.partner_id = order.partner_id.commercial_partner_id
            self.user_id = order.user_id
            self.team_id = order.team_id
            if not self.product_id or self.product_id not in order.order_line.product_id:
                self.product_id = order.order_line.product_id[:1]

    def _notify_management(self):
        """The complaint goes to management (ST-9): a message and a to-do for the deputy director."""
        for complaint in self:
            directors = complaint.company_id._playbook_deputy_directors()
            summary = self.env._("Complaint %(name)s from %(client)s", name=complaint.name,
                                 client=complaint.partner_id.name)
            for director in directors:
                complaint.activity_schedule("mail.mail_activity_data_todo", user_id=director.id,
                                            date_deadline=fields.Date.context_today(self), summary=summary,
                                            note=complaint.essence)
            complaint.message_post(body=Markup("%s<br/>%s") % (summary, complaint.essence),
                                   message_type="notification", subtype_xmlid="mail.mt_comment",
                                   partner_ids=directors.partner_id.ids)

    def action_make_claim(self):
        """Turn the complaint into a claim handled by the claim procedure (RC-4)."""
        self.ensure_one()
        self.check_access("write")
        self._check_not_about_oneself()
        if self.claim_id:
            raise UserError(self.env._("Complaint %(name)s is already claim %(claim)s.", name=self.name,
                                       claim=self.claim_id.name))
        order = self.order_id.sudo()  # sudo: the claim names the order's invoice and lead, whoever may read them
        invoice = order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice"
                                             and move.state == "posted")[:1] if order else order
        claim = self.env["crm.customer.claim"].create({
            "partner_id": self.partner_id.id,
            "essence": self.essence,
            "order_id": order.id,
            "invoice_id": invoice.id if invoice else False,
            "lead_id": order.opportunity_id.id if order else False,
            "team_id": self.team_id.id or order.team_id.id,
            "company_id": self.company_id.id,
        })
        claim.sudo().complaint_id = self  # sudo: the claim remembers the complaint it came from
        self.sudo().write({"claim_id": claim.id, "state": "claim"})  # sudo: Make a Claim sets the state
        self.message_post(body=Markup("%s <a href='/odoo/crm.customer.claim/%s'>%s</a>") % (
            self.env._("Turned into claim"), claim.id, claim.name), subtype_xmlid="mail.mt_note")
        return {"type": "ir.actions.act_window", "res_model": "crm.customer.claim", "res_id": claim.id,
                "view_mode": "form", "views": [(False, "form")]}

    def action_close(self):
        self.check_access("write")
        self._check_not_about_oneself()
        if any(not complaint.resolution for complaint in self):
            raise UserError(self.env._("Write how the complaint was resolved before closing it."))
        self.sudo().write({"state": "closed"})  # sudo: Close is the one step that closes a complaint
        return True

    def action_reopen(self):
        self.check_access("write")
        self._check_not_about_oneself()
        # sudo: Reopen is the one step that reopens a complaint
        self.filtered(lambda complaint: complaint.state == "closed").sudo().write({"state": "open"})
        return True


class CrmQualityCall(models.Model):
    """The quality-control call some days after an order was delivered or invoiced (ST-9)."""

    _name = "crm.quality.call"
    _description = "Quality-Control Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _rec_name = "order_id"
    _check_company_auto = True

    order_id = fields.Many2one("sale.order", string="Sales Order", required=True, index=True, ondelete="cascade",
                               readonly=True, check_company=True)
    partner_id = fields.Many2one("res.partner", string="Client", required=True, index=True, readonly=True)
    phone = fields.Char(related="partner_id.phone")
    salesperson_id = fields.Many2one(related="order_id.user_id", string="Salesperson", store=True, index=True)
    team_id = fields.Many2one(related="order_id.team_id", store=True, index=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Operator", index=True, tracking=True,
                              domain="[('share', '=', False)]", check_company=True)
    base_date = fields.Date(string="Delivered or Invoiced On", readonly=True)
    date_planned = fields.Date(string="Call On", required=True, index=True, tracking=True)
    script_id = fields.Many2one("crm.call.script", domain="[('purpose', '=', 'quality_control')]")
    script_body = fields.Html(related="script_id.body", string="What to Say")
    state = fields.Selection(
        [("planned", "Planned"), ("positive", "Positive"), ("negative", "Negative: Complaint"),
         ("cancelled", "Cancelled")], default="planned", required=True, tracking=True, index=True)
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
        refuse_workflow_writes(self, vals, {
            name: self.env._("use Positive, Negative: Record Complaint or Cancel") for name in ("state", "date_done", "complaint_id")})
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
            raise AccessError(self.env._(
                "The quality call of %(order)s checks your own order: the call center makes it.",
                order=own[0].order_id.name))

    def _check_planned(self):
        done = self.filtered(lambda call: call.state != "planned")
        if done:
            raise UserError(self.env._("The quality call for %(order)s is already %(state)s.",
                                       order=done[0].order_id.name,
                                       state=dict(self._fields["state"]._description_selection(self.env))[
                                           done[0].state].lower()))

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
            call.order_id.sudo().message_post(body=text, subtype_xmlid="mail.mt_note",
                                              author_id=self.env.user.partner_id.id)
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
                raise UserError(self.env._("Write the essence of the complaint for %(order)s.",
                                           order=call.order_id.name))
            # sudo: the operator may only read the order; the complaint is recorded against it and its seller
            order = call.order_id.sudo()
            complaint = Complaint.create({
                "partner_id": call.partner_id.id, "order_id": order.id,
                "product_id": (call.complaint_product_id or order.order_line.product_id[:1]).id,
                "user_id": order.user_id.id, "team_id": order.team_id.id, "company_id": order.company_id.id,
                "category_id": call.complaint_category_id.id, "essence": call.complaint_essence,
                "quality_call_id": call.id,
            })
            # sudo: Negative records the outcome
            call.sudo().write({"state": "negative", "date_done": now, "complaint_id": complaint.id})
            order.message_post(body=self.env._("Quality call: complaint %(name)s recorded.", name=complaint.name),
                               subtype_xmlid="mail.mt_note", author_id=self.env.user.partner_id.id)
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
        domain = [("state", "=", "sale"), ("playbook_qc_call_id", "=", False),
                  ("playbook_qc_due_date", "<=", today), ("playbook_qc_due_date", ">=", today - timedelta(days=120))]
        planned, loads, scripts = [], {}, {}
        run_batch(self.env["sale.order"], domain,
                  lambda order: planned.append(self._plan_for_order(order, loads, scripts)),
                  job="plan quality calls", order="playbook_qc_due_date, id", batch_size=batch_size,
                  condition=SQL("playbook_qc_call_id IS NULL"))
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
                "quality_control", direction="outbound", customer_type=client_type, company=company)
        call = self.create({
            "order_id": order.id, "partner_id": order.partner_id.id, "user_id": operator.id,
            "date_planned": max(order.playbook_qc_due_date, fields.Date.context_today(self)),
            "base_date": order._playbook_qc_base_date(), "script_id": scripts[company, client_type].id,
        })
        if call.user_id:
            call.activity_schedule(
                "crm_sales_playbook.mail_activity_type_quality_call", date_deadline=call.date_planned,
                user_id=call.user_id.id,
                summary=self.env._("Quality call: %(client)s, %(order)s", client=call.partner_id.name,
                                   order=order.name))
        return call

    def _operator_load(self, company):
        groups = self._read_group([("state", "=", "planned"), ("company_id", "=", company.id)],
                                         ["user_id"], ["__count"])
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
