"""Input that used to answer 500: a huge body, a lone surrogate. Now a 4xx in JSON."""

from __future__ import annotations

import json

from django.test import Client

from accord.tickets.models import Request

from .conftest import GOOD


def _post(token: str, path: str, raw: str) -> object:
    return Client().post(
        f"/api/v1{path}",
        raw,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_a_body_over_the_limit_is_413_json(desk, clock):
    body = json.dumps({**GOOD, "contact": desk.mere.pk, "description": "x" * 3_000_000})
    r = _post(desk.agent_token, "/requests", body)
    assert r.status_code == 413 and r["Content-Type"].startswith("application/json")
    assert r.json()["field"] == "body"
    assert Request.objects.count() == 0


def test_a_lone_surrogate_is_422_naming_the_field(desk, clock):
    body = json.dumps({**GOOD, "contact": desk.mere.pk}).replace('"S"', '"a\\ud800b"')
    r = _post(desk.agent_token, "/requests", body)
    assert (r.status_code, r.json()["field"]) == (422, "subject"), r.content
    nested = json.dumps({"parts": [{"subject": "\\udfff", "description": "d", "level": "low"}]})
    r = _post(desk.agent_token, "/requests/SR-1/split", nested.replace("\\\\", "\\"))
    assert (r.status_code, r.json()["field"]) == (422, "parts.0.subject"), r.content
    assert Request.objects.count() == 0
