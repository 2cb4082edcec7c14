# Sourced by the tools: finds Odoo 18 and links this checkout as an addon named crm_sales_playbook.
#
# Sets ODOO (command array), ODOO_PY (its Python), ODOO_ROOT and, after playbook_addons_path DIR,
# ADDONS_PATH. Returns 1 when no Odoo 18 is found (ODOO_BIN unset and `import odoo` fails).
ADDON_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

find_odoo() {
    if [ -n "${ODOO_BIN:-}" ]; then
        ODOO=("$ODOO_BIN")
        ODOO_ROOT=$(cd "$(dirname "$ODOO_BIN")" && pwd)
        ODOO_PY=$(head -n 1 "$ODOO_BIN" | sed -n 's/^#!\s*//p' | awk '{print $NF}')
        [ -x "$ODOO_PY" ] || ODOO_PY=python3
        return 0
    fi
    if python3 -c "import odoo.release as r; assert r.version_info[0] == 18" 2>/dev/null; then
        ODOO_PY=python3
        ODOO_ROOT=$(python3 -c "import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))")
        if [ -f "$ODOO_ROOT/odoo-bin" ]; then
            # A script path, so that --workers can start its long-polling process with the same command.
            ODOO=(python3 "$ODOO_ROOT/odoo-bin")
        else
            ODOO=(python3 -c "import sys, odoo.cli; sys.argv[0] = 'odoo'; odoo.cli.main()")
        fi
        return 0
    fi
    return 1
}

playbook_addons_path() {  # DIR: where to put the crm_sales_playbook link
    mkdir -p "$1"
    ln -sfn "$ADDON_DIR" "$1/crm_sales_playbook"
    ADDONS_PATH="$1"
    [ -d "$ODOO_ROOT/addons" ] && ADDONS_PATH="$ODOO_ROOT/addons,$ADDONS_PATH"
    [ -n "${ODOO_ADDONS_PATH:-}" ] && ADDONS_PATH="$ODOO_ADDONS_PATH,$ADDONS_PATH"
    return 0
}
