#!/usr/bin/env python3
"""Benchmark of everyday intake and the pipeline kanban, against stock Odoo in the same process.

    python3 bench/bench_pipeline.py --db ADDON_DB --stock-db STOCK_DB [--rounds 9] [--batch 100]
        [--hot 20] [odoo options such as --addons-path=...]

One Odoo process opens both registries. The addon database has *Apply the Playbook to Every Team* on, so the
playbook really runs. Every figure is the CPU time of this process (``time.process_time``) and the queries sent
(``odoo.sql_db.sql_counter``), the median of ROUNDS interleaved rounds (stock, addon, stock, addon...), each in
a transaction rolled back afterwards, run as a salesperson (Odoo's salesman group, plus the playbook's
salesperson group in the addon database) with the default context: tracking on.

(a) Creating BATCH leads in one ``create``, with a client (a partner, or an email and a phone), the team, and a
    source and medium from which the addon derives the temperature and the response deadline. The commit's
    precommit work (tracking messages) is measured too. Target: addon <= 1.05x stock, +0.1 queries a lead.
(b) The CRM pipeline kanban: ``web_search_read`` of 80 cards with the field specification the web client
    builds from the kanban arch of ``get_views``, and ``web_read_group`` of its stage columns.
    Target: addon <= 1.10x stock, no more queries.
(c) In the addon database, HOT hot leads registered by a call-centre operator one request at a time (one
    create each, which flags the lead and wakes the hot-lead job) against as many warm leads created the same
    way. Target: hot <= 1.3x warm. The job that then gives each hot lead to a member at work and announces it,
    right after the commit and outside the request, is measured too and shown on its own line.

bench/run_bench.sh prepares both databases; this script adds its own users, team, clients and leads the first
time it runs on a database (committed, marked by the login ``bench_pipeline_seller``).
"""

import statistics
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from lxml import etree

import odoo
from odoo import SUPERUSER_ID, api

from bench_common import parser_for

LOGIN = "bench_pipeline_seller"
OPERATOR = "bench_pipeline_operator"
PIPELINE_LEADS = 240
MONDAY_1100_MSK = datetime(2026, 11, 23, 8, 0)
JOB_COST = []  # (CPU seconds, queries) per hot lead of the job that deals hot leads out, per round
USER_CONTEXT = {"lang": "en_US", "tz": "Europe/Moscow"}


def superuser_env(cr, addon):
    return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "playbook_no_dedup": True})


