"""Administration › Policies: declaring a holiday from the desk, in chromium.

The policies are a writable copy of the shipped ones (as in test_policy_versions);
the form previews, then calls the services of `accord policy holiday add|remove`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from desk.personas import build_desk, nz
from desk.test_policy_versions import RECEIVED, _open, policy_dir
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry
from accord.tickets.models import Request, SlaTarget

from .browser import logged_in

__all__ = ["chromium", "policy_dir"]
T = TypeVar("T")


def _resolution_due(request: Request) -> datetime | None:
    return SlaTarget.objects.get(request=request, kind="resolution").due


def _off_loop(call: Callable[[], T]) -> T:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def test_an_admin_declares_a_holiday_from_the_policies_page(
    chromium: str,
    live_server: object,
    transactional_db: None,
    ana: User,
    policy_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    desk = build_desk(RECEIVED)
    request = _open(desk)  # urgent, Mon 23 Nov 10:00 NZ: resolution due Thu 26 Nov 10:00
    # The desk's clock half an hour later (the server thread reads the same function).
    monkeypatch.setattr(timezone, "now", lambda: RECEIVED + timedelta(minutes=30))
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.goto(base + "/manage/policies/")
        expect(page.locator('tr[data-policy="capella"] .declared')).to_have_text("—")
        page.select_option("#id_policy", "capella")
        page.fill("#id_date", "2026-12-25")
        page.fill("#id_reason", "Christmas")
        page.click("text=Declare the holiday")
        expect(page.locator('[data-field="date"]')).to_contain_text("already a holiday")
        page.fill("#id_date", "2026-11-25")
        page.fill("#id_reason", "Office move, announced 20 November")
        page.click("text=Preview the deadlines")
        row = page.locator("#preview tbody tr")
        expect(row).to_have_count(1)
        expect(row).to_contain_text(request.display_number)
        expect(row).to_contain_text("running 2026-11-26T10:00:00+13:00")
        expect(row).to_contain_text("running 2026-11-27T10:00:00+13:00")
        assert (
            tomllib.loads((policy_dir / "capella.toml").read_text())["calendar"]["holidays"][
                "dates"
            ]
            == []
        )  # a preview changes nothing
        expect(page.locator("#id_reason")).to_have_value("Office move, announced 20 November")
        page.click("text=Declare the holiday")
        expect(page.locator("#done")).to_contain_text(
            "2026-11-25 is now a holiday of capella; 1 open request(s) recomputed"
        )
        expect(page.locator('tr[data-policy="capella"] .declared')).to_have_text("2026-11-25")
        declared = page.locator('#declared tr[data-date="2026-11-25"]')
        expect(declared).to_contain_text("Office move, announced 20 November")
        expect(declared).to_contain_text("user:ana")
        # Wednesday no longer counts (the ORM from a thread: playwright's loop runs here).
        assert _off_loop(lambda: _resolution_due(request)) == nz(2026, 11, 27, 10)
        # Preview of a second one, for the picture.
        page.fill("#id_date", "2026-11-24")
        page.fill("#id_reason", "Storm day")
        page.click("text=Preview the deadlines")
        expect(page.locator("#preview tbody tr")).to_have_count(1)
        shoot(page, "manage-policies")
        # Taking the first back needs a reason; then the deadline returns.
        declared.locator('input[name="reason"]').fill("Declared by mistake")
        declared.locator("text=Take back").click()
        expect(page.locator("#done")).to_contain_text("2026-11-25 is no longer a holiday")
        expect(page.locator("#declared")).to_contain_text("No policy declares holidays")
    data = tomllib.loads((policy_dir / "capella.toml").read_text())
    assert data["calendar"]["holidays"]["dates"] == []
    assert _resolution_due(request) == nz(2026, 11, 26, 10)
    entry = AuditEntry.objects.get(action="policy.holiday_add")
    assert (
        entry.actor == "user:ana" and entry.data["reason"] == "Office move, announced 20 November"
    )
    removed = AuditEntry.objects.get(action="policy.holiday_remove")
    assert removed.data["reason"] == "Declared by mistake"


def test_it_refuses_a_bad_take_back_naming_the_field(
    client: Client, ana: User, policy_dir: Path
) -> None:
    client.force_login(ana)
    url = "/manage/policies/"
    unknown = {"action": "remove", "policy": "nosuch", "date": "2026-11-25", "reason": "x"}
    refused = client.post(url, unknown)
    assert refused.status_code == 422 and b"policy: unknown policy" in refused.content
    not_declared = {**unknown, "policy": "capella", "date": "2026-12-25"}
    refused = client.post(url, not_declared)
    assert refused.status_code == 422
    assert b"date: 2026-12-25 is not a declared holiday of capella" in refused.content
    refused = client.post(url, {**not_declared, "reason": ""})
    assert refused.status_code == 422 and b"reason: required" in refused.content
    preview = client.post(
        url, {"action": "preview", "policy": "capella", "date": "2026-11-25", "reason": "Storm"}
    )
    assert preview.status_code == 200 and b"No open request's deadline would move" in (
        preview.content
    )
    assert (
        tomllib.loads((policy_dir / "capella.toml").read_text())["calendar"]["holidays"]["dates"]
        == []
    )
