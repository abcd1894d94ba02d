"""Releases, installations and update deliveries through the API (capella 4.4, 4.5)."""

from __future__ import annotations


def _setup(api, desk):
    org = api.post(
        "/organizations", {"name": "Onprem", "policy": "capella", "hosting": "on_premises"}
    ).json()
    contact = api.post(
        "/contacts",
        {
            "organization": org["id"],
            "name": "Dee",
            "email": "dee@o.example",
            "phone": "1",
            "role": "administrator",
        },
    ).json()
    api.post(
        "/entitlements",
        {"organization": org["id"], "kind": "support_agreement", "starts": "2026-01-01"},
    )
    releases = [
        api.post(
            "/releases",
            {"product": "Capella System", "version": f"7.{i}", "released_on": f"2026-0{i + 1}-01"},
        ).json()
        for i in range(6)
    ]
    return org, contact, releases


def test_it_tracks_installations_and_moves_them_on_install(desk, api_as):
    lead = api_as(desk.lead_token)
    org, contact, releases = _setup(lead, desk)
    inst = lead.post("/installations", {"organization": org["id"], "release": releases[0]["id"]})
    assert inst.status_code == 201, inst.content
    r = lead.post(
        "/requests",
        {
            "contact": contact["id"],
            "channel": "email",
            "level": "high",
            "subject": "Old",
            "description": "On 7.0.",
        },
    )
    assert r.json()["scope"]["decision"] == "awaiting_upgrade"
    d = lead.post(
        "/deliveries",
        {
            "installation": inst.json()["id"],
            "release": releases[5]["id"],
            "received_on": "2026-11-01",
            "installed_on": "2026-11-20",
        },
    )
    assert d.status_code == 201, d.content
    assert lead.get("/installations", organization=org["id"]).json()[0]["version"] == "7.5"
    after = lead.get(f"/requests/{r.json()['number']}").json()
    assert after["scope"]["decision"] == "in_scope"


def test_it_refuses_an_installation_for_a_hosted_organisation(desk, api_as):
    lead = api_as(desk.lead_token)
    _, _, releases = _setup(lead, desk)
    r = lead.post("/installations", {"organization": desk.kiwi.pk, "release": releases[0]["id"]})
    assert (r.status_code, r.json()["field"]) == (422, "organization")


def test_it_keeps_installations_and_deliveries_to_their_organisation(desk, api_as):
    lead = api_as(desk.lead_token)
    org, _, releases = _setup(lead, desk)
    inst = lead.post("/installations", {"organization": org["id"], "release": releases[0]["id"]})
    olga = api_as(desk.olga_token)
    assert olga.get("/installations").json() == []
    assert olga.get("/installations", organization=org["id"]).status_code == 404
    r = olga.post(
        "/deliveries",
        {
            "installation": inst.json()["id"],
            "release": releases[1]["id"],
            "received_on": "2026-11-01",
        },
    )
    assert r.status_code == 403


def test_it_refuses_to_continue_another_organisations_request(desk, api_as):
    lead = api_as(desk.lead_token)
    theirs = lead.post(
        "/requests",
        {
            "contact": desk.olga.pk,
            "channel": "email",
            "level": "low",
            "subject": "x",
            "description": "x",
        },
    )
    r = lead.post(
        "/requests",
        {
            "contact": desk.mere.pk,
            "channel": "email",
            "level": "low",
            "subject": "y",
            "description": "y",
            "continues": theirs.json()["number"],
        },
    )
    assert (r.status_code, r.json()["field"]) == (422, "continues")
