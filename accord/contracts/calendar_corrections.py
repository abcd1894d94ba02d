"""A calendar correction written into the policy file: a newly declared holiday
(or one taken back).

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
from accord.sla import Policy, PolicyError, load_policy
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


def holiday_added(name: str, day: date, reason: str) -> tuple[Path, str, Policy]:
    """The policy file with `day` added to its holiday dates, checked but not written:
    (file, new text, the compiled result). Invalid if `day` is already a holiday, the
    reason is empty, or the file cannot be changed safely."""
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
    return path, new, _compile(after, path)


def holiday_removed(name: str, day: date) -> tuple[Path, str, Policy]:
    """The policy file without the declared holiday `day`, checked but not written.
    Only a date of the file's own `dates` list can go: a country's public holiday
    is the law, not a correction of ours."""
    path = resolve_policy_path(name)
    old = path.read_text(encoding="utf-8")
    before = tomllib.loads(old)
    if day not in _dates_of(before):
        raise Invalid("date", f"{day} is not a declared holiday of {name}")
    new, found = _entry_line(day).subn("", old, count=1)
    new = _EMPTIED.sub("dates = []", new)  # the last one gone: back to how the file began
    after = _safe_parse(new) if found else None
    expected = [d for d in _dates_of(before) if d != day]
    if (
        after is None
        or _dates_of(after) != expected
        or _without_dates(after) != _without_dates(before)
    ):
        raise Invalid("policy", f"{path}: {day} is not on a line of its own; remove it by hand")
    return path, new, _compile(after, path)


def write_policy(path: Path, text: str) -> None:
    """Replace the policy file with a checked text (from `holiday_added`/`_removed`)."""
    _replace(path, text)


def declared_reasons(name: str) -> dict[date, str]:
    """The file's declared holiday dates, each with the comment written beside it."""
    path = resolve_policy_path(name)
    text = path.read_text(encoding="utf-8")
    reasons = {
        date.fromisoformat(m["day"]): (m["why"] or "").strip() for m in _COMMENTED.finditer(text)
    }
    dates = _dates_of(tomllib.loads(text))
    return {d: reasons.get(d, "") for d in sorted(dates)}


def _entry_line(day: date) -> re.Pattern[str]:
    return re.compile(rf"^[ \t]*{day.isoformat()}[ \t]*,?[ \t]*(?:#[^\n]*)?\n", re.MULTILINE)


_EMPTIED = re.compile(r"^dates[ \t]*=[ \t]*\[\s*\]", re.MULTILINE)
_COMMENTED = re.compile(
    r"^[ \t]*(?P<day>\d{4}-\d{2}-\d{2})[ \t]*,?[ \t]*(?:#(?P<why>[^\n]*))?$", re.MULTILINE
)


def _compile(data: dict[str, Any], path: Path) -> Policy:
    try:
        return parse_policy(data, path)
    except PolicyError as exc:
        raise Invalid("policy", "; ".join(exc.problems)) from None


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
