#!/usr/bin/env python3
"""Keep docs/requirements.md, the index of the requirements, true to the code.

docs/requirements.md has one entry per requirement code of the catalog::

    ### PP-1 One lead per client request and product
    Rule: ...
    Methods: `models/lead_intake.py:same_request_leads`, `models/crm_lead.py:CrmLead._playbook_work_status`
    Tests: `tests/test_dedup.py:TestDedup.test_form_intake`
    Status: met | partly met: <what is missing> | not built yet: <why>

A reference is a backticked path relative to the addon, with an optional name after a colon: ``Class.method`` or
``function`` (or ``Class``) of a Python file, read with ``ast``; a bare path (a check that is not an Odoo test)
must only exist. "none" (no backticks) stands for no reference. Other lines of an entry (``Note:``) are free text.

``problems(addon_dir)`` lists, one string each:
  (a) every requirement code cited in the addon's code (models/, wizards/, report/, tests/, hooks.py, migrations/,
      data/, views/; .py and .xml files) that the document does not define;
  (b) every reference of a Methods or Tests line that no longer exists: a missing file, class, method or function
      (a method may come from a base class of the same file; a test also from a class of tests/common.py);
  (c) a Methods or Tests line missing or empty in an entry whose status is "met" or "partly met";
and what makes the document unreadable by this check: an entry without a valid Status line, a code defined twice.

Only the standard library: ``python3 tools/requirements_index.py [ADDON_DIR] [--summary]`` prints the problems
and exits 1 when there are any, else prints nothing (or, with ``--summary``, the entries by status) and exits 0.
"""

import ast
import re
import sys
from pathlib import Path

DOC = Path("docs") / "requirements.md"
SCANNED_DIRS = ("models", "wizards", "report", "tests", "migrations", "data", "views")
SCANNED_FILES = ("hooks.py",)
SCANNED_SUFFIXES = (".py", ".xml")
TESTS_DIR = "tests"
TESTS_COMMON = Path(TESTS_DIR) / "common.py"

# The cross-cutting codes of the catalog (its section "X"). An X- code counts only when it is one of these, or
# one the document defines: "X-Frame-Options" or "X-UA-Compatible" are not requirements.
CATALOG_X_CODES = frozenset({"X-REP", "X-CFG", "X-SEC", "X-I18N", "X-DEMO"})
NUMBERED_PREFIXES = ("PP", "EV", "ST", "LG", "RC")
# A candidate code, as the catalog writes them; not part of a longer dashed word or number ("PP-2026-01").
CODE = re.compile(r"(?<![\w-])(PP|EV|ST|LG|RC|X)-(\d+|[A-Z0-9]+)\b(?!-\w)")

HEADING = re.compile(r"^###\s+(?P<code>(?:PP|EV|ST|LG|RC)-\d+|X-[A-Z0-9]+)\b\s*(?P<title>.*)$")
SECTION = re.compile(r"^#{1,2}\s")
FIELD = re.compile(r"^(?P<name>Rule|Methods|Tests|Status):\s*(?P<value>.*)$")
REFERENCE = re.compile(r"`([^`]*)`")
STATUS = re.compile(r"^(?:met|partly met: \S.*|not built yet: \S.*)$")
NEEDS_EVIDENCE = ("met", "partly met")


def code_of(prefix, suffix, x_codes):
    """The requirement code a regex match stands for, or None when it only looks like one."""
    if prefix in NUMBERED_PREFIXES:
        return f"{prefix}-{suffix}" if suffix.isdigit() and not suffix.startswith("0") else None
    code = f"X-{suffix}"
    return code if code in x_codes else None


def status_kind(status):
    """ "met", "partly met" or "not built yet" for a valid status line's value."""
    return status.split(":", 1)[0].strip()


# The document -----------------------------------------------------------------------------------------------


