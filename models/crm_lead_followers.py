"""The team's followers follow its new leads: in one go for a batch, and without an email per new lead (PP-2, PP-6).

Odoo makes the followers of a lead's team followers of the lead as it creates it, one lead at a time (a lookup
and an insert for each), and the creation message then emails the followers who chose *Opportunity Created*.
In a team whose members follow it (``playbook_members_follow``), the playbook tells the team itself: a hot lead
is announced at once and the others come in the daily digest (seed 004, 5.2). So for those teams the
subscription is deferred during the create (``_message_auto_subscribe`` leaves the team out) and done once per
team for the whole batch afterwards, with the subtypes Odoo would give: the followers follow each new lead, and
the creation message, posted before, emails nobody about it. Other teams keep Odoo's behaviour.
"""

from contextlib import contextmanager

from odoo import models

DEFERRED = "crm_sales_playbook.deferred_team_followers"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    @contextmanager
    def _playbook_deferred_team_followers(self, vals_list):
        """Within the block, the new leads of teams whose members follow them get their followers afterwards."""
        if self.env.context.get("tracking_disable"):
            yield
            return
        team_ids = {vals.get("team_id") or self.env.context.get("default_team_id") for vals in vals_list} - {
            False,
            None,
        }
        teams = self.env["crm.team"].browse(sorted(team_ids)).filtered("playbook_members_follow")
        if not teams:
            yield
            return
        cache = self.env.cr.cache
        outer = cache.get(DEFERRED)
        cache[DEFERRED] = deferred = {"teams": set(teams.ids), "leads": {}}
        try:
            yield
        finally:
            if outer is None:
                cache.pop(DEFERRED, None)
            else:
                cache[DEFERRED] = outer
        self._playbook_subscribe_team_followers(deferred["leads"])

    def _message_auto_subscribe(self, updated_values, followers_existing_policy="skip"):
        deferred = self.env.cr.cache.get(DEFERRED)
        if deferred and updated_values.get("team_id") in deferred["teams"]:
            updated_values = dict(updated_values)
            team_id = updated_values.pop("team_id")
            deferred["leads"].setdefault(team_id, []).extend(self.ids)
        return super()._message_auto_subscribe(updated_values, followers_existing_policy=followers_existing_policy)

    def _playbook_subscribe_team_followers(self, leads_by_team):
        """Make the followers of each team follow its new leads, as Odoo's auto-subscription does, per team."""
        if not leads_by_team:
            return
        Subtype = self.env["mail.message.subtype"]
        child_ids, _defaults, internal_ids, parent, _relation = Subtype._get_auto_subscription_subtypes(self._name)
        Followers = self.env["mail.followers"]
        rows = Followers._get_subscription_data(
            [("crm.team", list(leads_by_team))], None, include_pshare=True, include_active=True
        )
        by_team = {}
        for _follower, team_id, partner_id, subtype_ids, shared, active in rows:
            if not partner_id or not active:
                continue  # as Odoo: only active partners follow
            subtypes = {parent[sid] for sid in subtype_ids if parent.get(sid)}
            subtypes |= {sid for sid in subtype_ids if sid not in parent and sid in child_ids}
            if shared:
                subtypes -= set(internal_ids)
            by_team.setdefault(team_id, {})[partner_id] = subtypes
        for team_id, lead_ids in leads_by_team.items():
            partner_subtypes = by_team.get(team_id)
            if partner_subtypes:
                Followers._insert_followers(
                    self._name,
                    lead_ids,
                    list(partner_subtypes),
                    subtypes=partner_subtypes,
                    check_existing=True,
                    existing_policy="update",
                )
