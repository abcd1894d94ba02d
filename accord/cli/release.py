"""`accord release`: add a release, list late and unsupported installations (capella 4.4, 4.5).

    accord release add "Capella System" 7.4 --available 2026-12-01
    accord release late
    accord release unsupported

Changes go through accord.contracts.releases (audited as `system`).
"""

from __future__ import annotations

import argparse
from datetime import date

from accord.cli.desk import _guarded


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-12-01, got {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    release = sub.add_parser("release", help="on-premises releases and installations")
    cmds = release.add_subparsers(dest="release_command", required=True, metavar="COMMAND")
    add = cmds.add_parser("add", help="add a release of a product")
    add.add_argument("product")
    add.add_argument("version")
    add.add_argument(
        "--available", type=_date, required=True, metavar="DATE", help="general-availability date"
    )
    add.add_argument(
        "--status",
        choices=["announced", "ga", "withdrawn"],
        help="default: announced until DATE, then generally available",
    )
    add.set_defaults(handler=_guarded(run_add))
    late = cmds.add_parser("late", help="deliveries not installed within the window")
    late.set_defaults(handler=_guarded(run_late))
    unsupported = cmds.add_parser("unsupported", help="installations on unsupported releases")
    unsupported.set_defaults(handler=_guarded(run_unsupported))


def run_add(args: argparse.Namespace) -> int:
    from accord.accounts.actor import SYSTEM
    from accord.contracts.releases import add_release

    rel = add_release(
        SYSTEM,
        product=args.product,
        version=args.version,
        released_on=args.available,
        status=args.status,
    )
    print(f"added {rel.product} {rel.version} ({rel.get_status_display()} from {rel.released_on})")
    return 0


def run_late(args: argparse.Namespace) -> int:
    from accord.contracts.releases import late_deliveries

    for d in late_deliveries():
        inst = d.installation
        print(
            f"{inst.organization}\t{inst.product} {d.release.version}\t"
            f"received {d.received_on}\tlate since {d.late_since}"
        )
    return 0


def run_unsupported(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from accord.contracts.releases import unsupported_installations

    for u in unsupported_installations(timezone.now()):
        inst = u.installation
        versions = ", ".join(r.version for r in u.supported)
        print(f"{inst.organization}\t{inst.product} {inst.release.version}\tsupported: {versions}")
    return 0
