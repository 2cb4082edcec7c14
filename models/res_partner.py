from odoo import api, fields, models
from odoo.exceptions import UserError

from .contact_check import email_problem, phone_problem
from .roles import check_allowed_companies


class ResPartner(models.Model):
    _inherit = "res.partner"

    playbook_reservation_ids = fields.One2many("crm.client.reservation", "partner_id", string="Reservations")
    playbook_reservation_count = fields.Integer(string="Reservation Count", compute="_compute_playbook_reservations")
    playbook_claim_count = fields.Integer(string="Claim Count", compute="_compute_playbook_claim_count")
    playbook_reservation_label = fields.Char(
        string="Reserved By",
        compute="_compute_playbook_reservations",
        help="Teams that hold this client now, and until when.",
    )

    # Prospect database (LG-3): the customer portrait of a prospect and its completeness.
    playbook_is_prospect = fields.Boolean(
        string="Prospect",
        index=True,
        tracking=True,
        help="A company or person found for cold calling, not a client yet.",
    )
    playbook_found_where = fields.Char(
        string="Found In", help="Where the prospect was found: a directory, a fair, a website..."
    )
    playbook_missing_info = fields.Char(
        string="Missing for Calling",
        compute="_compute_playbook_missing_info",
        help="What must be filled in before the prospect can enter a call list.",
    )
    playbook_called_at = fields.Datetime(
        string="Last Called",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When a call to this client was last logged.",
    )
    playbook_is_complete = fields.Boolean(
        string="Ready for Calling", compute="_compute_playbook_is_complete", store=True, index=True
    )
    # Regular customers (RC-1, RC-2)
    playbook_regular_mode = fields.Selection(
        [("auto", "From Orders"), ("yes", "Regular Customer"), ("no", "Not Regular")],
        string="Regular Customer Rule",
        default="auto",
        tracking=True,
        help="From Orders: a client who has a confirmed order is a regular customer. Or set it by hand.",
    )
    playbook_is_regular = fields.Boolean(
        string="Regular Customer", compute="_compute_playbook_is_regular", store=True, index=True
    )
    playbook_regular_manager_id = fields.Many2one(
        "res.users", string="Regular-Customers Manager", tracking=True, domain="[('share', '=', False)]"
    )
    playbook_next_contact = fields.Date(string="Next Contact", tracking=True, index=True)
    playbook_vip = fields.Boolean(
        string="VIP Client",
        tracking=True,
        help="Requests of a VIP client are flagged to the sales center and served first.",
    )

    def write(self, vals):
        companies = self.env["res.company"].sudo()  # sudo: is it a company's own partner, whoever edits it
        if "country_id" in vals and companies.search_count([("partner_id", "in", self.ids)]):
            self.env.registry.clear_cache()
        return super().write(vals)

    def _playbook_missing(self):
        """What the prospect lacks for a call list: a real phone or email, city, industry, where it was found."""
        self.ensure_one()
        missing = []
        country = self.country_id.code or (self.company_id or self.env.company)._playbook_country()[1]
        phones = [number for number in (self.phone, self.mobile) if number]
        if not any(not phone_problem(number, country) for number in phones) and (
            not self.email or email_problem(self.email)
        ):
            missing.append(self.env._("a real phone or email"))
        if not self.city:
            missing.append(self.env._("city"))
        if self.is_company and not self.industry_id:
            missing.append(self.env._("industry"))
        if not self.playbook_found_where:
            missing.append(self.env._("where it was found"))
        return missing

    @api.depends(
        "playbook_is_prospect",
        "phone",
        "mobile",
        "email",
        "city",
        "is_company",
        "industry_id",
        "playbook_found_where",
        "country_id",
    )
    def _compute_playbook_is_complete(self):
        for partner in self:
            partner.playbook_is_complete = partner.playbook_is_prospect and not partner._playbook_missing()

    @api.depends(
        "playbook_is_prospect",
        "phone",
        "mobile",
        "email",
        "city",
        "is_company",
        "industry_id",
        "playbook_found_where",
        "country_id",
    )
    def _compute_playbook_missing_info(self):
        for partner in self:
            partner.playbook_missing_info = (
                ", ".join(partner._playbook_missing()) if partner.playbook_is_prospect else False
            )

    @api.depends("playbook_regular_mode", "sale_order_ids.state", "child_ids.sale_order_ids.state")
    def _compute_playbook_is_regular(self):
        bought = set()
        # Partners created while the addon is not loaded (other modules' install tests) have no rule: "auto".
        companies = self.filtered(
            lambda partner: (partner.playbook_regular_mode or "auto") == "auto"
        ).commercial_partner_id.ids
        if companies:
            for (partner,) in self.env["sale.order"]._read_group(
                [("partner_id.commercial_partner_id", "in", companies), ("state", "=", "sale")], ["partner_id"]
            ):
                bought.add(partner.commercial_partner_id.id)
        for partner in self:
            mode = partner.playbook_regular_mode or "auto"
            partner.playbook_is_regular = mode == "yes" or (
                mode == "auto" and partner.commercial_partner_id.id in bought
            )

    def action_check_prospect(self):
        """Say what is missing before the prospect can enter a call list (LG-3)."""
        incomplete = self.filtered(lambda partner: partner.playbook_is_prospect and not partner.playbook_is_complete)
        if incomplete:
            raise UserError(
                "\n".join(
                    self.env._(
                        "%(partner)s: fill in %(missing)s.",
                        partner=partner.display_name,
                        missing=partner.playbook_missing_info,
                    )
                    for partner in incomplete
                )
            )
        return True

    @api.depends("playbook_reservation_ids.state", "playbook_reservation_ids.date_end")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_playbook_reservations(self):
        """The reservations of the client in the companies the user works in (those it may read)."""
        Reservation = self.env["crm.client.reservation"]
        if not Reservation.has_access("read"):
            self.playbook_reservation_count = 0
            self.playbook_reservation_label = False
            return
        partners = self.commercial_partner_id
        mine = [("partner_id", "in", partners.ids), ("company_id", "in", self.env.companies.ids)]
        counts = dict(Reservation._read_group(mine, ["partner_id"], ["__count"]))
        active = Reservation.search(mine + [("state", "=", "active")], order="date_end").grouped("partner_id")
        for partner in self:
            company = partner.commercial_partner_id
            partner.playbook_reservation_count = counts.get(company, 0)
            partner.playbook_reservation_label = (
                "; ".join(
                    self.env._(
                        "Reserved by %(team)s until %(date)s (%(product)s)",
                        team=r.team_id.display_name,
                        date=r.date_end,
                        product=r.product_id.display_name,
                    )
                    for r in active.get(company, [])
                )
                or False
            )

    def _compute_playbook_claim_count(self):
        """Claims of the client company the user may read (RC-4)."""
        clients = self.commercial_partner_id
        counts = dict(
            self.env["crm.customer.claim"]._read_group([("partner_id", "in", clients.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.playbook_claim_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_playbook_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_customer_claim_action")
        client = self.commercial_partner_id
        action["domain"] = [("partner_id", "=", client.id)]
        action["context"] = {"default_partner_id": client.id}
        action["view_mode"] = "list,kanban,form"
        action["views"] = [(False, "list"), (False, "kanban"), (False, "form")]
        return action

    def action_view_playbook_reservations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_client_reservation_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id, "search_default_active": 0}
        return action

    def _playbook_transfer_client_to_team(self, team, reason, sanction=False):
        """Sales support moves a client with its open leads and active reservations of the team's company (PP-15).

        Leads and reservations of other companies that share the client stay where they are. With ``sanction``
        the move is a sanction (Kontur 9.1.4): each team the client leaves gets its record.
        """
        if not (self.env.su or self.env.user._playbook_is_support()):
            raise UserError(self.env._("Only sales support may move a client to another team."))
        team.check_access("read")
        company = team.company_id or self.env.company
        check_allowed_companies(self.env, company, team.display_name)
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the client is moved."))
        clients = self.commercial_partner_id
        leads = self.env["crm.lead"].search(self._playbook_open_leads_domain(team))
        reservations = self.env["crm.client.reservation"].search(
            [
                ("partner_id", "in", clients.ids),
                ("state", "=", "active"),
                ("team_id", "!=", team.id),
                ("company_id", "=", company.id),
            ]
        )
        if sanction:
            self._playbook_record_client_sanctions(team, reason, leads, reservations)
        reservations.with_context(playbook_skip_blocking=True).write({"team_id": team.id, "user_id": False})
        if leads:
            # sudo: the transfer log is written by the transfer only; users read it
            self.env["crm.lead.team.transfer"].sudo().create(
                [lead._playbook_prepare_transfer_values(team, reason, "client") for lead in leads]
            )
            body = self.env._(
                "The client was moved to team %(team)s: %(reason)s", team=team.display_name, reason=reason
            )
            leads._playbook_write_grouped(
                {lead.id: {"team_id": team.id, "user_id": False} for lead in leads}, dict.fromkeys(leads.ids, body)
            )
            # sudo: the client's reservations moved with it, so nothing blocks its leads any more
            leads.sudo().write({"blocking_reservation_id": False})
        for client in clients:
            client.message_post(
                body=self.env._(
                    "Client moved to team %(team)s with %(leads)s open leads and %(reservations)s reservations: "
                    "%(reason)s",
                    team=team.display_name,
                    leads=len(leads.filtered(lambda lead, c=client: lead.commercial_partner_id == c)),
                    reservations=len(reservations.filtered(lambda r, c=client: r.partner_id == c)),
                    reason=reason,
                )
            )
        return leads, reservations

    def _playbook_open_leads_domain(self, team):
        """The open leads of the client that Move Client takes to ``team``: those of the team's company."""
        company = team.company_id or self.env.company
        return [
            ("commercial_partner_id", "in", self.commercial_partner_id.ids),
            ("work_status", "in", ("new", "in_work", "blocked")),
            ("team_id", "!=", team.id),
            ("company_id", "in", (company.id, False)),
        ]

    def _playbook_open_lead_count(self, team):
        """How many leads Move Client would take to ``team``: the wizard runs it in the background above the
        company's threshold."""
        return self.env["crm.lead"].search_count(self._playbook_open_leads_domain(team))

    def _playbook_record_client_sanctions(self, team, reason, leads, reservations):
        """One "client moved" sanction per team the client leaves, with the leads it loses (PP-15, 9.1.4)."""
        Sanction = self.env["crm.team.sanction"]
        for old_team in (leads.team_id | reservations.team_id) - team:
            Sanction._playbook_impose(
                old_team,
                "client_moved",
                self.env._("Client moved to team %(team)s: %(reason)s", team=team.display_name, reason=reason),
                leads=leads.filtered(lambda lead, t=old_team: lead.team_id == t),
                automatic=False,
                partner_id=self.commercial_partner_id[:1].id,
            )
