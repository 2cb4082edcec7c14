#!/usr/bin/env python3
"""Load test: stock Odoo CRM and the addon, each served by a multi-worker Odoo, driven by the same parallel clients.

Creates two databases (stock: crm, sale_crm, calendar, resource, sms; addon: the same plus crm_sales_playbook with
"Apply the Playbook to Every Team" on), sets up two teams of salespeople and a few products through XML-RPC, and
starts one Odoo per database with ``--workers`` and two cron threads, on loopback ports of its own. Then, in
alternating rounds (stock, addon, stock, addon, ...), the same load goes against each server:

(a) intake: CLIENTS parallel XML-RPC clients send REQUESTS lead-creation requests each; some requests repeat the
    same client (partner, email, phone) and product, and every fifth request of every client (``--burst-every``)
    is the same client and product sent by all of them at the same moment;
(b) work: CLIENTS salespeople each log a call on REQUESTS leads and move them to the next stage while the SLA
    escalation, assignment and digest crons run in the cron workers, woken again and again (their next call set
    to now, every job in one call; the servers run with ODOO_NOTIFY_CRON_CHANGES=1, so that this wakes the
    workers at once). The leads
    are made for the phase, the same number on both servers (the intake's would not do: the addon merges
    repeated requests, so it has fewer); in the addon half of them get a missed response deadline first, so
    that the escalation has work.

It prints, side by side: throughput (the users' requests a second; the cron jobs run meanwhile, counted apart),
p50/p95 latency, duplicate open leads (client and product with more than one open lead), server errors (RPC
faults other than the refusals a user may get, plus ERROR lines in the server's log), escalations done twice
(leads with more than one crm.sla.breach), and a one-line verdict.

    python3 bench/load.py [--clients 8] [--requests 12] [--rounds 3] [--workers 2] [--port 0]
        [--template DB] [--db-prefix crm_sales_playbook_load] [--keep]

Every request loop is bounded in count and in time (--phase-seconds); the script stops the servers it started
and drops its databases (unless --keep). Loopback only. It is not part of the test command.
"""

import argparse
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

HOST = "127.0.0.1"
ADMIN = ("admin", "admin")
DEPENDENCIES = "crm,sale_crm,calendar,resource,sms"
USER_REFUSAL = 2  # xmlrpc fault code of a UserError (a refusal the user reads, not a server error)
PRODUCTS = 3
ADDON_CRONS = [
    "crm_sales_playbook.crm_lead_cron_escalate_sla_hot",
    "crm_sales_playbook.crm_lead_cron_escalate_sla_daily",
    "crm_sales_playbook.crm_team_cron_assign",
    "crm_sales_playbook.crm_team_cron_digest",
    "crm_sales_playbook.crm_lead_cron_deal_requests",
]
STOCK_CRONS = ["crm.ir_cron_crm_lead_assign"]
DISABLE_CRONS = (
    "UPDATE ir_cron SET active = false WHERE id NOT IN "
    "(SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND module = 'crm_sales_playbook')"
)
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")
CRON_RUN = re.compile(r"ir_cron: Job ['\"].*['\"] \(\d+\) starting")


# Odoo and its processes ---------------------------------------------------------------------------------------


