from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .locking import run_batch

PAID_ORIGINS = ("invoice", "service_period")


class CrmClientReservation(models.Model):
    """A client held for one team and salesperson, for one product, for a while (PP-5, PP-7).

    While a reservation is active, other teams' open leads for the same client and product
    are blocked, and no other team may open a lead for them.
    """

    _name = "crm.client.reservation"
    _description = "Client Reservation"
    _inherit = ["mail.thread"]
    _order = "state, date_end desc, id desc"
    _check_company_auto = True
    _sql_constraints = [
        (
            "one_active_per_client_product",
            "EXCLUDE USING btree (company_id WITH =, partner_id WITH =, product_id WITH =) WHERE (state = 'active')",
            "The client already has an active reservation for this product: a client is reserved for one team only.",
        ),
        ("dates_in_order", "CHECK (date_end >= date_start)", "A reservation cannot end before it starts."),
    ]

    # Who is reserved for whom
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        help="The client's company (commercial partner): its contacts are reserved with it.",
    )
    product_id = fields.Many2one("product.product", required=True, index=True, check_company=True, tracking=True)
    team_id = fields.Many2one("crm.team", required=True, index=True, check_company=True, tracking=True)
    user_id = fields.Many2one("res.users", string="Salesperson", tracking=True, check_company=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)

    # Period and origin
    date_start = fields.Date(string="Start", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date(string="End", required=True, index=True, tracking=True)
    origin = fields.Selection(
        [
            ("connection_lead", "Connection Lead"),
            ("invoice", "Paid Invoice"),
            ("service_period", "Paid Service Period"),
            ("manual", "Sales Support Decision"),
        ],
        required=True,
        default="manual",
        tracking=True,
        help="Why the client is reserved. A paid invoice or service period keeps the client "
        "with the team: its hot and warm leads cannot be transferred.",
    )
    is_paid = fields.Boolean(string="By Invoice / Paid Period", compute="_compute_is_paid", store=True)
    lead_id = fields.Many2one("crm.lead", index="btree_not_null", check_company=True)
    invoice_id = fields.Many2one("account.move", index="btree_not_null", check_company=True)
    state = fields.Selection(
        [
            ("active", "Active"),
            ("expired", "Expired"),
            ("released", "Released"),
            ("superseded", "Superseded"),
        ],
        required=True,
        default="active",
        index=True,
        tracking=True,
        copy=False,
    )
    blocked_lead_ids = fields.One2many("crm.lead", "blocking_reservation_id", string="Blocked Leads")
    blocked_lead_count = fields.Integer(compute="_compute_blocked_lead_count")

    @api.depends("partner_id", "product_id", "team_id")
    def _compute_display_name(self):
        for reservation in self:
            reservation.display_name = self.env._(
                "%(client)s / %(product)s: %(team)s",
                client=reservation.partner_id.display_name or "",
                product=reservation.product_id.display_name or "",
                team=reservation.team_id.display_name or "",
            )

    @api.depends("origin")
    def _compute_is_paid(self):
        for reservation in self:
            reservation.is_paid = reservation.origin in PAID_ORIGINS

    def _compute_blocked_lead_count(self):
        counts = dict(
            self.env["crm.lead"]._read_group(
                [("blocking_reservation_id", "in", self.ids)], ["blocking_reservation_id"], ["__count"]
            )
        )
        for reservation in self:
            reservation.blocked_lead_count = counts.get(reservation, 0)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        reservations = super().create(vals_list)
        reservations.filtered(lambda r: r.state == "active")._block_competing_leads()
        return reservations

    def write(self, vals):
        if vals.get("partner_id"):
            vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
        result = super().write(vals)
        if {"state", "team_id", "partner_id", "product_id"} & set(vals):
            self.filtered(lambda r: r.state == "active")._block_competing_leads()
        return result

    def action_release(self):
        """Sales support frees the client: the team's hold ends now."""
        self._check_support_right()
        self.filtered(lambda r: r.state == "active").write({"state": "released"})
        return True

    def action_view_blocked_leads(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Blocked Leads"),
            "res_model": "crm.lead",
            "view_mode": "list,form",
            "domain": [("blocking_reservation_id", "in", self.ids)],
            "context": {"active_test": False},
        }

    def _check_support_right(self):
        if not (self.env.su or self.env.user._playbook_is_support()):
            raise UserError(self.env._("Only sales support may release or move a client's reservation."))

    @api.model
    def _find_active(self, partner, product, company):
        """The active reservation of a client for a product, if any (one index lookup)."""
        if not (partner and product):
            return self.browse()
        return self.search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("product_id", "=", product.id),
                ("state", "=", "active"),
            ],
            limit=1,
        )

    @api.model
    def _reserve(self, partner, product, team, date_end, origin, user=None, lead=None, invoice=None):
        """Open, extend or take over the reservation of a client for a product.

        The same team's reservation is extended (a paid origin replaces a connection one);
        another team's is superseded by a paid origin and refused otherwise.
        """
        company = team.company_id or self.env.company
        current = self._find_active(partner, product, company)
        if current and current.team_id == team:
            values = {"date_end": max(current.date_end, date_end)}
            if origin in PAID_ORIGINS and not current.is_paid:
                values.update(origin=origin, invoice_id=invoice.id if invoice else False)
            current.write(values)
            return current
        if current and origin not in PAID_ORIGINS:
            raise UserError(
                self.env._(
                    "Client %(client)s is reserved for %(product)s by team %(team)s until %(date)s.",
                    client=current.partner_id.display_name,
                    product=product.display_name,
                    team=current.team_id.display_name,
                    date=current.date_end,
                )
            )
        current.write({"state": "superseded"})
        current.flush_recordset(["state"])
        return self.create(
            self._prepare_reservation_values(partner, product, team, date_end, origin, user, lead, invoice)
        )

    @api.model
    def _prepare_reservation_values(self, partner, product, team, date_end, origin, user, lead, invoice):
        return {
            "partner_id": partner.commercial_partner_id.id,
            "product_id": product.id,
            "team_id": team.id,
            "user_id": user.id if user else False,
            "company_id": (team.company_id or self.env.company).id,
            "date_start": min(fields.Date.context_today(self), date_end),
            "date_end": date_end,
            "origin": origin,
            "lead_id": lead.id if lead else False,
            "invoice_id": invoice.id if invoice else False,
        }

    def _block_competing_leads(self):
        """Block the other teams' open leads for the reserved clients and products (PP-4, 3.6)."""
        if self.env.context.get("playbook_skip_blocking"):
            return
        # Blocking is the reservation's doing only, on leads of other teams its author may not edit.
        # sudo: a reservation blocks the other teams' leads of its client and product
        Lead = self.env["crm.lead"].sudo()
        for reservation in self:
            leads = Lead.search(
                [
                    ("company_id", "in", (reservation.company_id.id, False)),
                    ("commercial_partner_id", "=", reservation.partner_id.id),
                    ("product_id", "=", reservation.product_id.id),
                    ("team_id", "!=", reservation.team_id.id),
                    ("work_status", "in", ("new", "in_work", "blocked")),
                ]
            )
            leads = leads.filtered(lambda lead, holder=reservation: lead.blocking_reservation_id != holder)
            if not leads:
                continue
            leads.write({"blocking_reservation_id": reservation.id})
            body = self.env._(
                "Blocked: team %(team)s holds this client for %(product)s until %(date)s.",
                team=reservation.team_id.display_name,
                product=reservation.product_id.display_name,
                date=reservation.date_end,
            )
            for lead in leads:
                lead.message_post(body=body, message_type="notification", subtype_xmlid="mail.mt_note")

    @api.model
    def _cron_expire_reservations(self, batch_size=500):
        """Expire the reservations that ended, then reopen the leads they blocked, a batch of each at a time.

        Returns the reservations expired.
        """
        expired = []
        today = fields.Date.context_today(self)
        reservations = run_batch(
            self,
            [("state", "=", "active"), ("date_end", "<", today)],
            lambda reservation: expired.append(reservation._expire()),
            job="expire client reservations",
            order="date_end, id",
            batch_size=batch_size,
            condition=SQL("state = 'active'"),
            notify=False,
        )
        leads = run_batch(
            self.env["crm.lead"],
            [("blocking_reservation_id", "!=", False), ("is_blocked", "=", False)],
            lambda lead: lead._playbook_reopen_unblocked(),
            job="reopen unblocked leads",
            batch_size=batch_size,
            condition=SQL("blocking_reservation_id IS NOT NULL"),
            notify=False,
        )
        self.env["ir.cron"]._notify_progress(
            done=reservations.done + leads.done, remaining=reservations.remaining + leads.remaining
        )
        return self.union(*expired)

    def _expire(self):
        self.write({"state": "expired"})
        return self

    @api.model
    def _default_period_end(self, days):
        return fields.Date.context_today(self) + timedelta(days=days)