def prepare(registry, addon):
    """The salesperson, the team, clients and the pipeline's leads; made once, committed."""
    with registry.cursor() as cr:
        env = superuser_env(cr, addon)
        if addon and not env["res.users"].search([("login", "=", OPERATOR)]):
            # Hot leads come from the call centre: its operator registers them, the playbook deals them out.
            operator = env.ref("crm_sales_playbook.group_crm_sales_playbook_operator")
            env["res.users"].with_context(no_reset_password=True).create(
                {
                    "name": "Bench operator",
                    "login": OPERATOR,
                    "tz": "Europe/Moscow",
                    "groups_id": [(6, 0, operator.ids)],
                }
            )
            cr.commit()
        if env["res.users"].search([("login", "=", LOGIN)]):
            return
        if addon:
            env.company.playbook_all_teams = True
        groups = env.ref("sales_team.group_sale_salesman")
        if addon:
            groups |= env.ref("crm_sales_playbook.group_crm_sales_playbook_salesperson")
        users = (
            env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                [
                    {
                        "name": f"Bench pipeline seller {n}",
                        "login": LOGIN if n == 0 else f"{LOGIN}_{n}",
                        "email": f"seller{n}@bench.example.com",
                        "tz": "Europe/Moscow",
                        "groups_id": [(6, 0, groups.ids)],
                    }
                    for n in range(4)
                ]
            )
        )
        team_vals = {
            "name": "Bench pipeline team",
            "use_leads": True,
            "use_opportunities": True,
            "user_id": users[0].id,
            "crm_team_member_ids": [(0, 0, {"user_id": user.id, "assignment_max": 30000}) for user in users],
        }
        if addon:
            team_vals.update(tz="Europe/Moscow", playbook_notify_email="bench-team@example.com")
        team = env["crm.team"].create(team_vals)
        tags = env["crm.tag"].create([{"name": f"Bench tag {n}", "color": n % 11} for n in range(6)])
        partners = env["res.partner"].create(
            [
                {
                    "name": f"Bench pipeline client {n}",
                    "is_company": True,
                    "email": f"pipeline{n}@client.example.com",
                    "phone": f"+7914{n:07d}",
                }
                for n in range(PIPELINE_LEADS + 200)
            ]
        )
        stages = env["crm.stage"].search([], order="sequence")
        sources, mediums = request_sources(env, addon)
        rows = []
        for n in range(PIPELINE_LEADS):
            vals = {
                "name": f"Pipeline deal {n}",
                "type": "opportunity",
                "team_id": team.id,
                "user_id": users[n % 2].id,
                "partner_id": partners[n].id,
                "stage_id": stages[0].id,
                "expected_revenue": 1000 * (n % 17 + 1),
                "priority": str(n % 4),
                "tag_ids": [(6, 0, tags[n % 6 : n % 6 + 2].ids)],
                "source_id": sources[n % len(sources)].id,
                "medium_id": mediums[n % len(mediums)].id,
            }
            if addon:
                vals["deal_type"] = "service"
            rows.append(vals)
        leads = env["crm.lead"].create(rows)
        if addon:
            # The kanban compares the same cards: the follow-ups the playbook planned for these requests (with
            # their activities) are removed, so that both databases show the same deals and activities.
            drop_followups(env, leads)
        # Spread the deals over the columns by SQL: the playbook lets a lead leave New only through a contact.
        for index, stage in enumerate(stages):
            moved = leads[index :: len(stages)]
            cr.execute("UPDATE crm_lead SET stage_id = %s WHERE id IN %s", [stage.id, tuple(moved.ids)])
            if addon and index:
                status = "won" if stage.is_won else "in_work"
                cr.execute(
                    "UPDATE crm_lead SET work_status = %s, date_in_work = now() WHERE id IN %s",
                    [status, tuple(moved.ids)],
                )
        env.invalidate_all()
        for lead in leads[::3]:
            lead.activity_schedule(act_type_xmlid="mail.mail_activity_data_call", user_id=lead.user_id.id)
        # The clients of the intake bench have no lead yet: the addon would merge a request into an open lead.
        free = ",".join(map(str, partners[PIPELINE_LEADS:].ids))
        env["ir.config_parameter"].set_param("bench_pipeline.free_partners", free)
        cr.commit()


def drop_followups(env, leads):
    followups = env["crm.lead.followup"].search([("lead_id", "in", leads.ids)])
    env["mail.activity"].search([("res_model", "=", "crm.lead"), ("res_id", "in", leads.ids)]).unlink()
    followups.unlink()


def request_sources(env, addon):
    """Sources a request comes from (the addon derives the temperature from them) and mediums."""
    if addon:
        sources = env["utm.source"].search([("temperature", "in", ("warm", "cold"))], order="id")
    else:
        sources = env["utm.source"].search([], order="id", limit=4)
    mediums = env["utm.medium"].search([], order="id", limit=3)
    return sources, mediums


def user_env(cr, login=LOGIN):
    env = api.Environment(cr, SUPERUSER_ID, {})
    user = env["res.users"].search([("login", "=", login)])
    return api.Environment(cr, user.id, dict(USER_CONTEXT, allowed_company_ids=user.company_id.ids))


@contextmanager
def rolled_back_user(registry, login=LOGIN):
    cr = registry.cursor()
    try:
        with patch.object(cr, "now", lambda: MONDAY_1100_MSK):
            yield user_env(cr, login)
    finally:
        cr.rollback()
        cr.close()


def measured(env, function):
    """CPU seconds and queries of ``function``, with the flush and the precommit work (tracking) of the commit."""
    env.flush_all()
    before = odoo.sql_db.sql_counter
    start = time.process_time()
    function()
    env.cr.precommit.run()
    env.flush_all()
    return time.process_time() - start, odoo.sql_db.sql_counter - before


# (a) intake -------------------------------------------------------------------------------------------------


