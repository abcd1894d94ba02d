"""Organisation and contact pages: contract, installations, late updates, people, verdicts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from desk.conftest import FrozenClock
from desk.personas import Desk
from django.test import Client
from intake.support import deliver, mail_desk, mail_settings, message

from accord.contracts import releases
from accord.contracts import services as contracts
from accord.intake.models import UnverifiedContact
from accord.tickets import actions

from .conftest import OpenRequest, login

__all__ = ["mail_desk", "mail_settings"]  # fixtures used below


def _on_premises(desk: Desk, clock: FrozenClock) -> Any:
    org = contracts.create_organization(
        desk.lead, name="Harbour Co", policy="capella", hosting="on_premises", now=clock.at
    )
    tama = contracts.create_contact(
        desk.lead, organization=org.pk, name="Tama", role="administrator",
        email="tama@harbour.example", phone="+64 9 555 0100", now=clock.at,
    )  # fmt: skip
    contracts.set_designated_contact(desk.lead, organization=org.pk, contact=tama.pk, now=clock.at)
    contracts.create_entitlement(
        desk.lead, organization=org.pk, kind="support_agreement",
        starts=date(2026, 1, 1), ends=date(2026, 12, 31), now=clock.at,
    )  # fmt: skip
    contracts.create_entitlement(
        desk.lead, organization=org.pk, kind="trial",
        starts=date(2025, 1, 1), ends=date(2025, 3, 31), now=clock.at,
    )  # fmt: skip
    versions = ["1.0", "2.0", "3.0", "4.0", "5.0"]
    made = [
        releases.add_release(
            desk.lead,
            product="Gatekeeper",
            version=v,
            released_on=date(2025, 1, 1) + timedelta(days=60 * i),
            now=clock.at,
        )  # fmt: skip
        for i, v in enumerate(versions)
    ]
    inst = releases.set_installation(
        desk.lead, organization=org.pk, release=made[0].pk, now=clock.at
    )
    releases.record_delivery(
        desk.lead, installation=inst.pk, release=made[4].pk,
        received_on=date(2026, 9, 1), now=clock.at,
    )  # fmt: skip
    return org, tama, inst


def test_the_organisation_page_shows_the_contract(
    agent_client: Client, desk: Desk, clock: FrozenClock
) -> None:
    org, tama, _ = _on_premises(desk, clock)
    html = agent_client.get(f"/organizations/{org.pk}/").content.decode()
    assert "Harbour Co" in html and "On premises" in html
    assert (
        f'href="/contacts/{tama.pk}/">Tama</a> <span class="sub">communications go through' in html
    )
    contract = html.split('id="contract"')[1].split("</section>")[0]
    assert contract.count("covers today") == 1 and "2026-12-31" in contract
    assert "not today" in contract and "2025-03-31" in contract
    inst = html.split('id="installations"')[1].split("</section>")[0]
    assert "Gatekeeper 1.0" in inst and "not supported" in inst
    assert "Supported now: 5.0, 4.0, 3.0, 2.0" in inst
    assert 'class="late"' in inst and "not yet" in inst
    assert 'id="billing"' in html


def test_late_installations_across_customers(
    agent_client: Client, desk: Desk, clock: FrozenClock
) -> None:
    org, _, inst = _on_premises(desk, clock)
    html = agent_client.get("/installations/late/").content.decode()
    row = html.split(f'data-organization="{org.pk}"')[1].split("</tr>")[0]
    assert "5.0" in row and "2026-09-01" in row and "not yet" in row
    assert ">80<" in row  # 1 Sep to 20 Nov (NZ): 80 days and counting


def test_requests_with_their_verdicts_and_contact_history(
    agent_client: Client, desk: Desk, clock: FrozenClock, open_req: OpenRequest
) -> None:
    answered = open_req(subject="Answered")
    actions.post_message(desk.lead, answered.number, body="On it.", now=clock.at)
    waiting = open_req(subject="Waiting")
    clock.set(clock.at + timedelta(days=3))  # first response long overdue
    html = agent_client.get(f"/organizations/{desk.kiwi.pk}/").content.decode()
    row = html.split(f'data-number="{answered.display_number}"')[1].split("</tr>")[0]
    assert 'data-kind="first_response">FR met' in row
    row = html.split(f'data-number="{waiting.display_number}"')[1].split("</tr>")[0]
    assert 'data-kind="first_response">FR breached' in row
    contact = agent_client.get(f"/contacts/{desk.mere.pk}/").content.decode()
    assert contact.count("<tr data-number=") == 2 and "mere@kiwi.example" in contact
    assert "Unknown sender" not in contact


def test_the_request_page_links_organisation_and_contact(
    agent_client: Client, desk: Desk, open_req: OpenRequest
) -> None:
    req = open_req()
    html = agent_client.get(f"/requests/{req.display_number}/").content.decode()
    assert f'href="/organizations/{desk.kiwi.pk}/"' in html
    assert f'href="/contacts/{desk.mere.pk}/"' in html


def test_an_agent_links_an_unknown_sender_from_the_desk(mail_desk: Any) -> None:
    request = deliver(
        message("Printing fails", sender="Tui <tui@kiwi.example>", message_id="tui1@kiwi.example")
    ).raw.request
    assert request.scope == "not_entitled"
    client = login(mail_desk.agent.user)
    page = client.get(f"/contacts/{request.contact_id}/").content.decode()
    assert "Unknown sender" in page and "Kiwi Ltd" in page
    refused = client.post(f"/contacts/{request.contact_id}/link/", {"organization": ""})
    assert (
        refused.status_code == 422
        and "organization: This field is required." in refused.content.decode()
    )
    res = client.post(f"/contacts/{request.contact_id}/link/", {"organization": mail_desk.kiwi.pk})
    assert res.status_code == 302
    request.refresh_from_db()
    assert request.organization == mail_desk.kiwi and request.scope == "in_scope"
    assert not UnverifiedContact.objects.exists()
    assert "Unknown sender" not in client.get(res["Location"]).content.decode()


def test_unknown_organisation_and_contact_are_404(agent_client: Client) -> None:
    assert agent_client.get("/organizations/9999/").status_code == 404
    assert agent_client.get("/contacts/9999/").status_code == 404


def test_it_links_billing_and_invoices_for_managers_only(
    desk: Desk, agent_client: Client, manager_client: Client
) -> None:
    page = f"/organizations/{desk.kiwi.pk}/"
    billing = f"/organizations/{desk.kiwi.pk}/billing/"
    assert b'id="org-billing-link"' in manager_client.get(page).content
    assert manager_client.get(billing).status_code == 200
    assert b'id="org-billing-link"' not in agent_client.get(page).content
    refused = agent_client.get(billing)
    assert refused.status_code == 403
