"""The SLA engine (`accord/sla/`) never imports Django, directly or through
another module: it runs in the CLI, in workers and in the benchmark without
settings or a database."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import accord.sla

ENGINE = Path(accord.sla.__file__).resolve().parent
ROOT = ENGINE.parent.parent

PROBE = """
import importlib, json, pkgutil, sys
import accord.sla
names = ["accord.sla"] + [m.name for m in pkgutil.walk_packages(accord.sla.__path__, "accord.sla.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": names, "django": sorted(m for m in sys.modules if m == "django" or m.startswith("django."))}))
"""


def engine_modules() -> list[Path]:
    return sorted(ENGINE.rglob("*.py"))


def test_it_imports_every_engine_module_without_loading_django() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    expected = {
        "accord.sla" + ("" if p.stem == "__init__" else "." + p.stem)
        for p in engine_modules()
        if p.parent == ENGINE
    }
    assert expected <= set(result["modules"])
    assert result["django"] == []


def imported_names(source: str) -> list[str]:
    tree = ast.parse(source)
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.append(str(node.args[0].value))
    return names


def django_imports(source: str) -> list[str]:
    return [
        name
        for name in imported_names(source)
        if name.split(".")[0] in ("django", "ninja", "django_tasks")
    ]


def test_it_has_no_django_import_in_any_engine_source_file() -> None:
    offenders = {
        str(path.relative_to(ROOT)): django_imports(path.read_text(encoding="utf-8"))
        for path in engine_modules()
    }
    assert len(offenders) >= 10
    assert {path: names for path, names in offenders.items() if names} == {}


def test_it_would_notice_a_django_import_in_any_form() -> None:
    source = (
        "import os\n"
        "import django\n"
        "from django.db import models\n"
        "def later():\n"
        "    import django.conf\n"
        "    importlib.import_module('django.utils')\n"
    )
    assert django_imports(source) == ["django", "django.db", "django.conf", "django.utils"]
