"""Web actions that were API-only: merge, and accepting a per-incident charge."""

from __future__ import annotations

from desk.personas import Desk
from django.test import Client

from .conftest import OpenRequest
from .test_actions import post, stored


def test_it_merges_a_duplicate_from_the_request_page(
    agent_client: Client, open_req: OpenRequest
) -> None:
    survivor = open_req(subject="Payments page is down")
    duplicate = open_req(subject="Cannot pay")
    res = post(agent_client, duplicate, "merge", into=survivor.display_number)
    assert res.status_code == 200
    html = res.content.decode()
    assert "Merge into another request: done." in html
    assert f'id="merged-into">{survivor.display_number}</a>' in html
    duplicate.refresh_from_db()
    assert duplicate.status == "closed" and duplicate.merged_into_id == survivor.pk


def test_a_bad_merge_names_the_field_and_stores_nothing(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    before = stored(req)
    res = post(agent_client, req, "merge", into=req.display_number)
    assert res.status_code == 422
    assert "a request cannot be merged into itself" in res.content.decode()
    res = post(agent_client, req, "merge", into="SR-99999")
    assert res.status_code == 404 and "into: no request SR-99999" in res.content.decode()
    assert stored(req) == before


def test_it_records_an_accepted_per_incident_charge(
    agent_client: Client, desk: Desk, open_req: OpenRequest
) -> None:
    req = open_req(contact=desk.gil.pk, level="sev3", subject="Gate arm stuck")
    assert req.scope == "not_entitled"
    page = agent_client.get(f"/requests/{req.display_number}/").content.decode()
    assert 'id="action-accept-charge"' in page
    refused = post(agent_client, req, "accept-charge", accepted_by="  ")
    assert refused.status_code == 422
    assert "accepted_by: This field is required." in refused.content.decode()
    res = post(agent_client, req, "accept-charge", accepted_by="Gil, on the phone")
    assert res.status_code == 200
    req.refresh_from_db()
    assert req.scope == "in_scope"
    assert req.per_incident_agreement.accepted_by == "Gil, on the phone"
    assert 'id="action-accept-charge"' not in res.content.decode()


def test_the_charge_is_not_offered_on_an_entitled_request(
    agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    page = agent_client.get(f"/requests/{req.display_number}/").content.decode()
    assert 'id="action-accept-charge"' not in page
