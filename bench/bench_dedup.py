#!/usr/bin/env python3
"""Benchmark of duplicate-free lead intake on a real database.

Creates COUNT leads in batches of BATCH through the ORM, on a database that already holds
BASE open leads (filled by SQL, for several base sizes), with the addon's dedup on and off,
and on a stock Odoo database (crm and sale_crm only) in the same run. Each measurement runs
in its own transaction, rolled back afterwards, so every run sees the same base.

    python3 bench/bench_dedup.py --db ADDON_DB --stock-db STOCK_DB [--bases 10000,200000]
        [--count 10000] [--batch 100] [odoo options such as --addons-path=...]

Prints a table of seconds and queries per created lead, the ratios, and the query plan of
the dedup lookup on the largest base. bench/run_bench.sh prepares both databases.
"""

import sys
import time

import odoo
from odoo.tools import SQL

from bench_common import clone_sql, environment, parser_for, rolled_back


def fill(env, base, addon):
    """Bring the database to ``base`` open leads of distinct clients, by SQL copies of one ORM lead.

    The ORM is what is measured, not this: each copy carries every column Odoo and the addon
    store, with the client's own partner, email and phone.
    """
    env.cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Bench lead %%'")
    have = env.cr.fetchone()[0]
    if have >= base:
        return
    values = {
        "name": "Bench lead template",
        "type": "opportunity",
        "team_id": env.ref("sales_team.team_sales_department").id,
    }
    partner = env["res.partner"].create({"name": "Bench client template", "is_company": True})
    values["partner_id"] = partner.id
    if addon:
        values.update(product_id=bench_product(env).id, deal_type="renewal", temperature="warm")
    template = env["crm.lead"].with_context(playbook_no_dedup=True).create(values)
    env.flush_all()
    seq = f"WITH seq AS (SELECT generate_series({have}, {base} - 1) AS n) "
    env.cr.execute(
        seq
        + clone_sql(
            env,
            "res_partner",
            {
                "name": "'Bench client ' || n",
                "complete_name": "'Bench client ' || n",
                "email": "'client' || n || '@bench.example.com'",
                "phone": "'+7912' || lpad(n::text, 7, '0')",
                "commercial_partner_id": "NULL",
                "ref": "'bench-' || n",
            },
        ),
        {"template": partner.id},
    )
    env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE commercial_partner_id IS NULL")
    lead_overrides = {
        "name": "'Bench lead ' || n",
        "partner_id": "p.id",
        "email_from": "p.email",
        "email_normalized": "p.email",
        "phone": "p.phone",
        "phone_sanitized": "p.phone",
    }
    if addon:
        lead_overrides["commercial_partner_id"] = "p.id"
    env.cr.execute(
        seq.replace(
            "AS n)",
            "AS n), p AS (SELECT id, email, phone, substring(ref from 7)::int AS pn "
            "FROM res_partner WHERE ref LIKE 'bench-%%')",
        )
        + clone_sql(env, "crm_lead", lead_overrides).replace(
            'FROM "crm_lead" t, seq WHERE', 'FROM "crm_lead" t, seq JOIN p ON p.pn = seq.n WHERE'
        ),
        {"template": template.id},
    )
    env.cr.execute("ANALYZE crm_lead; ANALYZE res_partner")
    env.cr.commit()


def bench_product(env):
    product = env["product.product"].search([("default_code", "=", "BENCH-DEDUP")], limit=1)
    if not product:
        product = env["product.product"].create({"name": "Bench product", "default_code": "BENCH-DEDUP"})
        env.cr.commit()
    return product


def new_requests(env, count, addon, tag):
    team = env.ref("sales_team.team_sales_department")
    rows = []
    product = bench_product(env) if addon else None
    for n in range(count):
        vals = {
            "name": f"Request {tag} {n}",
            "type": "opportunity",
            "team_id": team.id,
            "email_from": f"new{tag}{n}@request.example.com",
            "phone": f"+7913{n:07d}",
            "contact_name": f"Contact {n}",
        }
        if addon:
            vals.update(product_id=product.id, deal_type="renewal", channel="web_form")
        rows.append(vals)
    return rows


