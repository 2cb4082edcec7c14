from odoo import api, models

from . import roles

# Where a role lands when it logs in: the records of its day, never the CRM's sample pipeline. First match wins.
HOME_ACTIONS = (
    (roles.OPERATOR, "crm_sales_playbook.crm_inbound_contact_action"),
    (roles.LEGAL, "crm_sales_playbook.crm_customer_claim_action_to_review"),
)


class ResUsers(models.Model):
    """One answer to each role question of the playbook (X-SEC); CRM administrators hold every role.

    The predicates read the user's groups only: whether the caller acts as the system (``env.su``) is the
    caller's question, asked where the check is made.
    """

    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        users._playbook_set_home_action()
        return users

    def write(self, vals):
        result = super().write(vals)
        if any(key == "groups_id" or key.startswith(("in_group_", "sel_groups_")) for key in vals):
            self._playbook_set_home_action()
        return result

    def _playbook_set_home_action(self):
        """Give operators and the legal department their landing page with their role (``HOME_ACTIONS``); a
        home action already chosen for the user stays."""
        for user in self.filtered(lambda user: not user.action_id and not user.share):
            xmlid = next((xmlid for group, xmlid in HOME_ACTIONS if user.has_group(group)), None)
            action = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
            if action:
                user.action_id = action.id

    def _playbook_is_crm_admin(self):
        """Sales / Administrator: configures the CRM and may do every playbook action in its companies."""
        self.ensure_one()
        return self._is_superuser() or self.has_group(roles.CRM_ADMIN)

    def _playbook_is_support(self):
        """Sales support (the central distributors above the teams), or a CRM administrator."""
        self.ensure_one()
        return self._playbook_is_crm_admin() or self.has_group(roles.SUPPORT)

    def _playbook_is_head(self):
        """A sales head (deputy director) of the teams it leads or belongs to; support and admins above."""
        self.ensure_one()
        return self._playbook_is_crm_admin() or self.has_group(roles.HEAD)

    def _playbook_is_operator(self):
        """A call-center operator (secretary): registers calls and letters, makes quality calls."""
        self.ensure_one()
        return self.has_group(roles.OPERATOR)

    def _playbook_is_legal(self):
        """The legal department, which evaluates claims; CRM administrators stand in for it."""
        self.ensure_one()
        return self._playbook_is_crm_admin() or self.has_group(roles.LEGAL)

    def _playbook_is_execution(self):
        """The execution department, which carries out confirmed orders; its head included."""
        self.ensure_one()
        return self._playbook_is_crm_admin() or self.has_group(roles.EXECUTION)

    def _playbook_is_execution_head(self):
        """The head of the execution department: sees and takes every order handed to execution."""
        self.ensure_one()
        return self._playbook_is_crm_admin() or self.has_group(roles.EXECUTION_HEAD)

    def _playbook_managed_teams(self):
        """The teams whose leads this user directs, inside the companies it works in (``env.companies``).

        Sales support and CRM administrators direct every team; a sales head the teams it leads or belongs
        to; anyone else none.
        """
        self.ensure_one()
        Team = self.env["crm.team"].sudo()  # sudo: the teams are listed to answer a role question, not shown
        companies = [False] + self.env.companies.ids
        if self._playbook_is_support():
            return Team.search([("company_id", "in", companies)])
        if self._playbook_is_head():
            return Team.search(
                [
                    ("company_id", "in", companies),
                    "|",
                    ("user_id", "=", self.id),
                    ("crm_team_member_ids.user_id", "=", self.id),
                ]
            )
        return Team

    def _playbook_assignable_users(self):
        """Who this user may give leads to: the active members and leaders of the teams it directs."""
        self.ensure_one()
        teams = self._playbook_managed_teams()
        return (teams.crm_team_member_ids.user_id | teams.user_id).filtered(lambda user: user.active and not user.share)

    @api.model
    def _playbook_users_of(self, group_xmlid, company=None):
        """The active users of a playbook group, of ``company`` when given: who to tell or give work to."""
        # By id: ``env.ref`` would read the group to check it exists, at every call.
        group_id = self.env["ir.model.data"]._xmlid_to_res_id(group_xmlid, raise_if_not_found=True)
        group = self.env["res.groups"].browse(group_id).sudo()  # sudo: membership is read to find recipients
        return group.users.filtered(lambda user: user.active and (not company or company in user.company_ids))
