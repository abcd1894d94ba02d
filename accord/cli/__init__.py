"""`accord`, the one command.

Each command group lives in its own module and registers itself through
`register(subparsers)`; the modules are imported lazily by name so that
`accord sla due` never pays for Django's start-up.

Exit statuses: 0 success, 1 a failure the command reports (bad input lines,
policy errors), 2 usage errors (argparse), 75 temporary failures.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command group -> module that defines `register(subparsers)`; a module may
# register several top-level commands (the desk module owns run/migrate/...).
GROUP_MODULES: dict[str, str] = {
    "sla": "accord.cli.sla",
    "policy": "accord.cli.policy",
    "run": "accord.cli.desk",
    "migrate": "accord.cli.desk",
    "user": "accord.cli.accounts",
    "token": "accord.cli.accounts",
    "demo": "accord.cli.desk",
    "mail": "accord.cli.mail",
    "files": "accord.cli.files",
    "release": "accord.cli.release",
    "import": "accord.cli.history",
    "oncall": "accord.cli.oncall",
    "voice": "accord.cli.channels",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or (with `only`) just the group the user asked for."""
    parser = argparse.ArgumentParser(prog="accord", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    seen: set[str] = set()
    for group, module_name in GROUP_MODULES.items():
        if only is not None and group != only:
            continue
        if module_name in seen:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # that group is not built yet
                continue
            raise
        seen.add(module_name)
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in args_list if not a.startswith("-")), None)
    parser = build_parser(only=first if first in GROUP_MODULES else None)
    args = parser.parse_args(args_list)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