def measure(registry, count, batch, addon, dedup, tag):
    with rolled_back(registry) as env:
        if addon:
            env.company.playbook_dedup = dedup
        rows = new_requests(env, count, addon, tag)
        Lead = env["crm.lead"]
        queries_before = odoo.sql_db.sql_counter
        start = time.perf_counter()
        for index in range(0, count, batch):
            Lead.create(rows[index : index + batch])
            env.flush_all()
        seconds = time.perf_counter() - start
        queries = odoo.sql_db.sql_counter - queries_before
    return seconds / count, queries / count


def dedup_plan(registry):
    with rolled_back(registry) as env:
        from odoo.addons.crm_sales_playbook.models.lead_intake import LeadMatcher

        rows = new_requests(env, 100, True, "plan")
        matcher = LeadMatcher.__new__(LeadMatcher)
        matcher.Lead, matcher.env, matcher.vals_list = env["crm.lead"], env, rows
        keys = [matcher._row_key(vals) for vals in rows]
        captured = []
        original = env.cr.execute

        def capture(query, params=None, log_exceptions=True):
            if 'FROM "crm_lead"' in str(query) and "phone_sanitized" in str(query):
                captured.append((query, params))
            return original(query, params, log_exceptions)

        env.cr.execute = capture
        matcher._search_candidates(keys)
        env.cr.execute = original
        query, params = captured[0]
        if isinstance(query, SQL):
            env.cr.execute(SQL("EXPLAIN (ANALYZE, COSTS OFF) %s", query))
        else:
            env.cr.execute("EXPLAIN (ANALYZE, COSTS OFF) " + query, params)
        return "\n".join(row[0] for row in env.cr.fetchall())


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--bases", default="10000,200000")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=100)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args + ["--log-level=warn"])
    bases = [int(b) for b in args.bases.split(",")]
    registry = odoo.modules.registry.Registry(args.db)
    stock = odoo.modules.registry.Registry(args.stock_db) if args.stock_db else None
    results = {}
    for base in bases:
        env = environment(registry)
        fill(env, base, addon=True)
        env.cr.close()
        if stock:
            env = environment(stock)
            fill(env, base, addon=False)
            env.cr.close()
            results[(base, "stock")] = measure(stock, args.count, args.batch, False, False, f"s{base}")
        results[(base, "off")] = measure(registry, args.count, args.batch, True, False, f"f{base}")
        results[(base, "on")] = measure(registry, args.count, args.batch, True, True, f"n{base}")
        for kind in ("stock", "off", "on"):
            if (base, kind) in results:
                seconds, queries = results[(base, kind)]
                print(
                    f"base {base:>7} {kind:>5}: {seconds * 1000:7.2f} ms/lead {queries:6.1f} queries/lead", flush=True
                )
    print()
    for base in bases:
        on, off = results[(base, "on")], results[(base, "off")]
        print(f"base {base}: dedup on / off = {on[0] / off[0]:.2f} (time), {on[1] / off[1]:.2f} (queries)")
        if (base, "stock") in results:
            stock_run = results[(base, "stock")]
            print(
                f"base {base}: addon dedup on / stock Odoo = {on[0] / stock_run[0]:.2f} (time), "
                f"{on[1] / stock_run[1]:.2f} (queries)"
            )
    if len(bases) > 1:
        small, large = bases[0], bases[-1]
        for kind in ("on", "off", "stock"):
            if (large, kind) in results:
                ratio = results[(large, kind)][0] / results[(small, kind)][0]
                print(f"{kind}: per-lead time at {large} / at {small} base leads = {ratio:.2f}")
    print("\nDedup lookup plan (100 new requests, base %s):" % bases[-1])
    print(dedup_plan(registry))
    return 0


if __name__ == "__main__":
    sys.exit(main())
