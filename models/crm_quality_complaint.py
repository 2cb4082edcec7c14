from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .roles import refuse_workflow_writes


class CrmQualityComplaint(models.Model):
    """A client's complaint (претензия), mostly heard in a quality-control call; it may become a claim."""

    _name = "crm.quality.complaint"
    _description = "Quality Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, tracking=True, check_company=True
    )
    order_id = fields.Many2one("sale.order", string="Sales Order", index=True, tracking=True, check_company=True)
    product_id = fields.Many2one("product.product", index=True, tracking=True, check_company=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
        check_company=True,
        help="The salesperson of the order the complaint is about.",
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    category_id = fields.Many2one("crm.complaint.category", index=True, tracking=True)
    essence = fields.Text(string="Essence of the Complaint", required=True, tracking=True)
    recorded_by_id = fields.Many2one("res.users", default=lambda self: self.env.user, readonly=True)
    quality_call_id = fields.Many2one("crm.quality.call", readonly=True, copy=False)
    state = fields.Selection(
        [("open", "Open"), ("claim", "Turned into a Claim"), ("closed", "Closed")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
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
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("crm.quality.complaint") or "/"
                )
        complaints = super().create(vals_list)
        complaints._notify_management()
        return complaints

    def write(self, vals):
        refuse_workflow_writes(self, vals, self._workflow_buttons())
        self._check_not_about_oneself()
        return super().write(vals)

    def _workflow_buttons(self):
        return {
            "state": self.env._("use Close, Reopen or Turn into Claim"),
            "claim_id": self.env._("Turn into Claim sets it"),
        }

    def _check_not_about_oneself(self):
        """A complaint about one's own order is handled by management, not by the salesperson it is about."""
        user = self.env.user
        if self.env.su or user._playbook_is_head():
            return
        own = self.filtered(
            lambda complaint: (
                complaint.user_id == user and user not in complaint.company_id._playbook_deputy_directors()
            )
        )
        if own:
            raise AccessError(
                self.env._(
                    "Complaint %(name)s is about your own order: management handles it. Write in its chatter instead.",
                    name=own[0].name,
                )
            )

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
            summary = self.env._(
                "Complaint %(name)s from %(client)s", name=complaint.name, client=complaint.partner_id.name
            )
            for director in directors:
                complaint.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=director.id,
                    date_deadline=fields.Date.context_today(self),
                    summary=summary,
                    note=complaint.essence,
                )
            complaint.message_post(
                body=Markup("%s<br/>%s") % (summary, complaint.essence),
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
                partner_ids=directors.partner_id.ids,
            )

    def action_make_claim(self):
        """Turn the complaint into a claim handled by the claim procedure (RC-4)."""
        self.ensure_one()
        self.check_access("write")
        self._check_not_about_oneself()
        if self.claim_id:
            raise UserError(
                self.env._("Complaint %(name)s is already claim %(claim)s.", name=self.name, claim=self.claim_id.name)
            )
        order = self.order_id.sudo()  # sudo: the claim names the order's invoice and lead, whoever may read them
        invoice = (
            order.invoice_ids.filtered(lambda move: move.move_type == "out_invoice" and move.state == "posted")[:1]
            if order
            else order
        )
        claim = self.env["crm.customer.claim"].create(
            {
                "partner_id": self.partner_id.id,
                "essence": self.essence,
                "order_id": order.id,
                "invoice_id": invoice.id if invoice else False,
                "lead_id": order.opportunity_id.id if order else False,
                "team_id": self.team_id.id or order.team_id.id,
                "company_id": self.company_id.id,
            }
        )
        claim.sudo().complaint_id = self  # sudo: the claim remembers the complaint it came from
        self.sudo().write({"claim_id": claim.id, "state": "claim"})  # sudo: Make a Claim sets the state
        self.message_post(
            body=Markup("%s <a href='/odoo/crm.customer.claim/%s'>%s</a>")
            % (self.env._("Turned into claim"), claim.id, claim.name),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.customer.claim",
            "res_id": claim.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

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
