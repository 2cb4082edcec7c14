#!/usr/bin/env bash
# Every test of crm_sales_playbook, in two tiers; the last line is "N passed, N failed".
#
#   1. Checks that need no Odoo (tools/static_checks.py): lint, XML, manifest, translations.
#   2. Where Odoo 18 is importable (or ODOO_BIN names odoo-bin): on fresh databases of the
#      local PostgreSQL, the addon installed from a link to this checkout and
#        - its tests run by Odoo (--test-tags /crm_sales_playbook) on a database without demo data,
#        - the same tests run again by pytest-odoo,
#        - an install with demo data, then two updates (-u), with no ERROR or WARNING logged,
#        - Odoo's own CRM tests (--test-tags /crm,/sale_crm) with the addon installed
#          (PLAYBOOK_CORE_TESTS=0 skips them: they take about ten minutes).
#      Any failed test, ERROR line, failed install or run of zero tests counts as failed.
#
# Environment: ODOO_BIN (odoo-bin to use), ODOO_ADDONS_PATH (extra addons folders),
# PGHOST/PGPORT/PGUSER/PGPASSWORD (PostgreSQL, read by libpq), PLAYBOOK_KEEP_DB=1 (keep the databases),
# PLAYBOOK_CORE_TESTS=0, PLAYBOOK_TOOLS_VENV (virtual environment with requirements-dev.txt;
# default ~/.cache/crm_sales_playbook/tools-venv when it exists).
set -u
ADDON_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crm_sales_playbook_tests.XXXXXX")
PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + $1)); }
fail() { FAILED=$((FAILED + $1)); }
say() { printf '%s\n' "$*"; }

# ---- tier 1 ---------------------------------------------------------------
say "== Checks that need no Odoo"
DEFAULT_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/crm_sales_playbook/tools-venv"
if [ -z "${PLAYBOOK_TOOLS_VENV:-}" ] && [ -x "$DEFAULT_VENV/bin/python" ]; then
    export PLAYBOOK_TOOLS_VENV="$DEFAULT_VENV"
fi
TOOLS_PY=python3
[ -n "${PLAYBOOK_TOOLS_VENV:-}" ] && [ -x "$PLAYBOOK_TOOLS_VENV/bin/python" ] && TOOLS_PY="$PLAYBOOK_TOOLS_VENV/bin/python"
"$TOOLS_PY" "$ADDON_DIR/tools/static_checks.py" | tee "$WORK/static.log"
summary=$(tail -n 1 "$WORK/static.log")
pass "$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$summary")"
fail "$(sed -E 's/.* ([0-9]+) failed.*/\1/' <<<"$summary")"

# ---- tier 2 ---------------------------------------------------------------
say "== Odoo tests"
# shellcheck source=tools/odoo_env.sh
. "$ADDON_DIR/tools/odoo_env.sh"
if ! find_odoo; then
    say "Odoo 18 is not importable (and ODOO_BIN is not set): skipping the Odoo tests."
    say "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
    exit $?
