#!/usr/bin/env bash
# Odoo with a read replica: where do the statements of the web client run?
#
# Builds a throwaway PostgreSQL 15 primary and a streaming replica (initdb, pg_basebackup) in a temporary folder, on
# loopback ports of their own (55432 and 55433 unless PRIMARY_PORT/REPLICA_PORT say otherwise), with
# pg_stat_statements loaded on both; the system's PostgreSQL is left alone. Creates a database with
# crm_sales_playbook on the primary (installed from scratch, or copied from TEMPLATE, a database of the system's
# PostgreSQL with the addon's dependencies, and its filestore), starts Odoo with --workers=4, two cron threads,
# --db_host/--db_port on the primary and --db_replica_host/--db_replica_port on the replica, logs in over HTTP as
# a salesperson and drives /web/dataset/call_kw: the pipeline's web_search_read and web_read_group (methods marked
# @api.readonly), the leads' read, and crm.lead write. Then it shows, from pg_stat_statements of each server, where
# the statements ran: the reads on the replica, the writes on the primary. Everything is removed at the end.
#
#   bench/replica.sh                       # about 5 minutes with TEMPLATE, more without
#   TEMPLATE=base_deps CALLS=20 bench/replica.sh
#
# Loopback only. Not part of the test command.
set -euo pipefail
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PRIMARY_PORT=${PRIMARY_PORT:-55432}
REPLICA_PORT=${REPLICA_PORT:-55433}
HTTP_PORT=${HTTP_PORT:-18134}
CALLS=${CALLS:-20}
DB=${DB:-playbook_replica}
TEMPLATE=${TEMPLATE:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ADDON_DIR=$(dirname "$HERE")
export ODOO_BIN=${ODOO_BIN:-/opt/odoo18/odoo-bin}
ODOO_ROOT=$(cd "$(dirname "$ODOO_BIN")" && pwd)
ODOO=(python3 "$HERE/odoo_launcher.py")  # see there: Odoo's multi-worker mode on this Python

WORK=$(mktemp -d "${TMPDIR:-/tmp}/crm_sales_playbook_replica.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/addons" "$WORK/data/filestore"
ln -s "$ADDON_DIR" "$WORK/addons/crm_sales_playbook"
ADDONS_PATH="$ODOO_ROOT/addons,$WORK/addons"
ODOO_PID=

as_postgres() {  # initdb refuses root: the clusters belong to the postgres OS user when run as root
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
    set +e
    if [ -n "$ODOO_PID" ]; then
        kill -TERM -- "-$ODOO_PID" 2>/dev/null
        for _ in $(seq 30); do kill -0 "$ODOO_PID" 2>/dev/null || break; sleep 1; done
        kill -KILL -- "-$ODOO_PID" 2>/dev/null
    fi
    for node in replica primary; do
        [ -f "$WORK/$node/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$WORK/$node" -m fast -w stop >/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

psql_on() {  # PORT SQL...: run SQL as the clusters' superuser on loopback
    local port=$1
    shift
    psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

if [ "$(id -u)" = 0 ]; then chown postgres: "$WORK"; fi
echo "== Primary on 127.0.0.1:$PRIMARY_PORT, replica on 127.0.0.1:$REPLICA_PORT (in $WORK)"
as_postgres "$PG_BIN/initdb" -D "$WORK/primary" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
cat >>"$WORK/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PRIMARY_PORT
unix_socket_directories = '$WORK'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 200
EOF
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$WORK/replica" -R -X stream
echo "port = $REPLICA_PORT" | as_postgres tee -a "$WORK/replica/postgresql.auto.conf" >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
psql_on "$PRIMARY_PORT" -c "CREATE ROLE odoo LOGIN SUPERUSER" -c "CREATE EXTENSION pg_stat_statements"
psql_on "$PRIMARY_PORT" -At -c "SELECT 'streaming to ' || client_addr || ', ' || state FROM pg_stat_replication"
psql_on "$REPLICA_PORT" -At -c "SELECT 'replica in recovery: ' || pg_is_in_recovery()"

DB_ARGS=(--db_host=127.0.0.1 --db_port="$PRIMARY_PORT" --db_user=odoo --data-dir="$WORK/data"
         --addons-path="$ADDONS_PATH" --http-interface=127.0.0.1 --http-port="$HTTP_PORT"
         --gevent-port=$((HTTP_PORT + 1)))
if [ -n "$TEMPLATE" ]; then
    echo "== $DB: copy of $TEMPLATE, then crm_sales_playbook installed"
    psql_on "$PRIMARY_PORT" -c "CREATE DATABASE $DB OWNER odoo"
    pg_dump --no-owner "$TEMPLATE" | psql -X -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U odoo -d "$DB" >/dev/null
    store=${ODOO_DATA_DIR:-$HOME/.local/share/Odoo}/filestore/$TEMPLATE
    [ -d "$store" ] && cp -r "$store" "$WORK/data/filestore/$DB"
    MODULES=crm_sales_playbook
else
    echo "== $DB: crm, sale_crm, calendar, resource, sms and crm_sales_playbook installed"
    MODULES=crm,sale_crm,calendar,resource,sms,crm_sales_playbook
fi
(cd "$WORK" && "${ODOO[@]}" -d "$DB" -i "$MODULES" "${DB_ARGS[@]}" --without-demo=all --stop-after-init \
    --max-cron-threads=0 --log-level=warn --logfile="$WORK/install.log")

# Loopback only: the crons that reach out (IAP lead enrichment, Odoo's update notification, mail) stay off.
psql -X -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U odoo -d "$DB" -c "UPDATE ir_cron SET active = false WHERE id NOT IN
    (SELECT res_id FROM ir_model_data WHERE model = 'ir.cron' AND module = 'crm_sales_playbook')"

echo "== Odoo: --workers=4 --max-cron-threads=2, primary :$PRIMARY_PORT, replica :$REPLICA_PORT"
cd "$WORK"
setsid "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" "${DB_ARGS[@]}" --db_replica_host=127.0.0.1 \
    --db_replica_port="$REPLICA_PORT" --workers=4 --max-cron-threads=2 --logfile="$WORK/odoo.log" \
    --log-level=info </dev/null &
ODOO_PID=$!

python3 - "$HTTP_PORT" "$DB" "$CALLS" "$PRIMARY_PORT" "$REPLICA_PORT" <<'EOF'
"""Set up a salesperson and a few leads over XML-RPC, then drive the web client's routes as that user."""
import http.cookiejar
import json
import subprocess
import sys
import time
import urllib.request
import xmlrpc.client

port, db, calls, primary, replica = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
base = f"http://127.0.0.1:{port}"
for _ in range(120):
    try:
        xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common").version()
        break
    except OSError:
        time.sleep(1)
else:
    sys.exit("Odoo did not answer within 120 s")
common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)
admin = common.authenticate(db, "admin", "admin", {})


def rpc(model, method, *args, **kwargs):
    return models.execute_kw(db, admin, "admin", model, method, list(args), kwargs)


group = rpc("ir.model.data", "search_read", [("module", "=", "sales_team"), ("name", "=", "group_sale_salesman_all_leads")],
            ["res_id"])[0]["res_id"]
rpc("res.users", "create", {"name": "Replica Salesperson", "login": "replica_user", "password": "replica_user",
                            "groups_id": [(4, group)]})
team = rpc("crm.team", "create", {"name": "Replica team", "use_leads": True})
rpc("crm.lead", "create", [{"name": f"Replica lead {n}", "type": "opportunity", "team_id": team,
                            "email_from": f"client{n}@replica-test.ru"} for n in range(30)])

opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def json_call(path, params):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}).encode()
    request = urllib.request.Request(base + path, body, {"Content-Type": "application/json"})
    with opener.open(request, timeout=60) as response:
        answer = json.load(response)
    if "error" in answer:
        raise RuntimeError(f"{path} {params.get('method')}: {answer['error']['data']['message']}")
    return answer["result"]


def call_kw(model, method, *args, **kwargs):
    return json_call(f"/web/dataset/call_kw/{model}/{method}",
                     {"model": model, "method": method, "args": list(args), "kwargs": kwargs})


session = json_call("/web/session/authenticate", {"db": db, "login": "replica_user", "password": "replica_user"})
print(f"logged in over HTTP as {session['username']} (uid {session['uid']})")
time.sleep(2)  # the replica has caught up with the setup
reset = "SELECT pg_stat_statements_reset()"
for pg_port in (primary, replica):
    subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-p", pg_port, "-U", "postgres", "-d", "postgres",
                    "-c", reset], check=True, stdout=subprocess.DEVNULL)
