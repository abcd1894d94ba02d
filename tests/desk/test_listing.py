"""Lists read stored targets: equal to the engine as of the read, constant queries, indexed.

- A stored target brought forward to a later instant (`listing.stored_state`) is
  what the engine gives for the same timeline as of that instant (property test
  on random timelines, no database).
- The web queue and the REST list run the same number of queries at 10 and at
  1,000 requests, at most 10.
- Their page queries are served by the indexes in order (no sort of the table),
  checked with the database's own EXPLAIN on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.sla import Event, evaluate, load_policy
from accord.tickets import actions, intake, listing
from accord.tickets.models import Request, SlaTarget
from accord.tickets.targets import row_values
from tests.sla.test_clock_against_naive import timelines

from .personas import Desk, nz


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(timelines(), st.integers(0, 60 * 24 * 20))
def test_it_brings_a_stored_target_forward_as_the_engine_would(
    case: tuple[str, str, str, datetime, list[Event], datetime], later_minutes: int
) -> None:
    policy_name, level, channel, received, events, stored_at = case
    policy = load_policy(policy_name)
    then = evaluate(policy, level, channel, received, events, stored_at)
    read_at = stored_at + timedelta(minutes=later_minutes)
    now = evaluate(policy, level, channel, received, events, read_at)
    for kind, state in then.targets.items():
        expected = now.targets[kind]
        if state is None:
            assert expected is None
            continue
        row = SlaTarget(kind=kind, **row_values(state, stored_at))
        got = listing.stored_state(row, level, read_at)
        assert expected is not None
        assert (got.state, got.met_at, got.breached_at, got.clock, got.clause) == (
            expected.state,
            expected.met_at,
            expected.breached_at,
            expected.clock,
            expected.clause,
        ), kind
        if expected.state != "paused":
            assert got.due == expected.due, kind


def _seed(desk: Desk, clock) -> list[Request]:
    """A few requests through the services: running, paused, met, breached, out of scope."""
    made = []
    for i, (contact, level) in enumerate(
        [(desk.mere, "urgent"), (desk.mere, "low"), (desk.sam, "sev1"), (desk.mere, "high")]
    ):
        clock.set(nz(2026, 11, 20, 16, 30) + timedelta(minutes=i))
        made.append(
            intake.open_request(
                desk.lead,
                contact=contact.pk,
                channel="email",
                level=level,
                subject=f"Case {i}",
                description="Something broke.",
                now=clock.at,
            )
        )
    clock.set(nz(2026, 11, 23, 10, 0))
    actions.change_status(desk.lead, made[1].number, to="waiting_on_customer", now=clock.at)
    actions.post_message(desk.lead, made[3].number, body="Looking", public=True, now=clock.at)
    return made


def _grow(to: int) -> None:
    """Copies of the seeded requests (with their stored targets) until there are `to`."""
    originals = list(Request.objects.order_by("pk").prefetch_related("targets"))
    have = Request.objects.count()
    top = max(r.number for r in originals)
    copies, targets = [], []
    for i in range(to - have):
        src = originals[i % len(originals)]
        clone = Request(
            **{
                f.attname: getattr(src, f.attname)
                for f in Request._meta.concrete_fields
                if f.attname != "id"
            }
        )
        clone.number = top + i + 1
        copies.append(clone)
    Request.objects.bulk_create(copies)
    by_number = {r.number: r for r in copies}
    for i in range(to - have):
        src = originals[i % len(originals)]
        for t in src.targets.all():
            targets.append(
                SlaTarget(
                    **{
                        f.attname: getattr(t, f.attname)
                        for f in SlaTarget._meta.concrete_fields
                        if f.attname not in ("id", "request_id")
                    },
                    request=by_number[top + i + 1],
                )
            )
    SlaTarget.objects.bulk_create(targets)
    assert Request.objects.count() == to


def _queries(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


@pytest.fixture
def agent_web(desk: Desk) -> Client:
    client = Client()
    assert desk.agent.user is not None
    client.force_login(desk.agent.user)
    return client


def test_it_lists_in_the_same_few_queries_at_10_and_1000_requests(desk, clock, api_as, agent_web):
    _seed(desk, clock)
    _grow(10)
    lead = api_as(desk.lead_token)
    pages: dict[str, Callable[[], object]] = {
        "queue": lambda: agent_web.get("/"),
        "queue rows": lambda: agent_web.get("/queue/rows/"),
        "rest due": lambda: lead.get("/requests", ordering="due", limit=200),
        "rest newest": lambda: lead.get("/requests", limit=200),
    }
    for call in pages.values():  # warm per-process caches (policy versions)
        call()
    small = {name: _queries(call) for name, call in pages.items()}
    _grow(1000)
    large = {name: _queries(call) for name, call in pages.items()}
    assert large == small
    assert max(large.values()) <= 10, large
    # The pages are full: the counts above are of real pages, not empty ones.
    assert len(lead.get("/requests", limit=200).json()["items"]) == 200
    assert agent_web.get("/").content.count(b"data-number=") == 100


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A small test table is cheaper to scan than to walk an index; forbid
            # the scan and the sort, so the plan shows whether an index serves the
            # query in order at all (at 1,000,000 rows the planner picks it freely).
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _page_sql(call: Callable[[], object]) -> str:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return next(q["sql"] for q in ctx.captured_queries if "ORDER BY" in q["sql"])


@pytest.mark.parametrize(
    ("ordering", "index", "queue"),
    [
        ("due", "request_queue_due", True),
        ("due", "request_next_due", False),
        ("-received", "request_received", False),
    ],
)
def test_it_reads_a_page_through_an_index_in_order(desk, clock, ordering, index, queue):
    _seed(desk, clock)
    _grow(300)
    base = listing.open_requests() if queue else Request.objects.all()
    now = datetime(2026, 11, 23, tzinfo=UTC)
    first = listing.list_page(base, now=now, ordering=ordering, limit=20)
    assert first.next is not None
    for cursor in (None, first.next):  # the first page and a page after a cursor
        sql = _page_sql(
            lambda c=cursor: listing.list_page(base, now=now, ordering=ordering, cursor=c, limit=20)
        )
        plan = _plan(sql)
        assert index in plan, plan
        assert "Sort" not in plan and "TEMP B-TREE" not in plan, plan


def test_it_pages_the_queue_nearest_due_first_without_gaps(desk, clock, agent_web):
    _seed(desk, clock)
    _grow(250)
    now = clock.at
    seen, cursor = [], None
    while True:
        page = listing.list_page(listing.open_requests(), now=now, cursor=cursor, limit=40)
        seen += page.items
        cursor = page.next
        if cursor is None:
            break
    expected = list(listing.open_requests().order_by("next_due", "pk"))
    assert [i.request.pk for i in seen] == [r.pk for r in expected]
    # The web queue links its next page with the cursor, and that page continues it.
    body = agent_web.get("/").content.decode()
    assert 'class="next-page"' in body
    link = body.split('class="next-page" href="')[1].split('"')[0].replace("&amp;", "&")
    second = agent_web.get("/" + link).content.decode()
    first_numbers = body.count("data-number=")
    assert first_numbers == 100
    assert expected[100].display_number in second
    assert expected[99].display_number not in second


def test_a_listed_request_shows_what_its_own_page_shows(desk, clock, api_as):
    _seed(desk, clock)
    lead = api_as(desk.lead_token)
    for hours in (0, 30, 24 * 30):  # as stored, a little later, long after (breaches)
        clock.set(nz(2026, 11, 23, 10, 0) + timedelta(hours=hours))
        items = lead.get("/requests", ordering="due", limit=200).json()["items"]
        assert items
        for item in items:
            detail = lead.get(f"/requests/{item['number']}").json()
            assert item["targets"] == detail["targets"], item["number"]
