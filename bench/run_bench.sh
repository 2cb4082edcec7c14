#!/usr/bin/env bash
# Prepare two fresh databases (stock Odoo CRM, and the same with crm_sales_playbook) and run
# the benchmarks on them: bench_dedup.py (intake), bench_sla.py (deadlines and escalation),
# bench_assign.py (assignment and planning), bench_reports.py (reports and the weekly review) and
# bench_pipeline.py (lead create and the pipeline kanban against stock, hot against warm leads).
set -eu
# shellcheck source=tools/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/odoo_env.sh"
find_odoo || { echo "Odoo 18 not found (set ODOO_BIN)" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crm_sales_playbook_bench.XXXXXX")
playbook_addons_path "$WORK/addons"
STOCK=crm_sales_playbook_bench_stock
ADDON=crm_sales_playbook_bench_addon
PORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
COMMON=(--addons-path="$ADDONS_PATH" --stop-after-init --without-demo=all --http-port="$PORT" --log-level=warn
        --max-cron-threads=0)
for db in "$STOCK" "$ADDON"; do dropdb --if-exists "$db"; done
echo "Creating $STOCK (crm, sale_crm) and $ADDON (with crm_sales_playbook)..."
(cd "$WORK" && "${ODOO[@]}" -d "$STOCK" -i crm,sale_crm,calendar,resource,sms "${COMMON[@]}")
createdb -T "$STOCK" "$ADDON"
(cd "$WORK" && "${ODOO[@]}" -d "$ADDON" -i crm_sales_playbook "${COMMON[@]}")
echo "== Duplicate-free intake"
(cd "$WORK" && "$ODOO_PY" "$ADDON_DIR/bench/bench_dedup.py" --db "$ADDON" --stock-db "$STOCK" \
    --addons-path="$ADDONS_PATH")
echo "== Response deadlines and escalation"
(cd "$WORK" && "$ODOO_PY" "$ADDON_DIR/bench/bench_sla.py" --db "$ADDON" --stock-db "$STOCK" \
    --addons-path="$ADDONS_PATH")
echo "== Assignment and planning"
(cd "$WORK" && "$ODOO_PY" "$ADDON_DIR/bench/bench_assign.py" --db "$ADDON" --stock-db "$STOCK" \
    --addons-path="$ADDONS_PATH")
echo "== Management reports and the weekly database review"
(cd "$WORK" && "$ODOO_PY" "$ADDON_DIR/bench/bench_reports.py" --db "$ADDON" --stock-db "$STOCK" \
    --addons-path="$ADDONS_PATH")
echo "== Intake and the pipeline kanban against stock Odoo; hot against warm leads"
(cd "$WORK" && "$ODOO_PY" "$ADDON_DIR/bench/bench_pipeline.py" --db "$ADDON" --stock-db "$STOCK" \
    --addons-path="$ADDONS_PATH")
