from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..models.playbook_rules import CHANNELS, REQUEST_CATEGORIES, URGENCIES


class CrmInboundRegister(models.TransientModel):
    """The call-center operator registers an inbound call or letter (EV-1, EV-2, ST-1, ST-3, ST-13, ST-16, PP-6).

    The client and its open lead are looked up first, by the one rule of intake (``crm.lead``'s
    ``_playbook_find_same_request``: the client's open lead for the product asked about, or the one without a
    product in a playbook team); the call or letter is recorded as a done activity on the lead, and the employee
    it went to gets a follow-up due minutes later: the first contact with the client, or, when the manager was
    busy, the urgent callback the operator promised. The source is the channel's default unless the operator
    picks another, so that every registered request has a temperature and a response deadline.
    """

    _name = "crm.inbound.register"
    _description = "Register an Inbound Call or Letter"

    kind = fields.Selection([("call", "Call"), ("letter", "Letter")], required=True, default="call")
    caller_name = fields.Char(string="Caller", required=True)
    company_name = fields.Char(string="Company")
    customer_type = fields.Selection(
        [("person", "Individual"), ("company", "Legal Entity")], string="Client Type", required=True, default="company"
    )
    phone = fields.Char()
    email = fields.Char()
    city = fields.Char()
    question = fields.Text(required=True)
    channel = fields.Selection(CHANNELS, compute="_compute_channel", store=True, readonly=False, required=True)
    source_id = fields.Many2one(
        "utm.source",
        compute="_compute_source_id",
        store=True,
        readonly=False,
        domain="[('temperature', '!=', False)]",
        help="Where the request comes from: it sets the temperature and the response deadline. "
        "Prefilled with the channel's default source of the company settings.",
    )
    source_required = fields.Boolean(compute="_compute_source_id", store=True)
    product_id = fields.Many2one(
        "product.product", help="The product the client asks about, when the client names one."
    )
    request_category = fields.Selection(REQUEST_CATEGORIES)
    urgency = fields.Selection(URGENCIES, help="Ask the client: how urgently is the answer and the order needed?")
    request_date = fields.Date(string="Wanted On", help="Ask the client: by which date is the order wanted?")
    team_id = fields.Many2one(
        "crm.team",
        required=True,
        default=lambda self: self.env.user.sale_team_id,
        domain=lambda self: [("company_id", "in", self.env.companies.ids + [False])],
    )
    transferred_to_id = fields.Many2one(
        "res.users",
        required=True,
        domain="[('share', '=', False)]",
        help="The employee the call was put through to, or who must answer the letter.",
    )
    manager_busy = fields.Boolean(
        help="The manager could not take the call: the operator took the contacts and promised a callback."
    )
    partner_id = fields.Many2one(
        "res.partner", string="Known Client", compute="_compute_matches", store=True, readonly=False
    )
    is_regular = fields.Boolean(related="partner_id.playbook_is_regular", string="Regular Customer")
    is_vip = fields.Boolean(related="partner_id.playbook_vip", string="VIP Client")
    regular_manager_id = fields.Many2one(related="partner_id.playbook_regular_manager_id")
    request_reason = fields.Char(help="Why the regular customer calls: a new purchase, a renewal, a question...")
    lead_id = fields.Many2one(
        "crm.lead",
        string="Open Lead",
        compute="_compute_matches",
        store=True,
        readonly=False,
        domain="[('work_status', 'in', ('new', 'in_work'))]",
    )

    @api.depends("kind")
    def _compute_channel(self):
        for wizard in self:
            wizard.channel = "email" if wizard.kind == "letter" else "inbound_call"

    @api.depends("channel", "team_id")
    def _compute_source_id(self):
        for wizard in self:
            company = wizard.team_id.company_id or self.env.company
            default = company.sudo()._playbook_channel_source(wizard.channel)  # sudo: a setting read for the desk
            wizard.source_required = not default
            wizard.source_id = default or wizard.source_id

    @api.depends("phone", "email", "team_id", "product_id")
    def _compute_matches(self):
        Partner = self.env["res.partner"]
        Lead = self.env["crm.lead"]
        for wizard in self:
            # A local number (8 (343) 200-10-10) is read in the country of the company the team works for.
            country = (wizard.team_id.company_id or self.env.company).country_id
            email = email_normalize(wizard.email or "")
            phone = wizard.phone and Lead._phone_format(number=wizard.phone, country=country, force_format="E164")
            if not (email or phone):
                wizard.partner_id = wizard.lead_id = False
                continue
            contact_domain = ["|", ("email_normalized", "=", email or "-"), ("phone_sanitized", "=", phone or "-")]
            wizard.partner_id = Partner.search(contact_domain, limit=1).commercial_partner_id
            wizard.lead_id = Lead._playbook_find_same_request(wizard._lead_values(wizard.partner_id))

    @api.onchange("partner_id")
    def _onchange_partner_regular(self):
        if self.partner_id.playbook_regular_manager_id:
            self.transferred_to_id = self.partner_id.playbook_regular_manager_id

    @api.onchange("request_category")
    def _onchange_request_category(self):
        """A product question goes to the product specialist (ST-16); an urgent order is urgent."""
        company = self.team_id.company_id or self.env.company
        if self.request_category == "product_question" and company.playbook_product_specialist_id:
            self.transferred_to_id = company.playbook_product_specialist_id
        if self.request_category == "urgent_order":
            self.urgency = "urgent"

    def action_register(self):
        self.ensure_one()
        if not (self.phone or self.email):
            raise UserError(
                self.env._("Take the caller's phone or email: every client goes into the CRM with a way to reach them.")
            )
        if self.is_regular and not (self.request_reason or "").strip():
            raise UserError(
                self.env._("%(client)s is a regular customer: record why they call.", client=self.partner_id.name)
            )
        if not self.source_id:
            raise UserError(
                self.env._(
                    "Choose the source of the request: channel %(channel)s has no default source in the settings, "
                    "and without a source the request gets no temperature and no response deadline.",
                    channel=dict(self._fields["channel"]._description_selection(self.env))[self.channel],
                )
            )
        if not self.source_id.temperature:
            raise UserError(
                self.env._(
                    "Source %(source)s gives no temperature: choose a source of the temperature table, so that "
                    "the request gets a response deadline.",
                    source=self.source_id.name,
                )
            )
        new_client = not self.partner_id
        lead_created = not self.lead_id
        lead = self.lead_id or self._create_lead()
        lead._playbook_log_inbound(
            kind=self.kind,
            channel=self.channel,
            caller_name=self.caller_name,
            question=self.question,
            forwarded_to=self.transferred_to_id,
            manager_busy=self.manager_busy,
            request_reason=self.request_reason if self.is_regular else False,
            new_client=new_client,
            lead_created=lead_created,
            details=self._lead_details(lead),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": lead.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _lead_values(self, partner):
        """What identifies the request for the one rule of intake: the client, its contacts, team and product."""
        self.ensure_one()
        return {
            "partner_id": partner.id,
            "phone": self.phone,
            "email_from": self.email,
            "team_id": self.team_id.id,
            "company_id": self.team_id.company_id.id,
            "product_id": self.product_id.id,
        }

    def _lead_details(self, lead):
        """What the desk asked, for the lead: the category, the urgency, the wanted date; the source if it has
        none. Only what the operator filled in."""
        details = {
            "playbook_request_category": self.request_category,
            "playbook_urgency": self.urgency,
            "playbook_request_date": self.request_date,
        }
        details = {name: value for name, value in details.items() if value and lead[name] != value}
        if not lead.source_id and self.source_id:
            details["source_id"] = self.source_id.id
        return details

    def _create_lead(self):
        partner = self.partner_id
        if not partner:
            partner = self.env["res.partner"].create(
                {
                    "name": self.company_name
                    if self.customer_type == "company" and self.company_name
                    else self.caller_name,
                    "is_company": self.customer_type == "company",
                    "phone": self.phone,
                    "email": self.email,
                    "city": self.city,
                }
            )
            if partner.is_company and self.caller_name != partner.name:
                partner = self.env["res.partner"].create(
                    {
                        "name": self.caller_name,
                        "parent_id": partner.id,
                        "type": "contact",
                        "phone": self.phone,
                        "email": self.email,
                    }
                )
        first_line = (self.question or "").strip().splitlines()[0][:80]
        # The registration plans its own first-contact follow-up: no second "call back" one.
        return (
            self.env["crm.lead"]
            .with_context(playbook_no_request_followups=True)
            .create(
                {
                    "name": first_line or self.caller_name,
                    "type": "opportunity" if not self.team_id.use_leads else "lead",
                    "partner_id": partner.id,
                    "contact_name": self.caller_name,
                    "partner_name": self.company_name,
                    "phone": self.phone,
                    "email_from": self.email,
                    "city": self.city,
                    "channel": self.channel,
                    "source_id": self.source_id.id,
                    "product_id": self.product_id.id,
                    "playbook_request_category": self.request_category,
                    "playbook_urgency": self.urgency,
                    "playbook_request_date": self.request_date,
                    "team_id": self.team_id.id,
                    "user_id": self.transferred_to_id.id,
                }
            )
        )
