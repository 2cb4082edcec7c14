#!/usr/bin/env bash
# Every test of crm_sales_playbook, in two tiers; the last line is "N passed, N failed".
#
#   1. Checks that need no Odoo (tools/static_checks.py): lint, XML, manifest, translations.
#   2. Where Odoo 18 is importable (or ODOO_BIN names odoo-bin): on fresh databases of the
#      local PostgreSQL, the addon installed from a link to this checkout and
#        - its tests run by Odoo (--test-tags /crm_sales_playbook) on a database without demo data,
#        - the same tests run again by pytest-odoo, but the slow ones (browser tour, external API, races),
#        - an uninstall from a copy of that database (tools/uninstall_check.py): no WARNING or ERROR
#          logged, the leads of the addon's stages kept, Odoo's CRM still usable by a salesperson,
#        - an install with demo data, then two updates (-u), with no ERROR or WARNING logged,
#        - Odoo's own CRM tests (--test-tags /crm,/sale_crm) with the addon installed,
#        - Odoo's own sale, sales_team, calendar, resource and utm tests with the addon installed,
#          compared with the same tests on a database without it (stock): no more failed tests
#          than stock (PLAYBOOK_CORE_TESTS=0 skips these last two steps: on two cores the CRM tests
#          take about ten minutes, the comparison about ten more, half of it installing and testing stock).
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
        for db in "$DB_PREFIX" "${DB_PREFIX}_demo" "${DB_PREFIX}_core" "${DB_PREFIX}_uninstall" \
                  "${DB_PREFIX}_other" "${DB_PREFIX}_stock"; do
            odoo_db drop "$db" >/dev/null 2>&1 || dropdb --if-exists "$db" >/dev/null 2>&1
        done
        rm -rf "$WORK"
    else
        say "Databases kept: $DB_PREFIX ${DB_PREFIX}_demo (and the copies ${DB_PREFIX}_*); logs in $WORK"
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

# The summary of an Odoo test log as "failed errors total", or nothing when no summary was logged.
odoo_result() {  # log
    grep -E 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$1" | tail -n 1 \
        | sed -E 's/.*result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/'
}

# The tests an Odoo test log reports as failed or in error, one a line, sorted.
odoo_failed_tests() {  # log
    grep -E ' (ERROR|FAIL): ' "$1" | grep -E 'odoo\.(addons\.|tests\.suite)' \
        | sed -E 's/.* (ERROR|FAIL): //' | sort -u
}

say "-- install without demo data and run the addon's tests (Odoo runner)"
odoo -d "$DB_PREFIX" --without-demo=all -i crm_sales_playbook --test-tags /crm_sales_playbook \
    --log-level=warn --log-handler=odoo.tests.result:INFO >"$WORK/tests.log" 2>&1
count_odoo_run "addon tests" "$WORK/tests.log" $?

say "-- the same tests under pytest-odoo (the slow ones run under Odoo's runner only)"
# The browser tour, the external-API tests and the two-connection races need a served database or real
# connections; they ran above. Here pytest-odoo shows the rest runs under it too.
SLOW="not Tour and not XmlRpc and not ExternalApi and not Race"
if "$ODOO_PY" -c "import pytest_odoo" 2>/dev/null; then
    (cd "$WORK" && timeout 1200 "$ODOO_PY" -m pytest -q -p no:cacheprovider -k "$SLOW" \
        --odoo-database="$DB_PREFIX" --odoo-addons-path="$ADDONS_PATH" \
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

say "-- uninstall the addon from a copy of the test database"
uninstall_args=(--source-db "$DB_PREFIX" --copy-db "${DB_PREFIX}_uninstall" --addons-path "$ADDONS_PATH"
                --log-dir "$WORK/uninstall")
[ -n "${ODOO_BIN:-}" ] && uninstall_args+=(--odoo-bin "$ODOO_BIN")
[ "${PLAYBOOK_KEEP_DB:-0}" = 1 ] && uninstall_args+=(--keep)
(cd "$WORK" && timeout 1800 "$ODOO_PY" "$ADDON_DIR/tools/uninstall_check.py" "${uninstall_args[@]}") \
    >"$WORK/uninstall_check.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -q '^ok ' "$WORK/uninstall_check.log"; then
    say "$(grep '^ok ' "$WORK/uninstall_check.log" | tail -n 1)"
    pass 1
else
    grep -q '^FAIL ' "$WORK/uninstall_check.log" || say "FAIL uninstall (exit code $rc)"
    tail -n 20 "$WORK/uninstall_check.log"
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

    say "-- Odoo's own sale, sales_team, calendar, resource and utm tests, with the addon and stock"
    # These tests are not all green on a database of installed modules, addon or not (at_install tests
    # run while the modules loaded after theirs are missing from the registry): the run with the addon
    # must fail no more of them than the same run on a database without it. The update (-u) costs no
    # time and matters: it lifts the NOT NULL of columns the partial registry does not know (account's
    # res_partner.autopost_bills); without it 14 tests or classes fail on it and 73 fewer run, stock or not.
    OTHER_MODULES=sale,sales_team,calendar,resource,utm
    OTHER_TAGS=/sale,/sales_team,/calendar,/resource,/utm
    odoo_db duplicate "$DB_PREFIX" "${DB_PREFIX}_other" >"$WORK/duplicate_other.log" 2>&1 \
        || cat "$WORK/duplicate_other.log"
    odoo -d "${DB_PREFIX}_other" -u "$OTHER_MODULES" --test-tags "$OTHER_TAGS" \
        --log-level=warn --log-handler=odoo.tests.result:INFO >"$WORK/other.log" 2>&1
    # Stock: the addon's dependencies only, installed as the addon's database was (no demo data).
    odoo -d "${DB_PREFIX}_stock" --without-demo=all -i crm,sale_crm,calendar,resource,sms \
        --log-level=warn >"$WORK/stock_install.log" 2>&1 || tail -n 25 "$WORK/stock_install.log"
    odoo -d "${DB_PREFIX}_stock" -u "$OTHER_MODULES" --test-tags "$OTHER_TAGS" \
        --log-level=warn --log-handler=odoo.tests.result:INFO >"$WORK/stock.log" 2>&1
    read -r with_failed with_errors with_total <<<"$(odoo_result "$WORK/other.log")"
    read -r stock_failed stock_errors stock_total <<<"$(odoo_result "$WORK/stock.log")"
    name="Odoo sale, sales_team, calendar, resource and utm tests"
    if [ -z "${with_total:-}" ] || [ -z "${stock_total:-}" ] || [ "$with_total" -eq 0 ] || [ "$stock_total" -eq 0 ]; then
        say "FAIL $name: a run logged no result or ran no test (with the addon: ${with_total:-none}, stock: ${stock_total:-none})"
        tail -n 15 "$WORK/other.log" "$WORK/stock.log"
        fail 1
    else
        figures="with the addon $((with_failed + with_errors)) failed or in error of $with_total tests, stock $((stock_failed + stock_errors)) of $stock_total"
        if [ $((with_failed + with_errors)) -le $((stock_failed + stock_errors)) ] && [ "$with_total" -ge "$stock_total" ]; then
            say "ok   $name: $figures"
            pass 1
        else
            say "FAIL $name: $figures"
            fail 1
        fi
        extra=$(comm -23 <(odoo_failed_tests "$WORK/other.log") <(odoo_failed_tests "$WORK/stock.log"))
        [ -n "$extra" ] && say "     failed with the addon only:" && say "$extra"
    fi
fi

say "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
