"""18.0.1.6.0 lets the company apply the playbook to every team.

The three per-team switches became "the team's own choice, or on when the company applies the playbook to
every team". The team's choice now lives in its own column: it is copied here from the switch before the
update adds the column, so no team loses what it chose.
"""

SWITCHES = ("playbook_assignment", "playbook_guards", "playbook_members_follow")


def migrate(cr, version):
    for switch in SWITCHES:
        cr.execute(f"ALTER TABLE crm_team ADD COLUMN IF NOT EXISTS {switch}_own boolean")
        cr.execute(f"UPDATE crm_team SET {switch}_own = {switch}")
