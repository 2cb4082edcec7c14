#!/usr/bin/env python3
"""Benchmark of the management reports on a large database.

    python3 bench/bench_reports.py --db ADDON_DB --stock-db STOCK_DB [--leads 100000] [--partners 20000]
        [--invoices 50000] [odoo options such as --addons-path=...]

Both databases get the same LEADS leads (a year of them, every channel and status), PARTNERS clients
and INVOICES posted customer invoices (SQL copies of one ORM record each; the invoices are headers only,
which is all the reports read). Then, best of three, each in a rolled-back transaction:

(a) the weekly database review (RC-5) of the company, without notifications: time and queries, against
    stock Odoo reading the same three lists a manager would review by hand (open leads, clients,
    overdue invoices) with ``search_read``;
(b) the call center's and the sales head's daily reports (ST-11, ST-12) for one day and for a month: time
    and queries, against stock Odoo's own grouped reading of leads and invoices over the same period.
bench/run_bench.sh prepares the databases.
"""

import sys
import time
from datetime import timedelta

import odoo
from odoo import fields

from bench_common import clone_sql, environment, parser_for, rolled_back

CHANNELS = "(ARRAY['inbound_call', 'email', 'web_form', 'online_chat', 'outbound_call', 'agent_notice'])"
STATUSES = "(ARRAY['new', 'in_work', 'in_work', 'in_work', 'won', 'won', 'won', 'won', 'lost', 'lost'])"


def columns(env, table):
    env.cr.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table])
    return {row[0] for row in env.cr.fetchall()}


def fill(env, leads, partners, invoices):
    env.cr.execute("SELECT count(*) FROM crm_lead WHERE name LIKE 'Report bench %%'")
    if env.cr.fetchone()[0] >= leads:
        return
    addon = "playbook_channel" in columns(env, "account_move")
    users = [env.ref("base.user_admin").id] + env["res.users"].create(
        [{"name": f"Bench seller {n}", "login": f"bench_seller_{n}"} for n in range(9)]
    ).ids
    user_array = "(ARRAY[%s])" % ", ".join(map(str, users))
    partner = env["res.partner"].create(
        {
            "name": "Report bench template",
            "is_company": True,
            "email": "bench@example.com",
            "phone": "+7 343 000-00-00",
            "customer_rank": 1,
        }
    )
    team = env.ref("sales_team.team_sales_department")
    lead = env["crm.lead"].create({"name": "Report bench template", "type": "opportunity", "team_id": team.id})
    product = env["product.product"].create({"name": "Report bench product", "type": "service"})
    invoice = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_line_ids": [(0, 0, {"product_id": product.id, "price_unit": 1000.0})],
        }
    )
    env.flush_all()
    seq = "WITH seq AS (SELECT generate_series(1, %s) AS n) " % partners
    env.cr.execute(
        seq
        + clone_sql(
            env,
            "res_partner",
            {
                "name": "'Report bench client ' || n",
                "complete_name": "'Report bench client ' || n",
                "email": "CASE WHEN n %% 50 = 0 THEN NULL ELSE 'client' || n || '@example.com' END",
                "phone": "CASE WHEN n %% 50 = 0 THEN NULL ELSE '+7 343 ' || n END",
                "user_id": f"CASE WHEN n %% 40 = 0 THEN NULL ELSE {user_array}[n %% 10 + 1] END",
                "playbook_next_contact": "(now() at time zone 'UTC')::date + (n %% 30) * interval '1 day'",
            },
        ),
        {"template": partner.id},
    )
    env.cr.execute("UPDATE res_partner SET commercial_partner_id = id WHERE name LIKE 'Report bench client %%'")
    env.cr.execute("SELECT min(id), max(id) FROM res_partner WHERE name LIKE 'Report bench client %%'")
    first_partner, last_partner = env.cr.fetchone()
    span = last_partner - first_partner + 1
    seq = "WITH seq AS (SELECT generate_series(1, %s) AS n) " % leads
    env.cr.execute(
        seq
        + clone_sql(
            env,
            "crm_lead",
            {
                "name": "'Report bench ' || n",
                "partner_id": f"{first_partner} + n %% {span}",
                "email_normalized": "'lead' || n || '@example.com'",
                "email_from": "'lead' || n || '@example.com'",
                "user_id": f"{user_array}[n %% 10 + 1]",
                "create_date": "(now() at time zone 'UTC') - (n %% 365) * interval '1 day' "
                "- (n %% 24) * interval '1 hour'",
                "channel": f"{CHANNELS}[n %% 6 + 1]",
                "temperature": "(ARRAY['hot', 'warm', 'cold'])[n %% 3 + 1]",
                "work_status": f"{STATUSES}[n %% 10 + 1]",
                "active": f"{STATUSES}[n %% 10 + 1] != 'lost'",
            },
        ),
        {"template": lead.id},
    )
    env.cr.execute("SELECT min(id), max(id) FROM crm_lead WHERE name LIKE 'Report bench %%'")
    first_lead, last_lead = env.cr.fetchone()
    seq = "WITH seq AS (SELECT generate_series(1, %s) AS n) " % invoices
    paid = "n %% 3 != 0"
    overrides = {
        "name": "'INV/BENCH/' || n",
        "state": "'posted'",
        "partner_id": f"{first_partner} + n %% {span}",
        "commercial_partner_id": f"{first_partner} + n %% {span}",
        "invoice_user_id": f"{user_array}[n %% 10 + 1]",
        "invoice_date": "(now() at time zone 'UTC')::date - (n %% 365)",
        "date": "(now() at time zone 'UTC')::date - (n %% 365)",
        "invoice_date_due": "(now() at time zone 'UTC')::date - (n %% 365) + 30",
        "payment_state": f"CASE WHEN {paid} THEN 'paid' ELSE 'not_paid' END",
        "amount_total_signed": "1000 + n %% 500",
        "amount_residual_signed": f"CASE WHEN {paid} THEN 0 ELSE 1000 + n %% 500 END",
    }
    if addon:
        overrides.update(
            {
                "playbook_lead_id": f"{first_lead} + n %% {last_lead - first_lead + 1}",
                "playbook_channel": f"{CHANNELS}[n %% 6 + 1]",
                "playbook_paid_at": f"CASE WHEN {paid} THEN (now() at time zone 'UTC') - (n %% 365) * interval '1 day' "
                "+ interval '5 hours' END",
                "playbook_paid_late_entry": "n %% 7 = 0",
            }
        )
    env.cr.execute(seq + clone_sql(env, "account_move", overrides), {"template": invoice.id})
    for table in ("crm_lead", "res_partner", "account_move"):
        env.cr.execute(f"ANALYZE {table}")
    env.cr.commit()


