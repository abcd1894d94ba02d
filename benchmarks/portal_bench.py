"""Benchmark of the customer portal's pages: server time and queries per page.

    .venv/bin/python benchmarks/portal_bench.py [--requests N] [--repeat R]

A fresh SQLite database in a scratch directory gets one Capella organisation with
an administrator who uses the portal, and N requests opened through the tickets
service, each with an agent reply and a customer reply. Each page is fetched R
times through Django's test client (the whole request/response cycle, with
middleware, sessions and templates; no network), and the median is printed next
to the staff desk's matching page on the same data in the same process (the
queue beside the portal's list, the desk's request page beside the portal's):
the desk is the peer whose speed agents already live with.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="accord-portal-bench-")
    os.environ["ACCORD_DATA_DIR"] = scratch
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from accord.accounts import services as accounts
    from accord.accounts.actor import Actor, staff
    from accord.contracts import services as contracts
    from accord.portal import accounts as portal
    from accord.tickets import actions, intake

    now = timezone.now()
    lead = staff(accounts.create_user("lead", role="admin", now=now))
    org = contracts.create_organization(lead, name="Kiwi", policy="capella", hosting="hosted")
    contracts.create_entitlement(
        lead, organization=org.pk, kind="support_agreement", starts=date(2026, 1, 1), ends=None
    )
    mere = contracts.create_contact(
        lead, organization=org.pk, name="Mere", role="administrator", email="mere@kiwi.example"
    )
    account, _ = portal.invite(lead, mere.pk, base_url="http://testserver")
    token = portal.password_tokens.make_token(account.user)
    portal.set_password(account, token, "quiet meadow lantern 42", "quiet meadow lantern 42")
    start = now - timedelta(days=30)
    number = 0
    for n in range(args.requests):
        at = start + timedelta(minutes=n)
        req = intake.open_request(
            lead, contact=mere.pk, channel="email", level="medium",
            subject=f"Issue {n}", description="The report does not print.", received=at,
        )  # fmt: skip
        actions.post_message(lead, req.number, body="Looking now.")
        actions.post_message(Actor(contact=mere), req.number, body="Thanks.")
        number = req.number
    customer, desk = Client(), Client()
    customer.force_login(account.user)
    desk.force_login(lead.user)  # type: ignore[arg-type]
    pages = [
        ("portal list (open)", customer, "/portal/"),
        ("desk queue (peer)", desk, "/"),
        ("portal request page", customer, f"/portal/requests/SR-{number}/"),
        ("desk request page (peer)", desk, f"/requests/SR-{number}/"),
    ]
    print(f"{args.requests} requests, {args.repeat} fetches per page, SQLite, {scratch}")
    print(f"{'page':28} {'median ms':>10} {'p90 ms':>8} {'queries':>8}")
    medians: dict[str, float] = {}
    for name, client, path in pages:
        client.get(path)  # warm: templates, policy cache
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            resp = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            assert resp.status_code == 200, (path, resp.status_code)
        with CaptureQueriesContext(connection) as ctx:
            client.get(path)
        med = statistics.median(times)
        medians[name] = med
        p90 = sorted(times)[int(len(times) * 0.9) - 1]
        print(f"{name:28} {med:10.1f} {p90:8.1f} {len(ctx.captured_queries):8d}")
    print(
        "ratio portal list / desk queue: "
        f"{medians['portal list (open)'] / medians['desk queue (peer)']:.2f}; "
        "portal page / desk page: "
        f"{medians['portal request page'] / medians['desk request page (peer)']:.2f}"
    )


if __name__ == "__main__":
    main()