def parse_document(text):
    """(entries, unreadable): the entries of the document in order, and what makes it unreadable.

    An entry is {"code", "line", "title", "fields": {name: (line, value)}}; an entry ends at the next heading.
    """
    entries, unreadable = [], []
    entry = None
    for number, line in enumerate(text.splitlines(), start=1):
        heading = HEADING.match(line)
        if heading:
            entry = {"code": heading["code"], "line": number, "title": heading["title"].strip(), "fields": {}}
            entries.append(entry)
            continue
        if SECTION.match(line) or line.startswith("### "):
            entry = None
            if line.startswith("### "):
                unreadable.append(f"{DOC}:{number}: heading {line.strip()!r} is not '### <CODE> <title>'")
            continue
        field = FIELD.match(line)
        if entry is not None and field:
            if field["name"] in entry["fields"]:
                unreadable.append(f"{DOC}:{number}: {entry['code']} has a second {field['name']} line")
            else:
                entry["fields"][field["name"]] = (number, field["value"].strip())
    seen = {}
    for entry in entries:
        if entry["code"] in seen:
            unreadable.append(
                f"{DOC}:{entry['line']}: {entry['code']} is defined twice (first at line {seen[entry['code']]})"
            )
        seen.setdefault(entry["code"], entry["line"])
        if "Status" not in entry["fields"]:
            unreadable.append(f"{DOC}:{entry['line']}: {entry['code']} has no Status line")
        elif not STATUS.match(entry["fields"]["Status"][1]):
            line, value = entry["fields"]["Status"]
            unreadable.append(
                f"{DOC}:{line}: {entry['code']} status {value!r} is not 'met', "
                "'partly met: <what is missing>' or 'not built yet: <why>'"
            )
    return entries, unreadable


# References -------------------------------------------------------------------------------------------------


class SourceIndex:
    """The classes and functions of the addon's Python files, each file parsed once."""

    def __init__(self, addon):
        self.addon = addon
        self.modules = {}

    def module(self, relative):
        """{"functions": set, "classes": {name: [ClassDef]}} of a file, or a string saying why it cannot be read."""
        if relative not in self.modules:
            path = self.addon / relative
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            except (OSError, UnicodeDecodeError, SyntaxError) as error:
                self.modules[relative] = f"cannot be parsed ({error.__class__.__name__}: {error})"
            else:
                classes = {}
                functions = set()
                for node in tree.body:
                    if isinstance(node, ast.ClassDef):
                        classes.setdefault(node.name, []).append(node)
                    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        functions.add(node.name)
                self.modules[relative] = {"classes": classes, "functions": functions}
        return self.modules[relative]

    def find_class(self, class_name, module_paths):
        """(file, [ClassDef]) of the first of ``module_paths`` that defines ``class_name``, or (None, [])."""
        for module_path in module_paths:
            module = self.module(module_path)
            if not isinstance(module, str) and class_name in module["classes"]:
                return module_path, module["classes"][class_name]
        return None, []

    def has_method(self, relative, class_name, method, extra_modules=(), seen=None):
        """Whether ``class_name`` of the file defines ``method``, itself or through a base class defined in the
        same file or in one of ``extra_modules`` (tests: tests/common.py)."""
        seen = set() if seen is None else seen
        module_path, nodes = self.find_class(class_name, (relative, *extra_modules))
        if not nodes or (module_path, class_name) in seen:
            return False
        seen.add((module_path, class_name))
        for node in nodes:
            if any(
                isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == method for item in node.body
            ):
                return True
            if any(
                isinstance(base, ast.Name) and self.has_method(module_path, base.id, method, extra_modules, seen)
                for base in node.bases
            ):
                return True
        return False

    def missing(self, reference, kind):
        """Why ``reference`` (a Methods or Tests reference) does not resolve, or None."""
        path_text, colon, name = reference.partition(":")
        relative = Path(path_text.strip())
        if not path_text.strip() or relative.is_absolute() or ".." in relative.parts:
            return "is not a path inside the addon"
        if not (self.addon / relative).is_file():
            return "names a file that does not exist"
        if not colon:
            return None
        name = name.strip()
        if relative.suffix != ".py":
            return "names a member of a file that is not Python"
        if not re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)?", name):
            return "is not 'path:Class.method' or 'path:function'"
        module = self.module(relative)
        if isinstance(module, str):
            return module
        is_test_file = relative.parts[:1] == (TESTS_DIR,)
        if kind == "Tests" and is_test_file and not re.fullmatch(r"\w+\.test\w*", name):
            return "is not 'tests/<file>.py:TestClass.test_method'"
        if "." not in name:
            if name in module["functions"] or name in module["classes"]:
                return None
            return f"names {name}, which is no function or class of {relative}"
        class_name, method = name.split(".")
        extra = (
            (TESTS_COMMON,)
            if is_test_file and relative != TESTS_COMMON and (self.addon / TESTS_COMMON).is_file()
            else ()
        )
        if class_name not in module["classes"]:
            return f"names class {class_name}, which {relative} does not define"
        if not self.has_method(relative, class_name, method, extra):
            return f"names {class_name}.{method}, which class {class_name} of {relative} does not define"
        return None


