"""The SLA sweep at 100,000 targets: recorded once and queued for alerting.

    python benchmarks/alerts_bench.py [--targets N] [--database URL] [--sample N]

Loads N stored running targets (capsure sev1, 1 h elapsed) by bulk insert: half
past their warning instant (75%) but not yet due, half past their due. Then it
times the worker's sweep (`accord.tickets.sweep.record_due`, batches of 1,000,
until a batch finds nothing) and checks the result exactly: N/2 warnings and
N/2 breaches recorded, one transition each, none twice, every one waiting for
its alerts (`alerted` null: the alert queue). Two more figures, on `--sample`
targets: the alerting step (`alert_transitions`: rules, alert mail rows) and,
as the peer in the same process, the per-request path the worker used before
(lock the request, run the engine on its timeline, store the targets), which is
what django-helpdesk's `escalate_tickets` also does per ticket.

Without `--database` it runs on a fresh SQLite file in a temporary directory;
with a PostgreSQL URL it migrates and EMPTIES that database first.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(database: str | None) -> None:
    data = tempfile.mkdtemp(prefix="accord-alerts-bench-")
    os.environ.update(
        ACCORD_DATA_DIR=data,
        SECRET_KEY="benchmark-secret-key-0123456789abcdef",
        DJANGO_SETTINGS_MODULE="accord.settings",
    )
    if database:
        os.environ["DATABASE_URL"] = database
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if database:
        call_command("flush", verbosity=0, interactive=False)


def load(count: int, offset: int = 0) -> tuple[list[int], object]:
    """Bulk-insert `count` requests with one running first-response target each."""
    from django.utils import timezone

    from accord.accounts import services as accounts
    from accord.accounts.actor import staff
    from accord.contracts import services as contracts
    from accord.contracts.models import Contact
    from accord.tickets.models import Request, SlaTarget

    now = timezone.now()
    lead = accounts.create_user(f"lead{offset}", role="admin", now=now)
    agent = accounts.create_user(
        f"agent{offset}", role="agent", team="tier1", email=f"a{offset}@desk.example", now=now
    )
    org = contracts.create_organization(
        staff(lead), name=f"Gate {offset}", policy="capsure", hosting="hosted", now=now
    )
    contact = Contact.objects.get(
        pk=contracts.create_contact(
            staff(lead), organization=org.pk, name="Sam", role="administrator",
            email=f"sam{offset}@gate.example", now=now,
        ).pk
    )  # fmt: skip
    hour = timedelta(hours=1)
    ids: list[int] = []
    for start in range(0, count, 5000):
        rows = []
        for i in range(start, min(start + 5000, count)):
            # Even: warning passed, due ahead. Odd: due passed.
            received = now - (timedelta(minutes=50) if i % 2 == 0 else timedelta(minutes=70))
            rows.append(
                Request(
                    number=10_000_000 + offset + i,
                    organization=org,
                    contact=contact,
                    channel="phone",
                    received=received,
                    notice=received,
                    level="sev1",
                    initial_level="sev1",
                    policy="capsure",
                    policy_version="2024",
                    subject=f"Gate {i}",
                    description="x",
                    scope="in_scope",
                    scope_reason="",
                    scope_clause="",
                    assignee=agent,
                    created=received - timedelta(minutes=1),
                    updated=received,
                )  # fmt: skip
            )
        made = Request.objects.bulk_create(rows)
        SlaTarget.objects.bulk_create(
            [
                SlaTarget(
                    request=r,
                    kind="first_response",
                    state="running",
                    due=r.received + hour,
                    clock="elapsed",
                    within_seconds=3600,
                    clause="capsure 3: sev1",
                    computed_at=r.received,
                    warn_at=r.received + timedelta(minutes=45),
                )  # fmt: skip
                for r in made
            ]
        )
        ids += [r.pk for r in made]
    return ids, now


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--database", help="a PostgreSQL URL (emptied first)")
    args = parser.parse_args(argv)
    setup(args.database)
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from accord.notify.alerts import alert_transitions
    from accord.notify.models import Outbox
    from accord.tickets.models import Request, SlaTransition
    from accord.tickets.sweep import record_due
    from accord.tickets.targets import store_targets

    print(f"database: {connection.vendor}; loading {args.targets:,} targets ...", flush=True)
    t = time.perf_counter()
    load(args.targets)
    analyze()
    print(f"loaded in {time.perf_counter() - t:.1f} s", flush=True)

    now = timezone.now()
    t = time.perf_counter()
    batches = recorded = 0
    while True:
        done = record_due(now)
        if not done:
            break
        recorded += done
        batches += 1
    sweep = time.perf_counter() - t
    kinds = dict(SlaTransition.objects.values_list("kind").annotate(n=Count("id")))
    half = args.targets // 2
    expected = {"warning": args.targets - half, "breached": half}
    exact = kinds == expected and recorded == args.targets
    pending = SlaTransition.objects.filter(alerted__isnull=True).count()
    print(
        f"sweep: {recorded:,} transitions in {sweep:.2f} s ({recorded / sweep:,.0f}/s, "
        f"{batches} batches); by kind {kinds}; exact: {exact}; queued for alerting: {pending:,}"
    )
    again = record_due(now + timedelta(seconds=1))
    print(f"a second sweep finds {again} (must be 0)")

    t = time.perf_counter()
    alerted = 0
    while alerted < args.sample:
        n = alert_transitions(now, limit=min(200, args.sample - alerted))
        if not n:
            break
        alerted += n
    alerting = time.perf_counter() - t
    mails = Outbox.objects.filter(kind="alert").count()
    print(
        f"alerting: {alerted:,} transitions -> {mails:,} alert mails in {alerting:.2f} s "
        f"({alerted / alerting:,.0f}/s)"
    )

    ids, _ = load(args.sample, offset=args.targets)
    analyze()
    later = timezone.now() + timedelta(minutes=20)  # every sample target now due
    t = time.perf_counter()
    for pk in ids:
        with transaction.atomic():
            store_targets(Request.objects.select_for_update().get(pk=pk), later)
    peer = time.perf_counter() - t
    rate_peer = len(ids) / peer
    print(
        f"peer (per request: lock, engine, store): {len(ids):,} in {peer:.2f} s "
        f"({rate_peer:,.0f}/s); sweep / peer: {recorded / sweep / rate_peer:.1f}x"
    )
    ok = exact and again == 0
    print("OK" if ok else "FAILED: the counts are not exact")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
