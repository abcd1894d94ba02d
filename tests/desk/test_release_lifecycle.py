"""The on-premises release lifecycle (capella 4.4, 4.5) through the API, the worker and the CLI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from intake.support import cli_desk, seeded_template
from mail.conftest import smtp_server

from accord.audit.models import AuditEntry
from accord.contracts import releases as lifecycle
from accord.contracts.models import Release
from accord.notify.models import Outbox
from accord.worker.tasks import release_lifecycle

from .personas import nz

PRODUCT = "Capella System"
__all__ = ["cli_desk", "seeded_template", "smtp_server"]


def _org(api, designated: bool = True):
    org = api.post(
        "/organizations", {"name": "Onprem", "policy": "capella", "hosting": "on_premises"}
    ).json()
    contact = api.post(
        "/contacts",
        {
            "organization": org["id"],
            "name": "Dee",
            "email": "dee@o.example",
            "phone": "+64 4 555 0140",
            "role": "administrator",
        },
    ).json()
    if designated:
        api.put(f"/organizations/{org['id']}/designated-contact", {"contact": contact["id"]})
    api.post(
        "/entitlements",
        {"organization": org["id"], "kind": "support_agreement", "starts": "2026-01-01"},
    )
    return org, contact


def _release(api, version, on, **extra):
    r = api.post("/releases", {"product": PRODUCT, "version": version, "released_on": on, **extra})
    assert r.status_code == 201, r.content
    return r.json()


def _supported(day=date(2026, 11, 20)):
    product = Release.objects.get(version="7.0").product_id
    return [r.version for r in lifecycle.supported(product, day, 3)]


def test_it_never_counts_future_or_withdrawn_releases_as_supported(desk, api_as):
    lead = api_as(desk.lead_token)
    for i in range(5):
        _release(lead, f"7.{i}", f"2026-0{i + 1}-01")
    future = _release(lead, "7.5", "2026-12-15")
    assert future["status"] == "announced"
    assert _supported() == ["7.4", "7.3", "7.2", "7.1"]
    r = lead.patch(f"/releases/{Release.objects.get(version='7.4').pk}", {"status": "withdrawn"})
    assert (r.status_code, r.json()["status"]) == (200, "withdrawn")
    assert _supported() == ["7.3", "7.2", "7.1", "7.0"]
    # On its date the announced release counts, before any sweep has run.
    assert _supported(date(2026, 12, 15)) == ["7.5", "7.3", "7.2", "7.1"]
    r = lead.post(
        "/releases",
        {"product": PRODUCT, "version": "7.6", "released_on": "2026-12-20", "status": "ga"},
    )
    assert (r.status_code, r.json()["field"]) == (422, "status")


def test_it_orders_releases_by_version_not_by_date(desk, api_as):
    lead = api_as(desk.lead_token)
    _release(lead, "7.0", "2026-01-01")
    _release(lead, "7.10", "2026-03-01")
    _release(lead, "7.9", "2026-05-01")  # a patch to an older line, shipped later
    _release(lead, "7.2", "2026-06-01")
    _release(lead, "7.11", "2026-02-01")
    assert _supported() == ["7.11", "7.10", "7.9", "7.2"]
    assert lifecycle.version_key("10.0") > lifecycle.version_key("9.12")


def test_it_refuses_deliveries_before_the_release_date_or_of_a_withdrawn_release(desk, api_as):
    lead = api_as(desk.lead_token)
    org, _ = _org(lead)
    old = _release(lead, "7.0", "2026-01-01")
    new = _release(lead, "7.1", "2026-11-01")
    inst = lead.post("/installations", {"organization": org["id"], "release": old["id"]}).json()
    early = lead.post(
        "/deliveries",
        {"installation": inst["id"], "release": new["id"], "received_on": "2026-10-30"},
    )
    assert (early.status_code, early.json()["field"]) == (422, "received_on")
    lead.patch(f"/releases/{new['id']}", {"status": "withdrawn"})
    gone = lead.post(
        "/deliveries",
        {"installation": inst["id"], "release": new["id"], "received_on": "2026-11-10"},
    )
    assert (gone.status_code, gone.json()["field"]) == (422, "release")


def test_it_reminds_on_day_20_flags_late_on_day_31_and_clears_on_install(desk, api_as, clock):
    lead = api_as(desk.lead_token)
    org, _ = _org(lead)
    old = _release(lead, "7.0", "2026-01-01")
    new = _release(lead, "7.1", "2026-10-01")
    inst = lead.post("/installations", {"organization": org["id"], "release": old["id"]}).json()
    d = lead.post(
        "/deliveries",
        {"installation": inst["id"], "release": new["id"], "received_on": "2026-10-20"},
    ).json()
    assert (d["remind_on"], d["late_on"]) == ("2026-11-09", "2026-11-20")
    # Day 19 (NZ): nothing yet.
    assert release_lifecycle(now=nz(2026, 11, 8, 12)) == 0
    assert not Outbox.objects.exists()
    # Day 20: one reminder to the designated contact, once.
    assert release_lifecycle(now=nz(2026, 11, 9, 9)) == 1
    assert release_lifecycle(now=nz(2026, 11, 9, 10)) == 0
    (mail,) = Outbox.objects.all()
    assert (mail.to_email, mail.request) == ("dee@o.example", None)
    assert mail.subject == "Reminder: please install Capella System 7.1"
    assert "within thirty (30) days of receipt" in mail.body_text
    assert "Please install it by 19 November 2026." in mail.body_text
    # Day 30: not late; day 31: late, on the list.
    release_lifecycle(now=nz(2026, 11, 19, 23, 59))
    assert lead.get("/deliveries/late").json() == []
    assert release_lifecycle(now=nz(2026, 11, 20, 0, 1)) == 1
    (late,) = lead.get("/deliveries/late").json()
    assert (late["id"], late["late_since"], late["late"]) == (d["id"], "2026-11-20", True)
    assert AuditEntry.objects.filter(action="delivery.late").count() == 1
    # Installing clears the flag and moves the installation, with its history.
    r = lead.post(f"/deliveries/{d['id']}/installed", {"installed_on": "2026-11-20"})
    assert (r.status_code, r.json()["late"]) == (200, False)
    assert lead.get("/deliveries/late").json() == []
    history = lead.get(f"/installations/{inst['id']}/history").json()
    assert [(h["version"], h["since"]) for h in history] == [
        ("7.0", "2026-11-20"),
        ("7.1", "2026-11-20"),
    ]
    again = lead.post(f"/deliveries/{d['id']}/installed", {"installed_on": "2026-11-20"})
    assert (again.status_code, again.json()["field"]) == (422, "installed_on")


def test_it_lists_installations_that_fall_out_of_support_when_a_release_goes_ga(
    desk, api_as, clock
):
    lead = api_as(desk.lead_token)
    org, _ = _org(lead)
    rels = [_release(lead, f"7.{i}", f"2026-0{i + 1}-01") for i in range(4)]
    lead.post("/installations", {"organization": org["id"], "release": rels[0]["id"]})
    coming = _release(lead, "7.4", "2026-12-01")
    assert lead.get("/installations/unsupported").json() == []
    (out,) = lead.get(f"/releases/{coming['id']}/falls-out").json()
    assert (out["organization_name"], out["version"]) == ("Onprem", "7.0")
    assert out["supported"] == ["7.4", "7.3", "7.2", "7.1"]
    # The worker makes it generally available on its date, and the list shows it.
    clock.set(nz(2026, 12, 1, 14))
    release_lifecycle(now=clock.at)
    assert Release.objects.get(pk=coming["id"]).status == "ga"
    entry = AuditEntry.objects.get(action="release.available")
    assert entry.data["falls_out"] == [out["id"]]
    (now_out,) = lead.get("/installations/unsupported").json()
    assert now_out["version"] == "7.0"
    assert api_as(desk.mere_token).get("/installations/unsupported").status_code == 403


def test_it_records_no_reminder_mail_without_a_designated_contact(desk, api_as):
    lead = api_as(desk.lead_token)
    org, _ = _org(lead, designated=False)
    old = _release(lead, "7.0", "2026-01-01")
    new = _release(lead, "7.1", "2026-10-01")
    inst = lead.post("/installations", {"organization": org["id"], "release": old["id"]}).json()
    lead.post(
        "/deliveries",
        {"installation": inst["id"], "release": new["id"], "received_on": "2026-10-20"},
    )
    assert release_lifecycle(now=nz(2026, 11, 10, 9)) == 1
    assert not Outbox.objects.exists()
    entry = AuditEntry.objects.get(action="delivery.reminder")
    assert entry.data["sent"] is False and "designated contact" in entry.data["why"]


def test_the_cli_adds_a_release_announced_until_its_date(cli_desk):
    later = (date.today() + timedelta(days=10)).isoformat()
    ok = cli_desk.accord("release", "add", PRODUCT, "9.1", "--available", later)
    assert ok.returncode == 0, ok.stderr.decode()
    assert f"added {PRODUCT} 9.1 (Announced from {later})" in ok.stdout.decode()
    dup = cli_desk.accord("release", "add", PRODUCT, "9.1", "--available", later)
    assert (dup.returncode, dup.stderr.decode().strip()) == (
        1,
        f"accord: version: {PRODUCT} 9.1 already exists",
    )
    bad = cli_desk.accord("release", "add", PRODUCT, "9.2", "--available", "soon")
    assert bad.returncode == 2 and "expected a date" in bad.stderr.decode()
    rows = cli_desk.rows("SELECT version, status FROM contracts_release WHERE version = '9.1'")
    assert rows == [("9.1", "announced")]


# The worker's pass ends by closing the connection, as after a web request: a
# transactional database, as for every test that runs the worker in process.
@pytest.mark.django_db(transaction=True)
def test_it_tells_the_designated_contact_when_a_release_leaves_them_unsupported(
    desk, api_as, clock, settings, smtp_server
):
    from notify.test_outbound_smtp import received, smtp_at

    from accord.notify.reminders import queue_unsupported_notices
    from accord.worker.loop import run

    settings.ACCORD_TELL_UNSUPPORTED = True
    smtp_at(settings, smtp_server.host, smtp_server.port)
    lead = api_as(desk.lead_token)
    org, _ = _org(lead)
    rels = [_release(lead, f"7.{i}", f"2026-0{i + 1}-01") for i in range(4)]
    lead.post("/installations", {"organization": org["id"], "release": rels[0]["id"]})
    _release(lead, "7.4", "2026-12-01")
    # Announced only: 7.0 is still supported, nobody is told.
    clock.set(nz(2026, 11, 20, 12))
    assert queue_unsupported_notices(clock.at, force=True) == 0
    # The release day: the worker makes 7.4 available and tells Dee once.
    clock.set(nz(2026, 12, 1, 14))
    release_lifecycle(now=clock.at)
    (row,) = Outbox.objects.filter(notice_key__startswith="unsupported:")
    assert (row.to_email, row.request) == ("dee@o.example", None)
    assert queue_unsupported_notices(clock.at, force=True) == 0
    assert AuditEntry.objects.filter(action="installation.told_unsupported").count() == 1
    run(until_idle=True)
    ((rcpts, mail),) = received(smtp_server)
    assert rcpts == ["dee@o.example"]
    assert mail["Subject"] == "Capella System 7.0 is no longer supported"
    text = mail.get_body(("plain",)).get_content()
    assert "clause 4.5 (On-Premises Supported Releases)" in text
    assert "Supported releases now: 7.4, 7.3, 7.2, 7.1." in text
    assert "reply to this mail to have the update sent" in text


def test_it_tells_nobody_unless_the_vendor_opts_in(desk, api_as, clock):
    from accord.notify.reminders import queue_unsupported_notices

    lead = api_as(desk.lead_token)
    org, _ = _org(lead)
    rels = [_release(lead, f"7.{i}", f"2026-0{i + 1}-01") for i in range(5)]
    lead.post("/installations", {"organization": org["id"], "release": rels[0]["id"]})
    assert len(lead.get("/installations/unsupported").json()) == 1
    assert queue_unsupported_notices(clock.at, force=True) == 0
    assert not Outbox.objects.exists()