def odoo_command():
    """The command starting Odoo (through bench/odoo_launcher.py, see there) and Odoo's root folder."""
    odoo_bin = os.environ.get("ODOO_BIN")
    if not odoo_bin and os.path.exists("/opt/odoo18/odoo-bin"):
        odoo_bin = "/opt/odoo18/odoo-bin"
    if not odoo_bin:
        import odoo  # noqa: PLC0415

        odoo_bin = os.path.join(os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin")
    os.environ["ODOO_BIN"] = os.path.abspath(odoo_bin)
    launcher = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_launcher.py")
    return [sys.executable, launcher], os.path.dirname(os.path.abspath(odoo_bin))


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One Odoo server on loopback, in its own process group, logging to its own file."""

    def __init__(self, label, db, port, args):
        self.label, self.db, self.port, self.args = label, db, port, args
        self.logfile = os.path.join(args.work, f"{label}.log")
        self.process = None

    def start(self):
        command = [
            *self.args.odoo,
            "-d",
            self.db,
            f"--db-filter=^{self.db}$",
            f"--addons-path={self.args.addons_path}",
            f"--workers={self.args.workers}",
            "--max-cron-threads=2",
            f"--http-interface={HOST}",
            f"--http-port={self.port}",
            f"--gevent-port={self.port + 1}",
            f"--logfile={self.logfile}",
            "--log-level=info",
            "--limit-time-real=300",
            "--limit-time-cpu=240",
        ]
        # Writing a job's next call wakes the cron workers at once, as a trigger does (Odoo's own switch).
        env = dict(os.environ, ODOO_NOTIFY_CRON_CHANGES="1")
        self.process = subprocess.Popen(
            command, cwd=self.args.work, start_new_session=True, stdin=subprocess.DEVNULL, env=env
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} server exited with {self.process.returncode}, see {self.logfile}")
            try:
                proxy(self.port, "common").version()
                return
            except OSError:
                time.sleep(1)
        raise RuntimeError(f"{self.label} server did not answer on {HOST}:{self.port} within 180 s")

    def stop(self):
        if not self.process or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def error_lines(self):
        """The ERROR lines of the log, each with the detail line a failed query logs after it."""
        if not os.path.exists(self.logfile):
            return []
        with open(self.logfile, encoding="utf-8", errors="replace") as log:
            lines = log.read().splitlines()
        errors = []
        for index, line in enumerate(lines):
            if ERROR_LINE.match(line):
                detail = next((nxt for nxt in lines[index + 1 : index + 3] if nxt.startswith("ERROR:")), "")
                errors.append(f"{line[:160]} {detail}".strip())
        return errors

    def cron_runs(self):
        """How many times the cron workers ran a job (Odoo logs "Job '<name>' (<id>) starting")."""
        if not os.path.exists(self.logfile):
            return 0
        with open(self.logfile, encoding="utf-8", errors="replace") as log:
            return sum(1 for line in log if CRON_RUN.search(line))

    def error_kinds(self):
        """{what failed: how many times}, the timestamps and process ids left out."""
        kinds = {}
        for line in self.error_lines():
            kind = re.sub(r"^\S+ \S+ \d+ ", "", line)
            kind = re.sub(r"\(\d+(, \d+)*\)|\d{2,}", "N", kind)
            kinds[kind] = kinds.get(kind, 0) + 1
        return kinds


def run(command, **kwargs):
    subprocess.run(command, check=True, stdin=subprocess.DEVNULL, **kwargs)


def create_databases(args, stock_db, addon_db):
    for db in (stock_db, addon_db):
        run(["dropdb", "--if-exists", db])
    common = [
        f"--addons-path={args.addons_path}",
        "--stop-after-init",
        "--without-demo=all",
        "--max-cron-threads=0",
        f"--http-port={args.port}",
        f"--gevent-port={args.port + 1}",
        f"--http-interface={HOST}",
        "--log-level=warn",
        f"--logfile={os.path.join(args.work, 'install.log')}",
    ]
    if args.template:
        run(["createdb", "-T", args.template, stock_db])
        print(f"{stock_db}: copied from {args.template}", flush=True)
    else:
        print(f"Creating {stock_db} ({DEPENDENCIES})...", flush=True)
        run([*args.odoo, "-d", stock_db, "-i", DEPENDENCIES, *common], cwd=args.work)
    run(["createdb", "-T", stock_db, addon_db])
    print(f"Installing crm_sales_playbook in {addon_db}...", flush=True)
    run([*args.odoo, "-d", addon_db, "-i", "crm_sales_playbook", *common], cwd=args.work)
    for db in (stock_db, addon_db):
        # Loopback only: the crons that reach out (IAP lead enrichment, Odoo's update notification, mail fetch and
        # send...) stay off; the addon's own crons stay on, the ones measured are triggered by the load.
        run(["psql", "-X", "-q", "-d", db, "-c", DISABLE_CRONS])


# XML-RPC clients ------------------------------------------------------------------------------------------------


class TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self.timeout = timeout

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


def proxy(port, service, timeout=120):
    return xmlrpc.client.ServerProxy(
        f"http://{HOST}:{port}/xmlrpc/2/{service}", transport=TimeoutTransport(timeout), allow_none=True
    )


class Client:
    """One user's XML-RPC connection; records each call's latency and outcome."""

    def __init__(self, server, login, password):
        self.server, self.password = server, password
        self.models = proxy(server.port, "object")
        self.uid = proxy(server.port, "common").authenticate(server.db, login, password, {})
        if not self.uid:
            raise RuntimeError(f"{login} cannot log in to {server.db}")

    def call(self, model, method, *args, **kwargs):
        return self.models.execute_kw(self.server.db, self.uid, self.password, model, method, list(args), kwargs)

    def timed(self, stats, model, method, *args, **kwargs):
        start = time.perf_counter()
        try:
            result = self.call(model, method, *args, **kwargs)
            outcome = "ok"
        except xmlrpc.client.Fault as fault:
            result = None
            outcome = "refused" if fault.faultCode == USER_REFUSAL else "error"
            if outcome == "error":
                stats.faults.append(f"{model}.{method}: {fault.faultString.strip().splitlines()[-1][:200]}")
        except OSError as exc:
            result = None
            outcome = "error"
            stats.faults.append(f"{model}.{method}: {exc!r}")
        stats.record(time.perf_counter() - start, outcome)
        return result


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies, self.faults = [], []
        self.ok = self.refused = self.errors = 0
        self.seconds = 0.0

    def record(self, seconds, outcome):
        with self.lock:
            self.latencies.append(seconds)
            if outcome == "ok":
                self.ok += 1
            elif outcome == "refused":
                self.refused += 1
            else:
                self.errors += 1


# Setup through XML-RPC --------------------------------------------------------------------------------------------


def setup(server, args, addon):
    admin = Client(server, *ADMIN)
    if addon:
        admin.call("res.company", "write", [1], {"playbook_all_teams": True})
    group = admin.call(
        "ir.model.data", "search_read", [("module", "=", "sales_team"), ("name", "=", "group_sale_salesman_all_leads")]
    )[0]["res_id"]
    teams = [admin.call("crm.team", "create", {"name": f"Load team {n}", "use_leads": True}) for n in (1, 2)]
    users = []
    for n in range(args.clients):
        login = f"load_user_{n}"
        uid = admin.call(
            "res.users",
            "create",
            {"name": f"Load Salesperson {n}", "login": login, "password": login, "groups_id": [(4, group)]},
        )
        admin.call("crm.team.member", "create", {"crm_team_id": teams[n % 2], "user_id": uid})
        users.append((login, teams[n % 2]))
    products = admin.call(
        "product.product",
        "create",
        [{"name": f"Load product {n}", "default_code": f"LOAD-{n}"} for n in range(PRODUCTS)],
    )
    call_type = admin.call(
        "ir.model.data", "search_read", [("module", "=", "mail"), ("name", "=", "mail_activity_data_call")]
    )[0]["res_id"]
    lead_model = admin.call("ir.model", "search", [("model", "=", "crm.lead")])[0]
    # The requests' source: warm in the addon (a response deadline of 7 calendar days, which the work phase moves
    # into the past so that the escalation has work), a plain source in stock Odoo.
    source = admin.call(
        "utm.source", "create", dict({"name": "Load web form"}, **({"temperature": "warm"} if addon else {}))
    )
    crons = []
    for xmlid in ADDON_CRONS + STOCK_CRONS if addon else STOCK_CRONS:
        module, name = xmlid.split(".")
        found = admin.call("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)], ["res_id"])
        crons += [row["res_id"] for row in found]
    return {
        "teams": teams,
        "users": users,
        "products": products,
        "call_type": call_type,
        "crons": crons,
        "lead_model": lead_model,
        "source": source,
    }


# The load ---------------------------------------------------------------------------------------------------------


def requests_of_round(round_no, args):
    """The same list of requests per client for both servers: (client key, product index) each."""
    rng = random.Random(round_no)
    pool = max(4, args.clients * args.requests // 3)
    plan = []
    for _worker in range(args.clients):
        rows = []
        for n in range(args.requests):
            if args.burst_every and n % args.burst_every == 0:
                rows.append((f"s{n}", n % PRODUCTS, True))  # every client at once, same client and product
            else:
                rows.append((f"c{rng.randrange(pool)}", rng.randrange(PRODUCTS), False))
        plan.append(rows)
    return plan


def client_values(key, product, round_no, tag, data, addon, partners):
    number = int(key[1:]) + (0 if key[0] == "c" else 5000) + round_no * 10000
    vals = {
        "name": f"Load {tag} {key} product {product}",
        "type": "opportunity",
        "team_id": data["teams"][number % 2],
        "contact_name": f"Client {key}",
        "email_from": f"client.{tag}.{key}@load-test.ru",
        "phone": f"+7 912 {number // 10000 % 1000:03d}-{number % 10000 // 100:02d}-{number % 100:02d}",
        "source_id": data["source"],
    }
    if key in partners:
        vals["partner_id"] = partners[key]
    if addon:
        vals.update(product_id=data["products"][product], deal_type="service", channel="web_form")
    return vals


def intake(server, args, data, addon, round_no, tag, stats):
    plan = requests_of_round(round_no, args)
    admin = Client(server, *ADMIN)
    keys = sorted({key for rows in plan for key, _product, _burst in rows if key[0] == "c" and int(key[1:]) % 3 == 0})
    ids = admin.call(
        "res.partner",
        "create",
        [{"name": f"Client {key}", "email": f"client.{tag}.{key}@load-test.ru"} for key in keys],
    )
    partners = dict(zip(keys, ids, strict=True))
    barrier = threading.Barrier(args.clients)
    deadline = time.monotonic() + args.phase_seconds

    def work(worker):
        client = Client(server, *ADMIN)
        for key, product, burst in plan[worker]:
            if time.monotonic() > deadline:
                break
            if burst:
                try:
                    barrier.wait(timeout=30)
                except threading.BrokenBarrierError:
                    pass
            vals = client_values(key, product, round_no, tag, data, addon, partners)
            client.timed(stats, "crm.lead", "create", vals)

    start = time.perf_counter()
    with ThreadPoolExecutor(args.clients) as pool:
        list(pool.map(work, range(args.clients)))
    stats.seconds += time.perf_counter() - start


def work_leads(admin, args, data, addon, tag):
    """The leads the users work on in this round: the same number on both servers, REQUESTS for each user, made
    beforehand (not timed) for clients of their own. The intake's leads would not do: the addon merges the
    repeated requests, so it has fewer of them, and its users would do less work than stock's."""
    values = [
        dict(
            client_values(f"w{n}", n % PRODUCTS, int(tag[1:]), tag, data, addon, {}),
            name=f"Load {tag} work {n}",
            team_id=data["teams"][n % 2],
        )
        for n in range(args.clients * args.requests)
    ]
    ids = admin.call("crm.lead", "create", values)
    return admin.call("crm.lead", "read", ids, ["team_id"])


def move_leads(server, args, data, addon, tag, stats, cron_stats):
    admin = Client(server, *ADMIN)
    leads = work_leads(admin, args, data, addon, tag)
    stages = admin.call("crm.stage", "search_read", [("is_won", "=", False)], ["id"], order="sequence, id")
    target = stages[1]["id"] if len(stages) > 1 else stages[0]["id"]
    if addon:
        # Half of the round's leads missed their response deadline: the escalation has work while users move them.
        past = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
        # The addon lets no one set a deadline by hand: the bench moves it back in the database, as time would.
        missed = ",".join(str(lead["id"]) for lead in leads[::2]) or "0"
        run(
            [
                "psql",
                "-X",
                "-q",
                "-d",
                server.db,
                "-c",
                f"UPDATE crm_lead SET sla_deadline = '{past}' WHERE id IN ({missed})",
            ]
        )
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    admin.call("ir.cron", "write", data["crons"], {"nextcall": now})
    done = threading.Event()
    deadline = time.monotonic() + args.phase_seconds

    def crons():
        # The jobs run where Odoo runs them, in the cron workers, woken again and again while the users work: a
        # job's next call set to now (refused while it runs, then it is simply running already).
        runner = Client(server, *ADMIN)
        for _run in range(args.cron_runs):
            if done.is_set() or time.monotonic() > deadline:
                break
            moment = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            # One call wakes every job, on either server: the wake-ups are the bench's, not the load measured, and
            # they go to the same workers as the users' calls (one call per job gave the addon's server six calls
            # per wake-up against stock's one). A job running refuses the write for all; then each other job is
            # woken alone (the running one refuses again).
            woken = runner.timed(cron_stats, "ir.cron", "write", data["crons"], {"nextcall": moment})
            if woken is None and len(data["crons"]) > 1:
                for cron in data["crons"]:
                    runner.timed(cron_stats, "ir.cron", "write", [cron], {"nextcall": moment})
            time.sleep(0.5)

    def work(worker):
        login, team = data["users"][worker]
        client = Client(server, login, login)
        mine = [lead["id"] for lead in leads if lead["team_id"] and lead["team_id"][0] == team]
        mine = mine[worker // 2 :: max(1, args.clients // 2)][: args.requests]
        for lead in mine:
            if time.monotonic() > deadline:
                break
            activity = client.timed(
                stats,
                "mail.activity",
                "create",
                {
                    "res_model_id": data["lead_model"],
                    "res_id": lead,
                    "activity_type_id": data["call_type"],
                    "summary": "Call the client",
                    "user_id": client.uid,
                },
            )
            if activity:
                client.timed(stats, "mail.activity", "action_feedback", [activity], feedback="Reached the client")
            client.timed(stats, "crm.lead", "write", [lead], {"stage_id": target})

    start = time.perf_counter()
    with ThreadPoolExecutor(args.clients + 1) as pool:
        cron_job = pool.submit(crons)
        list(pool.map(work, range(args.clients)))
        stats.seconds += time.perf_counter() - start  # the users' time: the crons run meanwhile, not counted
        done.set()
        cron_job.result()


def duplicates(server, addon):
    """Clients and products with more than one open lead, among the load's leads."""
    admin = Client(server, *ADMIN)
    groups = admin.call(
        "crm.lead",
        "read_group",
        [("name", "like", "Load r"), ("active", "=", True), ("probability", "<", 100)],
        ["email_normalized"],
        ["email_normalized", "product_id" if addon else "name"],
        lazy=False,
    )
    return sum(1 for group in groups if group["__count"] > 1)


def double_escalations(server, addon):
    if not addon:
        return None
    admin = Client(server, *ADMIN)
    groups = admin.call("crm.sla.breach", "read_group", [], ["lead_id"], ["lead_id"], lazy=False)
    return sum(1 for group in groups if group["__count"] > 1), sum(group["__count"] for group in groups)


# Report -------------------------------------------------------------------------------------------------------------


def percentile(values, share):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def row(label, stock, addon):
    return f"| {label} | {stock} | {addon} |"


def report(results, servers, args):
    lines = ["| measured | stock Odoo | addon |", "| --- | ---: | ---: |"]
    summary = {}
    for side in ("stock", "addon"):
        res = results[side]
        summary[side] = {}
        for phase in ("intake", "work"):
            stats = res[phase]
            count = len(stats.latencies)
            summary[side][phase] = (
                f"{count / stats.seconds:.1f}/s" if stats.seconds else "-",
                f"{statistics.median(stats.latencies) * 1000:.0f} ms" if count else "-",
                f"{percentile(stats.latencies, 0.95) * 1000:.0f} ms" if count else "-",
                f"{stats.ok} ok, {stats.refused} refused, {stats.errors} failed",
            )
        summary[side]["log"] = len(servers[side].error_lines())
        summary[side]["faults"] = res["intake"].errors + res["work"].errors + res["crons"].errors
        crons = res["crons"]
        summary[side]["crons"] = (
            f"{crons.ok} wake-up calls ({crons.refused} while a job ran), {servers[side].cron_runs()} job runs"
        )
    for phase, title in (("intake", "(a) lead requests"), ("work", "(b) users moving leads, crons running")):
        for index, what in enumerate(("throughput", "p50 latency", "p95 latency", "calls")):
            lines.append(row(f"{title}: {what}", summary["stock"][phase][index], summary["addon"][phase][index]))
    lines.append(
        row(
            "(b) meanwhile, in the cron workers (not in the throughput)",
            summary["stock"]["crons"],
            summary["addon"]["crons"],
        )
    )
    stock_dup, addon_dup = results["stock"]["duplicates"], results["addon"]["duplicates"]
    lines.append(row("duplicate open leads (client and product)", stock_dup, addon_dup))
    lines.append(row("RPC faults other than user refusals", summary["stock"]["faults"], summary["addon"]["faults"]))
    lines.append(row("ERROR lines in the server log", summary["stock"]["log"], summary["addon"]["log"]))
    twice, breaches = results["addon"]["escalations"]
    lines.append(row("escalations done twice (breaches recorded)", "n/a", f"{twice} ({breaches})"))
    print("\n".join(lines))
    for side in ("stock", "addon"):
        faults = results[side]["intake"].faults + results[side]["work"].faults + results[side]["crons"].faults
        for fault in faults[:5]:
            print(f"  {side} fault: {fault}")
        for kind, count in sorted(servers[side].error_kinds().items(), key=lambda item: -item[1])[:5]:
            print(f"  {side} log, {count}x: {kind[:400]}")
    stock_rate = sum(len(results["stock"][p].latencies) for p in ("intake", "work")) / max(
        1e-9, sum(results["stock"][p].seconds for p in ("intake", "work"))
    )
    addon_rate = sum(len(results["addon"][p].latencies) for p in ("intake", "work")) / max(
        1e-9, sum(results["addon"][p].seconds for p in ("intake", "work"))
    )
    ratio = addon_rate / stock_rate if stock_rate else 0.0
    problems = []
    if addon_dup:
        problems.append(f"{addon_dup} duplicate leads")
    if summary["addon"]["faults"] or summary["addon"]["log"]:
        problems.append(f"{summary['addon']['faults']} faults and {summary['addon']['log']} ERROR lines")
    if twice:
        problems.append(f"{twice} leads escalated twice")
    if ratio < 0.9:
        problems.append(f"throughput {ratio:.2f}x stock (< 0.9)")
    verdict = "PASS" if not problems else "FAIL: " + "; ".join(problems)
    print(
        f"Verdict: {verdict} ({args.clients} parallel clients, {args.rounds} rounds each, "
        f"addon throughput {ratio:.2f}x stock)"
    )
    return not problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="parallel XML-RPC clients (and salespeople)")
    parser.add_argument("--requests", type=int, default=12, help="requests per client per round and phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds against each server, alternating")
    parser.add_argument("--workers", type=int, default=2, help="Odoo HTTP workers of each server")
    parser.add_argument("--cron-runs", type=int, default=5, help="times the crons are triggered per round")
    parser.add_argument("--phase-seconds", type=int, default=90, help="time bound of each phase of a round")
    parser.add_argument("--port", type=int, default=0, help="first of four loopback ports (default: free ones)")
    parser.add_argument("--template", help="database with the dependencies installed, copied instead of installing")
    parser.add_argument("--db-prefix", default="crm_sales_playbook_load", help="names the two databases")
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs afterwards")
    parser.add_argument(
        "--burst-every",
        type=int,
        default=5,
        help="every Nth request of each client is the same client and product sent by all clients at once (0: none)",
    )
    args = parser.parse_args()
    if args.clients < 2 or args.requests < 1 or args.rounds < 1:
        parser.error("at least 2 clients, 1 request and 1 round")
    args.port = args.port or free_port()
    args.odoo, odoo_root = odoo_command()
    args.work = tempfile.mkdtemp(prefix="crm_sales_playbook_load.")
    os.symlink(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), f"{args.work}/crm_sales_playbook")
    args.addons_path = f"{odoo_root}/addons,{args.work}"
    stock_db, addon_db = f"{args.db_prefix}_stock", f"{args.db_prefix}_addon"
    servers = {
        "stock": Server("stock", stock_db, args.port, args),
        "addon": Server("addon", addon_db, args.port + 2, args),
    }
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.monotonic()
    ok = False
    try:
        create_databases(args, stock_db, addon_db)
        results, data = {}, {}
        for side, server in servers.items():
            server.start()
            data[side] = setup(server, args, side == "addon")
            results[side] = {"intake": Stats(), "work": Stats(), "crons": Stats()}
        print(f"Servers up ({args.workers} workers, 2 cron threads each) after {time.monotonic() - started:.0f} s")
        for round_no in range(args.rounds):
            for side in ("stock", "addon") if round_no % 2 == 0 else ("addon", "stock"):
                addon, tag = side == "addon", f"r{round_no}"
                begin = time.monotonic()
                intake(servers[side], args, data[side], addon, round_no, tag, results[side]["intake"])
                move_leads(servers[side], args, data[side], addon, tag, results[side]["work"], results[side]["crons"])
                print(f"round {round_no + 1} {side}: {time.monotonic() - begin:.1f} s", flush=True)
        for side, server in servers.items():
            results[side]["duplicates"] = duplicates(server, side == "addon")
            results[side]["escalations"] = double_escalations(server, side == "addon")
        for server in servers.values():
            server.stop()  # the logs are complete once the workers are gone
        ok = report(results, servers, args)
    finally:
        for server in servers.values():
            server.stop()
        if args.keep:
            print(f"Kept {stock_db}, {addon_db} and the logs in {args.work}")
        else:
            for db in (stock_db, addon_db):
                subprocess.run(["dropdb", "--if-exists", db], check=False)
            subprocess.run(["rm", "-rf", args.work], check=False)
        print(f"Done in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
