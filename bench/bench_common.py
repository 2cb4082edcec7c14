"""Helpers shared by the benchmarks: environments on a registry, and SQL copies of ORM records."""

import argparse
from contextlib import contextmanager

from odoo import SUPERUSER_ID, api


def clone_sql(env, table, overrides):
    """INSERT ... SELECT copying a template row, with some columns replaced by SQL expressions."""
    env.cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name != 'id'", [table]
    )
    columns = [row[0] for row in env.cr.fetchall()]
    select = [overrides.get(column, f't."{column}"') for column in columns]
    return (
        f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
        f'SELECT {", ".join(select)} FROM "{table}" t, seq WHERE t.id = %(template)s'
    )


def environment(registry):
    cr = registry.cursor()
    return api.Environment(
        cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}
    )


@contextmanager
def rolled_back(registry):
    """An environment whose transaction is rolled back afterwards: every run sees the same data."""
    env = environment(registry)
    try:
        yield env
    finally:
        env.cr.rollback()
        env.cr.close()


def parser_for(doc):
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="database with crm_sales_playbook installed")
    parser.add_argument("--stock-db", help="database with stock Odoo CRM, measured in the same run")
    return parser
