from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..models.notifications import notify_and_close
from ..models.roles import check_allowed_companies


class CrmAgentNotice(models.TransientModel):
    """A sales agent's notice about a client (RC-3): the client is looked up first, the request confirmed as a lead."""

    _name = "crm.agent.notice"
    _description = "Sales Agent Notice"

    agent_id = fields.Many2one("res.users", string="Sales Agent", required=True, default=lambda self: self.env.user)
    client_name = fields.Char(string="Client", required=True)
    vat = fields.Char(string="Tax ID")
    phone = fields.Char()
    email = fields.Char()
    product_id = fields.Many2one("product.product")
    team_id = fields.Many2one(
        "crm.team",
        required=True,
        default=lambda self: self.env.user.sale_team_id,
        domain=lambda self: [("company_id", "in", self.env.companies.ids + [False])],
    )
    note = fields.Text(string="Request", required=True)
    partner_id = fields.Many2one(
        "res.partner", string="Known Client", compute="_compute_partner", store=True, readonly=False
    )
    known_message = fields.Char(compute="_compute_known_message")

    @api.depends("vat", "phone", "email", "client_name", "team_id")
    def _compute_partner(self):
        """The known client, looked up as the agent in the notice's company (RC-3)."""
        Partner = self.env["res.partner"]
        for notice in self:
            partner = Partner.browse()
            company = notice.team_id.company_id or self.env.company
            phone = notice.phone and self.env["crm.lead"]._phone_format(
                number=notice.phone, country=company.country_id, force_format="E164"
            )
            email = email_normalize(notice.email or "")
            in_company = [("company_id", "in", (company.id, False))]
            for domain in (
                [("vat", "=", notice.vat)] if notice.vat else None,
                [("phone_sanitized", "=", phone)] if phone else None,
                [("email_normalized", "=", email)] if email else None,
                [("name", "=ilike", notice.client_name)] if notice.client_name else None,
            ):
                if domain and not partner:
                    partner = Partner.search(in_company + domain, limit=1).commercial_partner_id
            notice.partner_id = partner

    @api.depends("partner_id")
    def _compute_known_message(self):
        for notice in self:
            partner = notice.partner_id
            if partner.playbook_is_regular:
                notice.known_message = self.env._(
                    "%(client)s is already a regular customer of %(manager)s.",
                    client=partner.name,
                    manager=partner.playbook_regular_manager_id.name or self.env._("the sales center"),
                )
            elif partner:
                notice.known_message = self.env._("%(client)s is already in the database.", client=partner.name)
            else:
                notice.known_message = False

    def action_confirm(self):
        """Confirm the request as a lead; tell the agent at once whose customer a known client is."""
        self.ensure_one()
        if not (self.phone or self.email or self.partner_id):
            raise UserError(self.env._("Give the client's phone or email so that the sales center can reach them."))
        self.team_id.check_access("read")
        self.partner_id.check_access("read")
        company = self.team_id.company_id or self.env.company
        check_allowed_companies(self.env, company, self.team_id.display_name)
        self.env["crm.lead"].browse().check_access("create")
        if self.agent_id != self.env.user and not self.env.user._playbook_is_head():
            raise UserError(self.env._("A notice is confirmed in the name of the agent who gives it."))
        partner = self.partner_id or self.env["res.partner"].create(
            {"name": self.client_name, "is_company": True, "vat": self.vat, "phone": self.phone, "email": self.email}
        )
        manager = partner.playbook_regular_manager_id
        # The lead is the sales center's, for the regular-customers manager, which the agent may not do itself;
        # the agent's right to create leads in the team's company was checked above.
        # sudo: the agent hands the request to the sales center
        lead = (
            self.env["crm.lead"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "name": self.env._("Agent notice: %(client)s", client=partner.name),
                    "partner_id": partner.id,
                    "team_id": self.team_id.id,
                    "user_id": manager.id or False,
                    "channel": "agent_notice",
                    "product_id": self.product_id.id,
                    "description": self.note,
                    "phone": self.phone or partner.phone,
                    "email_from": self.email or partner.email,
                    "company_id": company.id,
                }
            )
        )
        if self.known_message:
            lead.message_notify(
                partner_ids=self.agent_id.partner_id.ids, subject=self.known_message, body=self.known_message
            )
        return notify_and_close(
            self.known_message
            or self.env._("%(client)s was added; the sales center has the request.", client=partner.name),
            self.env._("Request confirmed"),
        )
