"""The request page's htmx actions call the services; refusals name the field."""

from __future__ import annotations

from typing import Any

import pytest
from desk.conftest import FrozenClock
from desk.personas import Desk
from django.test import Client

from accord.audit.models import AuditEntry
from accord.tickets import actions
from accord.tickets.models import Message, Request, SlaTarget

from .conftest import OpenRequest

HTMX = {"HX-Request": "true"}


def post(client: Client, req: Request, action: str, **fields: str) -> Any:
    data = {f"{action}-{k}": v for k, v in fields.items()}
    return client.post(f"/requests/{req.display_number}/{action}/", data, headers=HTMX)


def stored(req: Request) -> tuple[int, int, int]:
    return (
        req.events.count(),
        Message.objects.filter(request=req).count(),
        AuditEntry.objects.count(),
    )


def target_state(req: Request, kind: str) -> str:
    return SlaTarget.objects.get(request=req, kind=kind).state


def test_it_posts_a_public_reply_that_meets_first_response(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    response = post(agent_client, req, "reply", body="We are on it.")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="request-panel"')
    assert "Public reply: done." in html
    assert 'data-state="met"' in html.split('data-kind="first_response"')[1].split("</h3>")[0]
    assert "We are on it." in html
    assert req.events.filter(kind="agent_reply", actor="user:agent").count() == 1
    assert target_state(req, "first_response") == "met"


def test_it_adds_an_internal_note_that_does_not_meet_first_response(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    assert post(agent_client, req, "note", body="Looks like the proxy.").status_code == 200
    assert req.events.filter(kind="internal_note").count() == 1
    assert Message.objects.get(request=req, body_text="Looks like the proxy.").public is False
    assert target_state(req, "first_response") == "running"


def test_it_logs_an_outbound_call_as_a_response(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    response = post(
        agent_client, req, "call", direction="outbound", channel="phone", summary="Called Mere"
    )
    assert response.status_code == 200
    assert target_state(req, "first_response") == "met"
    assert Message.objects.get(request=req, body_text="Called Mere").channel == "phone"


def test_it_changes_status_level_assignee_and_scope(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    assert post(agent_client, req, "status", to="waiting_on_customer").status_code == 200
    assert post(agent_client, req, "level", to="high").status_code == 200
    assert post(agent_client, req, "assign", assignee="agent", team="tier1").status_code == 200
    response = post(
        agent_client,
        req,
        "scope",
        decision="excluded",
        reason="A reset",
        exclusion="password_reset",
    )
    assert response.status_code == 200
    req.refresh_from_db()
    assert (req.status, req.level, req.scope, req.scope_clause) == (
        "waiting_on_customer",
        "high",
        "excluded",
        "2.4.1",
    )
    assert req.assignee is not None and req.assignee.get_username() == "agent"
    assert req.team is not None and req.team.name == "tier1"
    assert [e.kind for e in req.events.order_by("seq")][-4:] == [
        "status",
        "level",
        "assigned",
        "scope",
    ]


def test_it_redirects_a_plain_form_post_back_to_the_page(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    response = agent_client.post(
        f"/requests/{req.display_number}/reply/", {"reply-body": "Without htmx"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{req.display_number}/"
    assert req.events.filter(kind="agent_reply").count() == 1


@pytest.mark.parametrize(
    ("action", "fields", "status", "message"),
    [
        ("reply", {"body": "   "}, 422, "body: This field is required."),
        ("note", {}, 422, "body: This field is required."),
        (
            "call",
            {"direction": "sideways", "channel": "phone", "summary": "x"},
            422,
            "direction: Select a valid choice.",
        ),
        ("status", {"to": "closed"}, 409, "to: cannot go from open to closed"),
        ("status", {"to": "open"}, 409, "to: the request is already open"),
        ("level", {"to": "sev1"}, 422, "to: Select a valid choice."),
        ("level", {"to": "urgent"}, 409, "to: the request is already urgent"),
        ("assign", {"assignee": "ghost"}, 422, "assignee: Select a valid choice."),
        (
            "scope",
            {"decision": "excluded", "reason": "no"},
            422,
            "exclusion: expected an excluded request type",
        ),
        (
            "scope",
            {"decision": "customer_caused", "reason": "theirs"},
            422,
            "cause: expected a cause",
        ),
        ("scope", {"decision": "in_scope", "reason": ""}, 422, "reason: This field is required."),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_stores_nothing(
    agent_client: Client,
    open_req: OpenRequest,
    action: str,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    req = open_req()
    before = stored(req)
    response = post(agent_client, req, action, **fields)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert html.lstrip().startswith('<div id="request-panel"')
    # the refused form stays open, with what was typed
    assert f'<details class="action" id="action-{action}" open>' in html
    assert stored(req) == before
    req.refresh_from_db()
    assert (req.status, req.level, req.scope) == ("open", "urgent", "in_scope")


def test_it_refuses_a_bad_post_without_htmx_with_the_whole_page(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    response = agent_client.post(f"/requests/{req.display_number}/status/", {"status-to": "closed"})
    assert response.status_code == 409
    assert b"<html" in response.content
    assert b"to: cannot go from open to closed" in response.content


def test_it_refuses_changes_to_a_closed_request(
    agent_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    req = open_req()
    actions.change_status(desk.lead, req.number, to="resolved", now=clock.at)
    actions.change_status(desk.lead, req.number, to="closed", now=clock.at)
    before = stored(req)
    response = post(agent_client, req, "reply", body="One more thing")
    assert response.status_code == 409
    assert b"number: SR-" in response.content
    assert b"is closed, which is final" in response.content
    assert stored(req) == before
    assert b"Closed is final" in response.content  # no forms offered once closed
    assert b'id="action-status"' not in response.content
