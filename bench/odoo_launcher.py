#!/usr/bin/env python3
"""Start Odoo (odoo-bin at $ODOO_BIN, or /opt/odoo18/odoo-bin) so that its multi-worker mode also works where
setuptools' pkg_resources cannot read the metadata of some installed wheels (e.g. zope.interface).

With ``--workers``, Odoo spawns its long-polling process as ``python <this script> gevent ...``; gevent's
``monkey.patch_all`` loads its plugins through pkg_resources, which then raises DistributionNotFound for a package
that is installed, and the process dies and is respawned in a loop. Only in that case, the requirement check of
entry points is skipped. Used by bench/load.py and bench/replica.sh.
"""

import os
import sys


def _entry_points_fixed():
    try:
        import pkg_resources  # noqa: PLC0415
    except ImportError:
        return
    try:
        pkg_resources.require("gevent")
    except pkg_resources.DistributionNotFound:
        pkg_resources.EntryPoint.require = lambda self, *args, **kwargs: None
    except Exception:  # noqa: BLE001, S110 - any other trouble is Odoo's to report
        pass


if __name__ == "__main__":
    odoo_bin = os.path.abspath(os.environ.get("ODOO_BIN") or "/opt/odoo18/odoo-bin")
    _entry_points_fixed()
    sys.path.insert(0, os.path.dirname(odoo_bin))
    with open(odoo_bin, encoding="utf-8") as script:
        code = compile(script.read(), odoo_bin, "exec")
    exec(code, {"__name__": "__main__", "__file__": odoo_bin})  # noqa: S102 - odoo-bin itself
