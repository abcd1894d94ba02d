"""Invoice numbers: gapless per year and safe under concurrency; work never billed twice."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection

from accord.errors import DeskError
from accord.invoices import services as invoices
from accord.invoices.models import Invoice, InvoiceItem
from accord.tickets import billing, intake, restructure

from .personas import build_desk, nz


def _billable(desk, contact, now):
    r = intake.open_request(
        desk.lead,
        contact=contact.pk,
        channel="email",
        level="high",
        subject="S",
        description="D",
        now=now,
    )
    restructure.override_scope(
        desk.lead,
        r.number,
        decision="customer_caused",
        reason="their change",
        cause="customer_change",
        now=now,
    )
    billing.log_time(desk.lead, r.number, minutes=30, note="fix", now=now)
    return r


def _draft(desk, org, start, end, now):
    return invoices.create_draft(
        desk.lead, organization=org.pk, period_start=start, period_end=end, now=now
    ).pk


def _concurrently(jobs):
    start = threading.Barrier(len(jobs))

    def run(job):
        try:
            start.wait()
            return job()
        except DeskError as exc:
            return exc
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


@pytest.mark.django_db(transaction=True)
def test_it_numbers_concurrent_issues_without_a_gap_and_bills_nothing_twice():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL: SQLite serialises all writers anyway")
    now = nz(2026, 11, 20, 16, 30)
    desk = build_desk(now)
    _billable(desk, desk.mere, now)
    _billable(desk, desk.olga, now)
    nov = (date(2026, 11, 1), date(2026, 11, 30))
    kiwi, other = _draft(desk, desk.kiwi, *nov, now), _draft(desk, desk.other, *nov, now)
    # Two invoices issued at the same instant: two consecutive numbers.
    done = _concurrently(
        [
            lambda: invoices.issue(desk.lead, kiwi, now=now),
            lambda: invoices.issue(desk.lead, other, now=now),
        ]
    )
    assert sorted(i.number for i in done) == ["2026-0001", "2026-0002"]
    # Two drafts covering the same work, issued at once: one wins, one is refused,
    # and the refused one uses up no number.
    _billable(desk, desk.mere, now)
    a = _draft(desk, desk.kiwi, *nov, now)
    b = _draft(desk, desk.kiwi, date(2026, 11, 20), date(2026, 11, 20), now)
    results = _concurrently(
        [
            lambda: invoices.issue(desk.lead, a, now=now),
            lambda: invoices.issue(desk.lead, b, now=now),
        ]
    )
    issued = [r for r in results if isinstance(r, Invoice)]
    refused = [r for r in results if isinstance(r, DeskError)]
    assert len(issued) == 1 and len(refused) == 1 and refused[0].status == 409
    assert issued[0].number == "2026-0003"
    assert InvoiceItem.objects.filter(active=True).count() == 3
    third = _billable(desk, desk.olga, now)
    later = invoices.issue(desk.lead, _draft(desk, desk.other, *nov, now), now=now)
    assert later.number == "2026-0004" and later.lines.get().request_id == third.pk


def test_it_starts_again_at_one_each_year(desk, clock):
    _billable(desk, desk.mere, clock.at)
    dec = invoices.issue(
        desk.lead,
        _draft(desk, desk.kiwi, date(2026, 11, 1), date(2026, 11, 30), clock.at),
        now=nz(2026, 12, 31, 23),
    )
    later = nz(2027, 1, 4, 10)
    clock.set(later)
    _billable(desk, desk.mere, later)
    jan = invoices.issue(
        desk.lead, _draft(desk, desk.kiwi, date(2027, 1, 1), date(2027, 1, 31), later), now=later
    )
    assert (dec.number, jan.number) == ("2026-0001", "2027-0001")
