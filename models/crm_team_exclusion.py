"""A team under sanctions (PP-15, PP-17): its exclusion from distribution follows its sanctions in force, every
exclusion written on the team is recorded as a sanction, and a team banned from selling a product receives no
lead for it from Odoo's assignment."""

from ast import literal_eval

from odoo import fields, models
from odoo.osv import expression

from .crm_team_sanction import EXCLUSIONS, IN_FORCE, SYNC

EXCLUSION_FIELDS = {"playbook_excluded_until", "playbook_excluded_forever"}


class CrmTeam(models.Model):
    _inherit = "crm.team"

    # Sanctions
    playbook_sanction_count = fields.Integer(string="Sanctions", compute="_compute_playbook_sanction_count")

    def _compute_playbook_sanction_count(self):
        Sanction = self.env["crm.team.sanction"]
        if not Sanction.has_access("read"):
            self.playbook_sanction_count = 0
            return
        counts = dict(Sanction._read_group([("team_id", "in", self.ids)], ["team_id"], ["__count"]))
        for team in self:
            team.playbook_sanction_count = counts.get(team, 0)

    def write(self, vals):
        if self.env.context.get(SYNC) or not EXCLUSION_FIELDS & set(vals):
            return super().write(vals)
        before = {team.id: (team.playbook_excluded_until, team.playbook_excluded_forever) for team in self}
        result = super().write(vals)
        self._playbook_record_exclusion_writes(before)
        return result

    def action_open_playbook_sanctions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_sales_playbook.crm_team_sanction_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id}
        return action

    def _playbook_record_exclusion_writes(self, before):
        """An exclusion written on the team itself (Exclude for Good, Lift, an administrator, an import) is
        recorded as a sanction, or lifts the sanctions it ends: every exclusion has its record (PP-15).

        ``before`` maps team ids to their (excluded until, excluded for good) before the write.
        """
        Sanction = self.env["crm.team.sanction"].sudo()  # sudo: the team's exclusion records are the playbook's
        in_force = Sanction.search([("team_id", "in", self.ids), ("kind", "in", EXCLUSIONS), ("state", "in", IN_FORCE)])
        today = fields.Date.context_today(self)
        lifted = Sanction
        imposed = []
        for team in self:
            until, forever = before[team.id]
            mine = in_force.filtered(lambda sanction, team=team: sanction.team_id == team)
            if team.playbook_excluded_forever != forever:
                if team.playbook_excluded_forever:
                    imposed.append((team, "excluded_forever", {}))
                else:
                    lifted |= mine.filtered(lambda sanction: sanction.kind == "excluded_forever")
            if team.playbook_excluded_until != until:
                lifted |= mine.filtered(lambda sanction: sanction.kind == "excluded_until")
                if team.playbook_excluded_until:
                    day = team.playbook_excluded_until
                    imposed.append((team, "excluded_until", {"date_from": min(today, day), "date_to": day}))
        lifted.with_context(**{SYNC: True}).write({"state": "lifted", "ended_on": today})
        for team, kind, values in imposed:
            reason = (
                self.env._("Excluded from lead distribution for good on the team.")
                if kind == "excluded_forever"
                else self.env._("Excluded from lead distribution until %(date)s on the team.", date=values["date_to"])
            )
            Sanction.with_context(**{SYNC: True})._playbook_impose(team, kind, reason, automatic=False, **values)
        self._playbook_sync_exclusion()

    def _playbook_sync_exclusion(self):
        """The team's exclusion is what its exclusion sanctions in force say: for good if one says so, else until
        the latest day of those until a date (PP-15)."""
        if not self:
            return
        # sudo: the sanctions decide the exclusion, whoever may read them
        sanctions = (
            self.env["crm.team.sanction"]
            .sudo()
            .search([("team_id", "in", self.ids), ("kind", "in", EXCLUSIONS), ("state", "in", IN_FORCE)])
            .grouped("team_id")
        )
        for team in self:
            mine = sanctions.get(team, [])
            forever = any(sanction.kind == "excluded_forever" for sanction in mine)
            until = max((s.date_to for s in mine if s.kind == "excluded_until"), default=False)
            if (team.playbook_excluded_forever, team.playbook_excluded_until) != (forever, until):
                # sudo: the exclusion follows the sanction that sales support or the rule decided
                team.sudo().with_context(**{SYNC: True}).write(
                    {"playbook_excluded_forever": forever, "playbook_excluded_until": until}
                )

    def _allocate_leads(self, creation_delta_days=7):
        """Odoo's assignment gives a team banned from selling a product none of that product's leads (PP-17).

        Odoo picks each team's leads by the team's assignment domain; for the time of the assignment, the
        domain of a banned team also leaves out the banned products. Nothing is written to the team.
        """
        bans = self.env["crm.lead"]._playbook_banned_products(self)
        if not bans:
            return super()._allocate_leads(creation_delta_days=creation_delta_days)
        field = self._fields["assignment_domain"]
        for team, products in bans.items():
            domain = expression.AND(
                [literal_eval(team.assignment_domain or "[]"), [("product_id", "not in", products.ids)]]
            )
            self.env.cache.set(team, field, repr(domain))
        try:
            return super()._allocate_leads(creation_delta_days=creation_delta_days)
        finally:
            self.invalidate_recordset(["assignment_domain"])
