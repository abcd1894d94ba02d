"""Scope: entitlement, exclusions, releases, designated contact, required information."""

from __future__ import annotations

from datetime import date

from accord.contracts import releases as lifecycle
from accord.contracts import services as contracts
from accord.contracts.models import PerIncidentAgreement
from accord.tickets import intake, restructure
from accord.tickets.models import Request

from .personas import ny, nz


def _open(desk, contact, level, subject="Reports crash", description="It crashes.", *, at):
    return intake.open_request(
        desk.lead,
        contact=contact.pk,
        channel="email",
        level=level,
        subject=subject,
        description=description,
        received=at,
        now=at,
    )


def _targets(api, number):
    return api.get(f"/requests/{number}").json()["targets"]


def test_it_puts_a_request_under_a_current_agreement_in_scope(desk, clock):
    r = _open(desk, desk.mere, "high", at=clock.at)
    assert (r.scope, r.scope_clause) == ("in_scope", "5.1")
    assert r.targets.count() == 2


def test_it_refuses_targets_when_the_agreement_has_lapsed(desk, clock, api_as):
    r = _open(desk, desk.lapsed_contact, "urgent", at=clock.at)
    assert r.scope == "not_entitled"
    assert r.scope_clause == "5.1"
    assert "ended 2026-10-31" in r.scope_reason
    assert r.targets.count() == 0
    assert _targets(api_as(desk.lead_token), r.number) == {
        "first_response": None,
        "resolution": None,
    }


def test_it_counts_a_trial_only_during_its_evaluation_period(desk, clock):
    contracts.create_entitlement(
        desk.lead,
        organization=desk.lapsed.pk,
        kind="trial",
        starts=date(2026, 11, 1),
        ends=date(2026, 11, 20),
        now=clock.at,
    )
    inside = _open(desk, desk.lapsed_contact, "low", at=nz(2026, 11, 20, 16))
    clock.set(nz(2026, 11, 23, 10))
    after = _open(desk, desk.lapsed_contact, "low", at=clock.at)
    assert (inside.scope, after.scope) == ("in_scope", "not_entitled")


def test_it_ignores_a_subscription_that_is_not_paid_up(desk, clock):
    contracts.create_entitlement(
        desk.lead,
        organization=desk.lapsed.pk,
        kind="subscription",
        starts=date(2026, 1, 1),
        ends=None,
        paid=False,
        now=clock.at,
    )
    assert _open(desk, desk.lapsed_contact, "low", at=clock.at).scope == "not_entitled"


def test_it_only_suggests_a_password_reset_read_in_the_text(desk, clock, api_as):
    # An exclusion read from the text is a suggestion (tests/desk/test_exclusion_suggestions.py).
    r = _open(
        desk, desk.mere, "urgent", "Please reset my password", "I forgot my password.", at=clock.at
    )
    assert (r.scope, r.suggested_exclusion) == ("in_scope", "password_reset")
    assert _targets(api_as(desk.lead_token), r.number)["first_response"]["state"] == "running"


def test_it_does_not_exclude_on_a_word_inside_another_word(desk, clock):
    # "vpn" is a third-party keyword; "vpnotes" is not a VPN.
    r = _open(
        desk, desk.mere, "low", "vpnotes field empty", "The vpnotes field is empty.", at=clock.at
    )
    assert (r.scope, r.suggested_exclusion) == ("in_scope", "")


def test_it_supports_a_capsure_end_user_only_after_the_charge_is_accepted(desk, clock, api_as):
    clock.set(ny(2026, 11, 24, 10))
    r = _open(desk, desk.gil, "sev2", at=clock.at)
    assert r.scope == "not_entitled"
    assert "USD 120.00/h" in r.scope_reason
    clock.set(ny(2026, 11, 24, 11))
    restructure.accept_per_incident(
        desk.agent, r.number, accepted_by="Gil on the phone", now=clock.at
    )
    r.refresh_from_db()
    assert r.scope == "in_scope"
    agreement = PerIncidentAgreement.objects.get(request=r)
    assert (agreement.currency, str(agreement.hourly_rate)) == ("USD", "120.00")
    # Targets apply from the original notice: 4 h in hours from 10:00.
    assert _targets(api_as(desk.lead_token), r.number)["first_response"]["due"] == (
        "2026-11-24T14:00:00-05:00"
    )


def test_it_supports_a_capsure_administrator_under_the_agreement(desk, clock):
    assert _open(desk, desk.sam, "sev4", at=clock.at).scope == "in_scope"


def _on_premises(desk, clock, running: int):
    org = contracts.create_organization(
        desk.lead, name="Onprem Ltd", policy="capella", hosting="on_premises", now=clock.at
    )
    designated = contracts.create_contact(
        desk.lead,
        organization=org.pk,
        name="Dee",
        role="administrator",
        email="dee@o.example",
        phone="1",
        now=clock.at,
    )
    other = contracts.create_contact(
        desk.lead,
        organization=org.pk,
        name="Ora",
        role="user",
        email="ora@o.example",
        phone="2",
        now=clock.at,
    )
    contracts.create_entitlement(
        desk.lead,
        organization=org.pk,
        kind="support_agreement",
        starts=date(2026, 1, 1),
        ends=None,
        now=clock.at,
    )
    contracts.set_designated_contact(
        desk.lead, organization=org.pk, contact=designated.pk, now=clock.at
    )
    releases = [
        lifecycle.add_release(
            desk.lead,
            product="Capella System",
            version=f"3.{i}",
            released_on=date(2025, 1 + i, 1),
            now=clock.at,
        )
        for i in range(6)
    ]
    inst = lifecycle.set_installation(
        desk.lead, organization=org.pk, release=releases[running].pk, now=clock.at
    )
    return designated, other, releases, inst


