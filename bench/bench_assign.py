#!/usr/bin/env python3
"""Benchmark of lead assignment and planning on a real database.

    python3 bench/bench_assign.py --db ADDON_DB --stock-db STOCK_DB [--leads 2000] [--members 10]
        [--hot 300] [odoo options such as --addons-path=...]

(a) Giving LEADS waiting leads of one team to MEMBERS members: the playbook's assignment by working
    time and load, against stock Odoo's ``_assign_and_convert_leads`` on the same data in a stock
    database (best of three runs each): time and queries per lead, and the ratio.
(b) Planning LEADS warm and cold leads over 20 working days for MEMBERS salespeople (planned day,
    salesperson and call activity per lead), against stock Odoo doing the same with its own tools:
    writing the salesperson and scheduling a call activity on each lead.
(c) Creating HOT hot leads one request at a time in a team that assigns by working time and is told
    at once (assignment, email, in-app notice), against stock Odoo creating the same leads.
Every measurement runs in a transaction that is rolled back; the clock is pinned to a Monday at 11:00
in Moscow so that the team is at work. bench/run_bench.sh prepares the databases.
"""

import sys
import threading
import time
from datetime import date, datetime
from unittest.mock import patch

import odoo

from bench_common import environment, parser_for, rolled_back

MONDAY_1100_MSK = datetime(2026, 11, 23, 8, 0)


def setup_team(env, members, addon):
    users = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Bench seller {n}",
                    "login": f"bench_seller_{n}",
                    "groups_id": [(6, 0, env.ref("sales_team.group_sale_salesman").ids)],
                }
                for n in range(members)
            ]
        )
    )
    values = {
        "name": "Bench team",
        "use_leads": True,
        "crm_team_member_ids": [(0, 0, {"user_id": user.id, "assignment_max": 30000}) for user in users],
    }
    if addon:
        values.update({"tz": "Europe/Moscow", "playbook_assignment": True})
    return env["crm.team"].create(values), users


def waiting_leads(env, team, count, addon):
    rows = [{"name": f"Waiting {n}", "type": "lead", "team_id": team.id, "user_id": False} for n in range(count)]
    if addon:
        for n, row in enumerate(rows):
            row["temperature"] = ("warm", "cold")[n % 2]
    return env["crm.lead"].with_context(playbook_no_dedup=True).create(rows)


def timed(env, function):
    env.flush_all()
    before = odoo.sql_db.sql_counter
    start = time.perf_counter()
    result = function()
    env.flush_all()
    return result, time.perf_counter() - start, odoo.sql_db.sql_counter - before


def measure_assign(registry, count, members, addon):
    with rolled_back(registry) as env, patch.object(env.cr, "now", lambda: MONDAY_1100_MSK):
        team, _users = setup_team(env, members, addon)
        waiting_leads(env, team, count, addon)
        engine = team._playbook_assign_leads if addon else team._assign_and_convert_leads
        result, seconds, queries = timed(env, lambda: engine(force_quota=True))
        assigned = sum(len(data["assigned"]) for data in result.values())
        assert assigned == count, f"{assigned} of {count} leads assigned"
        return seconds / count, queries / count


def measure_plan(registry, count, members, addon):
    with rolled_back(registry) as env, patch.object(env.cr, "now", lambda: MONDAY_1100_MSK):
        team, users = setup_team(env, members, addon)
        leads = waiting_leads(env, team, count, addon)
        if addon:

            def plan():
                return leads._playbook_distribute_over_period(date(2026, 11, 23), date(2026, 12, 18), users, team)
        else:

            def plan():
                for index, lead in enumerate(leads):
                    lead.user_id = users[index % len(users)]
                    lead.activity_schedule(
                        "mail.mail_activity_data_call", date_deadline=date(2026, 11, 23), user_id=lead.user_id.id
                    )

        _result, seconds, queries = timed(env, plan)
        return seconds / count, queries / count


def measure_hot(registry, count, members, addon):
    with rolled_back(registry) as env, patch.object(env.cr, "now", lambda: MONDAY_1100_MSK):
        team, _users = setup_team(env, members, addon)
        if addon:
            team.write({"playbook_notify_email": "bench-team@example.com", "playbook_members_follow": True})

        def create():
            Lead = env["crm.lead"].with_context(playbook_no_dedup=True)
            for n in range(count):
                Lead.create(
                    {
                        "name": f"Hot {n}",
                        "type": "lead",
                        "team_id": team.id,
                        "user_id": False,
                        **({"temperature": "hot"} if addon else {}),
                    }
                )

        _result, seconds, queries = timed(env, create)
        if addon:
            assert env["crm.lead"].search_count([("team_id", "=", team.id), ("user_id", "=", False)]) == 0
        return seconds / count, queries / count


def best(measure, registry, *args):
    return min(measure(registry, *args) for _round in range(3))


def report(label, addon, stock):
    line = f"{label}: addon {addon[0] * 1000:.2f} ms/lead ({addon[1]:.2f} queries)"
    if stock:
        line += (
            f", stock Odoo {stock[0] * 1000:.2f} ms/lead ({stock[1]:.2f} queries): addon / stock = "
            f"{addon[0] / stock[0]:.2f}"
        )
    print(line)


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--leads", type=int, default=2000)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--hot", type=int, default=300)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args + ["--log-level=warn"])
    threading.current_thread().testing = True  # stock assignment commits per bundle otherwise
    registry = odoo.modules.registry.Registry(args.db)
    environment(registry).cr.close()
    stock_registry = odoo.modules.registry.Registry(args.stock_db) if args.stock_db else None
    for label, measure, count in (
        (f"(a) assigning {args.leads} waiting leads to {args.members} members", measure_assign, args.leads),
        (f"(b) planning {args.leads} leads over 20 working days", measure_plan, args.leads),
        (f"(c) {args.hot} hot leads created one by one, assigned and announced", measure_hot, args.hot),
    ):
        addon = best(measure, registry, count, args.members, True)
        stock = best(measure, stock_registry, count, args.members, False) if stock_registry else None
        report(label, addon, stock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
