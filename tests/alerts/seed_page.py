"""Seed a desk for the live paging test (run as a script, not collected).

    python seed_page.py WEBHOOK_URL

Uses DATABASE_URL/ACCORD_DATA_DIR from the environment, like `accord`. Builds
the shared personas when the database has none; `agent` and a second agent
`bob` get alert addresses, `boss` is a manager; `agent` is on call for capsure
now and `bob` takes the next shift; WEBHOOK_URL is subscribed to `page`. Then
a capsure severity 1 is phoned in at the latest after-hours instant before now
(so that it needs a page) and its number printed.
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
from django.utils import timezone  # noqa: E402

from accord.accounts import services as accounts  # noqa: E402
from accord.accounts.actor import SYSTEM, staff  # noqa: E402
from accord.contracts.models import Contact  # noqa: E402
from accord.notify import oncall  # noqa: E402
from accord.notify.webhooks import create_webhook  # noqa: E402
from accord.sla import load_policy  # noqa: E402
from accord.tickets.intake import open_request  # noqa: E402

SECRET = "s3cret-shared-with-the-receiver"


def main(url: str) -> int:
    now = timezone.now().replace(microsecond=0)
    if not User.objects.filter(username="lead").exists():
        build_desk(now)
    accounts.set_email("agent", "agent@desk.example")
    accounts.create_user("bob", role="agent", team="tier1", email="bob@desk.example", now=now)
    accounts.create_user("boss", role="manager", email="boss@desk.example", now=now)
    lead = staff(User.objects.get(username="lead"))
    create_webhook(lead, url=url, events=["page"], secret=SECRET)
    hour = timedelta(hours=1)
    oncall.add_shift(SYSTEM, user="agent", starts=now - hour, ends=now + hour, policy="capsure")
    oncall.add_shift(SYSTEM, user="bob", starts=now + hour, ends=now + 9 * hour, policy="capsure")
    received = now
    policy = load_policy("capsure")
    while policy.in_hours(received):  # in hours now: the evening before was after hours
        received -= timedelta(minutes=5)
    sam = Contact.objects.get(email="sam@gate.example")
    request = open_request(
        lead, contact=sam, channel="phone", level="sev1", subject="Gate down at night",
        description="Nothing opens.", received=received, now=now,
    )  # fmt: skip
    print(request.display_number)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
