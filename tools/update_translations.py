#!/usr/bin/env python3
"""Refresh i18n/crm_sales_playbook.pot from a database and merge it into i18n/ru.po.

Usage: tools/update_translations.py DATABASE [ODOO_ARGS...]
The database must have the addon installed and up to date. Translations already in
ru.po are kept; new strings arrive untranslated (the static checks then fail until
someone translates them). Terms of records of other modules that this addon renames
(Odoo's CRM stages) are exported under those modules, so they are added here.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ADDON = Path(__file__).resolve().parent.parent
EXTRA_TERMS = [
    ("model", "crm.stage,name", "crm.stage_lead1", "New"),
    ("model", "crm.stage,name", "crm.stage_lead2", "Contact"),
    ("model", "crm.stage,name", "crm.stage_lead3", "Proposal"),
    ("model", "crm.stage,name", "crm.stage_lead4", "Won"),
]


def save_pretty(catalog, path):
    """Save sorted by msgid and wrapped by polib, as the OCA po-pretty-format check wants."""
    catalog.sort(key=lambda entry: entry.msgid)
    for entry in catalog:
        if entry.msgstr == entry.msgid:
            entry.msgstr = ""
    path.write_text(str(catalog), encoding="utf-8")


def main(database, *odoo_args):
    with tempfile.TemporaryDirectory() as tmp:
        pot_file = Path(tmp) / "crm_sales_playbook.pot"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys, odoo.cli; sys.argv[0] = 'odoo'; odoo.cli.main()",
                "-d",
                database,
                *odoo_args,
                "--i18n-export",
                str(pot_file),
                "--modules=crm_sales_playbook",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )
        pot = polib.pofile(str(pot_file))
    for kind, field, xmlid, text in EXTRA_TERMS:
        occurrence = (f"{kind}:{field}:{xmlid}", "")
        entry = pot.find(text)
        if entry is None:
            entry = polib.POEntry(msgid=text, msgstr="", comment="module: crm_sales_playbook")
            pot.append(entry)
        if occurrence not in entry.occurrences:
            entry.occurrences.append(occurrence)
    save_pretty(pot, ADDON / "i18n" / "crm_sales_playbook.pot")
    po_path = ADDON / "i18n" / "ru.po"
    po = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    po.merge(pot)
    po.metadata.update(
        {
            "Project-Id-Version": "Odoo Server 18.0",
            "Language": "ru",
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "",
            "Plural-Forms": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
            "(n%100<10 || n%100>=20) ? 1 : 2);",
        }
    )
    for entry in po:
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"] if entry.msgstr else entry.flags
    po[:] = [entry for entry in po if not entry.obsolete]
    save_pretty(po, po_path)
    print(f"{len(pot)} strings; {len(po.untranslated_entries())} untranslated in ru.po")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(*sys.argv[1:])
