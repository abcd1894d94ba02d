"""Mail on the request page: attachment links, the deliveries panel, readable intake
flags, and the quarantine indicator for managers and admins.

Mail goes through the real intake pipeline (`accord.intake.pipeline.ingest`, as
`accord mail ingest` runs it) with the mail tests' support addresses, and
requests opened by the service get their acknowledgement from the notify app's
on-commit receivers.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from desk.personas import Desk
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from intake.support import DOMAIN, add_addresses, deliver, message

from accord.intake.config import load as load_mail
from accord.intake.models import RawMessage
from accord.notify.models import Outbox
from accord.tickets.models import Attachment, Request

from .conftest import OpenRequest, login

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8  # 2057 bytes


@pytest.fixture
def mail(transactional_db: None, desk: Desk, settings: Any, tmp_path: Path) -> Any:
    """Mail settings without SMTP (mail stays queued), files under tmp_path.

    The pipeline commits the raw message on its own before processing it, and
    the notify receivers run on commit: these tests need real transactions.
    """
    settings.ACCORD_MAIL = dataclasses.replace(load_mail({"ACCORD_MAIL_DOMAIN": DOMAIN}), smtp=None)
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings


@pytest.fixture
def addresses(mail: Any) -> None:
    add_addresses()


def with_attachments(
    *parts: tuple[str, str, bytes], sender: str = "Mere <mere@kiwi.example>"
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@capella.example"
    msg["Subject"] = "Logs attached"
    msg["Message-ID"] = "<web-att1@kiwi.example>"
    msg.set_content("See the attached files.")
    for filename, ctype, data in parts:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def bounce_for(message_id: str, recipient: str) -> bytes:
    """A delivery status report (RFC 3464) about one of our mails."""
    return (
        b"From: MAILER-DAEMON@mx.kiwi.example\nTo: support@capella.example\n"
        b"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <web-bounce1@mx.kiwi.example>\n"
        b"Return-Path: <>\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n"
        b"--r\nContent-Type: text/plain\n\nYour message could not be delivered.\n"
        b"--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.kiwi.example\n\n"
        b"Final-Recipient: rfc822; " + recipient.encode() + b"\nAction: failed\n"
        b"Status: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n"
        b"--r\nContent-Type: text/rfc822-headers\n\nFrom: support@capella.example\n"
        b"Message-ID: <" + message_id.encode() + b">\nSubject: [SR-1001] Received\n--r--\n"
    )


def page(client: Client, req: Request) -> str:
    response = client.get(f"/requests/{req.display_number}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    """The HTML of one card of the request page (`<section class="card NAME">`)."""
    found = re.search(rf'<section class="card {name}">(.*?)</section>', html, re.S)
    assert found, f"no {name} section"
    return found.group(1)


def attachment_links(html: str) -> dict[str, str]:
    """filename -> href of the attachment links in the conversation."""
    lists = re.findall(r'<ul class="attachments">(.*?)</ul>', section(html, "conversation"), re.S)
    links = re.findall(r'<a href="([^"]+)" download>([^<]+)</a>', "".join(lists))
    return {name: href for href, name in links}


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# --- attachments ---------------------------------------------------------------------


def test_it_links_each_attachment_to_the_checked_download(
    addresses: None, agent_client: Client
) -> None:
    note = b"ERROR printer offline\n"
    req = deliver(
        with_attachments(
            ("report.pdf", "application/pdf", PDF), ("printer.log", "text/plain", note)
        )
    ).raw.request
    html = page(agent_client, req)
    links = attachment_links(html)
    stored = {a.filename: a for a in Attachment.objects.filter(message__request=req)}
    assert set(links) == {"report.pdf", "printer.log"} == set(stored)
    for name, href in links.items():
        assert href == reverse("attachment", args=[stored[name].pk])
    conversation = section(html, "conversation")
    assert "2.0\xa0KB · application/pdf" in conversation
    assert "22\xa0bytes · text/plain" in conversation

    response = agent_client.get(links["report.pdf"])
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''report.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    log = agent_client.get(links["printer.log"])
    assert body(log) == note and log["X-Content-Type-Options"] == "nosniff"


def test_it_serves_an_html_attachment_from_the_page_only_as_a_download(
    addresses: None, agent_client: Client
) -> None:
    html_file = b"<html><script>alert(1)</script></html>"
    req = deliver(with_attachments(("x.html", "text/html", html_file))).raw.request
    response = agent_client.get(attachment_links(page(agent_client, req))["x.html"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_keeps_another_organisations_isolation_for_the_linked_attachment(
    addresses: None, desk: Desk, agent_client: Client
) -> None:
    req = deliver(with_attachments(("report.pdf", "application/pdf", PDF))).raw.request
    assert req.organization == desk.kiwi
    url = attachment_links(page(agent_client, req))["report.pdf"]

    def bearer(token: str) -> Any:
        return Client().get(url, headers={"Authorization": f"Bearer {token}"})

    assert bearer(desk.olga_token).status_code == 404  # a customer of another organisation
    assert bearer(desk.mere_token).status_code == 200  # the request's own organisation
    assert Client().get(url).status_code == 401  # nobody logged in
    no_profile = get_user_model().objects.create_user("nodesk", password="x")
    assert login(no_profile).get(url).status_code == 401  # a login without a desk profile


# --- deliveries ----------------------------------------------------------------------


def test_it_shows_a_queued_acknowledgement_in_the_deliveries_panel(
    mail: Any, agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()  # the acknowledgement's outbox row comes from the on-commit receiver
    (ack,) = Outbox.objects.filter(request=req)
    assert ack.kind == "ack" and ack.state == "queued"
    panel = section(page(agent_client, req), "deliveries")
    rows = re.findall(r'<tr class="([^"]*)">(.*?)</tr>', panel, re.S)
    assert len(rows) == 1
    css, row = rows[0]
    assert css == "queued"
    for text in (
        "Acknowledgement",
        "mere@kiwi.example",
        ack.subject,
        'data-state="queued"',
        "Fri 20 Nov 16:30 NZDT",  # created, in the policy's zone
    ):
        assert text in row, text
    assert "—" in row  # not sent yet


def test_it_says_when_no_mail_was_sent(
    mail: Any, agent_client: Client, open_req: OpenRequest, clock: Any
) -> None:
    req = open_req(received=clock.at - timedelta(days=3))  # imported history is never mailed
    assert not Outbox.objects.filter(request=req).exists()
    panel = section(page(agent_client, req), "deliveries")
    assert "No mail has been sent for this request." in panel
    assert "<table" not in panel


def test_it_highlights_a_bounced_acknowledgement_and_flags_it_readably(
    addresses: None, agent_client: Client, clock: Any
) -> None:
    req = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=req)
    Outbox.objects.filter(pk=ack.pk).update(state="sent", attempts=1, sent_at=clock.at)
    deliver(bounce_for(ack.message_id, "mere@kiwi.example"))
    html = page(agent_client, req)
    panel = section(html, "deliveries")
    (css,) = re.findall(r'<tr class="([^"]*)">', panel)
    assert css == "bounced alert"
    assert 'data-state="bounced"' in panel
    assert "mere@kiwi.example: failed 5.1.1 smtp; 550 5.1.1 User unknown" in panel
    assert panel.count("Fri 20 Nov 16:30 NZDT") == 2  # created and sent
    head = section(html, "head")
    assert (
        '<li data-code="bounce"><strong>Bounced mail</strong>: Our mail to mere@kiwi.example '
        "(acknowledgement) bounced: failed 5.1.1" in head
    )
    assert "(RFC 3464)" in head and "clause RFC 3464" not in head


def test_it_highlights_a_failed_delivery(addresses: None, agent_client: Client) -> None:
    req = deliver(message("Printing fails")).raw.request
    reason = "550 5.7.1 relaying denied"
    Outbox.objects.filter(request=req).update(state="failed", attempts=12, reason=reason)
    panel = section(page(agent_client, req), "deliveries")
    (css,) = re.findall(r'<tr class="([^"]*)">', panel)
    assert css == "failed alert"
    assert f'<div class="reason">{reason}</div>' in panel
    assert '<td class="num">12</td>' in panel


# --- intake flags --------------------------------------------------------------------


def test_it_shows_intake_flags_with_a_label_and_their_source(
    addresses: None, agent_client: Client, settings: Any
) -> None:
    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, attachment_max_bytes=1000)
    raw = with_attachments(("big.pdf", "application/pdf", PDF), sender="Pat <pat@nowhere.example>")
    req = deliver(raw).raw.request
    html = page(agent_client, req)
    head = section(html, "head")
    assert (
        '<li data-code="unverified_sender"><strong>Unverified sender</strong>: '
        "pat@nowhere.example is not a known contact" in head
    )
    assert (
        '<li data-code="oversize_attachment"><strong>Attachment over the size limit</strong>: '
        "not extracted (over the size limit)" in head
    )
    assert "big.pdf (2057 bytes)" in head
    assert "(Accord practice)" in head and "clause Accord practice" not in head
    # The sender is told too: a notice besides the acknowledgement.
    kinds = re.findall(r"<tr class=\"[^\"]*\">\s*<td>([^<]+)</td>", section(html, "deliveries"))
    assert sorted(kinds) == ["Acknowledgement", "Notice"]


def test_it_keeps_policy_clauses_on_scope_flags(
    desk: Desk, agent_client: Client, open_req: OpenRequest
) -> None:
    req = open_req()
    Request.objects.filter(pk=req.pk).update(
        flags=[{"code": "late_update", "message": "update 3.1 received late", "clause": "2.6"}]
    )
    head = section(page(agent_client, req), "head")
    assert (
        '<li data-code="late_update"><strong>Late update</strong>: update 3.1 received late '
        '<span class="sub">(clause 2.6)</span></li>' in head
    )


# --- the quarantine indicator --------------------------------------------------------


def quarantine_one(mail: Any) -> RawMessage:
    """Mail with no support address configured is stored and quarantined."""
    raw = deliver(message("Nobody routes me", message_id="q1@kiwi.example")).raw
    assert raw.state == RawMessage.State.QUARANTINED
    return raw


def indicator(client: Client) -> str | None:
    html = client.get("/").content.decode()
    found = re.search(r'<(a|span) class="intake[^"]*" id="mail-intake"[^>]*>[^<]*</\1>', html)
    return found.group(0) if found else None


def test_it_shows_the_quarantine_count_to_a_manager_and_not_to_an_agent(
    mail: Any, manager_client: Client, agent_client: Client
) -> None:
    assert indicator(manager_client) == (
        '<span class="intake" id="mail-intake" title="Raw messages in quarantine: an '
        "administrator retries them in the admin (Mail intake › Raw messages) or with accord "
        'mail retry">Mail intake: 0 quarantined</span>'
    )
    quarantine_one(mail)
    add_addresses()
    assert deliver(message("Routed", message_id="ok1@kiwi.example")).raw.state == "processed"
    shown = indicator(manager_client)
    assert shown is not None
    assert 'class="intake held"' in shown and "Mail intake: 1 quarantined" in shown
    assert "<a " not in shown  # a manager has no admin login: no dead link
    assert indicator(agent_client) is None
    assert "quarantined" not in agent_client.get("/").content.decode()


def test_it_links_the_admin_to_the_quarantined_raw_messages(mail: Any, desk: Desk) -> None:
    raw = quarantine_one(mail)
    assert desk.lead.user is not None
    admin = login(desk.lead.user)
    shown = indicator(admin)
    assert shown is not None and "Mail intake: 1 quarantined" in shown
    href = re.search(r'href="([^"]+)"', shown)
    assert href is not None
    url = href.group(1).replace("&amp;", "&")
    assert url == reverse("admin:intake_rawmessage_changelist") + "?state__exact=quarantined"
    changelist = admin.get(url)
    assert changelist.status_code == 200
    listed = changelist.content.decode()
    assert "Nobody routes me" in listed and raw.reason in listed
    assert "retry_selected" in listed  # the retry action is offered there
