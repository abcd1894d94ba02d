"""Walk docs/roles.md: every operation, called with each kind of token, as the table says.

A `yes` or `read` must not answer 403; a `-` must answer 403 and leave the audit
trail as it was. Every operation of the OpenAPI document must be in the table.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accord.accounts import services as accounts
from accord.api.app import api
from accord.audit.models import AuditEntry
from accord.contracts.models import Entitlement, Release
from accord.storage import put
from accord.tickets.models import Attachment, Message, Request

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
ROW = re.compile(
    r"^\| `(GET|POST|PUT|PATCH|DELETE) /api/v1(\S+)` \| (\S+) \| (\S+) \| (\S+) \| (\S+) \|$"
)
# Operations walked by their own tests (the second table of docs/roles.md).
OWN_TEST_ROW = re.compile(
    r"^\| `(GET|POST|PUT|PATCH|DELETE) /api/v1(\S+)` \| (\S+) \| (\S+) \| (\S+) \| (\S+) \| (tests/\S+) \|$"
)
DESK_ROW = re.compile(r"^\| desk: ([^|]+?) \| (\S+) \| (\S+) \| (\S+) \| (\S+) \|$")
WHO = ("customer", "agent", "manager", "admin")


def table() -> list[tuple[str, str, dict[str, bool]]]:
    rows = []
    for line in DOC.read_text().splitlines():
        m = ROW.match(line)
        if m:
            allowed = {w: cell != "-" for w, cell in zip(WHO, m.groups()[2:], strict=True)}
            rows.append((m.group(1), m.group(2), allowed))
    return rows


def desk_table() -> dict[str, dict[str, bool]]:
    rows = {}
    for line in DOC.read_text().splitlines():
        m = DESK_ROW.match(line)
        if m:
            rows[m.group(1)] = {w: c != "-" for w, c in zip(WHO, m.groups()[1:], strict=True)}
    return rows


def test_the_table_lists_every_api_operation() -> None:
    listed = {(method, path) for method, path, _ in table()}
    listed |= {
        (m.group(1), m.group(2))
        for line in DOC.read_text().splitlines()
        if (m := OWN_TEST_ROW.match(line))
    }
    documented = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }
    assert documented - listed == set()
    assert len(listed) >= 30


# An IMAP source on a closed loopback port: "test" answers at once that it cannot connect.
_SOURCE = {"name": "walk", "host": "127.0.0.1", "port": 9, "security": "plain", "username": "u"}
_SOURCE = {**_SOURCE, "password": "p"}


def _bodies(desk: Any, number: str, other: str, release: int, seq: int) -> dict[str, Any]:
    kiwi, mere = desk.kiwi.pk, desk.mere.pk
    return {
        "/organizations": {"name": "New Org", "policy": "capella"},
        "/organizations/{org_id}/designated-contact": {"contact": mere},
        "/organizations/{org_id}": {"name": "Kiwi Ltd", "hosting": "hosted"},
        "/organizations/{org_id}/domains": {"domain": "kiwi.example"},
        "/contacts/{contact_id}": {"phone": "+64 4 555 0101"},
        "/entitlements/{entitlement_id}": {"note": "walked"},
        "/support-addresses": {
            "email": "walk@desk.example",
            "name": "Walk",
            "policy": "capella",
            "level": "low",
        },
        "/imap-sources": _SOURCE,
        "/imap-sources/{source_id}": _SOURCE,
        "/imap-sources/{source_id}/test": {},
        "/contacts": {"organization": kiwi, "name": "X", "role": "administrator"},
        "/tokens": {"contact": mere},
        "/contacts/{contact_id}/invite": {},
        "/entitlements": {"organization": kiwi, "kind": "subscription", "starts": "2026-01-01"},
        "/releases": {"product": "Capella", "version": "9.9", "released_on": "2026-01-01"},
        "/installations": {"organization": kiwi, "release": release},
        "/deliveries": {"installation": 1, "release": release, "received_on": "2026-01-01"},
        "/requests": {
            "contact": mere,
            "channel": "email",
            "level": "low",
            "subject": "S",
            "description": "D",
        },
        "/requests/{number}/replies": {"body": "hello"},
        "/requests/{number}/status": {"to": "waiting_on_customer"},
        "/requests/{number}/level": {"to": "high"},
        "/requests/{number}/assign": {"assignee": "agent"},
        "/requests/{number}/calls": {"direction": "outbound", "summary": "rang"},
        "/requests/{number}/scope": {"decision": "in_scope", "reason": "checked"},
        "/requests/{number}/accept-charge": {"accepted_by": "Mere"},
        "/requests/{number}/exclusion/confirm": {"reason": ""},
        "/requests/{number}/exclusion/dismiss": {"reason": "checked"},
        "/requests/{number}/split": {
            "parts": [
                {"subject": "a", "description": "a", "level": "low"},
                {"subject": "b", "description": "b", "level": "low"},
            ]
        },
        "/requests/{number}/merge": {"into": other},
        "/requests/{number}/time": {"minutes": 5, "note": "n"},
        "/requests/{number}/expenses": {
            "kind": "travel",
            "description": "taxi",
            "amount": "10.00",
            "incurred_on": "2026-11-19",
        },
        "/requests/{number}/void": {"event": seq, "reason": "wrong"},
    }


@pytest.fixture
def tokens(desk: Any, clock: Any) -> dict[str, str]:
    accounts.create_user("mgr", role="manager", now=clock.at)
    return {
        "customer": desk.mere_token,
        "agent": desk.agent_token,
        "manager": accounts.create_token(user="mgr", now=clock.at),
        "admin": desk.lead_token,
    }


@pytest.mark.parametrize("who", WHO)
def test_every_api_operation_answers_as_the_table_says(desk, api_as, tokens, who) -> None:
    lead = api_as(desk.lead_token)
    opened = [
        lead.post("/requests", _bodies(desk, "", "", 0, 0)["/requests"]).json()["number"]
        for _ in range(2)
    ]
    number, other = opened
    made = lead.post(
        "/releases", {"product": "Capella", "version": "1.0", "released_on": "2026-01-01"}
    )
    assert made.status_code == 201, made.content
    release = Release.objects.get(pk=made.json()["id"])
    request = Request.objects.get(number=int(number.split("-")[1]))
    seq = request.events.filter(kind="auto_reply").values_list("seq", flat=True).first() or 1
    message = Message.objects.filter(request=request).first()
    assert message is not None
    att = Attachment.objects.create(
        message=message,
        filename="a.txt",
        content_type="text/plain",
        size=2,
        file=put(hashlib.sha256(b"ok").hexdigest(), b"ok"),
    )
    bodies = _bodies(desk, number, other, release.pk, seq)
    entitlement = Entitlement.objects.filter(organization=desk.kiwi).first()
    assert entitlement is not None
    client = api_as(tokens[who])
    problems = []
    for method, path, allowed in table():
        url = path.format(
            org_id=desk.kiwi.pk,
            contact_id=desk.mere.pk,
            number=number,
            id=att.pk,
            entitlement_id=entitlement.pk,
            domain="kiwi.example",
            source_id=1,
        )
        audited = AuditEntry.objects.count()
        if path.startswith("/attachments/"):
            response = Client().get(f"/api/v1{url}", headers=client.headers)
        elif method == "GET":
            response = client.get(url)
        elif method == "PUT":
            response = client.put(url, bodies[path])
        elif method == "PATCH":
            response = client.patch(url, bodies[path])
        elif method == "DELETE":
            response = client.delete(url)
        else:
            response = client.post(url, bodies[path])
        forbidden = response.status_code == 403
        if forbidden == allowed[who]:
            problems.append(f"{method} {path}: {response.status_code} {response.content[:200]!r}")
        if forbidden and AuditEntry.objects.count() != audited:
            problems.append(f"{method} {path}: refused but audited a change")
        assert response.status_code != 500, (method, path, response.content)
    assert problems == []


@pytest.mark.parametrize("who", ("agent", "manager", "admin"))
def test_every_desk_page_answers_as_the_table_says(desk, tokens, clock, who) -> None:
    names = {"agent": "agent", "manager": "mgr", "admin": "lead"}
    client = Client()
    client.force_login(User.objects.get(username=names[who]))
    rows = desk_table()
    pages = {
        "queue and request pages, request actions": "/",
        "report page": "/report/",
        "admin site `/admin`": "/admin/",
        "administration pages `/manage/` "
        "(addresses, IMAP sources, organisations, policies, users, API tokens, webhooks, "
        "outbox)": ("/manage/organizations/"),
        "organisation billing and invoices": f"/organizations/{desk.kiwi.pk}/billing/",
        "on-call page `/oncall/` (rota, pages, acknowledging; rota changes: managers and admins)": (
            "/oncall/"
        ),
    }
    assert set(rows) == set(pages)
    for row, url in pages.items():
        status = client.get(url).status_code
        assert (status == 200) == rows[row][who], (row, who, status)
