"""Rules on the addon's source that need no Odoo: run by the Odoo tests and by tools/static_checks.py.

Kept free of Odoo imports so that the checks without Odoo load it by its path.
"""
import re
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("models", "wizards", "report")
SUDO = re.compile(r"\.sudo\(")
REASON = "# sudo:"


def addon_sources():
    """The addon's Python files that run in Odoo: models, wizards, reports and the hooks (not tests, tools)."""
    files = [ADDON / "hooks.py"] + [path for folder in SOURCE_DIRS for path in sorted((ADDON / folder).glob("*.py"))]
    return [path for path in files if path.is_file()]


def sudo_calls():
    """Every ``sudo()`` call of the addon: [(file, line number, justified)], where a call is justified by a
    ``# sudo: <reason>`` comment on its line or on the line above (house style, Acting for a user)."""
    calls = []
    for path in addon_sources():
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, line in enumerate(lines):
            code = line.split("#", 1)[0]
            for _match in SUDO.finditer(code):
                above = lines[index - 1].strip() if index else ""
                justified = _has_reason(line) or (above.startswith("#") and _has_reason(above))
                calls.append((path.relative_to(ADDON), index + 1, justified))
    return calls


def _has_reason(line):
    position = line.find(REASON)
    return position >= 0 and len(line[position + len(REASON):].strip()) >= 10