def timed(registry, run):
    """Best of three of ``run(env)``: (seconds, queries, result)."""
    best = None
    for _round in range(3):
        with rolled_back(registry) as env:
            env.invalidate_all()
            before = odoo.sql_db.sql_counter
            start = time.perf_counter()
            result = run(env)
            env.flush_all()
            sample = (time.perf_counter() - start, odoo.sql_db.sql_counter - before, result)
            best = sample if best is None or sample[0] < best[0] else best
    return best


def review(env):
    company = env.company
    company.playbook_stale_new_days = 3
    result = env["crm.db.review"]._run(company, notify=False)
    return len(result.line_ids)


def stock_review(env):
    today = fields.Date.context_today(env["res.users"])
    leads = env["crm.lead"].search_read(
        [("active", "=", True)],
        ["name", "partner_id", "user_id", "stage_id", "create_date", "email_from", "date_deadline"],
    )
    partners = env["res.partner"].search_read([("customer_rank", ">", 0)], ["name", "phone", "email", "user_id"])
    overdue = env["account.move"].search_read(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("invoice_date_due", "<", today),
        ],
        ["name", "partner_id", "amount_residual_signed", "invoice_user_id"],
    )
    return len(leads) + len(partners) + len(overdue)


def reports(days):
    def run(env):
        today = fields.Date.context_today(env["res.users"])
        Report = env["crm.playbook.daily.report"]
        total = 0
        for kind in ("operator", "head"):
            report = Report.create({"kind": kind, "date_from": today - timedelta(days=days - 1), "date_to": today})
            figures = report._figures()
            total += len(figures.get("rows", figures.get("by_origin", [])))
            report._render_body()
        return total

    return run


def stock_reports(days):
    def run(env):
        today = fields.Date.context_today(env["res.users"])
        since = fields.Datetime.to_datetime(today - timedelta(days=days - 1))
        leads = (
            env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("create_date", ">=", since)], ["source_id", "user_id"], ["__count"])
        )
        invoices = env["account.move"]._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("invoice_date", ">=", today - timedelta(days=days - 1)),
            ],
            ["invoice_user_id", "payment_state"],
            ["__count", "amount_total_signed:sum"],
        )
        return len(leads) + len(invoices)

    return run


def main():
    parser = parser_for(__doc__)
    parser.add_argument("--leads", type=int, default=100000)
    parser.add_argument("--partners", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=50000)
    args, odoo_args = parser.parse_known_args()
    odoo.tools.config.parse_config(odoo_args + ["--log-level=warn"])
    registries = {"addon": odoo.modules.registry.Registry(args.db)}
    if args.stock_db:
        registries["stock"] = odoo.modules.registry.Registry(args.stock_db)
    for registry in registries.values():
        env = environment(registry)
        fill(env, args.leads, args.partners, args.invoices)
        env.cr.close()
    addon = registries["addon"]
    seconds, queries, lines = timed(addon, review)
    print(
        f"(a) weekly review of {args.leads} leads, {args.partners} clients, {args.invoices} invoices: "
        f"{seconds:.2f} s, {queries} queries, {lines} items"
    )
    if "stock" in registries:
        stock_seconds, stock_queries, rows = timed(registries["stock"], stock_review)
        print(
            f"    stock Odoo reading the same lists with search_read: {stock_seconds:.2f} s, {stock_queries} "
            f"queries, {rows} rows: review / stock = {seconds / stock_seconds:.2f}"
        )
    for days in (1, 30):
        seconds, queries, _rows = timed(addon, reports(days))
        line = f"(b) both daily reports over {days} day(s): {seconds * 1000:.0f} ms, {queries} queries"
        if "stock" in registries:
            stock_seconds, stock_queries, _rows = timed(registries["stock"], stock_reports(days))
            line += (
                f"; stock Odoo grouped reading {stock_seconds * 1000:.0f} ms, {stock_queries} queries: "
                f"reports / stock = {seconds / stock_seconds:.2f}"
            )
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
