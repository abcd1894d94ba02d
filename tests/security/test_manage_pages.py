"""The desk's administration pages: admins only, every change through a service."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from accord.audit.models import AuditEntry
from accord.intake.models import SupportAddress


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_admins_see_the_administration(ana: User, ben: User) -> None:
    for path in ["/manage/addresses/", "/manage/users/", "/manage/outbox/"]:
        assert _client(ana).get(path).status_code == 200
        assert _client(ben).get(path).status_code == 403
        assert Client().get(path).status_code == 302  # to the login page
    assert b"Administration" in _client(ana).get("/").content
    assert b"Administration" not in _client(ben).get("/").content


def test_support_addresses_are_added_edited_and_refused_naming_the_field(ana: User) -> None:
    client = _client(ana)
    form = {"email": "Support@Acme.example", "name": "Acme Support", "policy": "capella"}
    bad = client.post("/manage/addresses/", {**form, "email": "not-an-email", "level": "medium"})
    assert bad.status_code == 422
    assert b"email: &#x27;not-an-email&#x27; is not an email address" in bad.content
    wrong_level = client.post("/manage/addresses/", {**form, "level": "sev1"})
    assert wrong_level.status_code == 422
    assert b"level: policy capella has levels urgent, high, medium, low" in wrong_level.content
    assert not SupportAddress.objects.exists()

    ok = client.post("/manage/addresses/", {**form, "level": "medium", "is_default": "on"})
    assert ok.status_code == 302
    row = SupportAddress.objects.get()
    assert (row.email, row.level, row.is_default) == ("support@acme.example", "medium", True)
    second = {"email": "help@acme.example", "name": "Help", "policy": "capsure", "level": "sev3"}
    assert client.post("/manage/addresses/", {**second, "is_default": "on"}).status_code == 302
    row.refresh_from_db()
    assert not row.is_default  # one default at a time
    edit = client.post(f"/manage/addresses/{row.pk}/", {**form, "level": "high", "team": "Tier 2"})
    assert edit.status_code == 302
    row.refresh_from_db()
    assert row.level == "high" and row.team is not None and row.team.name == "Tier 2"
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == [
        "support_address.create",
        "support_address.create",
        "support_address.update",
    ]


def test_users_page_changes_roles_and_deactivates(ana: User, ben: User) -> None:
    client = _client(ana)
    page = client.get("/manage/users/").content.decode()
    assert 'data-user="ben"' in page
    assert client.post("/manage/users/ben/", {"role": "manager"}).status_code == 302
    ben.refresh_from_db()
    assert ben.agent.role == "manager"
    assert client.post("/manage/users/ben/", {"active": "0"}).status_code == 302
    ben.refresh_from_db()
    assert not ben.is_active
    refused = client.post("/manage/users/ana/", {"active": "0"})
    assert refused.status_code == 422
    assert b"user: you cannot deactivate yourself" in refused.content
    bad_role = client.post("/manage/users/ben/", {"role": "owner"})
    assert bad_role.status_code == 422 and b"role: expected one of" in bad_role.content


def test_the_django_admin_is_a_read_only_window(ana: User, ben: User) -> None:
    client = _client(ana)
    for listing in [
        "/admin/auth/user/",
        "/admin/accounts/agent/",
        "/admin/contracts/organization/",
        "/admin/notify/outbox/",
        "/admin/intake/supportaddress/",
    ]:
        page = client.get(listing)
        assert page.status_code == 200, listing
        assert f'href="{listing}add/"'.encode() not in page.content, listing  # no "Add"
    assert client.get("/admin/auth/user/add/").status_code == 403
    assert client.get("/admin/intake/supportaddress/add/").status_code == 403
    change = client.post(f"/admin/auth/user/{ben.pk}/change/", {"username": "ben", "is_active": ""})
    assert change.status_code == 403
    ben.refresh_from_db()
    assert ben.is_active
    assert client.post(f"/admin/auth/user/{ben.pk}/delete/", {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=ben.pk).exists()
