"""18.0.1.6.0: the changes an upgraded database needs, one small function each."""

from odoo import SUPERUSER_ID, api, fields


def record_existing_exclusions(env):
    """Teams excluded from distribution before sanctions were recorded get the sanction of their exclusion
    (PP-15), so that every exclusion has its record and lifting it goes through the sanction."""
    Sanction = env["crm.team.sanction"].with_context(playbook_sanction_sync=True)
    today = fields.Date.context_today(Sanction)
    teams = (
        env["crm.team"]
        .with_context(active_test=False)
        .search(["|", ("playbook_excluded_forever", "=", True), ("playbook_excluded_until", ">=", today)])
    )
    recorded = Sanction.search(
        [("team_id", "in", teams.ids), ("kind", "in", ("excluded_until", "excluded_forever"))]
    ).team_id
    reason = env._("Exclusion in force before sanctions were recorded.")
    for team in teams - recorded:
        if team.playbook_excluded_forever:
            Sanction._playbook_impose(team, "excluded_forever", reason, automatic=False, decided_by_id=False)
        else:
            day = team.playbook_excluded_until
            Sanction._playbook_impose(
                team,
                "excluded_until",
                reason,
                automatic=False,
                decided_by_id=False,
                date_from=min(today, day),
                date_to=day,
            )


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    record_existing_exclusions(env)
