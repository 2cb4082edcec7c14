#!/usr/bin/env python3
"""Checks of crm_sales_playbook that need no Odoo: lint, XML, manifest, translations.

Prints one line per check ("ok  name" or "FAIL name" with the reasons under it) and,
last, "static checks: N passed, N failed". Exit code 1 when a check failed.
The lint tools are looked up in $PLAYBOOK_TOOLS_VENV/bin, then on PATH.
"""
import ast
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.dom import minidom

ADDON = Path(__file__).resolve().parent.parent
DATA_DIRS = ("security", "data", "views", "wizards", "report")
OLD_VIEW_SYNTAX = [
    (re.compile(r"<tree[\s>/]"), "<tree> (use <list>)"),
    (re.compile(r"\sattrs\s*="), "attrs= (use invisible/readonly/required expressions)"),
    (re.compile(r"\sstates\s*="), "states= (use invisible expressions)"),
]


def tracked_files(suffix):
    try:
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ADDON,
                             capture_output=True, text=True, check=True).stdout.split()
        files = [ADDON / f for f in out]
    except (OSError, subprocess.CalledProcessError):
        files = list(ADDON.rglob("*"))
    return sorted(f for f in files if f.suffix == suffix and f.is_file() and "bench" not in f.parts[:1])


def tool(name):
    venv = os.environ.get("PLAYBOOK_TOOLS_VENV")
    if venv and (Path(venv) / "bin" / name).exists():
        return str(Path(venv) / "bin" / name)
    return shutil.which(name)


def check_python_compiles():
    problems = []
    for path in tracked_files(".py"):
        try:
            compile(path.read_text(encoding="utf-8"), str(path), "exec")
        except SyntaxError as error:
            problems.append(f"{path.relative_to(ADDON)}: {error}")
    return problems


def check_xml_well_formed():
    problems = []
    for path in tracked_files(".xml"):
        try:
            minidom.parse(str(path))
        except Exception as error:  # pylint: disable=broad-except
            problems.append(f"{path.relative_to(ADDON)}: {error}")
    return problems


def check_xml_odoo18_syntax():
    problems = []
    for path in tracked_files(".xml"):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            for pattern, what in OLD_VIEW_SYNTAX:
                if pattern.search(line):
                    problems.append(f"{path.relative_to(ADDON)}:{number}: pre-17 syntax {what}")
    return problems


def check_manifest():
    problems = []
    manifest = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
    listed = manifest.get("data", []) + manifest.get("demo", [])
    for name in listed:
        if not (ADDON / name).is_file():
            problems.append(f"listed but missing: {name}")
    for folder in DATA_DIRS:
        for path in sorted((ADDON / folder).rglob("*")) if (ADDON / folder).is_dir() else []:
            rel = str(path.relative_to(ADDON))
            if path.suffix in (".xml", ".csv") and rel not in listed:
                problems.append(f"not listed in the manifest: {rel}")
    if not str(manifest.get("version", "")).startswith("18.0."):
        problems.append("version must start with 18.0.")
    if manifest.get("license") != "LGPL-3":
        problems.append("license must be LGPL-3")
    order = [name.split("/")[0] for name in manifest.get("data", [])]
    rank = {"security": 0, "data": 1, "wizards": 2, "views": 3, "report": 4}
    ranks = [rank.get(folder, 3) for folder in order]
    if ranks != sorted(ranks):
        problems.append("data files must be ordered security, data, wizards, views, report")
    return problems


def same_in_every_language(msgid):
    """Entries the OCA format keeps untranslated because they read the same: placeholders, "ID"."""
    words = re.sub(r"%\(\w+\)s", "", msgid)
    return not re.search(r"[^\W\d_]", words) or msgid in ("ID",)


