#!/usr/bin/env bash
# Start Odoo 18 with crm_sales_playbook and its demo data on the local PostgreSQL.
#
#   tools/demo_server.sh [DATABASE]      (default database: crm_sales_playbook_demo)
#
# Creates the database with demo data when it does not exist, then serves it on
# http://localhost:${PORT:-8069} (log in as admin/admin, or as one of the role users,
# e.g. playbook.head/playbook.head). Odoo is ODOO_BIN when set, otherwise the importable
# odoo package; ODOO_ADDONS_PATH adds addons folders. Extra Odoo options may follow
# the database name.
set -eu
DB=${1:-crm_sales_playbook_demo}
[ $# -gt 0 ] && shift
# shellcheck source=tools/odoo_env.sh
. "$(dirname "${BASH_SOURCE[0]}")/odoo_env.sh"
if ! find_odoo; then
    echo "Odoo 18 not found: set ODOO_BIN to your odoo-bin, or install Odoo 18 (see README)." >&2
    exit 2
fi
playbook_addons_path "${XDG_CACHE_HOME:-$HOME/.cache}/crm_sales_playbook/addons"
INSTALL=()
if ! psql -d "$DB" -Atc "select 1 from ir_module_module where name = 'crm_sales_playbook' and state = 'installed'" \
        2>/dev/null | grep -q 1; then
    echo "Creating database $DB with demo data (a few minutes the first time)..."
    INSTALL=(-i crm_sales_playbook)
fi
exec "${ODOO[@]}" -d "$DB" --addons-path="$ADDONS_PATH" --http-port="${PORT:-8069}" \
    --db-filter="^$DB\$" "${INSTALL[@]}" "$@"
