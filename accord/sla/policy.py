"""Compiled policies: the one adapter from a policy file to a schedule.

`load_policy("capsure")` reads `accord/policies/capsure.toml` (or any path),
validates it into a `PolicySpec` and compiles it into a `Policy`: a `Calendar`
plus targets resolved to `Duration`s. Compiled policies are cached by path and
modification time, so a process pays for compilation once.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from accord.sla.calendar import Calendar, Window
from accord.sla.durations import Duration, parse_duration
from accord.sla.errors import PolicyError
from accord.sla.holiday_sources import (
    CombinedHolidays,
    ExplicitHolidays,
    HolidaySource,
    IcsHolidays,
    PackageHolidays,
)
from accord.sla.policy_spec import WEEKDAYS, LevelSpec, NoTargetSpec, PolicySpec

POLICY_DIR = Path(__file__).resolve().parent.parent / "policies"


@dataclass(frozen=True, slots=True)
class Target:
    """One target of one level: how long, on which clock, from which clause."""

    kind: str
    when: str  # "always" | "in_hours" | "after_hours"
    duration: Duration
    clause: str
    wording: str


class Policy:
    """A validated, compiled policy. Immutable once built."""

    def __init__(self, spec: PolicySpec, source: Path | None = None) -> None:
        self.spec = spec
        self.source = source
        self.id = spec.policy.id
        self.version = spec.policy.version
        cal = spec.calendar
        self.nominal_day = parse_duration(cal.nominal_day)
        self.calendar = Calendar(
            cal.zone,
            [
                Window(WEEKDAYS.index(day), _wall(w.open), _wall(w.close))
                for w in cal.windows
                for day in w.days
            ],
            _holiday_source(spec, source),
            nominal_day_seconds=self.nominal_day.seconds,
        )
        self.zone = self.calendar.zone
        self.level_ids: tuple[str, ...] = tuple(spec.levels)
        self._targets: dict[tuple[str, str, str], Target] = {}
        for level_id, level in spec.levels.items():
            for t in level.targets:
                duration = parse_duration(t.within, self.nominal_day.seconds)
                self._targets[(level_id, t.kind, t.when)] = Target(
                    t.kind, t.when, duration, t.clause, t.wording or t.within
                )

    def level(self, level_id: str) -> LevelSpec:
        return self.spec.levels[level_id]

    def notice_for(self, channel: str, received: datetime) -> datetime:
        """When the clock starts for a request received on `channel` at `received`.

        Channels whose rule is "any_time" give notice on receipt; "business_hours"
        channels give notice at receipt when it is inside hours, else at the next
        opening (semantics page, section 2).
        """
        rule = self.spec.channels[channel]  # type: ignore[index]
        if rule.notice == "any_time":
            return received.astimezone(UTC)
        return self.calendar.next_opening(received)

    def in_hours(self, notice: datetime) -> bool:
        """The in-hours/after-hours choice, made once at the notice instant."""
        return self.calendar.is_working(notice)

    def target(self, level_id: str, kind: str, in_hours: bool) -> Target | None:
        """The target that applies to a level for a request in or after hours."""
        found = self._targets.get((level_id, kind, "always"))
        if found is None:
            found = self._targets.get((level_id, kind, "in_hours" if in_hours else "after_hours"))
        return found

    def no_target(self, level_id: str, kind: str) -> NoTargetSpec | None:
        """The clause explaining why a level has no target of this kind, if it says."""
        return next((n for n in self.level(level_id).no_targets if n.kind == kind), None)

    def targets_of(self, level_id: str) -> list[Target]:
        return [t for (lv, _, _), t in self._targets.items() if lv == level_id]

    @cached_property
    def resolution_rule(self) -> tuple[frozenset[str], frozenset[str]]:
        """(statuses that meet resolution, statuses that pause it)."""
        rule = self.spec.clocks.resolution
        return frozenset(rule.met_by_status), frozenset(rule.pauses_on_status)


def _wall(hhmm: str) -> time:
    if hhmm == "24:00":
        return time.max
    h, m = hhmm.split(":")
    return time(int(h), int(m))


def _holiday_source(spec: PolicySpec, source: Path | None) -> HolidaySource:
    h = spec.calendar.holidays
    sources: list[HolidaySource] = [ExplicitHolidays(h.dates)]
    if h.country:
        sources.append(PackageHolidays(h.country, h.subdivision, h.observed))
    if h.ics:
        base = source.parent if source else Path.cwd()
        sources.append(IcsHolidays(base / h.ics, zone=spec.calendar.zone))
    return CombinedHolidays(sources)


def format_validation_error(exc: ValidationError) -> list[str]:
    """Pydantic errors as `levels.sev1.targets[0].within: message` lines."""
    lines = []
    for err in exc.errors():
        path = ""
        for part in err["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part.startswith("function-") or part in ("literal", "str", "date"):
                continue
            else:
                path += f".{part}" if path else str(part)
        msg = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (not part of the policy format)"
        lines.append(f"{path or '(file)'}: {msg}")
    return lines


def parse_policy(data: dict[str, Any], source: Path | None = None) -> Policy:
    """Validate and compile policy data; raises PolicyError listing every problem."""
    try:
        context = {"policy_dir": source.parent} if source else None
        spec = PolicySpec.model_validate(data, context=context)
    except ValidationError as exc:
        raise PolicyError(str(source or "policy"), format_validation_error(exc)) from None
    try:
        return Policy(spec, source)
    except ValueError as exc:  # holiday files and the like, found while compiling
        raise PolicyError(str(source or "policy"), [f"calendar.holidays: {exc}"]) from None


def policy_dirs() -> list[Path]:
    """Where policies are found by name: the shipped ones, then the install's own.

    `ACCORD_POLICY_DIR` names a directory of an install's own policy files
    (`NAME.toml`, NAME being the policy's id); the desk checks them at start-up
    (accord/contracts/apps.py). Read here, not from Django settings: the engine
    never imports Django.
    """
    extra = os.environ.get("ACCORD_POLICY_DIR")
    return [POLICY_DIR, Path(extra)] if extra else [POLICY_DIR]


def resolve_policy_path(name_or_path: str | Path) -> Path:
    """A policy name ("capella", shipped or the install's own) or a path to a .toml file."""
    text = str(name_or_path)
    if "/" not in text and not text.endswith(".toml"):
        for directory in policy_dirs():
            path = directory / f"{text}.toml"
            if path.exists():
                return path
        known = ", ".join(shipped_policy_names())
        raise PolicyError(text, [f"policy: unknown policy {text!r} (shipped: {known})"])
    return Path(text)


def shipped_policy_names() -> list[str]:
    """Every policy known by name: shipped, and the install's own (ACCORD_POLICY_DIR)."""
    return sorted({p.stem for d in policy_dirs() for p in d.glob("*.toml")})


_CACHE: dict[tuple[Path, float], Policy] = {}
# Where a name or path was found, per policy directory setting: a list page asks for
# the policy of every row, and finding the file again (an existence check per
# directory and `resolve`'s lstat per path part) cost more than the rest of the call.
# Only the file's modification time is read again on each call.
# POLICY_DIR is in the key too: it is read at call time, so a test (or an embedding
# program) that points it elsewhere is not served the old directory's file.
_PATHS: dict[tuple[str, str | None, Path], Path] = {}


def load_policy(name_or_path: str | Path) -> Policy:
    """Load, validate and compile a policy; cached by path and modification time."""
    text = str(name_or_path)
    where = (text, os.environ.get("ACCORD_POLICY_DIR"), POLICY_DIR)
    known = _PATHS.get(where)
    try:
        key = (known, known.stat().st_mtime) if known is not None else None
    except OSError:  # moved or removed since: look for it again
        key = None
    if key is None:
        path = resolve_policy_path(name_or_path).resolve()
        try:
            key = (path, path.stat().st_mtime)
        except OSError as exc:
            raise PolicyError(str(path), [f"(file): cannot read: {exc.strerror}"]) from None
        if "/" not in text and not text.endswith(".toml"):  # a name, not a path (cwd may move)
            _PATHS[where] = path
    path = key[0]
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), [f"(file): invalid TOML: {exc}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), [f"(file): cannot read: {exc}"]) from None
    policy = parse_policy(data, path)
    _CACHE[key] = policy
    return policy