def check_translations():
    try:
        import polib
    except ImportError:
        return ["polib is not installed (pip install polib)"]
    problems = []
    files = sorted((ADDON / "i18n").glob("*.po*"))
    if not files:
        return ["no translation files in i18n/"]
    pot_ids = set()
    for path in files:
        try:
            catalog = polib.pofile(str(path))
        except Exception as error:  # pylint: disable=broad-except
            problems.append(f"{path.name}: {error}")
            continue
        if path.suffix == ".pot":
            pot_ids = {entry.msgid for entry in catalog}
            continue
        missing = [entry.msgid for entry in catalog.untranslated_entries()
                   if not entry.obsolete and not same_in_every_language(entry.msgid)]
        fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
        for msgid in missing[:10]:
            problems.append(f"{path.name}: untranslated: {msgid[:70]!r}")
        if len(missing) > 10:
            problems.append(f"{path.name}: {len(missing) - 10} more untranslated")
        for msgid in fuzzy[:5]:
            problems.append(f"{path.name}: fuzzy: {msgid[:70]!r}")
        for entry in catalog:
            if entry.msgstr and "%(" in entry.msgid:
                wanted = sorted(set(re.findall(r"%\((\w+)\)s", entry.msgid)))
                got = sorted(set(re.findall(r"%\((\w+)\)s", entry.msgstr)))
                if wanted != got:
                    problems.append(f"{path.name}: placeholders differ in {entry.msgid[:60]!r}")
    for path in files:
        if path.suffix == ".po" and pot_ids:
            ids = {entry.msgid for entry in polib.pofile(str(path)) if not entry.obsolete}
            for msgid in sorted(pot_ids - ids)[:10]:
                problems.append(f"{path.name}: missing entry from the .pot: {msgid[:70]!r}")
    return problems


def check_pylint_odoo():
    pylint = tool("pylint")
    if not pylint:
        return ["pylint with pylint-odoo is not installed (pip install -r requirements-dev.txt)"]
    files = [str(p) for p in tracked_files(".py") if p.parts[len(ADDON.parts)] not in ("tools", "bench")]
    result = subprocess.run(
        [pylint, "--load-plugins=pylint_odoo", "-d", "all", "-e", "odoolint",
         # Not an OCA addon: no OCA author, and the description is README.md.
         "-d", "manifest-required-author,missing-readme",
         "--valid-odoo-versions=18.0", "--score=n", "--msg-template={path}:{line}: {msg_id} {msg}",
         *files],
        cwd=ADDON, capture_output=True, text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("*****")]
    return lines if result.returncode else []


def check_oca_hooks():
    problems = []
    for name in ("oca-checks-odoo-module", "oca-checks-po"):
        command = tool(name)
        if not command:
            problems.append(f"{name} is not installed (pip install -r requirements-dev.txt)")
            continue
        if name == "oca-checks-po":
            args = [str(p) for p in sorted((ADDON / "i18n").glob("*.po*"))]
        else:
            args = [str(ADDON / "__manifest__.py")]
        result = subprocess.run([command, *args], cwd=ADDON, capture_output=True, text=True)
        if result.returncode:
            problems += [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    return problems


def check_sudo_reasons():
    """Every sudo() of the addon says why (house style, Acting for a user): the rule of tests/code_rules.py."""
    spec = importlib.util.spec_from_file_location("code_rules", ADDON / "tests" / "code_rules.py")
    code_rules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code_rules)
    return [f"{path}:{line}: sudo() without '# sudo: <reason>' on its line or the line above"
            for path, line, justified in code_rules.sudo_calls() if not justified]


CHECKS = [
    ("python compiles", check_python_compiles),
    ("XML well-formed", check_xml_well_formed),
    ("XML uses Odoo 18 syntax", check_xml_odoo18_syntax),
    ("manifest consistent", check_manifest),
    ("translations parse and are complete", check_translations),
    ("pylint-odoo (Odoo 18)", check_pylint_odoo),
    ("OCA XML and PO checks", check_oca_hooks),
    ("every sudo() says why", check_sudo_reasons),
]


def main():
    passed = failed = 0
    for name, check in CHECKS:
        problems = check()
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"     {problem}")
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"static checks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
