"""Benchmark of the SLA engine against peer libraries, on the same random cases.

    make bench            # installs benchmarks/requirements.txt, then runs this
    .venv/bin/python benchmarks/sla_bench.py [--cases N] [--peer-sample N] ...

Cases: random received instants (whole seconds, uniform over 2025-2028, UTC),
each on one of the two shipped calendars (capsure: America/New_York, capella:
Pacific/Auckland) with a target of 1, 8, 36 or 72 business hours. Every
library computes the due instant of the same cases; the ones much slower than
ours (businesstimedelta, pandas) run on the first `--peer-sample` cases of
each calendar. For each peer the table gives its rate, our rate divided by it,
and how many of its answers differ from ours, grouped by how they differ.
A sample of cases is also checked against the naive reference of the tests
(tests/sla/reference.py), which walks minutes in local time; the run fails
(exit 1) if ours disagrees with it there or with itself anywhere.

Peers are installed only for the benchmark (benchmarks/requirements.txt); a
peer that is not installed is reported as such and skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accord.sla import Calendar, load_policy  # noqa: E402
from accord.sla.calendar import to_us  # noqa: E402
from tests.sla.reference import NaiveCalendar, holidays_of  # noqa: E402

POLICIES = ("capsure", "capella")
HOURS = (1, 8, 36, 72)
FIRST = datetime(2025, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2029, 1, 1, tzinfo=UTC) - FIRST).total_seconds())
HOLIDAY_YEARS = (date(2024, 1, 1), date(2030, 12, 31))  # what peers are told


@dataclass
class Cases:
    """The cases of one calendar: start instants and targets, several forms."""

    policy: str
    calendar: Calendar
    starts: list[datetime]
    seconds: list[int]
    starts_us: np.ndarray = field(init=False)
    seconds_arr: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.starts_us = np.array([to_us(t) for t in self.starts], dtype=np.int64)
        self.seconds_arr = np.array(self.seconds, dtype=np.int64)


@dataclass
class Row:
    name: str
    what: str
    cases: int
    seconds: float
    disagreements: Counter[str] = field(default_factory=Counter)
    example: str = ""
    note: str = ""

    @property
    def rate(self) -> float:
        return self.cases / self.seconds if self.seconds else float("inf")


def make_cases(n: int, seed: int) -> list[Cases]:
    rnd = random.Random(seed)
    by_policy: dict[str, tuple[list[datetime], list[int]]] = {p: ([], []) for p in POLICIES}
    for _ in range(n):
        starts, seconds = by_policy[rnd.choice(POLICIES)]
        starts.append(FIRST + timedelta(seconds=rnd.randrange(SPAN_SECONDS)))
        seconds.append(rnd.choice(HOURS) * 3600)
    return [Cases(p, load_policy(p).calendar, *by_policy[p]) for p in POLICIES]


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of `repeat` runs, and the result of the last."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


# -- ours ------------------------------------------------------------------------------


def ours_scalar(cases: list[Cases]) -> tuple[float, dict[str, list[datetime]]]:
    total, dues = 0.0, {}
    for c in cases:
        add = c.calendar.add

        def run(add: Callable[[datetime, int], datetime] = add, c: Cases = c) -> list[datetime]:
            return [add(t, s) for t, s in zip(c.starts, c.seconds, strict=True)]

        seconds, dues[c.policy] = timed(run, repeat=3)
        total += seconds
    return total, dues


def ours_batch(cases: list[Cases]) -> tuple[float, dict[str, np.ndarray]]:
    total, dues = 0.0, {}
    for c in cases:
        c.calendar.add_many_us(c.starts_us[:10], c.seconds_arr[:10])  # NumPy arrays built once
        seconds, dues[c.policy] = timed(
            lambda c=c: c.calendar.add_many_us(c.starts_us, c.seconds_arr), repeat=5
        )
        total += seconds
    return total, dues


def ours_between(cases: list[Cases], dues: dict[str, list[datetime]]) -> tuple[float, int]:
    total, wrong = 0.0, 0
    for c in cases:
        between = c.calendar.between
        pairs = list(zip(c.starts, dues[c.policy], strict=True))
        seconds, spans = timed(lambda b=between, p=pairs: [b(x, y) for x, y in p], repeat=3)
        total += seconds
        wrong += sum(span != timedelta(seconds=s) for span, s in zip(spans, c.seconds, strict=True))
    return total, wrong


# -- peers -----------------------------------------------------------------------------


def holiday_dates(cal: Calendar) -> list[date]:
    return sorted(cal.holidays_between(*HOLIDAY_YEARS))


def classify(cal: Calendar, start: datetime, ours: datetime, theirs: datetime) -> str:
    """How a peer's due instant differs from ours, in words."""
    ours, theirs = ours.astimezone(UTC), theirs.astimezone(UTC)
    if theirs == cal.next_opening(ours) and not cal.is_working(ours):
        return "next opening instead of the closing instant"
    lo = start.astimezone(cal.zone).date() - timedelta(days=1)
    hi = max(ours, theirs).astimezone(cal.zone).date() + timedelta(days=1)
    if cal.holidays_between(lo, hi):
        if theirs < ours:
            return "early: counted part of a local holiday as working time"
        return "late: lost working time next to a local holiday"
    if abs(theirs - ours) == timedelta(hours=1):
        return "one hour off (DST)"
    return "other"


