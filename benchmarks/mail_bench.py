"""Benchmark of mail intake: messages per second through `ingest` and IMAP fetch.

    .venv/bin/python benchmarks/mail_bench.py [--messages N] [--cli-messages M] [--no-helpdesk]

One synthetic mailbox of N messages (new requests from known contacts, replies
that thread by In-Reply-To, mail from unknown senders, mail with a PDF
attachment; deterministic) goes through, each phase on a fresh SQLite database
in a scratch directory:

- `pipeline`: `accord.intake.pipeline.ingest` called in one process (store the
  raw bytes, commit, then process into a request with its acknowledgement row);
- `cli`: `accord mail ingest` as an MTA pipe runs it, one process per message
  (M messages, so the figure includes Python and Django start-up);
- `imap`: the mailbox appended to a folder of a real Dovecot
  (scripts/dovecot-test-server) and fetched with `accord.worker.tasks.fetch_due`
  (fetch, store, process, flag);
- `django-helpdesk`: the same mailbox, in another folder of the same Dovecot,
  through django-helpdesk's `get_email` (`helpdesk.email.process_email`),
  installed from PyPI into a throwaway venv under /tmp at bench time (never a
  dependency of Accord). If it cannot be installed or run, the reason is printed.

Each phase runs in a subprocess of its own (Django settings are per process)
and reports JSON; the table goes to stdout.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import os
import subprocess
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DOVECOT = REPO / "scripts" / "dovecot-test-server"
HELPDESK_VENV = Path(tempfile.gettempdir()) / "accord-bench-django-helpdesk"
HELPDESK_VERSION = "2.6.1"
SUPPORT = "support@capella.example"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64


def mailbox(count: int) -> list[bytes]:
    """The synthetic mailbox: deterministic, every message with its own Message-ID."""
    out: list[bytes] = []
    for n in range(count):
        msg = EmailMessage()
        kind = n % 10
        if kind == 9:
            msg["From"] = f"Stranger {n} <stranger{n}@unknown.example>"
        else:
            msg["From"] = f"Contact {n % 20} <contact{n % 20}@kiwi.example>"
        msg["To"] = SUPPORT
        msg["Date"] = "Fri, 20 Nov 2026 10:00:00 +1300"
        msg["Message-ID"] = f"<bench{n}@kiwi.example>"
        if kind == 8 and n >= 10:
            msg["Subject"] = f"Re: Issue {n - 8}"
            msg["In-Reply-To"] = f"<bench{n - 8}@kiwi.example>"
            msg["References"] = f"<bench{n - 8}@kiwi.example>"
            msg.set_content(f"More detail on issue {n - 8}.\n\n> earlier text\n")
        else:
            msg["Subject"] = f"Issue {n}: the report does not print"
            msg.set_content(
                f"Issue {n}: since this morning the monthly report does not print.\n"
                "Steps: open Reports, choose Monthly, press Print. Nothing happens.\n"
            )
        if kind == 7:
            msg.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"r{n}.pdf")
        out.append(msg.as_bytes())
    return out


# --- phases, each in its own process -------------------------------------------------


def _django(data_dir: Path) -> None:
    os.environ["ACCORD_DATA_DIR"] = str(data_dir)
    os.environ["SECRET_KEY"] = "benchmark-secret-key-0123456789abcdefghij"
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _seed() -> None:
    from datetime import date

    from django.utils import timezone

    from accord.accounts import services as accounts
    from accord.accounts.actor import staff
    from accord.contracts import services as contracts
    from accord.intake.models import SupportAddress

    now = timezone.now()
    lead = staff(accounts.create_user("lead", role="admin", now=now))
    org = contracts.create_organization(
        lead, name="Kiwi Ltd", policy="capella", hosting="hosted", now=now
    )
    for n in range(20):
        contracts.create_contact(
            lead,
            organization=org.pk,
            name=f"Contact {n}",
            role="administrator",
            email=f"contact{n}@kiwi.example",
            phone="+64 4 555 0100",
            now=now,
        )
    contracts.create_entitlement(
        lead,
        organization=org.pk,
        kind="support_agreement",
        starts=date(2026, 1, 1),
        ends=None,
        now=now,
    )
    SupportAddress.objects.create(
        email=SUPPORT, name="Support", policy="capella", level="medium", is_default=True
    )


def _counts() -> dict[str, int]:
    from accord.intake.models import RawMessage
    from accord.notify.models import Outbox
    from accord.tickets.models import Request

    return {
        "raw": RawMessage.objects.count(),
        "processed": RawMessage.objects.filter(state="processed").count(),
        "requests": Request.objects.count(),
        "outbox": Outbox.objects.count(),
    }


def phase_pipeline(data_dir: Path, count: int) -> dict[str, Any]:
    _django(data_dir)
    _seed()
    from accord.intake.pipeline import ingest
    from accord.intake.store import Origin

    messages = mailbox(count)
    start = time.perf_counter()
    for raw in messages:
        ingest(raw, Origin("pipe"))
    elapsed = time.perf_counter() - start
    return {"messages": count, "seconds": elapsed, **_counts()}


def phase_prepare(data_dir: Path) -> dict[str, Any]:
    _django(data_dir)
    _seed()
    return _counts()


def phase_imap(data_dir: Path, count: int, host: str, port: int, folder: str) -> dict[str, Any]:
    _django(data_dir)
    _seed()
    from accord.intake.models import ImapSource
    from accord.worker.tasks import fetch_due

    ImapSource.objects.create(
        name="bench",
        host=host,
        port=port,
        username="accord",
        password="accord-test",
        folders=folder,
        security="plain",
    )
    start = time.perf_counter()
    results = fetch_due(force=True)
    elapsed = time.perf_counter() - start
    stored = sum(r.stored for _, r in results)
    return {"messages": stored, "seconds": elapsed, **_counts()}


# --- orchestration ----------------------------------------------------------------


def fresh_database(base_url: str | None, name: str) -> dict[str, str]:
    """Environment for a phase: its own SQLite file, or its own PostgreSQL database."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if not base_url:
        return env
    import psycopg

    parts = urlsplit(base_url)
    database = f"accord_mail_bench_{name}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    return env