spec = {"name": {}, "stage_id": {"fields": {"display_name": {}}}, "expected_revenue": {}, "user_id": {"fields": {}}}
domain = [("type", "=", "opportunity")]
start = time.perf_counter()
done = {"web_search_read": 0, "web_read_group": 0, "read": 0, "write": 0}
for n in range(calls):
    page = call_kw("crm.lead", "web_search_read", domain, spec, limit=80)
    done["web_search_read"] += 1
    call_kw("crm.lead", "web_read_group", domain, ["expected_revenue:sum"], ["stage_id"], lazy=True)
    done["web_read_group"] += 1
    ids = [record["id"] for record in page["records"]][:5]
    call_kw("crm.lead", "read", ids, ["name", "email_from"])
    done["read"] += 1
    if n % 2 == 0:
        call_kw("crm.lead", "write", ids[:1], {"expected_revenue": 1000 + n})
        done["write"] += 1
print(f"{sum(done.values())} web calls in {time.perf_counter() - start:.1f} s: "
      + ", ".join(f"{count} {name}" for name, count in done.items()))
EOF

sleep 2  # the last statements are counted
SUMMARY="SELECT CASE WHEN query ~* '^\\s*(with .*)?select' THEN 'SELECT' ELSE upper(split_part(ltrim(query), ' ', 1)) END
                 AS kind, sum(calls)::bigint AS calls,
                 sum(calls) FILTER (WHERE query ~ 'crm_lead')::bigint AS on_crm_lead
            FROM pg_stat_statements JOIN pg_database d ON d.oid = dbid
           WHERE d.datname = '$DB'
        GROUP BY 1 ORDER BY 2 DESC"
TOP="SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS statement
       FROM pg_stat_statements JOIN pg_database d ON d.oid = dbid
      WHERE d.datname = '$DB' AND query ~ 'crm_lead'
   ORDER BY calls DESC, statement LIMIT 6"
for node in "primary:$PRIMARY_PORT" "replica:$REPLICA_PORT"; do
    echo "== Statements on the ${node%%:*} (pg_stat_statements, database $DB)"
    psql_on "${node#*:}" -c "$SUMMARY"
    psql_on "${node#*:}" -c "$TOP"
done
errors=$(grep -cE '^\S+ \S+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/odoo.log" || true)
echo "== ERROR lines in Odoo's log: $errors"
grep -E '^\S+ \S+ [0-9]+ (ERROR|CRITICAL) ' "$WORK/odoo.log" | head -5 || true