def compare(
    row: Row, c: Cases, ours: Sequence[datetime], theirs: Sequence[datetime], n: int
) -> None:
    for k in range(n):
        if ours[k] != theirs[k]:
            why = classify(c.calendar, c.starts[k], ours[k], theirs[k])
            row.disagreements[why] += 1
            if not row.example:
                local = c.calendar.zone
                row.example = (
                    f"{c.policy} {c.seconds[k] // 3600} h from "
                    f"{c.starts[k].astimezone(local):%a %Y-%m-%d %H:%M}: ours "
                    f"{ours[k].astimezone(local):%a %m-%d %H:%M}, theirs "
                    f"{theirs[k].astimezone(local):%a %m-%d %H:%M} ({why})"
                )


def single_window(cal: Calendar) -> tuple[wall_time, wall_time, list[int]]:
    opens = {(w.open, w.close) for w in cal.windows}
    assert len(opens) == 1, "the peers are set up for one window a day"
    (open_, close) = opens.pop()
    return open_, close, sorted({w.weekday for w in cal.windows})


def peer_workclock(cases: list[Cases], dues: dict[str, list[datetime]]) -> list[Row]:
    import workclock

    scalar = Row("workclock", "scalar add", 0, 0.0)
    batch = Row("workclock", "batch add_many (NumPy)", 0, 0.0)
    between = Row("workclock", "between", 0, 0.0)
    for c in cases:
        open_, close, days = single_window(c.calendar)
        schedule = workclock.Schedule(
            [
                workclock.WorkDay(open_, close, days),
                workclock.Holidays(holiday_dates(c.calendar)),
            ],
            time_zone=c.calendar.zone_name,
        )
        add = schedule.add
        secs, theirs = timed(
            lambda a=add, c=c: [a(t, seconds=s) for t, s in zip(c.starts, c.seconds, strict=True)],
            repeat=3,
        )
        scalar.seconds += secs
        scalar.cases += len(c.starts)
        compare(scalar, c, dues[c.policy], theirs, len(c.starts))

        starts64 = c.starts_us.astype("datetime64[us]")
        deltas64 = c.seconds_arr.astype("timedelta64[s]")
        secs, out = timed(lambda f=schedule.add_many, s=starts64, d=deltas64: f(s, d), repeat=3)
        batch.seconds += secs
        batch.cases += len(c.starts)
        got = [
            datetime.fromtimestamp(0, UTC) + timedelta(microseconds=int(u))
            for u in out.astype(np.int64)
        ]
        compare(batch, c, dues[c.policy], got, len(c.starts))

        b = schedule.between
        pairs = list(zip(c.starts, dues[c.policy], strict=True))
        secs, spans = timed(lambda b=b, p=pairs: [b(x, y) for x, y in p], repeat=3)
        between.seconds += secs
        between.cases += len(pairs)
        for span, s in zip(spans, c.seconds, strict=True):
            if span != timedelta(seconds=s):
                between.disagreements["different working time"] += 1
    return [scalar, batch, between]


def peer_businesstimedelta(
    cases: list[Cases], dues: dict[str, list[datetime]], sample: int
) -> list[Row]:
    import businesstimedelta as btd
    import pytz

    add_row = Row("businesstimedelta", "scalar add", 0, 0.0)
    between = Row("businesstimedelta", "between (Rules.difference)", 0, 0.0)
    utc_holidays = Row("businesstimedelta", "add, HolidayRule without tz", 0, 0.0)
    for c in cases:
        open_, close, days = single_window(c.calendar)
        tz = pytz.timezone(c.calendar.zone_name)
        workday = btd.WorkDayRule(start_time=open_, end_time=close, working_days=days, tz=tz)
        rules = btd.Rules([workday, btd.HolidayRule(holiday_dates(c.calendar), tz=tz)])
        # HolidayRule's zone defaults to UTC: holidays are then UTC dates
        rules_utc = btd.Rules([workday, btd.HolidayRule(holiday_dates(c.calendar))])
        n = min(sample, len(c.starts))
        deltas = [btd.BusinessTimeDelta(rules, seconds=s) for s in c.seconds[:n]]
        secs, theirs = timed(lambda c=c, d=deltas, n=n: [c.starts[k] + d[k] for k in range(n)])
        add_row.seconds += secs
        add_row.cases += n
        compare(add_row, c, dues[c.policy], theirs, n)

        deltas = [btd.BusinessTimeDelta(rules_utc, seconds=s) for s in c.seconds[:n]]
        secs, theirs = timed(lambda c=c, d=deltas, n=n: [c.starts[k] + d[k] for k in range(n)])
        utc_holidays.seconds += secs
        utc_holidays.cases += n
        compare(utc_holidays, c, dues[c.policy], theirs, n)

        pairs = list(zip(c.starts[:n], dues[c.policy][:n], strict=True))
        secs, spans = timed(lambda r=rules, p=pairs: [r.difference(x, y) for x, y in p])
        between.seconds += secs
        between.cases += n
        for span, s in zip(spans, c.seconds, strict=False):
            if span.timedelta != timedelta(seconds=s):
                between.disagreements["different working time"] += 1
    add_row.note = between.note = f"first {sample} cases of each calendar, tz on both rules"
    utc_holidays.note = f"first {sample} cases of each calendar, tz on WorkDayRule only"
    return [add_row, between, utc_holidays]


