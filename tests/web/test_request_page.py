"""The request page: header, level definition, scope, targets explained, messages, log."""

from __future__ import annotations

import re

from desk.conftest import FrozenClock
from desk.personas import Desk
from django.test import Client

from accord.tickets import actions
from accord.tickets.models import Message

from .conftest import OpenRequest


def page(client: Client, number: str) -> str:
    response = client.get(f"/requests/{number}/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_header_with_the_level_definition(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    html = page(agent_client, req.display_number)
    for text in (
        req.display_number,
        "Payments page is down",
        "Kiwi Ltd",
        "Mere",
        "mere@kiwi.example",
        "Email",
        "Fri 20 Nov 16:30 NZDT",  # received and notice
        "in hours",
        "Urgent",
        "Critical failure of product",  # the level's definition from the policy
        "clause 5.6",
        "Open",
        "In scope",
    ):
        assert text in html, text


def test_it_explains_every_deadline_to_its_clause(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    html = page(agent_client, req.display_number)
    assert html.count('<details class="explain">') == 3  # notice + two targets
    assert "First response: 1 business hour for Urgent (clause 5.6" in html
    assert "counted Fri 2026-11-20 16:30-17:00 (30 minutes)" in html
    assert "due Mon 2026-11-23 09:30 NZDT (+1300)." in html
    assert "email gives notice only in hours" in html


def test_it_shows_the_scope_decision_with_clause_and_guidance(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req(
        subject="Please reset my password",
        description="I forgot my password.",
        request_type="password_reset",  # chosen by the customer: excluded at once
    )
    html = page(agent_client, req.display_number)
    assert "Excluded request type" in html
    assert "clause 2.4.1" in html
    assert req.scope_guidance and req.scope_guidance[:40] in html
    assert "no targets while excluded request type" in html


def test_it_offers_only_the_allowed_status_moves(
    agent_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    req = open_req()
    html = page(agent_client, req.display_number)
    select = html.split('name="status-to"')[1].split("</select>")[0]
    assert 'value="waiting_on_customer"' in select
    assert 'value="resolved"' in select
    assert 'value="closed"' not in select
    assert 'value="open"' not in select
    actions.change_status(desk.lead, req.number, to="resolved", now=clock.at)
    html = page(agent_client, req.display_number)
    select = html.split('name="status-to"')[1].split("</select>")[0]
    assert set(re.findall(r'value="(\w+)"', select)) == {"open", "closed"}


def test_it_marks_internal_notes_and_automated_messages(
    agent_client: Client, open_req: OpenRequest, desk: Desk, clock: FrozenClock
) -> None:
    req = open_req()
    actions.post_message(
        desk.agent, req.number, body="Checked the logs", public=False, now=clock.at
    )
    html = page(agent_client, req.display_number)
    assert '<article class="message internal outbound">' in html
    assert "Checked the logs" in html
    assert '<article class="message public automated outbound">' in html
    assert "Accord (automated)" in html


def test_it_never_renders_scripts_from_message_html(
    agent_client: Client, open_req: OpenRequest, clock: FrozenClock
) -> None:
    req = open_req()
    Message.objects.create(
        request=req,
        direction=Message.Direction.INBOUND,
        public=True,
        channel="email",
        body_text="hello",
        body_html='<p onclick="steal()">hello <b>there</b></p><script>alert(1)</script>',
        at=clock.at,
    )
    html = page(agent_client, req.display_number)
    assert "<b>there</b>" in html
    assert "alert(1)" not in html
    assert "steal()" not in html


def test_it_shows_the_event_log(agent_client: Client, open_req: OpenRequest) -> None:
    req = open_req()
    html = page(agent_client, req.display_number)
    log = html.split('<table class="events">')[1]
    for kind in ("opened", "scope", "auto_reply"):
        assert f"<td>{kind}</td>" in log
    assert "user:lead" in log
