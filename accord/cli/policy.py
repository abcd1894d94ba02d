"""`accord policy check|show|schema|list`: policy files for the people who write them.

- `check FILE...` validates each file and lists every problem, one a line, as
  `FILE: field.path: message`; exit 0 when all are valid, 1 otherwise.
- `show NAME|FILE` prints a policy as plain-text tables: hours, channels,
  levels and targets, entitlement, exclusions, billing, on-premises rules,
  required fields and the holidays of the next 12 months (`--from DATE`).
- `schema` prints the JSON Schema of the format, `list` the shipped names.

Usage errors exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO

from accord.sla.durations import format_seconds, parse_duration
from accord.sla.errors import PolicyError
from accord.sla.policy import Policy, Target, load_policy, shipped_policy_names
from accord.sla.policy_spec import CONTACT_ROLES

WIDTH = 100
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
KIND_LABELS = {"first_response": "first response", "resolution": "resolution"}
WHEN_LABELS = {"always": "any time", "in_hours": "in hours", "after_hours": "after hours"}
NOTICE_LABELS = {
    "any_time": "at receipt, any hour",
    "business_hours": "at receipt in hours, else next opening",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    policy = sub.add_parser("policy", help="check, show and describe policy files")
    cmds = policy.add_subparsers(dest="policy_command", required=True, metavar="SUBCOMMAND")

    check = cmds.add_parser("check", help="validate policy files, listing every problem")
    check.add_argument("files", nargs="+", metavar="FILE", help="a .toml file or a shipped name")
    check.set_defaults(handler=run_check)

    show = cmds.add_parser("show", help="print a policy as readable tables")
    show.add_argument("policy", metavar="NAME|FILE", help="shipped name (capsure) or .toml path")
    show.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        metavar="DATE",
        help="first day of the 12 months of holidays shown (default: today in the policy's zone)",
    )
    show.set_defaults(handler=run_show)

    schema = cmds.add_parser("schema", help="print the JSON Schema of the policy format")
    schema.set_defaults(handler=run_schema)

    listing = cmds.add_parser("list", help="print the names of the shipped policies")
    listing.set_defaults(handler=run_list)

    from accord.cli.policy_versions import add_commands
    from accord.cli.whatif import add_command as add_whatif

    add_commands(cmds)
    add_whatif(cmds)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-11-21, got {text!r}") from None


def _load(name_or_file: str) -> Policy:
    """A shipped name, or a file; an existing file wins over a name."""
    path = Path(name_or_file)
    if path.is_file() or path.suffix == ".toml" or "/" in name_or_file:
        return load_policy(path.resolve())
    return load_policy(name_or_file)


# -- check ---------------------------------------------------------------------


def _problems_of(name_or_file: str) -> tuple[Policy | None, list[str]]:
    try:
        return _load(name_or_file), []
    except PolicyError as exc:
        return None, list(exc.problems)
    except Exception as exc:  # a user's file must never produce a traceback
        return None, [f"(file): cannot compile the policy: {type(exc).__name__}: {exc}"]


def run_check(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    out = out or sys.stdout
    failed = 0
    for name in args.files:
        policy, problems = _problems_of(name)
        if policy is not None:
            levels, channels = len(policy.level_ids), len(policy.spec.channels)
            out.write(
                f"{name}: ok (policy {policy.id}, version {policy.version}: "
                f"{levels} levels, {channels} channels)\n"
            )
            continue
        failed += 1
        for problem in problems:
            out.write(f"{name}: {problem}\n")
        count = len(problems)
        out.write(f"{name}: {count} problem{'s' if count != 1 else ''}\n")
    if len(args.files) > 1:
        out.write(f"{len(args.files)} files checked, {failed} with problems\n")
    return 1 if failed else 0


# -- show ----------------------------------------------------------------------


def table(
    rows: Sequence[Sequence[str]], header: Sequence[str] | None = None, max_cell: int = 40
) -> list[str]:
    """Left-aligned columns two spaces apart; cells longer than `max_cell` wrap."""
    all_rows = [list(header)] if header else []
    all_rows += [list(r) for r in rows]
    if not all_rows:
        return []
    cells = [[textwrap.wrap(c, max_cell) or [""] for c in r] for r in all_rows]
    widths = [max(len(part) for r in cells for part in r[i]) for i in range(len(cells[0]))]
    lines: list[str] = []
    for n, row in enumerate(cells):
        for k in range(max(len(c) for c in row)):
            parts = [
                (c[k] if k < len(c) else "").ljust(w) for c, w in zip(row, widths, strict=True)
            ]
            lines.append("  ".join(parts).rstrip())
        if n == 0 and header:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def _section(title: str, clause: str = "") -> list[str]:
    head = f"{title} [{clause}]" if clause else title
    return ["", head, "=" * len(head)]


def _duration(target: Target) -> str:
    prefix = "business " if target.duration.clock == "business" else ""
    return format_seconds(target.duration.seconds, prefix)


def _add_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _header(policy: Policy) -> list[str]:
    spec = policy.spec
    info, cal = spec.policy, spec.calendar
    zone = cal.zone + (f" ({cal.zone_note})" if cal.zone_note else "")
    rows = [
        ("Policy", f"{info.id}: {info.name}"),
        ("Version", f"{info.version} (effective {info.effective.isoformat()})"),
        ("Source", f"{info.source} [{info.clause}]"),
        ("File", str(policy.source) if policy.source else "(in memory)"),
        ("Zone", zone),
        ("Business day", format_seconds(policy.nominal_day.seconds)),
    ]
    width = max(len(k) for k, _ in rows)
    lines: list[str] = []
    for key, value in rows:
        wrapped = textwrap.wrap(value, WIDTH - width - 2) or [""]
        lines.append(f"{key.ljust(width)}  {wrapped[0]}")
        lines += [" " * (width + 2) + more for more in wrapped[1:]]
    return lines


def _hours(policy: Policy) -> list[str]:
    cal = policy.spec.calendar
    by_day: dict[int, list[str]] = {d: [] for d in range(7)}
    clauses: dict[int, list[str]] = {d: [] for d in range(7)}
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for w in cal.windows:
        for day in w.days:
            d = weekdays.index(day)
            by_day[d].append(f"{w.open}-{w.close}")
            clauses[d].append(w.clause)
    rows = [
        (
            DAY_NAMES[d],
            ", ".join(sorted(by_day[d])) or "closed",
            "; ".join(dict.fromkeys(clauses[d])),
        )
        for d in range(7)
    ]
    lines = _section("Support hours (local time, windows are [open, close))", cal.clause)
    lines += table(rows, ("day", "hours", "clause"))
    lines.append("Holidays are closed all day.")
    return lines


def _channels(policy: Policy) -> list[str]:
    rows = [
        (name, rule.label, NOTICE_LABELS[rule.notice], rule.address, rule.clause)
        for name, rule in policy.spec.channels.items()
    ]
    lines = _section("Channels and notice")
    lines += table(rows, ("channel", "label", "notice (the clock starts)", "address", "clause"))
    for name, rule in policy.spec.channels.items():
        if rule.note:
            lines += _wrap(f"{name}: {rule.note}", "  ")
    return lines


def _levels(policy: Policy) -> list[str]:
    lines = _section("Levels and targets")
    rule = policy.spec.clocks
    for level_id in policy.level_ids:
        level = policy.level(level_id)
        lines.append("")
        lines.append(f"{level_id}: {level.label} [{level.clause}]")
        lines += _wrap(level.definition, "  ")
        if level.examples:
            lines += _wrap("Including: " + "; ".join(level.examples), "  ")
        rows: list[tuple[str, ...]] = [
            (
                KIND_LABELS[t.kind],
                WHEN_LABELS[t.when],
                str(t.duration.clock),
                _duration(t),
                t.wording,
                t.clause,
            )
            for t in policy.targets_of(level_id)
        ]
        rows += [
            (KIND_LABELS[n.kind], "-", "-", "no target", n.wording, n.clause)
            for n in level.no_targets
        ]
        for kind in ("first_response", "resolution"):
            if not any(r[0] == KIND_LABELS[kind] for r in rows):
                rows.append((KIND_LABELS[kind], "-", "-", "no target", "", ""))
        lines += [
            "  " + line
            for line in table(rows, ("target", "when", "clock", "within", "wording", "clause"))
        ]
        if level.resolution_method:
            clause = (
                f" [{level.resolution_method_clause}]" if level.resolution_method_clause else ""
            )
            lines += _wrap(f"Resolution method: {level.resolution_method}{clause}", "  ")
    lines.append("")
    met_by = ", ".join(rule.first_response.met_by)
    lines += _wrap(
        f"First response is met by: {met_by} (a public, non-automated agent message) "
        f"[{rule.first_response.clause}]",
        "",
    )
    if rule.first_response.note:
        lines += _wrap(rule.first_response.note, "  ")
    res = rule.resolution
    lines += _wrap(
        f"Resolution is met by status: {', '.join(res.met_by_status)}; paused by status: "
        f"{', '.join(res.pauses_on_status) or 'none'} [{res.clause}]",
        "",
    )
    if res.note:
        lines += _wrap(res.note, "  ")
    return lines


def _one_of(kinds: Sequence[str]) -> str:
    """Kinds as "a, b or c"; "-" for none."""
    if not kinds:
        return "-"
    return " or ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)


def _roles(roles: Sequence[str]) -> str:
    return "every contact" if set(roles) >= set(CONTACT_ROLES) else ", ".join(roles)


def _entitlement(policy: Policy) -> list[str]:
    ent = policy.spec.entitlement
    rows = [
        (
            _roles(r.roles),
            "per incident (billed)" if r.basis == "per_incident" else "entitlement",
            _one_of(r.any_of),
            r.clause,
        )
        for r in ent.rules
    ]
    lines = _section("Entitlement (who is supported)", ent.clause)
    lines += table(rows, ("contact roles", "basis", "needs one of", "clause"))
    for r in ent.rules:
        if r.note:
            lines += _wrap(f"{_roles(r.roles)}: {r.note}", "  ")
    return lines


def _exclusions(policy: Policy) -> list[str]:
    spec = policy.spec
    if not spec.exclusions and not spec.exceptions:
        return []
    lines: list[str] = []
    if spec.exclusions:
        lines += _section(
            "Excluded requests (no SLA once confirmed; a text match is a suggestion for an agent)"
        )
        for ex in spec.exclusions:
            lines.append(f"{ex.id}: {ex.label} [{ex.clause}]")
            lines += _wrap(f"Guidance: {ex.guidance}", "  ")
            if ex.keywords or ex.patterns:
                found = ", ".join(ex.keywords) + (
                    f" (+ {len(ex.patterns)} patterns)" if ex.patterns else ""
                )
                lines += _wrap("Suggested by: " + found.lstrip(", "), "  ")
    if spec.exceptions:
        lines += _section("Exceptions (no obligation to fix; time is billable)")
        lines += table(
            [(e.id, e.label, e.clause) for e in spec.exceptions], ("id", "cause", "clause")
        )
    return lines


def _level_claims(policy: Policy) -> list[str]:
    claims = policy.spec.triage.claims
    if not claims:
        return []
    lines = _section("Levels stated in mail (set at intake, confirmed by an agent)")
    return lines + table(
        [(c.level, " | ".join(c.patterns), c.clause) for c in claims],
        ("level", "patterns", "clause"),
    )


def _billing(policy: Policy) -> list[str]:
    if not policy.spec.billing:
        return []
    rows = [
        (
            f"{b.hourly_rate} {b.currency}/hour",
            ", ".join(b.applies_to),
            "yes" if b.plus_expenses else "no",
            b.clause,
        )
        for b in policy.spec.billing
    ]
    lines = _section("Billing")
    lines += table(rows, ("rate", "applies to", "plus expenses", "clause"))
    for b in policy.spec.billing:
        if b.note:
            lines += _wrap(b.note, "  ")
    return lines


def _on_premises(policy: Policy) -> list[str]:
    op = policy.spec.on_premises
    if op is None:
        return []
    install = _calendar_days(op.update_install_within)
    rows = [
        (
            "supported releases",
            f"the latest and the {op.supported_previous_releases} before it; older: "
            "asked to upgrade first, no targets meanwhile",
            op.supported_releases_clause,
        ),
        ("updates", f"installed within {install} of receipt", op.update_install_clause),
        (
            "designated contact",
            "required; requests from others are accepted and flagged"
            if op.designated_contact
            else "not required",
            op.designated_contact_clause,
        ),
    ]
    if op.access_clause:
        rows.append(("access", "remote access to systems, people, equipment", op.access_clause))
    lines = _section("On-premises installations")
    lines += table(rows, ("rule", "what", "clause"))
    if op.expenses:
        lines.append("")
        lines += table(
            [
                (
                    e.kind,
                    "yes" if e.needs_advance_approval else "no",
                    "yes" if e.needs_written_evidence else "no",
                    e.clause,
                )
                for e in op.expenses
            ],
            ("expense", "approval in advance", "written evidence", "clause"),
        )
    return lines


def _calendar_days(text: str) -> str:
    """An elapsed duration in days when it is whole days ("30 days"), else exact."""
    seconds = parse_duration(text).seconds
    days, rest = divmod(seconds, 86400)
    if days and not rest:
        return f"{days} day{'s' if days != 1 else ''}"
    return format_seconds(seconds)


def _required(policy: Policy) -> list[str]:
    fields = policy.spec.required_fields
    if not fields:
        return []
    rows = [
        (
            f.field,
            f.label,
            "always" if f.when == "always" else "when continuing a request",
            f.clause,
        )
        for f in fields
    ]
    lines = _section("Required information")
    lines += table(rows, ("field", "label", "required", "clause"))
    return lines


def _guidance(policy: Policy) -> list[str]:
    g = policy.spec.guidance
    lines = _section("Guidance")
    lines += _wrap(f"Out of hours [{g.out_of_hours_clause}]: {g.out_of_hours}", "")
    lines.append(f"Automated acknowledgement at receipt [{g.acknowledgement_clause}]")
    lines.append(f"Service request numbers [{g.numbering_clause}]")
    if g.split_clause:
        lines.append(f"Several issues become several requests [{g.split_clause}]")
    if g.contact_advice:
        lines.append(f"When contacting support [{g.contact_advice_clause}]:")
        for advice in g.contact_advice:
            lines += _wrap(f"- {advice}", "  ")
    return lines


def _holidays(policy: Policy, start: date) -> list[str]:
    last = _add_year(start) - timedelta(days=1)
    found = policy.calendar.holidays_between(start, last)
    lines = _section(
        f"Holidays {start.isoformat()} to {last.isoformat()}", policy.spec.calendar.holidays.clause
    )
    rows = [(d.isoformat(), DAY_NAMES[d.weekday()], name) for d, name in found.items()]
    lines += table(rows, ("date", "day", "holiday")) if rows else ["(none)"]
    return lines


def render(policy: Policy, start: date) -> str:
    """The whole `show` text for `policy`, with holidays from `start`."""
    parts: Iterable[list[str]] = (
        _header(policy),
        _hours(policy),
        _channels(policy),
        _levels(policy),
        _entitlement(policy),
        _exclusions(policy),
        _level_claims(policy),
        _billing(policy),
        _on_premises(policy),
        _required(policy),
        _guidance(policy),
        _holidays(policy, start),
    )
    return "\n".join(line for part in parts for line in part) + "\n"


def run_show(args: argparse.Namespace) -> int:
    try:
        policy = _load(args.policy)
        start = args.start or datetime.now(policy.zone).date()
        text = render(policy, start)
    except PolicyError as exc:
        for problem in exc.problems:
            print(f"accord policy show: {args.policy}: {problem}", file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


# -- schema, list --------------------------------------------------------------


def run_schema(args: argparse.Namespace) -> int:
    from accord.sla.schema import policy_json_schema_text

    sys.stdout.write(policy_json_schema_text())
    return 0


def run_list(args: argparse.Namespace) -> int:
    for name in shipped_policy_names():
        print(name)
    return 0
