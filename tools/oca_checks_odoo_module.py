#!/usr/bin/env python3
"""oca-checks-odoo-module for an addon that is the root of its git repository.

The OCA hook looks for the ``__manifest__.py`` of each file in the folders between the file and the
top of the git repository, that top excluded: OCA repositories hold their addons in subfolders. Here
the repository root is the addon, so the hook finds no manifest and checks nothing, silently. This
wrapper copies the addon's files (tracked and untracked-not-ignored, as tools/static_checks.py sees
them) into a temporary folder named after the addon, inside a stand-in repository, runs the OCA
checks there and prints their messages with paths relative to the addon.

Used as the entry of the ``oca-checks-odoo-module`` hook of .pre-commit-config.yaml (in the hook's
own environment, which has oca-odoo-pre-commit-hooks); the options are those of the OCA command and
the file names that pre-commit passes are ignored: the checks read the whole addon anyway.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ADDON = Path(__file__).resolve().parent.parent
ADDON_NAME = "crm_sales_playbook"


def addon_files():
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "-co", "--exclude-standard"],
            cwd=ADDON,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [name for name in out.split("\0") if name and (ADDON / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [
            str(path.relative_to(ADDON))
            for path in ADDON.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(ADDON).parts
        ]


def main(argv):
    options = [arg for arg in argv if arg.startswith("-")]
    if "--fix" in options:
        print("--fix would change the temporary copy only: run oca-checks-odoo-module-fixit on the addon instead")
        return 2
    with tempfile.TemporaryDirectory(prefix="oca_checks_") as top:
        (Path(top) / ".git").mkdir()  # the top of the stand-in repository, as the OCA hooks look for it
        copy = Path(top) / ADDON_NAME
        for name in addon_files():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ADDON / name, copy / name)
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from oca_pre_commit_hooks.cli import main; sys.exit(main())",
                *options,
                f"{ADDON_NAME}/__manifest__.py",
            ],
            cwd=top,
            capture_output=True,
            text=True,
            check=False,
        )
    prefix = f"{ADDON_NAME}/"
    for line in (result.stdout + result.stderr).splitlines():
        print(line[len(prefix) :] if line.startswith(prefix) else line)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
