"""`accord run worker [--until-idle] [--interval SECONDS]`: the background worker.

The desk's `run` command group (accord.cli.desk) wires this in; `run_worker`
sets up Django itself so that it also works when called directly.
Exit 0, or 1 when `--until-idle` ended with task errors (printed on stderr).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
from types import FrameType


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The worker's options, for the parser of `accord run worker`."""
    parser.add_argument(
        "--until-idle",
        action="store_true",
        help="process everything pending (outbox, IMAP, SLA), then exit",
    )
    parser.add_argument(
        "--interval", type=float, default=5.0, metavar="SECONDS", help="sleep when idle"
    )
    parser.add_argument(
        "--id",
        dest="worker_id",
        default=os.environ.get("ACCORD_WORKER_ID") or socket.gethostname(),
        metavar="NAME",
        help="this worker's id, unique among running workers (default: ACCORD_WORKER_ID or "
        "the host name); a restart with the same id resends what the last run left half-sent",
    )


def run_worker(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    try:
        import django

        django.setup()
    except Exception as exc:
        print(f"accord: configuration error: {exc}", file=sys.stderr)
        return 1
    import logging

    from accord.worker.loop import run, work_log

    # The work log goes to stderr, one line each, with the time in UTC.
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter(
        "ts=%(asctime)s level=%(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%SZ"
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    work_log.addHandler(handler)
    work_log.setLevel(logging.INFO)
    work_log.propagate = False

    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    if not args.until_idle:
        signal.signal(signal.SIGTERM, stop)
    interval = getattr(args, "interval", 5.0)
    try:
        totals = run(
            until_idle=args.until_idle,
            interval=interval,
            should_stop=lambda: stopping,
            worker_id=getattr(args, "worker_id", ""),
        )
    finally:
        work_log.removeHandler(handler)
    print(totals.summary())
    for error in totals.errors:
        print(f"accord worker: {error}", file=sys.stderr)
    return 1 if args.until_idle and totals.errors else 0


def main(argv: list[str] | None = None) -> int:
    """`python -m accord.cli.worker [--until-idle]`, until `accord run worker` is wired in."""
    parser = argparse.ArgumentParser(prog="accord run worker", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run_worker(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