def check_references(entries, index):
    found = []
    for entry in entries:
        status = entry["fields"].get("Status", (0, ""))[1]
        needs_evidence = STATUS.match(status) and status_kind(status) in NEEDS_EVIDENCE
        for kind in ("Methods", "Tests"):
            if kind not in entry["fields"]:
                if needs_evidence:
                    found.append(
                        f"{DOC}:{entry['line']}: {entry['code']} is {status_kind(status)} but has no {kind} line"
                    )
                continue
            line, value = entry["fields"][kind]
            references = [reference.strip() for reference in REFERENCE.findall(value)]
            if needs_evidence and not references:
                found.append(
                    f"{DOC}:{line}: {entry['code']} is {status_kind(status)} but its {kind} line names nothing"
                )
            for reference in references:
                why = index.missing(reference, kind)
                if why:
                    found.append(f"{DOC}:{line}: {entry['code']} {kind}: `{reference}` {why}")
    return found


# Codes cited in the code ------------------------------------------------------------------------------------


def scanned_files(addon):
    files = [addon / name for name in SCANNED_FILES if (addon / name).is_file()]
    for folder in SCANNED_DIRS:
        if (addon / folder).is_dir():
            files += sorted(
                path for path in (addon / folder).rglob("*") if path.is_file() and path.suffix in SCANNED_SUFFIXES
            )
    return files


def cited_codes(addon, x_codes):
    """[(relative path, line number, code)] of every requirement code cited in the scanned files."""
    cited = []
    for path in scanned_files(addon):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in CODE.finditer(line):
                code = code_of(match[1], match[2], x_codes)
                if code:
                    cited.append((path.relative_to(addon), number, code))
    return cited


# Entry points -----------------------------------------------------------------------------------------------


def problems(addon_dir):
    """Every way docs/requirements.md and the addon disagree, one string each (empty: they agree)."""
    addon = Path(addon_dir).resolve()
    doc = addon / DOC
    try:
        text = doc.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [f"{DOC}: cannot be read ({error})"]
    entries, found = parse_document(text)
    defined = {entry["code"] for entry in entries}
    x_codes = CATALOG_X_CODES | {code for code in defined if code.startswith("X-")}
    for path, number, code in cited_codes(addon, x_codes):
        if code not in defined:
            found.append(f"{path}:{number}: {code} is cited but {DOC} does not define it")
    found += check_references(entries, SourceIndex(addon))
    return found


def summary(addon_dir):
    """Lines counting the entries by status, then the codes not fully met with their reason."""
    text = (Path(addon_dir).resolve() / DOC).read_text(encoding="utf-8")
    entries, _problems = parse_document(text)
    counts, open_items = {}, []
    for entry in entries:
        status = entry["fields"].get("Status", (0, "?"))[1]
        kind = status_kind(status) if STATUS.match(status) else "invalid"
        counts[kind] = counts.get(kind, 0) + 1
        if kind != "met":
            open_items.append(f"  {entry['code']}: {status}")
    head = ", ".join(f"{kind} {counts.get(kind, 0)}" for kind in ("met", "partly met", "not built yet"))
    if counts.get("invalid"):
        head += f", invalid {counts['invalid']}"
    return [f"{len(entries)} requirements: {head}"] + open_items


def main(argv):
    args = [arg for arg in argv if arg != "--summary"]
    addon_dir = args[0] if args else Path(__file__).resolve().parent.parent
    found = problems(addon_dir)
    for problem in found:
        print(problem)
    if found:
        return 1
    if "--summary" in argv:
        print("\n".join(summary(addon_dir)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
