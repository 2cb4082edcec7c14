"""Reservations of a client for a team, blocked leads and transfers between teams (PP-4, PP-5, PP-7)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .playbook_rules import BLOCKED_WRITABLE
from .roles import check_allowed_companies


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # Work status
    blocking_reservation_id = fields.Many2one(
        "crm.client.reservation",
        string="Blocked by Reservation",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The reservation of another team that holds this client for this product.",
    )
    is_blocked = fields.Boolean(
        string="Blocked",
        compute="_compute_is_blocked",
        store=True,
        help="Another team holds a reservation of this client for this product.",
    )
    # Reservation and transfers
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index="btree_not_null", string="Client Company"
    )
    reservation_id = fields.Many2one(
        "crm.client.reservation",
        string="Client Reservation",
        compute="_compute_reservation_id",
        help="The active reservation of this client for this product, whichever team holds it.",
    )
    blocked_message = fields.Char(compute="_compute_blocked_message")
    transfer_ids = fields.One2many("crm.lead.team.transfer", "lead_id", string="Transfers")

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    def _playbook_reservation_on_create(self):
        self._playbook_apply_reservation_rules()

    def _playbook_reservation_before_write(self, vals):
        self._playbook_check_blocked_write(vals)

    def _playbook_reservation_after_write(self, vals):
        if {"deal_type", "partner_id", "product_id", "team_id", "company_id"} & set(vals):
            self._playbook_apply_reservation_rules()

    def _playbook_workflow_buttons(self):
        buttons = super()._playbook_workflow_buttons()
        blocking = self.env._("the client's reservations set it; sales support releases them")
        buttons.update({"blocking_reservation_id": blocking, "is_blocked": blocking})
        return buttons

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """A blocked lead is read-only: the Enrich buttons of crm_iap_enrich (installed or not, hence here and not
        in the view) are not offered on it, like Won, Lost and the stage bar (views/crm_lead_views.xml)."""
        arch, view = super()._get_view(view_id, view_type, **options)
        if view_type == "form":
            for button in arch.xpath("//header//button[@name='iap_enrich']"):
                button.set("invisible", "(%s) or is_blocked" % (button.get("invisible") or "False"))
        return arch, view

    @api.depends("blocking_reservation_id.state")
    def _compute_is_blocked(self):
        for lead in self:
            lead.is_blocked = lead.blocking_reservation_id.state == "active"

    @api.depends(
        "commercial_partner_id.playbook_reservation_ids.state",
        "commercial_partner_id.playbook_reservation_ids.team_id",
        "product_id",
        "company_id",
    )
    def _compute_reservation_id(self):
        Reservation = self.env["crm.client.reservation"]
        for lead in self:
            lead.reservation_id = Reservation._find_active(
                lead.commercial_partner_id, lead.product_id, lead.company_id or self.env.company
            )

    @api.depends("is_blocked", "blocking_reservation_id")
    def _compute_blocked_message(self):
        for lead in self:
            reservation = lead.blocking_reservation_id
            lead.blocked_message = lead.is_blocked and self.env._(
                "Blocked: team %(team)s holds this client for %(product)s until %(date)s.",
                team=reservation.team_id.display_name,
                product=reservation.product_id.display_name,
                date=reservation.date_end,
            )

    def action_open_transfer(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Transfer to Team"),
            "res_model": "crm.lead.transfer",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "crm.lead", "active_ids": self.ids},
        }

    def _playbook_apply_reservation_rules(self):
        """Reservation rules for leads that name a client, a product and a team (PP-4, PP-5).

        A lead may not be opened for a client that another team holds (sales support may: the
        lead is then blocked); a connection lead must be a new sale and opens a reservation.
        """
        leads = self.filtered(
            lambda lead: (
                lead.commercial_partner_id
                and lead.product_id
                and lead.team_id
                and lead.work_status in ("new", "in_work", "blocked")
            )
        )
        if not leads:
            return
        # Users only read reservations; a connection lead opens one whoever creates it.
        # sudo: every reservation of the leads' companies decides the rule
        Reservation = self.env["crm.client.reservation"].sudo()
        held = Reservation.search(
            [
                ("state", "=", "active"),
                ("company_id", "in", (leads.company_id | leads.team_id.company_id | self.env.company).ids),
                ("partner_id", "in", leads.commercial_partner_id.ids),
                ("product_id", "in", leads.product_id.ids),
            ]
        ).grouped(lambda r: (r.company_id.id, r.partner_id.id, r.product_id.id))
        is_support = self.env.su or self.env.user._playbook_is_support()
        for lead in leads:
            company = lead.company_id or lead.team_id.company_id or self.env.company
            reservation = held.get(lead._playbook_reservation_key())
            if reservation and reservation.team_id != lead.team_id:
                if not is_support:
                    raise UserError(
                        self.env._(
                            "Lead %(lead)s: client %(client)s is reserved for %(product)s by team %(team)s "
                            "until %(date)s. Only sales support may open a lead for it.",
                            lead=lead.display_name,
                            client=lead.commercial_partner_id.display_name,
                            product=lead.product_id.display_name,
                            team=reservation.team_id.display_name,
                            date=reservation.date_end,
                        )
                    )
                if lead.blocking_reservation_id != reservation:
                    lead.sudo().blocking_reservation_id = reservation  # sudo: blocking is the reservation's doing
                continue
            if lead.deal_type == "connection":
                lead._playbook_check_new_sale()
                if not reservation:
                    days = company.playbook_reservation_days
                    Reservation._reserve(
                        lead.commercial_partner_id,
                        lead.product_id,
                        lead.team_id,
                        Reservation._default_period_end(days),
                        "connection_lead",
                        user=lead.user_id,
                        lead=lead,
                    )

    def _playbook_check_new_sale(self):
        """A connection lead is a new sale: never bought, or the last paid period ended long ago (PP-5)."""
        self.ensure_one()
        company = self.company_id or self.team_id.company_id or self.env.company
        last_end = self._playbook_last_paid_period_end(self.commercial_partner_id, self.product_id, company)
        months = company.playbook_new_sale_months
        limit = fields.Date.context_today(self) - relativedelta(months=months)
        if last_end and last_end > limit:
            raise ValidationError(
                self.env._(
                    "Lead %(lead)s cannot be a connection: %(client)s has paid for %(product)s until %(date)s, "
                    "less than %(months)s months ago. Create a renewal or an upsell lead instead.",
                    lead=self.display_name,
                    client=self.commercial_partner_id.display_name,
                    product=self.product_id.display_name,
                    date=last_end,
                    months=months,
                )
            )

    @api.model
    def _playbook_last_paid_period_end(self, partner, product, company):
        """End of the client's last paid period for the product: reservations and paid invoices."""
        return self._playbook_paid_period_ends([(company.id, partner.id, product.id)]).get(
            (company.id, partner.id, product.id), False
        )

    @api.model
    def _playbook_paid_period_ends(self, keys):
        """{(company id, client id, product id): end of the client's last paid period of the product, or False}.

        Paid reservations, paid invoice lines with a service period, and paid invoices without one (their date
        plus the company's paid period days): three queries for any number of keys."""
        keys = set(keys)
        if not keys:
            return {}
        companies, partners, products = (list({key[index] for key in keys}) for index in range(3))
        ends = {key: [] for key in keys}
        # sudo: the client's paid periods decide the rule, whoever may read the reservations and invoices
        su_env = self.sudo().env
        for company, partner, product, end in su_env["crm.client.reservation"]._read_group(
            [
                ("company_id", "in", companies),
                ("partner_id", "in", partners),
                ("product_id", "in", products),
                ("is_paid", "=", True),
            ],
            ["company_id", "partner_id", "product_id"],
            ["date_end:max"],
        ):
            ends.get((company.id, partner.id, product.id), []).append(end)
        lines = [
            ("company_id", "in", companies),
            ("product_id", "in", products),
            ("move_id.commercial_partner_id", "in", partners),
            ("move_id.move_type", "=", "out_invoice"),
            ("parent_state", "=", "posted"),
            ("move_id.payment_state", "in", ("paid", "in_payment")),
        ]
        Line = su_env["account.move.line"]
        groupby = ["company_id", "move_id", "product_id"]
        for company, move, product, end in Line._read_group(
            lines + [("service_period_end", "!=", False)], groupby, ["service_period_end:max"]
        ):
            ends.get((company.id, move.commercial_partner_id.id, product.id), []).append(end)
        for company, move, product, invoice_date in Line._read_group(
            lines + [("service_period_end", "=", False)], groupby, ["date:max"]
        ):
            end = invoice_date + timedelta(days=company.playbook_paid_period_days)
            ends.get((company.id, move.commercial_partner_id.id, product.id), []).append(end)
        return {key: max(filter(None, dates), default=False) for key, dates in ends.items()}

    def _playbook_deal_type_problems(self):
        """{lead: [why]}: every lead has a type (3.1, 4.1; PP-5, PP-13) and the product its type needs; a renewal
        continues a paid period of the product that is running or ended within the new-sale months (4.1.1, 4.1.2),
        an upsell adds to a paid period active now (4.1.3). Each refusal names the type that fits. The paid periods
        of the batch are read at once."""
        checked = self.filtered(
            lambda lead: (
                lead._playbook_deal_type_rule()["paid_period"] and lead.commercial_partner_id and lead.product_id
            )
        )
        ends = self._playbook_paid_period_ends([lead._playbook_reservation_key() for lead in checked])
        problems = {}
        for lead in self:
            why = lead._playbook_deal_type_problem(ends.get(lead._playbook_reservation_key(), False))
            if why:
                problems[lead] = [why]
        return problems

    def _playbook_deal_type_problem(self, last_end):
        """Why this lead's type does not fit, given the end of the client's last paid period, or False."""
        self.ensure_one()
        labels = dict(self._fields["deal_type"]._description_selection(self.env))
        if not self.deal_type:
            return self.env._(
                "Lead %(lead)s cannot leave New without a deal type: every lead is a %(types)s. Choose the one "
                "that fits.",
                lead=self.display_name,
                types=", ".join(labels.values()),
            )
        kind = self._playbook_deal_type_label()
        if self._playbook_deal_type_rule()["needs_product"] and not self.product_id:
            return self.env._(
                "Lead %(lead)s is a %(type)s lead: choose the product it is about before it leaves New.",
                lead=self.display_name,
                type=kind,
            )
        needs = self._playbook_deal_type_rule()["paid_period"]
        if not needs:
            return False
        if not self.commercial_partner_id:
            return self.env._(
                "Lead %(lead)s is a %(type)s lead: choose the client whose paid period of %(product)s it continues.",
                lead=self.display_name,
                type=kind,
                product=self.product_id.display_name,
            )
        company = self.company_id or self.team_id.company_id or self.env.company
        today = fields.Date.context_today(self)
        recent = bool(last_end) and last_end > today - relativedelta(months=company.playbook_new_sale_months)
        if needs == "recent" and not recent:
            fit = "connection"
        elif needs == "active" and not (last_end and last_end >= today):
            fit = "renewal" if recent else "connection"
        else:
            return False
        values = {
            "lead": self.display_name,
            "type": kind,
            "client": self.commercial_partner_id.display_name,
            "product": self.product_id.display_name,
            "date": last_end,
            "fit": labels[fit],
        }
        if needs == "recent" and not last_end:
            return self.env._(
                "Lead %(lead)s cannot be a %(type)s lead: %(client)s never had a paid period of %(product)s. "
                "Create a %(fit)s lead instead.",
                **values,
            )
        if needs == "recent":
            return self.env._(
                "Lead %(lead)s cannot be a %(type)s lead: the last paid period of %(client)s for %(product)s ended "
                "on %(date)s, more than %(months)s months ago, so it is a new sale. Create a %(fit)s lead instead.",
                months=company.playbook_new_sale_months,
                **values,
            )
        if not last_end:
            return self.env._(
                "Lead %(lead)s cannot be an %(type)s lead: %(client)s has no paid period of %(product)s. "
                "Create a %(fit)s lead instead.",
                **values,
            )
        return self.env._(
            "Lead %(lead)s cannot be an %(type)s lead: the paid period of %(client)s for %(product)s ended on "
            "%(date)s, an upsell needs one active now. Create a %(fit)s lead instead.",
            **values,
        )

    def _playbook_check_blocked_write(self, vals):
        """A blocked lead is read-only for its team; sales support still decides (PP-4, 3.6)."""
        if self.env.su or not set(vals) - BLOCKED_WRITABLE:
            return
        blocked = self.filtered("is_blocked")
        if blocked and not self.env.user._playbook_is_support():
            raise UserError(
                self.env._(
                    "Lead %(lead)s is read-only. %(reason)s",
                    lead=blocked[0].display_name,
                    reason=blocked[0].blocked_message,
                )
            )

    def _playbook_reopen_unblocked(self):
        """Clear the link of a lead whose blocking reservation ended, and say so on it (cron)."""
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "Reopened: the reservation of team %(team)s ended.",
                team=self.blocking_reservation_id.team_id.display_name,
            ),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        self.write({"blocking_reservation_id": False})

    def _playbook_transfer_to_team(self, team, reason, kind="manual"):
        """Move leads to another team under PP-7; return (moved leads, {lead: refusal}).

        Sales heads move the leads of their teams, sales support and CRM administrators any lead of their
        companies; the SLA escalation moves leads as the system.
        """
        if not (self.env.su or self.env.user._playbook_is_head()):
            raise AccessError(self.env._("Only sales heads and sales support may transfer leads to another team."))
        self.check_access("write")
        check_allowed_companies(self.env, team.company_id, team.display_name)
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the leads are transferred."))
        # The leads were checked writable above; users only read reservations.
        # sudo: the client's reservation decides the transfer and follows its lead to the new team
        held = (
            self.env["crm.client.reservation"]
            .sudo()
            .search(
                [
                    ("state", "=", "active"),
                    ("company_id", "in", (self.company_id | self.team_id.company_id).ids),
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("product_id", "in", self.product_id.ids),
                ]
            )
            .grouped(lambda r: (r.company_id.id, r.partner_id.id, r.product_id.id))
        )
        refused = {}
        for lead in self:
            reservation = held.get(lead._playbook_reservation_key())
            problem = lead._playbook_transfer_refusal(team, reservation)
            if problem:
                refused[lead] = problem
        moved = self - self.browse([lead.id for lead in refused])
        if not moved:
            return moved, refused
        # sudo: the transfer log is written by the transfer only; users read it
        self.env["crm.lead.team.transfer"].sudo().create(
            [lead._playbook_prepare_transfer_values(team, reason, kind) for lead in moved]
        )
        following = self.env["crm.client.reservation"].union(
            *(
                reservation
                for lead in moved
                if (reservation := held.get(lead._playbook_reservation_key())) and reservation.team_id == lead.team_id
            )
        )
        following.with_context(playbook_skip_blocking=True).write({"team_id": team.id, "user_id": False})
        body = self.env._("Transferred to team %(team)s: %(reason)s", team=team.display_name, reason=reason)
        moved._playbook_write_grouped(
            {lead.id: {"team_id": team.id, "user_id": False} for lead in moved}, dict.fromkeys(moved.ids, body)
        )
        moved._playbook_assign_hot()
        return moved, refused

    def _playbook_reservation_key(self):
        """(company, client, product): what a reservation holds, and how reservations are looked up."""
        self.ensure_one()
        company = self.company_id or self.team_id.company_id or self.env.company
        return company.id, self.commercial_partner_id.id, self.product_id.id

    def _playbook_transfer_refusal(self, team, reservation):
        """Why this lead may not move to the team, or False (PP-7)."""
        self.ensure_one()
        if self.team_id == team:
            return self.env._("it is already in team %(team)s", team=team.display_name)
        if team.company_id and self.company_id and team.company_id != self.company_id:
            return self.env._("team %(team)s belongs to another company", team=team.display_name)
        if self.work_status in ("won", "lost"):
            return self.env._("it is closed")
        if self.temperature == "cold":
            return self.env._("cold leads are never transferred")
        if team.playbook_excluded:
            return self.env._("team %(team)s is excluded from lead distribution", team=team.display_name)
        if reservation and reservation.is_paid and reservation.team_id == self.team_id:
            return self.env._(
                "the client is reserved for team %(team)s by an invoice or paid period until %(date)s",
                team=reservation.team_id.display_name,
                date=reservation.date_end,
            )
        return False

    def _playbook_prepare_transfer_values(self, team, reason, kind):
        self.ensure_one()
        return {
            "lead_id": self.id,
            "team_from_id": self.team_id.id,
            "team_to_id": team.id,
            "user_from_id": self.user_id.id,
            "reason": reason,
            "kind": kind,
            "date": self.env.cr.now(),
            "author_id": self.env.uid,
        }
