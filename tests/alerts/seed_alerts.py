"""Seed a desk for the worker-process tests (run as a script, not collected).

    python seed_alerts.py WEBHOOK_URL COUNT DUE_IN_SECONDS

Uses DATABASE_URL/ACCORD_DATA_DIR from the environment, like `accord`. Builds
the shared personas when the database has none, gives `agent` an alert address,
adds the manager `boss`, subscribes WEBHOOK_URL to warnings and breaches, and
opens COUNT capsure sev1 phone requests assigned to `agent` whose warning has
passed and whose first response falls due DUE_IN_SECONDS from now.
Prints the request numbers.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from desk.personas import build_desk  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accord.accounts import services as accounts  # noqa: E402
from accord.accounts.actor import staff  # noqa: E402
from accord.contracts.models import Contact  # noqa: E402
from accord.notify.webhooks import create_webhook  # noqa: E402
from accord.sla import load_policy  # noqa: E402
from accord.tickets import actions  # noqa: E402
from accord.tickets.intake import open_request  # noqa: E402

SECRET = "s3cret-shared-with-the-receiver"


def main(url: str, count: int, due_in: int) -> int:
    now = timezone.now()
    if not User.objects.filter(username="lead").exists():
        build_desk(now)
    accounts.set_email("agent", "agent@desk.example")
    accounts.create_user("boss", role="manager", email="boss@desk.example", now=now)
    lead = staff(User.objects.get(username="lead"))
    create_webhook(lead, url=url, events=["sla.warning", "sla.breached"], secret=SECRET)
    sam = Contact.objects.get(email="sam@gate.example")
    policy = load_policy("capsure")
    due = timezone.now() + timedelta(seconds=due_in)  # the same for every request
    for _ in range(count):
        for hours in (1, 2):  # sev1: 1 h elapsed in hours, 2 h after hours
            received = due - timedelta(hours=hours)
            if policy.in_hours(received) == (hours == 1):
                break
        with transaction.atomic():  # the running workers see it assigned, never before
            request = open_request(
                lead, contact=sam, channel="phone", level="sev1", subject="Gate down",
                description="Nothing opens.", received=received, now=received,
            )  # fmt: skip
            actions.assign(lead, request.number, assignee="agent", team="tier1", now=received)
        print(request.display_number)
    if timezone.now() >= due:
        print(
            f"seeding took longer than {due_in} s: the warnings would not be seen", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
