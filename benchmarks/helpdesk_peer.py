"""django-helpdesk 2.6.1 as the peer of benchmarks/desk_bench.py: install, load, serve, call.

Installed from PyPI into its own venv under /tmp (never a dependency of Accord),
with a minimal Django project on the same PostgreSQL server as Accord (database
`<accord's name>_dh`). The tickets are the same history records Accord imported
(subject, submitter, dates, status, priority, followups), written with the ORM's
bulk insert, as django-helpdesk has no importer of its own.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

VENV = Path(tempfile.gettempdir()) / "accord-bench-django-helpdesk-pg"
VERSION = "2.6.1"
PROJECT = Path(tempfile.gettempdir()) / "accord-desk-bench" / "helpdesk"

SETTINGS = """
import dj_database_url
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
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
ROOT_URLCONF = "benchurls"
# The same connection reuse as Accord's PostgreSQL setting (accord/config.py), so the
# comparison is of the desks, not of a setting.
DATABASES = {"default": dj_database_url.parse(
    %(url)r, conn_max_age=60 if %(url)r.startswith("postgres") else 0, conn_health_checks=True)}
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages",
                                                 "django.template.context_processors.request"]}}]
USE_TZ = True
MEDIA_ROOT = %(media)r
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "support@capella.example"
HELPDESK_ACTIVATE_API_ENDPOINT = True
REST_FRAMEWORK = {"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.SessionAuthentication"]}
"""

LOAD = """
import os, sys, json
sys.path.insert(0, %(project)r)
os.environ["DJANGO_SETTINGS_MODULE"] = "benchsettings"
import django
django.setup()
from datetime import datetime
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from django.contrib.auth.models import User
from helpdesk.models import Queue, Ticket, FollowUp
user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
    "bench", "bench@example.com", %(password)r)
queue, _ = Queue.objects.get_or_create(slug="support", defaults={"title": "Support"})
PRIORITY = {"urgent": 1, "sev1": 1, "high": 2, "sev2": 2, "medium": 3, "sev3": 3, "low": 4, "sev4": 4}
STATUS = {"open": 1, "waiting_on_customer": 1, "workaround_provided": 1, "resolved": 3, "closed": 4}
tickets, followups = [], []
def flush():
    made = Ticket.objects.bulk_create(tickets)
    for t, fus in zip(made, pending):
        for f in fus:
            f.ticket = t
            followups.append(f)
    FollowUp.objects.bulk_create(followups)
    tickets.clear(); followups.clear(); pending.clear()
pending = []
with open(%(history)r) as f:
    for line in f:
        r = json.loads(line)
        status = "open"
        fus = []
        for e in r["events"]:
            if e["type"] == "status":
                status = e["to"]
            if e.get("body") or e["type"] == "status":
                fus.append(FollowUp(date=datetime.fromisoformat(e["at"]), title=e["type"],
                                    comment=e.get("body", ""), public=e["type"] != "internal_note",
                                    user=user if e["type"] != "customer_reply" else None,
                                    new_status=STATUS[e["to"]] if e["type"] == "status" else None))
        received = datetime.fromisoformat(r["received"])
        tickets.append(Ticket(title=r["subject"], queue=queue, created=received,
                              modified=fus[-1].date if fus else received,
                              submitter_email=r["contact"]["email"], status=STATUS[status],
                              description=r["description"], priority=PRIORITY[r["level"]]))
        pending.append(fus)
        if len(tickets) >= 5000:
            flush()
flush()
print(json.dumps({"tickets": Ticket.objects.count(), "sample": Ticket.objects.order_by("id").first().id,
                  "queue": queue.id}))
"""


def _db_url(accord_url: str) -> str:
    parts = urllib.parse.urlsplit(accord_url)
    name = parts.path.lstrip("/") or "accord"
    if parts.scheme == "sqlite":  # a file beside Accord's: bench.sqlite3 -> bench_dh.sqlite3
        path = Path("/" + name)
        return f"sqlite:///{path.with_name(path.stem + '_dh' + path.suffix)}"
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_dh"))


def _create_database(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "sqlite":  # desk_bench checked that the name says bench
        for suffix in ("", "-wal", "-shm"):
            Path(parts.path + suffix).unlink(missing_ok=True)
        return
    import psycopg

    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        name = parts.path.lstrip("/")  # <a bench database>_dh: desk_bench checked the name
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def install() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"django-helpdesk[teams]=={VERSION}",
         "gunicorn", "psycopg[binary]", "dj-database-url"],
        capture_output=True,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"pip install django-helpdesk failed: {done.stderr[-1500:]}")
    return python


def load(accord_url: str, history: Path, password: str) -> dict[str, Any]:
    python = install()
    url = _db_url(accord_url)
    _create_database(url)
    PROJECT.mkdir(parents=True, exist_ok=True)
    (PROJECT / "benchsettings.py").write_text(
        SETTINGS % {"url": url, "media": str(PROJECT / "media")}
    )
    (PROJECT / "benchurls.py").write_text(
        "from django.urls import include, path\n"
        'urlpatterns = [path("", include("helpdesk.urls"))]\n'
    )
    (PROJECT / "benchwsgi.py").write_text(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'benchsettings')\n"
        "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
    )
    script = LOAD % {"project": str(PROJECT), "password": password, "history": str(history)}
    start = time.perf_counter()
    done = subprocess.run([str(python), "-c", script], capture_output=True, text=True, cwd=PROJECT)
    if done.returncode != 0:
        raise RuntimeError(f"loading django-helpdesk failed: {done.stderr[-2000:]}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out["load_seconds"] = time.perf_counter() - start
    print(f"django-helpdesk: {out['tickets']} tickets bulk-inserted in {out['load_seconds']:.1f} s")
    return out


def serve(state: dict[str, Any], port: int, workers: int) -> subprocess.Popen[bytes]:
    from desk_bench import serve as start

    return start(
        [str(VENV / "bin" / "gunicorn"), "benchwsgi:application"],
        {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT)},
        PROJECT,
        port,
        workers,
    )


def operations(session: Any, state: dict[str, Any]) -> dict[str, Callable[[], float]]:
    def queue() -> float:
        elapsed, page = session.get("/tickets/")
        found = re.search(r"datatables_ticket_list/([^\"'/]+)", page)
        if found is None:
            raise RuntimeError("django-helpdesk's ticket list has no data URL")
        more, _ = session.get(f"/datatables_ticket_list/{found.group(1)}?draw=1&start=0&length=25")
        return float(elapsed + more)

    return {
        "agent queue page": queue,
        "REST list, first page": lambda: session.get("/api/tickets/")[0],
        "request page": lambda: session.get(f"/tickets/{state['sample']}/")[0],
        "report page": lambda: session.get("/")[0],
    }


def create(session: Any, i: int) -> None:
    session.post_json(
        "/api/tickets/",
        {
            "queue": 1,
            "title": f"Bench {i}",
            "description": "Created by the benchmark.",
            "submitter_email": "bench@kiwi.example",
            "priority": 2 if i % 2 else 4,
        },
    )
