"""Administration › Policies: declaring a holiday from the desk, in chromium.

The policies are a writable copy of the shipped ones (as in test_policy_versions);
the form calls the service of `accord policy holiday add`.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from desk.personas import build_desk
from desk.test_policy_versions import RECEIVED, _open, policy_dir
from django.contrib.auth.models import User
from playwright.sync_api import expect
from web.shots import shoot
from web.test_browser import chromium

from accord.audit.models import AuditEntry

from .browser import logged_in

__all__ = ["chromium", "policy_dir"]


def test_an_admin_declares_a_holiday_from_the_policies_page(
    chromium: str, live_server: object, transactional_db: None, ana: User, policy_dir: Path
) -> None:
    desk = build_desk(RECEIVED)
    _open(desk)
    base = str(live_server)
    with logged_in(chromium, base) as page:
        page.goto(base + "/manage/policies/")
        expect(page.locator('tr[data-policy="capella"] .declared')).to_have_text("—")
        page.select_option("#id_policy", "capella")
        page.fill("#id_date", "2026-12-25")
        page.fill("#id_reason", "Christmas")
        page.click("text=Declare the holiday")
        expect(page.locator('[data-field="date"]')).to_contain_text("already a holiday")
        page.fill("#id_date", "2026-12-23")
        page.fill("#id_reason", "Office move, announced 1 December")
        page.click("text=Declare the holiday")
        expect(page.locator("#done")).to_contain_text(
            "2026-12-23 is now a holiday of capella; 1 open request(s) recomputed"
        )
        expect(page.locator('tr[data-policy="capella"] .declared')).to_have_text("2026-12-23")
        shoot(page, "manage-policies")
    data = tomllib.loads((policy_dir / "capella.toml").read_text())
    assert data["calendar"]["holidays"]["dates"] == [date(2026, 12, 23)]
    entry = AuditEntry.objects.get(action="policy.holiday_add")
    assert entry.actor == "user:ana" and entry.data["reason"] == "Office move, announced 1 December"
