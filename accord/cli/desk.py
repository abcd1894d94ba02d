"""The desk's commands: run, migrate, demo (users and tokens: accord/cli/accounts.py).

Handlers only parse arguments, set up Django and call services; a bad value
prints one line naming the field and exits 1, a bad environment names the
variable and exits 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from accord.cli.setup import EX_TEMPFAIL, first_line

Handler = Callable[[argparse.Namespace], int]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    import django

    django.setup()


def _guarded(body: Handler) -> Handler:
    """Set up Django, run the handler, turn expected failures into one line on stderr."""

    def run(args: argparse.Namespace) -> int:
        from django.core.exceptions import ImproperlyConfigured

        from accord.config import ConfigError

        try:
            _setup()
        except (ConfigError, ImproperlyConfigured) as exc:
            print(f"accord: configuration error: {exc}", file=sys.stderr)
            return 1
        from django.db import DatabaseError, InterfaceError, OperationalError

        from accord.errors import DeskError

        try:
            return body(args)
        except DeskError as exc:
            print(f"accord: {exc.field}: {exc.message}", file=sys.stderr)
            return 1
        except (OperationalError, InterfaceError) as exc:
            if "no such table" not in str(exc):  # SQLite's word for "not migrated yet"
                print(f"accord: database unavailable: {first_line(exc)}", file=sys.stderr)
                return EX_TEMPFAIL
            print(
                f"accord: database error: {first_line(exc)} (has `accord migrate` run?)",
                file=sys.stderr,
            )
            return 1
        except DatabaseError as exc:
            print(
                f"accord: database error: {first_line(exc)} (has `accord migrate` run?)",
                file=sys.stderr,
            )
            return 1

    return run


def _bind(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT like 127.0.0.1:8000, got {text!r}")
    return text


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = sub.add_parser("run", help="serve the desk")
    what = run.add_subparsers(dest="run_command", required=True, metavar="SERVICE")
    web = what.add_parser("web", help="the web app and API, served by gunicorn")
    web.add_argument("--bind", type=_bind, default="127.0.0.1:8000", metavar="HOST:PORT")
    web.add_argument("--workers", type=int, default=2)
    web.set_defaults(handler=_guarded(run_web))

    from accord.cli.worker import add_arguments, run_worker

    worker = what.add_parser(
        "worker", help="background worker: outbox, IMAP, pending mail, SLA breaches"
    )
    add_arguments(worker)
    worker.set_defaults(handler=run_worker)

    migrate = sub.add_parser("migrate", help="create or upgrade the database schema")
    migrate.set_defaults(handler=_guarded(run_migrate))

    demo = sub.add_parser("demo", help="migrate, load demo data, and serve")
    demo.add_argument("--bind", type=_bind, default="127.0.0.1:8000", metavar="HOST:PORT")
    demo.add_argument("--no-serve", action="store_true", help="load the data and exit")
    demo.set_defaults(handler=_guarded(run_demo))


def run_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    print("database is up to date")
    return 0


def _serve(bind: str, workers: int) -> int:
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    from accord.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return application

    Server().run()
    return 0


def run_web(args: argparse.Namespace) -> int:
    if args.workers < 1:
        print("accord: --workers: must be at least 1", file=sys.stderr)
        return 1
    return _serve(args.bind, args.workers)


def run_demo(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    from accord.demo import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    login = load_demo()
    base = f"http://{args.bind}"
    print(f"Accord demo: {base}/  login {login.username} / {login.password}")
    print(f"API:         {base}/api/v1/docs (OpenAPI at {base}/api/v1/openapi.json)")
    print(f"admin:       {base}/admin/  (same login)")
    from accord.demo import ADDRESSES

    for email, _name, policy, _level, default in ADDRESSES:
        print(f"mail:        {email} ({policy}{', default' if default else ''})")
    print("             e.g. accord mail ingest < message.eml")
    print(f"API token:   {login.token}")
    print(
        f'try:         curl -H "Authorization: Bearer {login.token}" '
        f'"{base}/api/v1/requests?ordering=due"'
    )
    if args.no_serve:
        return 0
    return _serve(args.bind, 2)
