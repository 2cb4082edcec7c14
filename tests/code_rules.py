"""Rules on the addon's source that need no Odoo: run by the Odoo tests and by tools/static_checks.py.

Kept free of Odoo imports so that the checks without Odoo load it by its path.
"""

import ast
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("models", "wizards", "report")
REASON = "# sudo:"


def addon_sources():
    """The addon's Python files that run in Odoo: models, wizards, reports and the hooks (not tests, tools)."""
    files = [ADDON / "hooks.py"] + [path for folder in SOURCE_DIRS for path in sorted((ADDON / folder).glob("*.py"))]
    return [path for path in files if path.is_file()]


def sudo_calls():
    """Every ``sudo()`` call of the addon: [(file, line number, justified)], where a call is justified by a
    ``# sudo: <reason>`` comment on its line, on the line above, or, when the formatter wrapped the statement
    over several lines, on one of the statement's lines before the call or the line above the statement
    (house style, Acting for a user)."""
    calls = []
    for path in addon_sources():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for statement, call in _sudo_calls(ast.parse(text)):
            first = max(statement.lineno - 2, 0)
            justified = any(_has_reason(line) for line in lines[first : call.lineno])
            calls.append((path.relative_to(ADDON), call.lineno, justified))
    return sorted(calls)


def _sudo_calls(tree):
    """(innermost statement, call) for every ``.sudo()`` call of a module."""
    found = []

    def visit(node, statement):
        if isinstance(node, ast.stmt):
            statement = node
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "sudo":
            found.append((statement, node))
        for child in ast.iter_child_nodes(node):
            visit(child, statement)

    visit(tree, None)
    return found


def _has_reason(line):
    position = line.find(REASON)
    return position >= 0 and len(line[position + len(REASON) :].strip()) >= 10
