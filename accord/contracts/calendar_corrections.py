"""A calendar correction written into the policy file: a newly declared holiday.

The policy file is the contract (semantics 5: a correction keeps the version and
applies at once), so a declared holiday goes where a person would write it: the
`dates` list of `[calendar.holidays]`, with the reason as a comment. The edit is
one small text change rather than a TOML rewrite (no library keeps comments and
layout for us without a new dependency); it is checked by parsing the result, which
must be the old policy plus exactly that date, and by compiling it, before the file
is replaced atomically. Anything else leaves the file as it was and says why.
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

from accord.errors import Invalid
from accord.sla import PolicyError, load_policy
from accord.sla.policy import parse_policy, resolve_policy_path

_SECTION = re.compile(r"^\[calendar\.holidays\][ \t]*(?:#.*)?$", re.MULTILINE)
_NEXT_TABLE = re.compile(r"^\[", re.MULTILINE)
_DATES = re.compile(r"^dates[ \t]*=[ \t]*\[(?P<body>[^\]]*)\]", re.MULTILINE)


def _with_date(text: str, day: date, reason: str) -> str:
    section = _SECTION.search(text)
    if section is None:
        raise Invalid("policy", "the file has no [calendar.holidays] table")
    end = _NEXT_TABLE.search(text, section.end())
    stop = end.start() if end else len(text)
    entry = f"\n    {day.isoformat()},  # {reason}\n"
    found = _DATES.search(text, section.end(), stop)
    if found is None:
        return text[: section.end()] + f"\ndates = [{entry}]" + text[section.end() :]
    body = found.group("body").rstrip()
    if body.strip() and not body.endswith(","):
        body += ","
    return text[: found.start()] + f"dates = [{body}{entry}]" + text[found.end() :]


def _dates_of(data: dict[str, Any]) -> list[date]:
    return list(data.get("calendar", {}).get("holidays", {}).get("dates", []))


def add_holiday_to_file(name: str, day: date, reason: str) -> Path:
    """Write `day` into the policy's holiday dates; returns the file. Invalid if it
    is already a holiday, the reason is empty, or the file cannot be changed safely."""
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("reason", "say why (e.g. the government's announcement)")
    policy = load_policy(name)
    known = policy.calendar.holiday_name(day)
    if known is not None:
        raise Invalid("date", f"{day} is already a holiday of {name} ({known})")
    path = resolve_policy_path(name)
    old = path.read_text(encoding="utf-8")
    new = _with_date(old, day, reason)
    before, after = tomllib.loads(old), _safe_parse(new)
    if _dates_of(after) != [*_dates_of(before), day] or _without_dates(after) != _without_dates(
        before
    ):
        raise Invalid("policy", f"{path}: the holiday list is not a plain list; add {day} by hand")
    try:
        parse_policy(after, path)
    except PolicyError as exc:
        raise Invalid("policy", "; ".join(exc.problems)) from None
    _replace(path, new)
    return path


def _safe_parse(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Invalid(
            "policy", f"the edited file would not parse ({exc}); add it by hand"
        ) from None


def _without_dates(data: dict[str, Any]) -> dict[str, Any]:
    holidays = {k: v for k, v in data["calendar"]["holidays"].items() if k != "dates"}
    return {**data, "calendar": {**data["calendar"], "holidays": holidays}}


def _replace(path: Path, text: str) -> None:
    """Write beside the file, then rename over it: a reader sees the old or the new file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise Invalid("policy", f"cannot write beside {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise Invalid("policy", f"cannot replace {path}: {exc.strerror}") from None
