#!/usr/bin/env python3
"""Benchmark of response deadlines and their escalation on a real database.

    python3 bench/bench_sla.py --db ADDON_DB --stock-db STOCK_DB [--open 100000] [--late-share 0.02]
        [--escalate 200] [--create 10000] [odoo options such as --addons-path=...]

(a) On OPEN open leads of mixed temperatures, LATE-SHARE of them past their deadline (filled by SQL
    copies of one ORM lead): time and queries of the escalation search, and its query plan.
(b) Escalating ESCALATE breached leads with the cron: queries and time per escalated lead.
(c) Creating CREATE new leads in one ``create`` batch with response deadlines on, off, and on a
    stock Odoo database (best of three runs each): time per lead and the ratios.
Every measurement runs in a transaction that is rolled back. bench/run_bench.sh prepares the databases.
"""

import sys
import threading
import time

import odoo
from odoo import fields
from odoo.tools import SQL

from bench_common import clone_sql, environment, parser_for, rolled_back


def fill(env, total, late_share):
    env.cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'SLA bench %%'")
    have = env.cr.fetchone()[0]
    if have >= total:
        return
    team = env.ref("sales_team.team_sales_department")
    template = env["crm.lead"].create(
        {"name": "SLA bench template", "type": "opportunity", "team_id": team.id, "temperature": "hot"}
    )
    env.flush_all()
    policies = {t: env.ref(f"crm_sales_playbook.crm_sla_policy_{t}").id for t in ("hot", "warm", "cold")}
    late_every = max(int(round(1 / late_share)), 1)
    seq = f"WITH seq AS (SELECT generate_series({have}, {total} - 1) AS n) "
    env.cr.execute(
        seq
        + clone_sql(
            env,
            "crm_lead",
            {
                "name": "'SLA bench ' || n",
                "temperature": "(ARRAY['hot', 'warm', 'cold'])[n %% 3 + 1]",
                "sla_policy_id": f"(ARRAY[{policies['hot']}, {policies['warm']}, {policies['cold']}])[n %% 3 + 1]",
                "sla_status": "'running'",
                "work_status": "'new'",
                "sla_stopped_at": "NULL",
                "sla_escalated": "false",
                "date_received": "now() at time zone 'UTC' - interval '1 hour'",
                "sla_deadline": f"CASE WHEN n %% {late_every} = 0 "
                "THEN (now() at time zone 'UTC') - interval '30 minutes' "
                "ELSE (now() at time zone 'UTC') + (n %% 500 + 1) * interval '1 hour' END",
            },
        ),
        {"template": template.id},
    )
    env.cr.execute("ANALYZE crm_lead")
    env.cr.commit()


def measure_search(registry):
    with rolled_back(registry) as env:
        domain = [("sla_status", "=", "running"), ("sla_deadline", "<", fields.Datetime.now())]
        Lead = env["crm.lead"]
        before = odoo.sql_db.sql_counter
        start = time.perf_counter()
        found = Lead.search(domain, order="sla_deadline, id")
        seconds = time.perf_counter() - start
        queries = odoo.sql_db.sql_counter - before
        query = Lead._search(domain, order="sla_deadline, id")
        env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF) %s", query.select()))
        plan = "\n".join(row[0] for row in env.cr.fetchall())
        return len(found), seconds, queries, plan


def measure_escalation(registry, count):
    thread = threading.current_thread()
    thread.testing = True  # no commit per batch: the measurement is rolled back
    try:
        with rolled_back(registry) as env:
            before = odoo.sql_db.sql_counter
            start = time.perf_counter()
            escalated = env["crm.lead"]._cron_escalate_sla(batch_size=count)
            env.flush_all()
            seconds = time.perf_counter() - start
            queries = odoo.sql_db.sql_counter - before
            return len(escalated), seconds / max(len(escalated), 1), queries / max(len(escalated), 1)
    finally:
        thread.testing = False


def measure_create(registry, count, addon, sla):
    with rolled_back(registry) as env:
        team = env.ref("sales_team.team_sales_department")
        if addon:
            env.company.playbook_sla = sla
        temperatures = ["hot", "warm", "cold"]
        rows = [
            {
                "name": f"New {n}",
                "type": "opportunity",
                "team_id": team.id,
                **({"temperature": temperatures[n % 3]} if addon else {}),
            }
            for n in range(count)
        ]
        before = odoo.sql_db.sql_counter
        start = time.perf_counter()
        env["crm.lead"].with_context(playbook_no_dedup=True).create(rows)
        env.flush_all()
        seconds = time.perf_counter() - start
        return seconds / count, (odoo.sql_db.sql_counter - before) / count


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--open", type=int, default=100000)
    parser.add_argument("--late-share", type=float, default=0.02)
    parser.add_argument("--escalate", type=int, default=200)
    parser.add_argument("--create", type=int, default=10000)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args + ["--log-level=warn"])
    registry = odoo.modules.registry.Registry(args.db)
    env = environment(registry)
    fill(env, args.open, args.late_share)
    env.cr.close()

    found, seconds, queries, plan = measure_search(registry)
    print(f"(a) {found} breached of {args.open} open leads found in {seconds * 1000:.1f} ms, {queries} queries")
    print(plan)
    escalated, per_lead, per_lead_queries = measure_escalation(registry, args.escalate)
    print(f"(b) {escalated} leads escalated: {per_lead * 1000:.1f} ms and {per_lead_queries:.1f} queries per lead")
    runs = {True: [], False: []}
    for _round in range(3):  # alternate, keep the best of three: the first runs warm the caches
        for sla in (True, False):
            runs[sla].append(measure_create(registry, args.create, True, sla))
    on, off = min(runs[True]), min(runs[False])
    print(
        f"(c) {args.create} leads in one create: deadlines on {on[0] * 1000:.2f} ms/lead ({on[1]:.2f} queries), "
        f"off {off[0] * 1000:.2f} ms/lead ({off[1]:.2f} queries): on / off = {on[0] / off[0]:.2f}"
    )
    if args.stock_db:
        stock_registry = odoo.modules.registry.Registry(args.stock_db)
        stock = min(measure_create(stock_registry, args.create, False, False) for _round in range(3))
        print(
            f"    stock Odoo {stock[0] * 1000:.2f} ms/lead ({stock[1]:.2f} queries): "
            f"addon with deadlines / stock = {on[0] / stock[0]:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
