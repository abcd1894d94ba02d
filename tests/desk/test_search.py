"""Search: one query function on both engines, and `GET /api/v1/requests?q=`.

Runs on SQLite (FTS5) in the first pass and on PostgreSQL (GIN full-text) in
the second; every assertion holds on both.
"""

from __future__ import annotations

import pytest

from accord.errors import Invalid
from accord.tickets import actions, intake, search
from accord.tickets.models import Message, Request, SearchDocument

from .conftest import Api, FrozenClock
from .personas import Desk


def _open(desk: Desk, clock: FrozenClock, contact: int, subject: str, description: str) -> Request:
    return intake.open_request(
        desk.lead,
        contact=contact,
        channel="email",
        level="medium" if contact != desk.sam.pk else "sev3",
        subject=subject,
        description=description,
        now=clock.at,
    )


@pytest.fixture
def corpus(desk: Desk, clock: FrozenClock) -> dict[str, Request]:
    pay = _open(desk, clock, desk.mere.pk, "Payments page is down", "Card payments fail at 16:00.")
    vpn = _open(desk, clock, desk.mere.pk, "VPN drops", "The tunnel resets every hour.")
    gate = _open(desk, clock, desk.sam.pk, "Gate camera offline", "North gate camera is dark.")
    other = _open(desk, clock, desk.olga.pk, "Invoice export", "Export of invoices is empty.")
    actions.post_message(desk.lead, vpn.number, body="Try the firmware 7.2 rollback.", now=clock.at)
    actions.post_message(
        desk.lead, gate.number, body="Suspect the zebra switch.", public=False, now=clock.at
    )
    return {"pay": pay, "vpn": vpn, "gate": gate, "other": other}


def numbers(hits: list[search.Hit]) -> list[int]:
    return [h.request.number for h in hits]


def test_it_finds_by_subject_with_stemming_and_marks_the_passage(
    desk: Desk, corpus: dict[str, Request]
) -> None:
    hits = search.search(desk.agent, "payment")
    assert numbers(hits) == [corpus["pay"].number]
    assert "<mark>Payments</mark>" in hits[0].snippet


def test_it_finds_by_message_text_contact_email_phone_and_organisation(
    desk: Desk, corpus: dict[str, Request]
) -> None:
    assert numbers(search.search(desk.agent, "firmware rollback")) == [corpus["vpn"].number]
    assert numbers(search.search(desk.agent, "sam@gate.example")) == [corpus["gate"].number]
    assert numbers(search.search(desk.agent, "12125550100")) == [corpus["gate"].number]
    assert set(numbers(search.search(desk.agent, "Kiwi"))) == {
        corpus["pay"].number,
        corpus["vpn"].number,
    }


def test_it_needs_every_word_across_fields(desk: Desk, corpus: dict[str, Request]) -> None:
    # "kiwi" is the organisation, "tunnel" is in the description: one request has both.
    assert numbers(search.search(desk.agent, "kiwi tunnel")) == [corpus["vpn"].number]
    assert search.search(desk.agent, "kiwi camera") == []


def test_it_puts_a_request_number_first(desk: Desk, corpus: dict[str, Request]) -> None:
    number = corpus["other"].number
    assert numbers(search.search(desk.agent, f"SR-{number}"))[0] == number
    assert numbers(search.search(desk.agent, str(number)))[0] == number


def test_it_ranks_subject_matches_above_message_matches(
    desk: Desk, clock: FrozenClock, corpus: dict[str, Request]
) -> None:
    actions.post_message(
        desk.lead, corpus["pay"].number, body="Unrelated: the VPN is fine here.", now=clock.at
    )
    assert numbers(search.search(desk.agent, "vpn")) == [corpus["vpn"].number, corpus["pay"].number]


def test_internal_notes_are_for_staff_only(desk: Desk, corpus: dict[str, Request]) -> None:
    assert numbers(search.search(desk.agent, "zebra")) == [corpus["gate"].number]
    customer = Api(desk.mere_token)
    body = customer.get("/requests", q="zebra").json()
    assert body["items"] == []


def test_a_customer_finds_only_their_organisation(desk: Desk, corpus: dict[str, Request]) -> None:
    olga = Api(desk.olga_token)
    found = olga.get("/requests", q="export").json()["items"]
    assert [i["number"] for i in found] == [corpus["other"].display_number]
    assert olga.get("/requests", q="payments").json()["items"] == []


