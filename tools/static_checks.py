#!/usr/bin/env python3
"""Checks of crm_sales_playbook that need no Odoo: lint, XML, manifest, translations, packaging.

Prints one line per check ("ok  name" or "FAIL name" with the reasons under it) and,
last, "static checks: N passed, N failed". Exit code 1 when a check failed.
The lint is the check-only stage of .pre-commit-config.yaml (pre-commit run --hook-stage manual),
one line per hook. pre-commit and pip are looked up in $PLAYBOOK_TOOLS_VENV/bin, then on PATH;
pre-commit installs the hooks' own environments in ~/.cache/pre-commit (from PyPI, once).
"""

import ast
import email.parser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path
from xml.dom import minidom

ADDON = Path(__file__).resolve().parent.parent
ADDON_NAME = "crm_sales_playbook"  # the checkout's folder may be named otherwise (CI clones into any folder)
DATA_DIRS = ("security", "data", "views", "wizards", "report")
OLD_VIEW_SYNTAX = [
    (re.compile(r"<tree[\s>/]"), "<tree> (use <list>)"),
    (re.compile(r"\sattrs\s*="), "attrs= (use invisible/readonly/required expressions)"),
    (re.compile(r"\sstates\s*="), "states= (use invisible expressions)"),
]


@cache
def addon_files():
    """The addon's files as git sees them, tracked and untracked-not-ignored (relative names, sorted);
    None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=ADDON,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return tuple(sorted({name for name in out.split("\0") if name and (ADDON / name).is_file()}))


def tracked_files(suffix):
    names = addon_files()
    if names is None:
        files = [path for path in ADDON.rglob("*") if ".git" not in path.relative_to(ADDON).parts]
    else:
        files = [ADDON / name for name in names]
    return sorted(f for f in files if f.suffix == suffix and f.is_file() and "bench" not in f.parts[:1])


def tool(name):
    venv = os.environ.get("PLAYBOOK_TOOLS_VENV")
    if venv and (Path(venv) / "bin" / name).exists():
        return str(Path(venv) / "bin" / name)
    return shutil.which(name)


def tools_python():
    venv = os.environ.get("PLAYBOOK_TOOLS_VENV")
    if venv and (Path(venv) / "bin" / "python").exists():
        return str(Path(venv) / "bin" / "python")
    return sys.executable


def read_manifest():
    return ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


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
    manifest = read_manifest()
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
        missing = [
            entry.msgid
            for entry in catalog.untranslated_entries()
            if not entry.obsolete and not same_in_every_language(entry.msgid)
        ]
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


# ---- lint: the check-only stage of .pre-commit-config.yaml -------------------------------------
# Hooks that must run there, so that a hook dropped from the configuration cannot pass unseen.
LINT_HOOKS = ("ruff-check", "ruff-format-check", "pylint-odoo", "oca-checks-odoo-module", "oca-checks-po")
HOOK_STATUS = re.compile(r"^(?P<name>\S.*?)\.{3,}(?:\(no files to check\))?(?P<status>Passed|Failed|Skipped)$")
# "path:line[:column]: CODE message", as ruff, pylint and the OCA checks print their messages
MESSAGE_CODE = re.compile(r"^[^\s:]+:\d+(?::\d+)?: ([A-Za-z][\w-]*)\b")
HOOK_META = re.compile(r"^- (?:hook id|duration|exit code|files were modified by this hook)")


@cache
def pre_commit_run():
    """Runs the hooks of the manual stage once on the addon's files; returns ([(hook id, name, status,
    output lines)], problem or None). The files are those of addon_files(), so that files not yet added
    to git are checked as by the other checks (pre-commit run --all-files sees tracked files only)."""
    pre_commit = tool("pre-commit")
    if not pre_commit:
        return [], "pre-commit is not installed (pip install -r requirements-dev.txt)"
    files = addon_files()
    if files is None:
        return [], "pre-commit needs a git checkout of the addon"
    result = subprocess.run(
        [pre_commit, "run", "--hook-stage", "manual", "--color", "never", "--verbose", "--files", *files],
        cwd=ADDON,
        capture_output=True,
        text=True,
        check=False,
    )
    hooks = []
    for line in result.stdout.splitlines():
        status = HOOK_STATUS.match(line)
        if status:
            hooks.append([None, status["name"], status["status"], []])
        elif hooks and line.startswith("- hook id: "):
            hooks[-1][0] = line.removeprefix("- hook id: ").strip()
        elif hooks and line.strip() and not HOOK_META.match(line):
            hooks[-1][3].append(line)
    if not hooks:
        tail = (result.stdout + result.stderr).strip().splitlines()[-15:]
        return [], f"pre-commit ran no hook (exit code {result.returncode}): " + " / ".join(tail)
    return [tuple(hook) for hook in hooks], None


def hook_problems(hook_id, name, status, output):
    """The reasons a hook failed, as lines; a summary for the FAIL line where one number says it all."""
    if status != "Failed":
        return None, []
    if hook_id == "ruff-format-check":
        files = [line.split(":", 1)[0] for line in output if "would be reformatted" in line and ":" in line]
        if files:
            shown = files[:10] + ([f"... and {len(files) - 10} more"] if len(files) > 10 else [])
            return f"{len(files)} files would be reformatted (pre-commit run ruff-format formats them)", shown
    if hook_id == "pylint-odoo":
        output = [line for line in output if not line.startswith("*****")]
    codes = Counter(match[1] for match in map(MESSAGE_CODE.match, output) if match)
    summary = f"{sum(codes.values())} issues: " + ", ".join(f"{n} {code}" for code, n in codes.most_common())
    return summary if codes else None, output or [f"{name} failed with no output"]


def lint_checks():
    """One result per hook of the manual stage: (name, summary, problems)."""
    hooks, problem = pre_commit_run()
    if problem:
        yield "pre-commit hooks", None, [problem]
        return
    for hook_id, name, status, output in hooks:
        summary, problems = hook_problems(hook_id, name, status, output)
        yield name, summary, problems
    ran = {hook[0] for hook in hooks}
    for hook_id in LINT_HOOKS:
        if hook_id not in ran:
            yield (
                f"pre-commit hook {hook_id}",
                None,
                ["did not run: it must be in .pre-commit-config.yaml, stage manual"],
            )


def pins(text):
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\"',\]]+)", text)
    }


def check_hook_versions():
    """The packages of the hooks are those of requirements-dev.txt, at the same versions."""
    wanted = pins((ADDON / "requirements-dev.txt").read_text(encoding="utf-8"))
    hooks = pins(
        "\n".join(
            line
            for line in (ADDON / ".pre-commit-config.yaml").read_text(encoding="utf-8").splitlines()
            if "additional_dependencies" in line
        )
    )
    return [
        f".pre-commit-config.yaml pins {name}=={version}, requirements-dev.txt "
        + (f"{wanted[name]}" if name in wanted else "does not list it")
        for name, version in sorted(hooks.items())
        if wanted.get(name) != version
    ]


# ---- packaging --------------------------------------------------------------------------------------
def check_wheel():
    """pip wheel (whool, pyproject.toml) builds odoo-addon-crm_sales_playbook with what Odoo loads."""
    manifest = read_manifest()
    files = addon_files() or [
        str(p.relative_to(ADDON)) for p in ADDON.rglob("*") if p.is_file() and ".git" not in p.relative_to(ADDON).parts
    ]
    with tempfile.TemporaryDirectory(prefix="playbook_wheel_") as tmp:
        # whool names the distribution after the addon's folder, and packages the files git tracks
        # (outside git, every file of the folder): a copy named after the addon, outside any repository.
        source = Path(tmp) / "src" / ADDON_NAME
        for name in files:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ADDON / name, source / name)
        python = tools_python()
        isolation = (
            []
            if subprocess.run([python, "-c", "import whool"], capture_output=True, check=False).returncode
            else ["--no-build-isolation"]
        )
        result = subprocess.run(
            [python, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(Path(tmp) / "dist"), str(source)],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "GIT_CEILING_DIRECTORIES": str(source.parent), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        )
        wheels = sorted((Path(tmp) / "dist").glob("*.whl"))
        if result.returncode or len(wheels) != 1:
            lines = [
                line
                for line in (result.stdout + result.stderr).splitlines()
                if line.strip() and "is ignored" not in line
            ]
            return [f"pip wheel failed (exit code {result.returncode})", *lines[-15:]]
        return wheel_problems(wheels[0], manifest, files)


def wheel_problems(wheel, manifest, files):
    problems = []
    version = manifest["version"]
    if wheel.name != f"odoo_addon_{ADDON_NAME}-{version}-py3-none-any.whl":
        problems.append(f"unexpected wheel name {wheel.name}")
    root = f"odoo/addons/{ADDON_NAME}/"
    code_dirs = ("models", "wizards", "report", "migrations")
    wanted = ["__init__.py", "__manifest__.py", *manifest.get("data", []), *manifest.get("demo", [])]
    wanted += [
        name
        for name in files
        if name.split("/")[0] in ("i18n", "static")
        or (name.endswith(".py") and (name.split("/")[0] in code_dirs or "/" not in name))
    ]
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        problems += [f"not in the wheel: {name}" for name in dict.fromkeys(wanted) if root + name not in names]
        if not any(name.startswith(root + "i18n/") and name.endswith(".po") for name in names):
            problems.append("no translations (i18n/*.po) in the wheel")
        problems += [
            f"{name} in the wheel would hide Odoo's own package"
            for name in ("odoo/__init__.py", "odoo/addons/__init__.py")
            if name in names
        ]
        metadata_names = [name for name in names if name.endswith(".dist-info/METADATA")]
        if len(metadata_names) != 1:
            return [*problems, "no METADATA in the wheel"]
        metadata = email.parser.Parser().parsestr(archive.read(metadata_names[0]).decode("utf-8"))
    if metadata["Name"] != f"odoo-addon-{ADDON_NAME}":
        problems.append(f"distribution name {metadata['Name']}, expected odoo-addon-{ADDON_NAME}")
    if metadata["Version"] != version:
        problems.append(f"version {metadata['Version']}, the manifest says {version}")
    requires = {
        re.split(r"[\s<>=!~;\[]", req, maxsplit=1)[0].lower(): req for req in metadata.get_all("Requires-Dist", [])
    }
    if not requires.get("odoo", "").startswith("odoo==18.0"):
        problems.append(f"Requires-Dist on odoo 18.0 missing: {sorted(requires.values())}")
    problems += [
        f"Requires-Dist on {dep} (external_dependencies) missing"
        for dep in manifest.get("external_dependencies", {}).get("python", [])
        if dep.lower() not in requires
    ]
    return problems


def check_sudo_reasons():
    """Every sudo() of the addon says why (house style, Acting for a user): the rule of tests/code_rules.py."""
    spec = importlib.util.spec_from_file_location("code_rules", ADDON / "tests" / "code_rules.py")
    code_rules = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(code_rules)
    return [
        f"{path}:{line}: sudo() without '# sudo: <reason>' on its line or the line above"
        for path, line, justified in code_rules.sudo_calls()
        if not justified
    ]


def check_requirements_index():
    """docs/requirements.md defines every requirement code the code cites and names methods and tests that
    exist (tools/requirements_index.py)."""
    spec = importlib.util.spec_from_file_location("requirements_index", ADDON / "tools" / "requirements_index.py")
    requirements_index = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(requirements_index)
    return requirements_index.problems(ADDON)


CHECKS = [
    ("python compiles", check_python_compiles),
    ("XML well-formed", check_xml_well_formed),
    ("XML uses Odoo 18 syntax", check_xml_odoo18_syntax),
    ("manifest consistent", check_manifest),
    ("translations parse and are complete", check_translations),
    (None, lint_checks),  # one line per hook of .pre-commit-config.yaml: ruff, pylint-odoo, OCA checks
    ("pre-commit hooks use the versions of requirements-dev.txt", check_hook_versions),
    ("every sudo() says why", check_sudo_reasons),
    ("docs/requirements.md defines every cited code, its methods and tests exist", check_requirements_index),
    ("wheel builds and holds the manifest, data and translations", check_wheel),
]


def results():
    for name, check in CHECKS:
        if name is None:
            yield from check()
        else:
            problems = check()
            yield name, None, problems


def main():
    passed = failed = 0
    for name, summary, problems in results():
        if problems:
            failed += 1
            print(f"FAIL {name}: {summary}" if summary else f"FAIL {name}", flush=True)
            for problem in problems:
                print(f"     {problem}")
        else:
            passed += 1
            print(f"ok   {name}", flush=True)
    print(f"static checks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
