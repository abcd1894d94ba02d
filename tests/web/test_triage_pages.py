"""The desk's side of suggested exclusions: the request page and the review list."""

from __future__ import annotations

from django.test import Client

from accord.tickets.models import Message

from .conftest import OpenRequest
from .test_actions import post


def _suggested(open_req: OpenRequest):
    return open_req(
        subject="Can't log in",
        description="Hello, I've forgotten my password and can't get into Capella.",
    )


def test_the_request_page_shows_the_suggestion_with_the_mail_it_would_send(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = _suggested(open_req)
    html = agent_client.get(f"/requests/{req.display_number}/").content.decode()
    assert 'id="suggested-exclusion"' in html
    assert "Suggested exclusion: Password reset" in html and "clause 2.4.1" in html
    assert "<q>forgotten my password</q>" in html  # the words it was read from
    assert "Assistance with password resets" in html  # the preview quotes the policy
    assert 'id="action-confirm-exclusion"' in html and 'id="action-dismiss-exclusion"' in html
    assert 'data-state="running"' in html  # the targets run meanwhile


def test_confirming_from_the_desk_excludes_and_sends_the_guidance(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = _suggested(open_req)
    res = post(agent_client, req, "confirm-exclusion", reason="")
    assert res.status_code == 200, res.content.decode()[:500]
    html = res.content.decode()
    assert "Confirm the suggested exclusion: done." in html
    assert 'id="suggested-exclusion"' not in html
    req.refresh_from_db()
    assert (req.scope, req.scope_clause, req.suggested_exclusion) == ("excluded", "2.4.1", "")
    assert "no targets while excluded request type" in html
    assert Message.objects.filter(request=req, body_text__contains="clause 2.4.1").exists()


def test_dismissing_needs_a_reason_and_keeps_the_targets(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = _suggested(open_req)
    refused = post(agent_client, req, "dismiss-exclusion", reason=" ")
    assert refused.status_code == 422
    assert "reason: This field is required." in refused.content.decode()
    res = post(agent_client, req, "dismiss-exclusion", reason="the reset page is broken")
    assert res.status_code == 200
    req.refresh_from_db()
    assert (req.scope, req.suggested_exclusion) == ("in_scope", "")
    assert 'data-state="running"' in res.content.decode()


def test_the_review_list_shows_waiting_suggestions_only(
    agent_client: Client, open_req: OpenRequest
) -> None:
    waiting = _suggested(open_req)
    other = open_req()
    res = agent_client.get("/triage/exclusions/")
    assert res.status_code == 200
    html = res.content.decode()
    assert f'data-number="{waiting.display_number}"' in html
    assert f'data-number="{other.display_number}"' not in html
    assert "2.4.1</strong> Password reset" in html
    post(agent_client, waiting, "dismiss-exclusion", reason="a defect")
    assert (
        "No suggested exclusions are waiting."
        in agent_client.get("/triage/exclusions/").content.decode()
    )


def test_the_change_level_form_confirms_a_provisional_level(
    agent_client: Client, open_req: OpenRequest
) -> None:
    flag = {"code": "level_not_triaged", "message": "no level stated", "clause": "5.6"}
    req = open_req(flags=[flag])
    html = agent_client.get(f"/requests/{req.display_number}/").content.decode()
    assert "Level not triaged: confirm or change it" in html
    res = post(agent_client, req, "level", to=req.level)
    assert res.status_code == 200
    req.refresh_from_db()
    assert req.flags == [] and req.events.filter(kind="level_confirmed").exists()
    assert post(agent_client, req, "level", to=req.level).status_code == 409


def test_a_half_filled_split_part_names_the_missing_field_and_stores_nothing(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    res = post(agent_client, req, "split", part1_subject="Logo blurry", part1_level="low")
    assert res.status_code == 422
    assert "part1_description: a part needs its description" in res.content.decode()
    empty = post(agent_client, req, "split", part1_level="low")
    assert "give at least one part to split off" in empty.content.decode()
    assert not req.splits.exists()