def _phase(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, __file__, "--phase", *args], capture_output=True, text=True, cwd=REPO, env=env
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_cli(scratch: Path, count: int, base_env: dict[str, str]) -> dict[str, Any]:
    data_dir = scratch / "cli"
    _phase("prepare", str(data_dir), env=base_env)
    env = dict(base_env)
    env.update(
        ACCORD_DATA_DIR=str(data_dir),
        SECRET_KEY="benchmark-secret-key-0123456789abcdefghij",
    )
    accord = str(Path(PYTHON).with_name("accord"))
    messages = mailbox(count)
    start = time.perf_counter()
    for raw in messages:
        done = subprocess.run([accord, "mail", "ingest"], input=raw, env=env, capture_output=True)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode()[-2000:])
    elapsed = time.perf_counter() - start
    return {"messages": count, "seconds": elapsed}


def dovecot(scratch: Path) -> tuple[str, int]:
    directory = Path(tempfile.mkdtemp(prefix="accord-bench-dovecot-"))
    done = subprocess.run(
        [str(DOVECOT), "start", str(directory)], capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise RuntimeError(f"Dovecot: {done.stderr[-2000:]}")
    (scratch / "dovecot-dir").write_text(str(directory))
    return "127.0.0.1", int(done.stdout.strip())


def fill_folder(host: str, port: int, folder: str, messages: list[bytes]) -> None:
    conn = imaplib.IMAP4(host, port)
    conn.login("accord", "accord-test")
    conn.create(folder)
    for raw in messages:
        typ, data = conn.append(folder, None, None, raw)
        assert typ == "OK", data
    conn.logout()


HELPDESK_SETTINGS = """
SECRET_KEY = "benchmark-only-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "account",
    "pinax.invitations", "pinax.teams",
    "helpdesk",
]
SITE_ID = 1
MIDDLEWARE = []
ROOT_URLCONF = "benchurls"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "{db}"}}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages",
                                                 "django.template.context_processors.request"]}}]
USE_TZ = True
MEDIA_ROOT = "{media}"
STATIC_URL = "/static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "support@capella.example"
"""

HELPDESK_RUN = """
import os, sys, time, json
sys.path.insert(0, {project!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "benchsettings"
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from helpdesk.models import Queue, Ticket, FollowUp
Queue.objects.create(
    title="Support", slug="support", email_address="support@capella.example",
    allow_email_submission=True, email_box_type="imap", email_box_host={host!r},
    email_box_port={port}, email_box_ssl=False, email_box_user="accord",
    email_box_pass="accord-test", email_box_imap_folder={folder!r}, email_box_interval=0,
)
from helpdesk.email import process_email
start = time.perf_counter()
process_email(quiet=True)
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "tickets": Ticket.objects.count(),
                  "followups": FollowUp.objects.count()}}))
"""


def run_helpdesk(scratch: Path, host: str, port: int, folder: str) -> dict[str, Any]:
    python = HELPDESK_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(HELPDESK_VENV)], check=True)
    installed = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"django-helpdesk[teams]=={HELPDESK_VERSION}",
        ],
        capture_output=True,
        text=True,
    )
    if installed.returncode != 0:
        raise RuntimeError(f"pip install django-helpdesk failed: {installed.stderr[-1500:]}")
    project = scratch / "helpdesk"
    project.mkdir()
    (project / "benchsettings.py").write_text(
        HELPDESK_SETTINGS.replace("{db}", str(project / "db.sqlite3")).replace(
            "{media}", str(project / "media")
        )
    )
    (project / "benchurls.py").write_text(
        "from django.urls import include, path\n"
        'urlpatterns = [path("", include("helpdesk.urls"))]\n'
    )
    script = HELPDESK_RUN.format(project=str(project), host=host, port=port, folder=folder)
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, cwd=project)
    if done.returncode != 0:
        raise RuntimeError(f"get_email failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--cli-messages", type=int, default=40)
    parser.add_argument("--no-helpdesk", action="store_true")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL: each phase gets a fresh database there (default: SQLite)",
    )
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        name, rest = args.phase[0], args.phase[1:]
        if name == "pipeline":
            out = phase_pipeline(Path(rest[0]), int(rest[1]))
        elif name == "prepare":
            out = phase_prepare(Path(rest[0]))
        else:
            out = phase_imap(Path(rest[0]), int(rest[1]), rest[2], int(rest[3]), rest[4])
        print(json.dumps(out))
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="accord-mail-bench-"))
    print(f"scratch: {scratch}; {os.cpu_count()} CPUs; {args.messages} messages", flush=True)
    rows: list[tuple[str, int, float, str]] = []
    db = args.database_url
    print(f"database: {'PostgreSQL' if db else 'SQLite'}", flush=True)
    pipeline = _phase(
        "pipeline",
        str(scratch / "pipeline"),
        str(args.messages),
        env=fresh_database(db, "pipeline"),
    )
    rows.append(
        (
            "Accord ingest, in-process pipeline",
            pipeline["messages"],
            pipeline["seconds"],
            f"{pipeline['requests']} requests, {pipeline['outbox']} outbox rows",
        )
    )
    cli = run_cli(scratch, args.cli_messages, fresh_database(db, "cli"))
    rows.append(
        ("Accord `accord mail ingest` (one process each)", cli["messages"], cli["seconds"], "")
    )
    host, port = dovecot(scratch)
    messages = mailbox(args.messages)
    fill_folder(host, port, "bench-accord", messages)
    imap = _phase(
        "imap",
        str(scratch / "imap"),
        str(args.messages),
        host,
        str(port),
        "bench-accord",
        env=fresh_database(db, "imap"),
    )
    rows.append(
        (
            "Accord IMAP fetch (fetch, store, process, flag)",
            imap["messages"],
            imap["seconds"],
            f"{imap['requests']} requests",
        )
    )
    helpdesk_note = ""
    if not args.no_helpdesk:
        fill_folder(host, port, "bench-helpdesk", messages)
        try:
            hd = run_helpdesk(scratch, host, port, "bench-helpdesk")
            rows.append(
                (
                    f"django-helpdesk {HELPDESK_VERSION} get_email (IMAP)",
                    args.messages,
                    hd["seconds"],
                    f"{hd['tickets']} tickets, {hd['followups']} follow-ups",
                )
            )
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            helpdesk_note = f"django-helpdesk could not run: {exc}"
    subprocess.run(
        [str(DOVECOT), "stop", (scratch / "dovecot-dir").read_text()], capture_output=True
    )
    print()
    print("| path | messages | seconds | messages/s | notes |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, count, seconds, note in rows:
        print(f"| {name} | {count} | {seconds:.2f} | {count / seconds:.0f} | {note} |")
    if helpdesk_note:
        print()
        print(helpdesk_note)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
