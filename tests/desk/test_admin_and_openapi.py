"""The OpenAPI document and the admin pages answer."""

from __future__ import annotations

from django.test import Client


def test_it_serves_the_openapi_document_with_the_contract_paths(db):
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/v1/organizations",
        "/api/v1/contacts",
        "/api/v1/entitlements",
        "/api/v1/requests",
        "/api/v1/requests/{number}",
        "/api/v1/requests/{number}/replies",
        "/api/v1/requests/{number}/status",
        "/api/v1/requests/{number}/level",
    ):
        assert path in paths, path


def test_it_shows_requests_in_the_admin_to_an_admin(desk, clock):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="lead"))
    for url in (
        "/admin/tickets/request/",
        "/admin/contracts/organization/",
        "/admin/audit/auditentry/",
    ):
        assert client.get(url).status_code == 200, url