def peer_pandas(cases: list[Cases], dues: dict[str, list[datetime]], sample: int) -> list[Row]:
    import pandas as pd

    row = Row("pandas CustomBusinessHour", "scalar add", 0, 0.0)
    for c in cases:
        open_, close, days = single_window(c.calendar)
        names = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
        offsets = {
            h: pd.offsets.CustomBusinessHour(
                n=h,
                start=open_.strftime("%H:%M"),
                end=close.strftime("%H:%M"),
                weekmask=" ".join(names[d] for d in days),
                holidays=holiday_dates(c.calendar),
            )
            for h in HOURS
        }
        n = min(sample, len(c.starts))
        zone = c.calendar.zone_name
        stamps = [pd.Timestamp(t).tz_convert(zone) for t in c.starts[:n]]
        offs = [offsets[s // 3600] for s in c.seconds[:n]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            secs, out = timed(lambda s=stamps, o=offs, n=n: [s[k] + o[k] for k in range(n)])
        row.seconds += secs
        row.cases += n
        compare(row, c, dues[c.policy], [x.to_pydatetime() for x in out], n)
    row.note = f"first {sample} cases of each calendar; no between"
    return [row]


# -- checks and the CLI ----------------------------------------------------------------


def reference_check(cases: list[Cases], dues: dict[str, list[datetime]], sample: int) -> Row:
    row = Row("naive reference", "add, walking minutes", 0, 0.0)
    for c in cases:
        windows = [(w.weekday, w.open, w.close) for w in c.calendar.windows]
        ref = NaiveCalendar(c.calendar.zone_name, windows, holidays_of(c.calendar.holidays))
        n = min(sample, len(c.starts))
        secs, theirs = timed(
            lambda r=ref, c=c, n=n: [r.add(c.starts[k], c.seconds[k]) for k in range(n)]
        )
        row.seconds += secs
        row.cases += n
        compare(row, c, dues[c.policy], theirs, n)
    row.note = f"first {sample} cases of each calendar"
    return row


LEVELS = {
    "capsure": ("sev1", "sev2", "sev3", "sev4"),
    "capella": ("urgent", "high", "medium", "low"),
}
CHANNELS = ("phone", "voicemail", "email", "portal", "api")


def cli_run(policy: str, lines: int, seed: int) -> tuple[float, int, int]:
    """Seconds for `accord sla due --jsonl -` over `lines` requests, lines out, errors."""
    rnd = random.Random(seed)
    zone = load_policy(policy).calendar.zone
    body = "".join(
        json.dumps(
            {
                "id": str(k),
                "level": rnd.choice(LEVELS[policy]),
                "channel": rnd.choice(CHANNELS),
                "received": (FIRST + timedelta(seconds=rnd.randrange(SPAN_SECONDS)))
                .astimezone(zone)
                .isoformat(),
            }
        )
        + "\n"
        for k in range(lines)
    )
    accord = Path(sys.executable).with_name("accord")
    command = [str(accord)] if accord.exists() else [sys.executable, "-m", "accord"]
    with tempfile.TemporaryFile("w+") as stdin:
        stdin.write(body)
        stdin.seek(0)
        t0 = time.perf_counter()
        done = subprocess.run(
            [*command, "sla", "due", "--policy", policy, "--jsonl", "-"],
            stdin=stdin,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        seconds = time.perf_counter() - t0
    out = done.stdout.splitlines()
    errors = sum('"error"' in line for line in out)
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return seconds, len(out), errors


# -- report ----------------------------------------------------------------------------


def _our_counterpart(what: str) -> str:
    if "between" in what:
        return "between"
    if "batch" in what:
        return "batch add_many_us (int64 us)"
    return "scalar add (datetime in/out)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--peer-sample", type=int, default=2_000, help="per calendar, slow peers")
    parser.add_argument("--reference-sample", type=int, default=150, help="per calendar")
    parser.add_argument("--cli-lines", type=int, default=100_000, help="0 to skip")
    parser.add_argument("--seed", type=int, default=20261124)
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]}, NumPy {np.__version__}, {os.cpu_count()} CPUs")
    t0 = time.perf_counter()
    cases = make_cases(args.cases, args.seed)
    n = sum(len(c.starts) for c in cases)
    print(
        f"{n} cases ({', '.join(f'{c.policy} {len(c.starts)}' for c in cases)}), "
        f"targets {'/'.join(map(str, HOURS))} business hours, made in "
        f"{time.perf_counter() - t0:.1f} s\n"
    )

    problems: list[str] = []
    secs, dues = ours_scalar(cases)
    rows = [Row("accord", "scalar add (datetime in/out)", n, secs)]
    secs, batch = ours_batch(cases)
    rows.append(Row("accord", "batch add_many_us (int64 us)", n, secs))
    for c in cases:
        scalar_us = np.array([to_us(d) for d in dues[c.policy]], dtype=np.int64)
        if not np.array_equal(scalar_us, batch[c.policy]):
            problems.append(f"{c.policy}: batch and scalar disagree")
    secs, wrong = ours_between(cases, dues)
    rows.append(Row("accord", "between", n, secs))
    if wrong:
        problems.append(f"between(start, add(start, s)) != s in {wrong} cases")
    ours = {r.what: r.rate for r in rows}

    peers: list[tuple[str, Callable[[], list[Row]]]] = [
        ("workclock", lambda: peer_workclock(cases, dues)),
        ("businesstimedelta", lambda: peer_businesstimedelta(cases, dues, args.peer_sample)),
        ("pandas", lambda: peer_pandas(cases, dues, args.peer_sample)),
    ]
    for name, run in peers:
        try:
            rows += run()
        except ImportError:
            rows.append(
                Row(name, "not installed (pip install -r benchmarks/requirements.txt)", 0, 0)
            )

    reference = reference_check(cases, dues, args.reference_sample)
    if reference.disagreements:
        problems.append(f"naive reference disagrees: {reference.example}")

    print(
        f"{'library':<26} {'operation':<32} {'cases':>7} {'per second':>12} {'ours / theirs':>14}  disagreements"
    )
    for r in rows:
        if not r.cases:
            print(f"{r.name:<26} {r.what}")
            continue
        mine = ours[
            "between"
            if "between" in r.what
            else (
                "batch add_many_us (int64 us)"
                if "batch" in r.what
                else "scalar add (datetime in/out)"
            )
        ]
        ratio = "" if r.name == "accord" else f"{mine / r.rate:.1f}x"
        bad = sum(r.disagreements.values())
        share = f"{bad} ({100 * bad / r.cases:.1f}%)" if r.name != "accord" else "-"
        print(f"{r.name:<26} {r.what:<32} {r.cases:>7} {r.rate:>12,.0f} {ratio:>14}  {share}")
        for why, count in r.disagreements.most_common():
            print(f"{'':<26}   {count:>6} x {why}")
        if r.example:
            print(f"{'':<26}   e.g. {r.example}")
        if r.note:
            print(f"{'':<26}   ({r.note})")
    print(
        f"\nnaive reference: {reference.cases} cases, "
        f"{sum(reference.disagreements.values())} disagreements ({reference.note})"
    )

    if args.cli_lines:
        for policy in POLICIES:
            secs, out, errors = cli_run(policy, args.cli_lines, args.seed)
            print(
                f"accord sla due --jsonl: {args.cli_lines} {policy} lines in {secs:.2f} s "
                f"end to end ({args.cli_lines / secs:,.0f} lines/s), {out} lines out, "
                f"{errors} errors"
            )
            if out != args.cli_lines or errors:
                problems.append(f"CLI answered {out} lines with {errors} errors for {policy}")

    scalar = ours["scalar add (datetime in/out)"]
    wc = next((r for r in rows if r.name == "workclock" and r.what == "scalar add"), None)
    print("\ngoals:")
    print(f"  scalar >= 500,000 due/s: {scalar:,.0f} {'ok' if scalar >= 500_000 else 'MISSED'}")
    if wc:
        print(
            f"  scalar >= 3x workclock:  {scalar / wc.rate:.1f}x {'ok' if scalar >= 3 * wc.rate else 'MISSED'}"
        )
    b = ours["batch add_many_us (int64 us)"]
    print(f"  batch >= 5,000,000 due/s: {b:,.0f} {'ok' if b >= 5_000_000 else 'MISSED'}")
    print(f"total {time.perf_counter() - t0:.0f} s")
    for p in problems:
        print(f"PROBLEM: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
