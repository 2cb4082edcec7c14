"""18.0.1.7.0: safe and fast under real load (issue 19). One small function per change."""

from odoo import SUPERUSER_ID, api


def members_follow_discussions_only(env):
    """Members of teams whose members follow them were subscribed with Odoo's default team subtypes, so each
    new lead and each stage change emailed all of them (PP-2). They now follow the team's discussions only; a
    member's own extra choices (won, lost) are kept."""
    teams = env["crm.team"].with_context(active_test=False).search([("playbook_members_follow", "=", True)])
    dropped = env.ref("crm.mt_salesteam_lead") | env.ref("crm.mt_salesteam_lead_stage")
    for team in teams:
        members = team.crm_team_member_ids.user_id.partner_id
        followers = team.message_follower_ids.filtered(lambda f, members=members: f.partner_id in members)
        for follower in followers.filtered(lambda f: f.subtype_ids & dropped):
            follower.subtype_ids = follower.subtype_ids - dropped | env.ref("mail.mt_comment")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    members_follow_discussions_only(env)
