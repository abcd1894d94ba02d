"""``accord.intake.mail`` never imports Django: it runs in an MTA pipe, in workers and in
benchmarks without settings or a database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import REPO_ROOT

PROBE = """
import importlib, json, pkgutil, sys
import accord.intake.mail as pkg
names = ["accord.intake.mail"] + [m.name for m in pkgutil.walk_packages(pkg.__path__, "accord.intake.mail.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "django": sorted(m for m in sys.modules if m == "django" or m.startswith("django."))}))
"""


def test_it_imports_every_mail_module_without_loading_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (
        "accord.intake.mail.parse" in report["modules"]
        and "accord.intake.mail.imap" in report["modules"]
    )
    assert report["django"] == []