def test_a_renamed_contact_is_found_by_the_new_name(
    desk: Desk, clock: FrozenClock, corpus: dict[str, Request]
) -> None:
    desk.sam.name = "Samantha Quill"
    desk.sam.save()
    assert numbers(search.search(desk.agent, "quill")) == [corpus["gate"].number]


def test_rebuild_gives_the_same_documents(desk: Desk, corpus: dict[str, Request]) -> None:
    before = {d.pk: (d.head, d.body, d.notes) for d in SearchDocument.objects.all()}
    SearchDocument.objects.all().delete()
    assert search.search(desk.agent, "zebra") == []
    assert search.rebuild() == len(corpus)
    after = {d.pk: (d.head, d.body, d.notes) for d in SearchDocument.objects.all()}
    assert after == before
    assert numbers(search.search(desk.agent, "zebra")) == [corpus["gate"].number]


@pytest.mark.parametrize("text", ["", "   ", '""', "x" * 201])
def test_an_empty_or_long_query_is_refused_naming_q(desk: Desk, text: str) -> None:
    with pytest.raises(Invalid) as err:
        search.search(desk.agent, text)
    assert err.value.field == "q"


def test_quotes_and_operators_are_words_not_syntax(desk: Desk, corpus: dict[str, Request]) -> None:
    # FTS5 and tsquery operators typed by an agent must not become a 500.
    for text in ['"card payments"', "pay* OR NOT", "a:b (c", "-vpn", "NEAR(x y)", "'"]:
        search.search(desk.agent, text)
    assert numbers(search.search(desk.agent, '"card payments"')) == [corpus["pay"].number]


# --- the API ---------------------------------------------------------------


@pytest.fixture
def staff_api(desk: Desk) -> Api:
    return Api(desk.agent_token)


def test_api_q_returns_ranked_items_with_the_passage(
    staff_api: Api, corpus: dict[str, Request]
) -> None:
    res = staff_api.get("/requests", q="camera")
    assert res.status_code == 200
    (item,) = res.json()["items"]
    assert item["number"] == corpus["gate"].display_number
    assert "<mark>camera</mark>" in item["match"]["snippet"]
    assert item["match"]["rank"] > 0
    assert item["targets"]["first_response"]["state"] == "running"


def test_api_q_pages_with_a_cursor(staff_api: Api, corpus: dict[str, Request]) -> None:
    first = staff_api.get("/requests", q="kiwi", limit=1).json()
    assert len(first["items"]) == 1 and first["next"]
    second = staff_api.get("/requests", q="kiwi", limit=1, cursor=first["next"]).json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert {first["items"][0]["number"], second["items"][0]["number"]} == {
        corpus["pay"].display_number,
        corpus["vpn"].display_number,
    }


def test_api_q_narrows_by_state_and_organisation(
    staff_api: Api, desk: Desk, corpus: dict[str, Request]
) -> None:
    found = staff_api.get("/requests", q="kiwi", organization=desk.gate.pk).json()["items"]
    assert found == []
    assert staff_api.get("/requests", q="kiwi", state="resolved").json()["items"] == []
    assert len(staff_api.get("/requests", q="kiwi", state="open").json()["items"]) == 2


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"q": ""}, "q", 422),
        ({"q": "kiwi", "ordering": "due"}, "ordering", 422),
        ({"q": "kiwi", "cursor": "nonsense"}, "cursor", 422),
        ({"q": "kiwi", "limit": "0"}, "limit", 422),
        ({"query": "kiwi"}, "query", 400),
        ({"stat": "open"}, "stat", 400),
    ],
)
def test_api_bad_parameters_name_the_parameter(
    staff_api: Api, corpus: dict[str, Request], params: dict[str, str], field: str, status: int
) -> None:
    res = staff_api.get("/requests", **params)
    assert res.status_code == status, res.content
    assert res.json()["field"] == field


def test_api_list_without_q_is_unchanged(staff_api: Api, corpus: dict[str, Request]) -> None:
    items = staff_api.get("/requests").json()["items"]
    assert len(items) == len(corpus)
    assert all(i["match"] is None for i in items)


def test_a_message_saved_by_any_writer_is_indexed(desk: Desk, clock: FrozenClock) -> None:
    # Mail intake creates messages itself (not through post_message): the
    # post_save receiver indexes them all the same, in the same transaction.
    req = _open(desk, clock, desk.mere.pk, "Printer", "Jammed.")
    Message.objects.create(
        request=req,
        direction="inbound",
        public=True,
        channel="email",
        author_contact=desk.mere,
        body_text="The quokka tray is stuck.",
        at=clock.at,
    )
    assert numbers(search.search(desk.agent, "quokka")) == [req.number]
