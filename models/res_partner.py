from odoo import api, fields, models
from odoo.exceptions import UserError


class ResPartner(models.Model):
    _inherit = "res.partner"

    playbook_reservation_ids = fields.One2many(
        "crm.client.reservation", "partner_id", string="Reservations")
    playbook_reservation_count = fields.Integer(
        string="Reservation Count", compute="_compute_playbook_reservations")
    playbook_reservation_label = fields.Char(
        string="Reserved By", compute="_compute_playbook_reservations",
        help="Teams that hold this client now, and until when.")

    @api.depends("playbook_reservation_ids.state", "playbook_reservation_ids.date_end")
    def _compute_playbook_reservations(self):
        Reservation = self.env["crm.client.reservation"].sudo()
        partners = self.commercial_partner_id
        counts = dict(Reservation._read_group(
            [("partner_id", "in", partners.ids)], ["partner_id"], ["__count"]))
        active = Reservation.search([("partner_id", "in", partners.ids), ("state", "=", "active")],
                                    order="date_end").grouped("partner_id")
        for partner in self:
            company = partner.commercial_partner_id
            partner.playbook_reservation_count = counts.get(company, 0)
            partner.playbook_reservation_label = "; ".join(
                self.env._("Reserved by %(team)s until %(date)s (%(product)s)", team=r.team_id.display_name,
                           date=r.date_end, product=r.product_id.display_name)
                for r in active.get(company, [])
            ) or False

    def action_view_playbook_reservations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_client_reservation_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id, "search_default_active": 0}
        return action

    def _transfer_client_to_team(self, team, reason):
        """Sales support moves a client with all its open leads and active reservations (PP-15)."""
        if not (self.env.su or self.env.user.has_group("crm_sales_playbook.group_crm_sales_playbook_support")):
            raise UserError(self.env._("Only sales support may move a client to another team."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the client is moved."))
        clients = self.commercial_partner_id
        leads = self.env["crm.lead"].sudo().search([
            ("commercial_partner_id", "in", clients.ids),
            ("work_status", "in", ("new", "in_work", "blocked")),
            ("team_id", "!=", team.id),
        ])
        reservations = self.env["crm.client.reservation"].sudo().search([
            ("partner_id", "in", clients.ids), ("state", "=", "active"), ("team_id", "!=", team.id),
        ])
        reservations.with_context(playbook_skip_blocking=True).write({"team_id": team.id, "user_id": False})
        if leads:
            self.env["crm.lead.team.transfer"].sudo().create([
                lead._prepare_transfer_values(team, reason, "client") for lead in leads])
            leads.write({"team_id": team.id, "user_id": False, "blocking_reservation_id": False})
            for lead in leads:
                lead.message_post(
                    body=self.env._("The client was moved to team %(team)s: %(reason)s",
                                    team=team.display_name, reason=reason),
                    message_type="notification", subtype_xmlid="mail.mt_note")
        for client in clients:
            client.message_post(body=self.env._(
                "Client moved to team %(team)s with %(leads)s open leads and %(reservations)s reservations: "
                "%(reason)s", team=team.display_name, leads=len(leads.filtered(
                    lambda lead, c=client: lead.commercial_partner_id == c)),
                reservations=len(reservations.filtered(lambda r, c=client: r.partner_id == c)), reason=reason))
        return leads, reservations
