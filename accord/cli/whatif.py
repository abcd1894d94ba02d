"""`accord policy whatif NAME --file DRAFT.toml [--since DATE]`: compliance under a draft.

Replays every request of policy NAME (received since DATE) under the draft as
of now, through the engine's batch path, and prints per level and target how
many were met, breached or still open before and after, then the requests
whose verdict flips. Nothing is stored (`accord.tickets.whatif`).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path

from accord.cli.desk import _guarded

FLIPS_SHOWN = 50


def add_command(cmds: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    whatif = cmds.add_parser(
        "whatif", help="replay a policy's requests under a draft file and compare compliance"
    )
    whatif.add_argument("policy", metavar="NAME")
    whatif.add_argument("--file", required=True, type=Path, metavar="DRAFT.toml")
    whatif.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    whatif.add_argument("--all-flips", action="store_true", help="list every flip")
    whatif.set_defaults(handler=_guarded(run_whatif))


def run_whatif(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.contracts.services import check_policy
    from accord.errors import Invalid
    from accord.sla import load_policy
    from accord.sla.errors import PolicyError
    from accord.tickets.whatif import what_if

    name = check_policy(args.policy)
    if not args.file.is_file():
        raise Invalid("file", f"no such file: {args.file}")
    try:
        draft = load_policy(args.file)
    except PolicyError as exc:
        raise Invalid("file", "; ".join(exc.problems)) from None
    since = None
    if args.since is not None:
        since = datetime.combine(args.since, time(0), tzinfo=load_policy(name).zone)
    now = timezone.now()
    result = what_if(name, draft, since, now)
    window = f"received since {args.since}" if args.since else "all requests"
    print(
        f"{name}: {result.requests} requests ({window}) replayed as of {now:%Y-%m-%d %H:%M} UTC "
        f"under draft version {draft.version} ({args.file})"
    )
    header = ("level", "target", "met before", "met after", "breached before", "breached after",
              "open before", "open after")  # fmt: skip
    rows: list[tuple[str, ...]] = [header]
    for (level, kind), t in sorted(result.tallies.items()):
        rows.append(
            (
                level,
                kind,
                *(str(c[v]) for v in ("met", "breached", "open") for c in (t.before, t.after)),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
    for level, count in sorted(result.not_in_draft.items()):
        print(f"not replayed: {count} requests at level {level!r}, which the draft does not define")
    print(f"{len(result.flips)} verdicts flip")
    shown = result.flips if args.all_flips else result.flips[:FLIPS_SHOWN]
    for f in shown:
        print(f"  {f.number}  {f.level}  {f.kind}: {f.before} -> {f.after}")
    if len(shown) < len(result.flips):
        print(f"  ... {len(result.flips) - len(shown)} more (--all-flips lists them)")
    return 0
