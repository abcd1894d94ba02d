#!/usr/bin/env python
"""Screenshots of the agent's and the manager's pages for docs/, at 1400 and 390 px.

    .venv/bin/python scripts/desk-screenshots.py [OUT_DIR]   (default docs/screenshots)

Builds a throwaway SQLite desk in a temporary data dir: the demo data, two months
of generated history for Aroha Health (tests/reports/generate.py), a shared macro
and the statement opt-in; serves it with `accord run web` on a free port and drives
Debian's chromium through playwright (never `playwright install`).
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
WIDTHS = (1400, 390)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build(data_dir: Path) -> tuple[str, dict[str, str]]:
    os.environ.update(ACCORD_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="accord.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accord.accounts.actor import staff
    from accord.contracts.models import Contact, Organization
    from accord.demo import ADMIN, load_demo
    from accord.reports import statement
    from accord.tickets import macros
    from reports.generate import history

    call_command("migrate", interactive=False, verbosity=0)
    login = load_demo()
    from django.contrib.auth import get_user_model

    admin = staff(get_user_model().objects.get(username=ADMIN))
    now = timezone.now()
    aroha = Organization.objects.get(name="Aroha Health")
    hana = Contact.objects.get(organization=aroha, name="Hana")
    history(
        random.Random(12), admin, hana, count=60,
        first=now - timedelta(days=62), last=now - timedelta(hours=2), now=now,
    )  # fmt: skip
    macros.create_macro(
        admin,
        name="Need logs",
        shared=True,
        set_status="waiting_on_customer",
        body=(
            "Kia ora {contact_name},\n\nThanks for {number}. To find the cause we need the "
            "application log from the time it happened. We will reply by "
            "{first_response_due_customer} (your time).\n\nNgā mihi,\n{agent_name}"
        ),
    )
    statement.set_subscription(admin, aroha, enabled=True)
    tui = Organization.objects.get(name="Tui Logistics")
    return login.password, {
        "aroha": str(aroha.pk),
        "tui": str(tui.pk),
        "hana": str(hana.pk),
        "number": aroha.requests.order_by("-number").values_list("number", flat=True)[0],
        "last_month": (now.astimezone(timezone.get_current_timezone()).replace(day=1)
                       - timedelta(days=1)).strftime("%Y-%m"),
    }  # fmt: skip


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="accord-shots-"))
    password, ids = build(data_dir)
    port = free_port()
    env = {**os.environ, "ACCORD_DATA_DIR": str(data_dir)}
    web = subprocess.Popen(
        [sys.executable, "-m", "accord", "run", "web", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    from playwright.sync_api import sync_playwright

    sr = f"SR-{ids['number']}"
    pages = {
        "queue": "/",
        "search": "/search/?q=generated+history",
        "request-macro": f"/requests/{sr}/",
        "macros": "/macros/",
        "organization": f"/organizations/{ids['tui']}/",
        "contact": f"/contacts/{ids['hana']}/",
        "late-installations": "/installations/late/",
        "reports": f"/reports/?period={ids['last_month']}",
        "report-organization": f"/reports/organizations/{ids['aroha']}/?period={ids['last_month']}",
        "report-drill": (
            f"/reports/organizations/{ids['aroha']}/targets/?period={ids['last_month']}"
            "&verdict=breached"
        ),
        "statement": (
            f"/reports/organizations/{ids['aroha']}/statement/preview/?period={ids['last_month']}"
        ),
    }
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=["--headless=new", "--no-sandbox"]
            )
            for width in WIDTHS:
                page = browser.new_page(
                    viewport={"width": width, "height": 900},
                    base_url=f"http://127.0.0.1:{port}",
                    timezone_id="Pacific/Auckland",
                )
                page.set_default_timeout(120_000)  # a busy machine serves slowly
                page.goto("/login/")
                page.fill("#id_username", "demo-admin")
                page.fill("#id_password", password)
                page.click("button[type=submit]")
                page.wait_for_url("**/")
                for name, path in pages.items():
                    page.goto(path)
                    if name == "request-macro":
                        page.locator("#action-macro summary").click()
                        page.select_option("#macro-choice", label="Need logs (shared)")
                        page.wait_for_function(
                            "document.querySelector('#macro-text').value.length > 0"
                        )
                    page.screenshot(path=str(out / f"{name}-{width}.png"), full_page=True)
                    print(out / f"{name}-{width}.png")
                page.close()
            browser.close()
    finally:
        web.terminate()
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            web.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