def test_it_asks_an_old_release_to_upgrade_first(desk, clock):
    designated, _, _, _ = _on_premises(desk, clock, running=1)  # latest is 3.5; 3.2+ supported
    r = _open(desk, designated, "urgent", at=clock.at)
    assert (r.scope, r.scope_clause) == ("awaiting_upgrade", "4.5")
    assert "3.5, 3.4, 3.3, 3.2" in r.scope_reason
    assert r.targets.count() == 0


def test_it_supports_the_latest_release_and_the_three_before_it(desk, clock):
    designated, _, _, _ = _on_premises(desk, clock, running=2)
    assert _open(desk, designated, "urgent", at=clock.at).scope == "in_scope"


def test_it_accepts_and_flags_a_request_from_someone_other_than_the_designated_contact(desk, clock):
    _, other, _, _ = _on_premises(desk, clock, running=5)
    r = _open(desk, other, "high", at=clock.at)
    assert r.scope == "in_scope"
    assert {"code": "not_designated_contact", "clause": "4.3"}.items() <= r.flags[0].items()


def test_it_flags_an_update_not_installed_within_30_days(desk, clock):
    designated, _, releases, inst = _on_premises(desk, clock, running=4)
    lifecycle.record_delivery(
        desk.lead,
        installation=inst.pk,
        release=releases[5].pk,
        received_on=date(2026, 10, 1),
        now=clock.at,
    )
    r = _open(desk, designated, "high", at=clock.at)
    late = [f for f in r.flags if f["code"] == "late_update"]
    assert late and late[0]["clause"] == "4.4" and "3.5" in late[0]["message"]


def test_it_does_not_flag_an_update_received_recently(desk, clock):
    designated, _, releases, inst = _on_premises(desk, clock, running=4)
    lifecycle.record_delivery(
        desk.lead,
        installation=inst.pk,
        release=releases[5].pk,
        received_on=date(2026, 11, 1),
        now=clock.at,
    )
    r = _open(desk, designated, "high", at=clock.at)
    assert not [f for f in r.flags if f["code"] == "late_update"]


def test_it_flags_missing_required_information_of_capella_5_3(desk, clock):
    bare = contracts.create_contact(
        desk.lead,
        organization=desk.kiwi.pk,
        name="Nopho",
        role="user",
        email="n@kiwi.example",
        now=clock.at,
    )
    r = _open(desk, bare, "low", at=clock.at)
    assert r.scope == "in_scope"
    assert [(f["code"], f["clause"]) for f in r.flags] == [("missing_information", "5.3")]
    assert "Phone" in r.flags[0]["message"]


def test_it_hides_flags_from_customers(desk, clock, api_as):
    bare = contracts.create_contact(
        desk.lead,
        organization=desk.kiwi.pk,
        name="Nopho",
        role="user",
        email="n@kiwi.example",
        now=clock.at,
    )
    r = _open(desk, bare, "low", at=clock.at)
    assert api_as(desk.lead_token).get(f"/requests/{r.number}").json()["flags"]
    assert api_as(desk.mere_token).get(f"/requests/{r.number}").json()["flags"] == []


def test_it_links_a_continuation_to_the_earlier_request(desk, clock):
    first = _open(desk, desk.mere, "low", at=clock.at)
    second = intake.open_request(
        desk.lead,
        contact=desk.mere.pk,
        channel="email",
        level="low",
        subject="Again",
        description="Still broken.",
        continues=f"SR-{first.number}",
        now=clock.at,
    )
    assert Request.objects.get(pk=second.pk).continues_id == first.pk


def test_it_brings_a_waiting_request_in_once_the_customer_upgrades(desk, clock, api_as):
    designated, _, releases, inst = _on_premises(desk, clock, running=0)
    r = _open(desk, designated, "urgent", at=clock.at)
    assert r.scope == "awaiting_upgrade"
    clock.set(nz(2026, 11, 23, 11))
    lifecycle.record_delivery(
        desk.lead,
        installation=inst.pk,
        release=releases[5].pk,
        received_on=date(2026, 11, 23),
        installed_on=date(2026, 11, 23),
        now=clock.at,
    )
    r.refresh_from_db()
    assert (r.scope, r.scope_clause) == ("in_scope", "5.1")
    # Targets from the original notice (Fri 16:30): the 1 h first response was due Mon 09:30.
    fr = _targets(api_as(desk.lead_token), r.number)["first_response"]
    assert (fr["state"], fr["breached_at"]) == ("breached", "2026-11-23T09:30:00+13:00")
    assert r.events.last().kind == "scope"
