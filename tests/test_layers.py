"""No Django app imports one above it in the brief's layer order.

Layers, top to bottom: cli/worker/web/portal -> api/intake/notify -> tickets ->
contracts -> accounts/audit -> sla. Every `import` and `from ... import` under
`accord/<app>/` is read with `ast` (imports inside functions and under
TYPE_CHECKING included: a deferred import is still a dependency), and an import
of an app in a higher layer fails the test. Apps of one layer may use each
other, but not both ways (a cycle). A new app must be placed in `LAYERS` first.
"""

from __future__ import annotations

import ast
from pathlib import Path

import accord

PACKAGE = Path(accord.__file__).resolve().parent

LAYERS: list[set[str]] = [
    {"cli", "worker", "web", "portal"},
    {"api", "intake", "notify", "invoices", "reports"},
    {"tickets"},
    {"contracts"},
    {"accounts", "audit"},
    {"sla"},
]

# Upward imports that exist today and are being removed; each entry is
# (importer, imported). Do not add to this list: fix the import instead.
ALLOWED_UPWARD: set[tuple[str, str]] = {
    # accounts -> contracts: API tokens of customer contacts name a Contact
    # (engineer `admin` removes this with the contracts <-> tickets cycle).
    ("accounts", "contracts"),
}

# Same-layer pairs allowed to import each other both ways, being removed.
ALLOWED_CYCLES: set[frozenset[str]] = {
    # accounts <-> audit: the brief puts them in one layer on purpose; the audit
    # trail names an `Actor` (accounts) and account services write the trail.
    frozenset({"accounts", "audit"}),
}


def layer_of(app: str) -> int:
    for index, apps in enumerate(LAYERS):
        if app in apps:
            return index
    raise AssertionError(f"accord/{app}/ is in no layer: add it to LAYERS in {__file__}")


def apps() -> list[str]:
    return sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())


def imported_apps(path: Path) -> set[str]:
    """The accord apps a module imports (absolute imports; relative ones stay in the app)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "accord":
                names += [f"accord.{alias.name}" for alias in node.names]
    found = set()
    for name in names:
        parts = name.split(".")
        if len(parts) >= 2 and parts[0] == "accord" and (PACKAGE / parts[1]).is_dir():
            found.add(parts[1])
    return found


def dependencies() -> dict[str, dict[str, list[str]]]:
    """app -> imported app -> the modules (relative paths) that import it."""
    deps: dict[str, dict[str, list[str]]] = {}
    for app in apps():
        for path in sorted((PACKAGE / app).rglob("*.py")):
            for other in imported_apps(path) - {app}:
                deps.setdefault(app, {}).setdefault(other, []).append(
                    str(path.relative_to(PACKAGE.parent))
                )
    return deps


def test_it_places_every_app_in_a_layer() -> None:
    for app in apps():
        layer_of(app)


def test_it_finds_no_upward_import_between_apps() -> None:
    upward = []
    for app, imported in dependencies().items():
        for other, modules in imported.items():
            if layer_of(other) < layer_of(app) and (app, other) not in ALLOWED_UPWARD:
                upward.append(f"{app} imports {other} (above it) in {', '.join(modules)}")
    assert upward == []


def test_it_finds_no_cycle_within_a_layer() -> None:
    deps = dependencies()
    cycles = []
    for app, imported in deps.items():
        for other in imported:
            if (
                app < other
                and layer_of(app) == layer_of(other)
                and app in deps.get(other, {})
                and frozenset({app, other}) not in ALLOWED_CYCLES
            ):
                cycles.append(f"{app} <-> {other}: {', '.join(imported[other] + deps[other][app])}")
    assert cycles == []


def test_it_keeps_the_allow_list_to_imports_that_still_exist() -> None:
    deps = dependencies()
    stale = [pair for pair in ALLOWED_UPWARD if pair[1] not in deps.get(pair[0], {})]
    assert stale == [], "remove these from ALLOWED_UPWARD: the import is gone"


def test_it_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from accord.web.views import detail\n", encoding="utf-8")
    assert imported_apps(module) == {"web"}
    assert layer_of("web") < layer_of("tickets")
