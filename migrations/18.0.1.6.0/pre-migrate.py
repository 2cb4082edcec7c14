"""18.0.1.6.0 lets the company apply the playbook to every team.

The three per-team switches became "the team's own choice, or on when the company applies the playbook to
every team". The team's choice now lives in its own column: it is copied here from the switch before the
update adds the column, so no team loses what it chose.
"""

from odoo.tools import SQL

SWITCHES = ("playbook_assignment", "playbook_guards", "playbook_members_follow")


def migrate(cr, version):
    for switch in SWITCHES:
        own = SQL.identifier(switch + "_own")
        cr.execute(SQL("ALTER TABLE crm_team ADD COLUMN IF NOT EXISTS %s boolean", own))
        cr.execute(SQL("UPDATE crm_team SET %s = %s", own, SQL.identifier(switch)))