fi
ADDONS="$WORK/addons"
playbook_addons_path "$ADDONS"
PORT=$(python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
DB_PREFIX="crm_sales_playbook_test_$$"
COMMON=(--addons-path="$ADDONS_PATH" --http-port="$PORT" --http-interface=127.0.0.1
        --stop-after-init --max-cron-threads=0)

odoo() { (cd "$WORK" && timeout "${PLAYBOOK_TIMEOUT:-2400}" "${ODOO[@]}" "${COMMON[@]}" "$@"); }
odoo_db() { (cd "$WORK" && timeout 600 "${ODOO[@]}" db "$@"); }

cleanup() {
    if [ "${PLAYBOOK_KEEP_DB:-0}" != 1 ]; then
        for db in "$DB_PREFIX" "${DB_PREFIX}_demo" "${DB_PREFIX}_core"; do
            odoo_db drop "$db" >/dev/null 2>&1 || dropdb --if-exists "$db" >/dev/null 2>&1
        done
        rm -rf "$WORK"
    else
        say "Databases kept: $DB_PREFIX ${DB_PREFIX}_demo; logs in $WORK"
    fi
}
trap cleanup EXIT

# Reads an Odoo test log: counts tests, failures and stray ERROR lines.
count_odoo_run() {  # name log exit-code
    local name=$1 log=$2 rc=$3 result total failed errors stray
    result=$(grep -E 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$log" | tail -n 1)
    if [ -z "$result" ]; then
        say "FAIL $name: no test ran (exit code $rc); last lines of the log:"
        tail -n 25 "$log"
        fail 1
        return
    fi
    failed=$(sed -E 's/.*result: ([0-9]+) failed.*/\1/' <<<"$result")
    errors=$(sed -E 's/.*failed, ([0-9]+) error.*/\1/' <<<"$result")
    total=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$result")
    if [ "$total" -eq 0 ]; then
        say "FAIL $name: zero tests ran"
        fail 1
        return
    fi
    pass $((total - failed - errors))
    fail $((failed + errors))
    stray=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log" \
            | grep -vE 'odoo\.addons\.[a-z_]+\.tests\.|odoo\.tests\.result' | head -n 20)
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && [ "$errors" -eq 0 ]; then
        say "FAIL $name: Odoo exited with $rc"
        fail 1
    fi
    if [ -n "$stray" ]; then
        say "FAIL $name: ERROR lines outside the tests:"
        say "$stray"
        fail 1
    fi
    grep -E ' (ERROR|FAIL): ' "$log" | grep -E 'odoo\.addons\.' | head -n 40
    say "     $name: $result" | sed -E 's/[0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+ [^ ]+ odoo\.tests\.result: //'
}

check_clean_log() {  # name log exit-code
    local name=$1 log=$2 rc=$3 noisy
    noisy=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$log" | head -n 20)
    if [ "$rc" -ne 0 ] || [ -n "$noisy" ]; then
        say "FAIL $name (exit code $rc)"
        [ -n "$noisy" ] && say "$noisy" || tail -n 25 "$log"
        fail 1
    else
        say "ok   $name"
        pass 1
    fi
}

say "-- install without demo data and run the addon's tests (Odoo runner)"
odoo -d "$DB_PREFIX" --without-demo=all -i crm_sales_playbook --test-tags /crm_sales_playbook \
    --log-level=warn --log-handler=odoo.tests.result:INFO >"$WORK/tests.log" 2>&1
count_odoo_run "addon tests" "$WORK/tests.log" $?

say "-- the same tests under pytest-odoo"
if "$ODOO_PY" -c "import pytest_odoo" 2>/dev/null; then
    (cd "$WORK" && timeout 1200 "$ODOO_PY" -m pytest -q -p no:cacheprovider \
        --odoo-database="$DB_PREFIX" --odoo-addons-path="$ADDONS_PATH" --odoo-http \
        "$ADDONS/crm_sales_playbook/tests") >"$WORK/pytest.log" 2>&1
    rc=$?
    line=$(grep -E '^[0-9]+ passed|[0-9]+ (passed|failed)' "$WORK/pytest.log" | tail -n 1)
    if [ "$rc" -eq 0 ] && grep -qE '[0-9]+ passed' <<<"$line"; then
        say "ok   pytest-odoo: $line"
        pass 1
    else
        say "FAIL pytest-odoo (exit code $rc): $line"
        tail -n 30 "$WORK/pytest.log"
        fail 1
    fi
else
    say "FAIL pytest-odoo is not installed for $ODOO_PY (pip install -r requirements-test.txt)"
    fail 1
fi

say "-- install with demo data, then update twice"
odoo -d "${DB_PREFIX}_demo" -i crm_sales_playbook --log-level=warn >"$WORK/demo.log" 2>&1
check_clean_log "install with demo data" "$WORK/demo.log" $?
for round in 1 2; do
    odoo -d "${DB_PREFIX}_demo" -u crm_sales_playbook --log-level=warn >"$WORK/update$round.log" 2>&1
    check_clean_log "update (-u) with demo data, round $round" "$WORK/update$round.log" $?
done
odoo -d "$DB_PREFIX" -u crm_sales_playbook --log-level=warn >"$WORK/update2.log" 2>&1
check_clean_log "update (-u) without demo data" "$WORK/update2.log" $?

if [ "${PLAYBOOK_CORE_TESTS:-1}" != 0 ]; then
    say "-- Odoo's own CRM tests with the addon installed"
    # A copy with its filestore: the assets built by the HTTP tests live there.
    odoo_db duplicate "$DB_PREFIX" "${DB_PREFIX}_core" >"$WORK/duplicate.log" 2>&1 || cat "$WORK/duplicate.log"
    odoo -d "${DB_PREFIX}_core" -u crm,sale_crm --test-tags /crm,/sale_crm \
        --log-level=warn --log-handler=odoo.tests.result:INFO >"$WORK/core.log" 2>&1
    count_odoo_run "Odoo crm and sale_crm tests" "$WORK/core.log" $?
fi

say "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
