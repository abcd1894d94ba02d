"""Checking an install's own policy files (ACCORD_POLICY_DIR) at start-up.

A policy an organisation names must load whenever a request is evaluated, so a
broken file is found when the desk starts, not on the first request. Each
problem names the file, the line (found by the key's position in the TOML
text) and the field, the way `accord policy check` names the field.
"""

from __future__ import annotations

import re
from pathlib import Path

from accord.sla import PolicyError, load_policy
from accord.sla.policy import POLICY_DIR

_FIELD = re.compile(r"^([A-Za-z0-9_.\[\]-]+): ")


def _line_of(text: str, field: str) -> int | None:
    """The line where a dotted field (levels.urgent.bogus) is set or its table opens.

    Tries the whole path, then its parents: a missing key is reported at its table.
    """
    parts = [p for p in re.split(r"[.\[\]]", field) if p and not p.isdigit()]
    for depth in range(len(parts), 0, -1):
        table, key = ".".join(parts[: depth - 1]), parts[depth - 1]
        current = ""
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                current = stripped.strip("[] ")
                if current == ".".join(parts[:depth]):
                    return number
            elif current == table and re.match(rf"{re.escape(key)}\s*=", stripped):
                return number
    return None


def check_policy_dir(directory: Path) -> list[str]:
    """Every problem of every `*.toml` in the directory, as `FILE:LINE: field: message`."""
    problems = []
    shipped = {p.stem for p in POLICY_DIR.glob("*.toml")}
    for path in sorted(directory.glob("*.toml")):
        if path.stem in shipped:
            problems.append(
                f"{path}:1: policy.id: {path.stem!r} is a shipped policy; rename the file"
            )
            continue
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            text = path.read_text(encoding="utf-8", errors="replace")
            for problem in exc.problems:
                found = _FIELD.match(problem)
                line = _line_of(text, found.group(1)) if found else None
                problems.append(f"{path}:{line or 1}: {problem}")
            continue
        if policy.id != path.stem:
            text = path.read_text(encoding="utf-8", errors="replace")
            problems.append(
                f"{path}:{_line_of(text, 'policy.id') or 1}: policy.id: {policy.id!r} must match "
                f"the file name {path.stem!r}"
            )
    return problems