def intake_rows(env, count, addon, tag):
    team = env["crm.team"].search([("name", "=", "Bench pipeline team")])
    sources, mediums = request_sources(env, addon)
    params = env["ir.config_parameter"].sudo()  # sudo: the bench's own setting, read as the salesperson
    free = [int(x) for x in params.get_param("bench_pipeline.free_partners").split(",")]
    rows = []
    for n in range(count):
        vals = {
            "name": f"Request {tag} {n}",
            "type": "lead",
            "team_id": team.id,
            "source_id": sources[n % len(sources)].id,
            "medium_id": mediums[n % len(mediums)].id,
        }
        if n % 2:
            vals["partner_id"] = free[n]
        else:
            vals.update(
                contact_name=f"Contact {tag} {n}",
                email_from=f"request{tag}{n}@client.example.com",
                phone=f"+7915{n:07d}",
            )
        rows.append(vals)
    return rows


def measure_create(registry, addon, batch, round_no):
    with rolled_back_user(registry) as env:
        rows = intake_rows(env, batch, addon, f"r{round_no}")
        Lead = env["crm.lead"]
        seconds, queries = measured(env, lambda: Lead.create(rows))
        return seconds / batch, queries / batch


# (b) kanban -------------------------------------------------------------------------------------------------


def kanban_specification(env):
    """The ``specification`` the web client sends for the kanban's records, built from its arch."""
    views = env["crm.lead"].get_views([(False, "kanban")])
    arch = etree.fromstring(views["views"]["kanban"]["arch"])
    fields_info = views["models"]["crm.lead"]["fields"]
    spec = {}
    for node in arch.iter("field"):
        name = node.get("name")
        if name in spec or name not in fields_info:
            continue
        field = fields_info[name]
        if field["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif field["type"] in ("many2many", "one2many"):
            related = {"display_name": {}}
            options = node.get("options") or ""
            if "color_field" in options:
                related["color"] = {}
            spec[name] = {"fields": related}
        else:
            spec[name] = {}
    for node in arch.iter("progressbar"):
        spec.setdefault(node.get("field"), {})
        if node.get("sum_field"):
            spec.setdefault(node.get("sum_field"), {})
    return spec, arch


def kanban_call(env, spec, arch):
    domain = [("type", "=", "opportunity"), ("user_id", "=", env.uid)]
    aggregates = [f"{node.get('sum_field')}:sum" for node in arch.iter("progressbar") if node.get("sum_field")]
    env["crm.lead"].web_read_group(domain, aggregates, ["stage_id"], lazy=True)
    result = env["crm.lead"].web_search_read(domain, spec, limit=80)
    assert result["length"] >= 80, result["length"]


def measure_kanban(registry, addon, calls):
    with rolled_back_user(registry) as env:
        spec, arch = kanban_specification(env)
        times, queries = [], []
        for _call in range(calls):
            env.invalidate_all()
            before = odoo.sql_db.sql_counter
            start = time.process_time()
            kanban_call(env, spec, arch)
            times.append(time.process_time() - start)
            queries.append(odoo.sql_db.sql_counter - before)
        return statistics.median(times), statistics.median(queries)


# (c) hot against warm -----------------------------------------------------------------------------------------


def measure_one_by_one(registry, temperature, count, round_no):
    with rolled_back_user(registry, OPERATOR) as env:
        team = env["crm.team"].search([("name", "=", "Bench pipeline team")])
        source = env["utm.source"].search([("temperature", "=", temperature)], limit=1, order="id")

        def create():
            for n in range(count):
                lead = env["crm.lead"].create(
                    {
                        "name": f"{temperature} request {round_no} {n}",
                        "type": "lead",
                        "team_id": team.id,
                        "user_id": False,
                        "source_id": source.id,
                        "contact_name": f"Client {round_no} {n}",
                        "email_from": f"{temperature}{round_no}x{n}@client.example.com",
                    }
                )
                env.cr.precommit.run()  # one request each: its commit's tracking and queue work
                env.flush_all()
                created.append(lead.id)

        created = []
        seconds, queries = measured(env, create)
        if temperature == "hot":
            # The request flagged the lead and woke the hot-lead job, which deals it out and announces it right
            # after the commit, as the cron runner's superuser: measured apart (JOB_COST), outside the request.
            leads = env["crm.lead"].browse(created)
            assert all(leads.mapped("playbook_hot_pending")), "each hot lead waits for the job"
            job_env = env(user=SUPERUSER_ID, su=True)
            JOB_COST.append(measured(job_env, job_env["crm.lead"]._cron_playbook_deal_requests))
            leads.invalidate_recordset()
            assert all(leads.mapped("user_id")) and all(leads.mapped("playbook_announced")), "dealt and announced"
            JOB_COST[-1] = (JOB_COST[-1][0] / count, JOB_COST[-1][1] / count)
        return seconds / count, queries / count


# ---------------------------------------------------------------------------------------------------------------


def interleaved(rounds, measures):
    """Run each measure once per round, in turn; the median of each over the rounds."""
    results = {name: [] for name in measures}
    for round_no in range(rounds):
        for name, function in measures.items():
            results[name].append(function(round_no))
    return {
        name: (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
        for name, rows in results.items()
    }


def verdict(ok):
    return "met" if ok else "NOT MET"


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--calls", type=int, default=5, help="kanban loads per round (their median)")
    parser.add_argument("--hot", type=int, default=20)
    parser.add_argument("--only", default="abc", help="which parts to run: a, b, c")
    args, odoo_args = parser.parse_known_args()
    if not args.stock_db:
        parser.error("--stock-db is required: every figure is a ratio to stock Odoo")
    odoo.tools.config.parse_config(odoo_args + ["--log-level=warn"])
    threading.current_thread().testing = False
    addon = odoo.modules.registry.Registry(args.db)
    stock = odoo.modules.registry.Registry(args.stock_db)
    prepare(stock, False)
    prepare(addon, True)
    lines = []
    if "a" in args.only:
        res = interleaved(
            args.rounds,
            {
                "stock": lambda r: measure_create(stock, False, args.batch, r),
                "addon": lambda r: measure_create(addon, True, args.batch, r),
            },
        )
        ratio = res["addon"][0] / res["stock"][0]
        extra = res["addon"][1] - res["stock"][1]
        lines.append(
            (
                f"(a) create {args.batch} leads in one batch",
                "ms/lead",
                res["stock"],
                res["addon"],
                f"{ratio:.2f}x, {extra:+.2f} q/lead",
                verdict(ratio <= 1.05 and extra <= 0.1),
            )
        )
    if "b" in args.only:
        res = interleaved(
            args.rounds,
            {
                "stock": lambda r: measure_kanban(stock, False, args.calls),
                "addon": lambda r: measure_kanban(addon, True, args.calls),
            },
        )
        ratio = res["addon"][0] / res["stock"][0]
        lines.append(
            (
                "(b) kanban: 80 cards + columns",
                "ms/call",
                res["stock"],
                res["addon"],
                f"{ratio:.2f}x, {res['addon'][1] - res['stock'][1]:+.0f} queries",
                verdict(ratio <= 1.10 and res["addon"][1] <= res["stock"][1]),
            )
        )
    if "c" in args.only:
        res = interleaved(
            args.rounds,
            {
                "warm": lambda r: measure_one_by_one(addon, "warm", args.hot, r),
                "hot": lambda r: measure_one_by_one(addon, "hot", args.hot, r),
            },
        )
        ratio = res["hot"][0] / res["warm"][0]
        lines.append(
            (
                f"(c) addon: hot vs warm, {args.hot} single creates",
                "ms/lead",
                res["warm"],
                res["hot"],
                f"{ratio:.2f}x",
                verdict(ratio <= 1.3),
            )
        )
        job = (statistics.median(c[0] for c in JOB_COST), statistics.median(c[1] for c in JOB_COST))
        lines.append(
            (
                "    then the hot-lead job, after the commit",
                "ms/lead",
                res["warm"],
                job,
                "(outside the request)",
                "",
            )
        )
    print(f"\nMedians of {args.rounds} interleaved rounds, CPU time of the Odoo process (process_time):")
    print(f"{'measure':<40} {'unit':<8} {'base ms':>9} {'base q':>8} {'addon ms':>9} {'addon q':>8}  ratio / verdict")
    for label, unit, base, mine, ratio, ok in lines:
        print(
            f"{label:<40} {unit:<8} {base[0] * 1000:9.2f} {base[1]:8.2f} {mine[0] * 1000:9.2f} {mine[1]:8.2f}  "
            f"{ratio} {ok}"
        )
    print("(base = stock Odoo for (a) and (b), the warm lead for (c))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
