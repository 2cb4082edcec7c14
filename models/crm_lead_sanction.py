"""A team banned from selling a product (Kontur 9.1.5, PP-17) neither receives nor creates leads for it.

The ban is a sanction in force (``crm.team.sanction``, kind "product_ban"). Creating or writing a lead of that
product in that team is refused (a constraint, so every path is covered: the form, an import, the API, a
transfer, Odoo's assignment); sales support may override with a reason, as for the other rules. The transfer
and the SLA escalation name the ban instead of failing, and Odoo's assignment leaves the banned team out.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @api.constrains("team_id", "product_id")
    def _check_playbook_product_ban(self):
        bans = self._playbook_product_bans(self.team_id, self.product_id)
        problems = []
        for lead in self:
            ban = bans.get((lead.team_id, lead.product_id))
            if ban and not lead._playbook_may_override("support"):
                problems.append(
                    self.env._(
                        "Lead %(lead)s cannot be in team %(team)s: the team may not sell %(product)s until "
                        "%(date)s (sanction: %(reason)s). Sales support may override with a reason.",
                        lead=lead.display_name,
                        team=lead.team_id.display_name,
                        product=lead.product_id.display_name,
                        date=fields.Date.to_string(ban.date_to),
                        reason=ban.reason,
                    )
                )
        if problems:
            raise UserError("\n".join(problems))

    @api.model
    def _playbook_product_bans(self, teams, products):
        """{(team, product): the ban in force today} for the given teams and products, in one query; none for
        teams that have no product ban at all (no query)."""
        teams = self._playbook_teams_with_bans(teams)
        if not teams or not products:
            return {}
        bans = self._playbook_bans_in_force(
            [("team_id", "in", teams.ids), ("product_id", "in", products.ids)], order="date_to, id"
        )
        # The latest end wins: ordered by end, the last one written is kept.
        return {(ban.team_id, ban.product_id): ban for ban in bans}

    @api.model
    def _playbook_banned_products(self, teams):
        """{team: products it may not sell today}, for the teams that have a ban in force."""
        teams = self._playbook_teams_with_bans(teams)
        if not teams:
            return {}
        bans = self._playbook_bans_in_force([("team_id", "in", teams.ids)])
        return {team: team_bans.product_id for team, team_bans in bans.grouped("team_id").items()}

    def _playbook_banned_team_ids(self):
        """The teams that may not sell this lead's product today: the SLA escalation passes them over."""
        self.ensure_one()
        if not self.product_id or not self.env["crm.team.sanction"]._playbook_banning_team_ids():
            return []  # no team has a product ban: no lookup for each lead the escalation moves
        return self._playbook_bans_in_force([("product_id", "=", self.product_id.id)]).team_id.ids

    @api.model
    def _playbook_teams_with_bans(self, teams):
        """Those of ``teams`` that have a product ban of any date (kept per worker): the others need no lookup."""
        banning = set(self.env["crm.team.sanction"]._playbook_banning_team_ids())
        return teams.filtered(lambda team: team.id in banning)

    @api.model
    def _playbook_bans_in_force(self, domain, order=None):
        """The product bans in force today that match ``domain``."""
        Sanction = self.env["crm.team.sanction"].sudo()  # sudo: a ban binds the team, whoever may read sanctions
        return Sanction.search([("kind", "=", "product_ban"), ("in_force", "=", True), *domain], order=order)

    def _playbook_transfer_refusal(self, team, reservation):
        """A lead does not move to a team banned from selling its product (PP-17), unless sales support
        overrides with a reason."""
        problem = super()._playbook_transfer_refusal(team, reservation)
        if problem or not self.product_id:
            return problem
        ban = self._playbook_product_bans(team, self.product_id).get((team, self.product_id))
        if ban and not self._playbook_may_override("support"):
            return self.env._(
                "team %(team)s may not sell %(product)s until %(date)s",
                team=team.display_name,
                product=self.product_id.display_name,
                date=fields.Date.to_string(ban.date_to),
            )
        return False
