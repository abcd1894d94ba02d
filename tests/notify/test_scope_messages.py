"""The customer's scope messages (docs/scope.md), received on a real SMTP sink (aiosmtpd).

Each acknowledgement names the clause in the policy's words and gives the
next step; the desk's stored acknowledgement is the same text the customer got.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from intake.support import CAPSURE, deliver, message

from accord.contracts import releases as lifecycle
from accord.contracts import services as contracts
from accord.tickets.models import Message, Request
from accord.worker.loop import run
from notify.test_outbound_smtp import received, smtp_at


def _mail_and_send(settings: Any, smtp_server: Any, raw: bytes) -> tuple[Request, str]:
    smtp_at(settings, smtp_server.host, smtp_server.port)
    request = deliver(raw).raw.request
    run(until_idle=True)
    _, mail = received(smtp_server)[-1]
    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    ack = Message.objects.get(request=request, automated=True)
    assert ack.body_text.strip() in text  # the desk shows what the customer got
    return request, text


def test_it_tells_a_lapsed_customer_what_expired_and_how_to_renew(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    request, text = _mail_and_send(
        settings, smtp_server, message("Reports hang", sender="Lou <lou@lapsed.example>")
    )
    assert request.scope == "not_entitled"
    assert "support agreement ended on 2026-10-31" in text
    assert "clause 5.1 (Rights to Capella Support)" in text
    assert "have a fully paid up subscription to the Capella System" in text
    assert "to renew your support agreement" in text and "+64 4 382 8096" in text
    assert "no current support_agreement" not in text  # never the internal wording


def test_it_asks_an_old_release_to_upgrade_with_the_supported_releases(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    lead, now = mail_desk.lead, timezone.now()
    org = contracts.create_organization(
        lead, name="Onprem Ltd", policy="capella", hosting="on_premises"
    )
    contracts.create_contact(
        lead,
        organization=org.pk,
        name="Ana",
        role="administrator",
        email="ana@onprem.example",
        phone="+64 4 555 0150",
    )
    contracts.create_entitlement(
        lead, organization=org.pk, kind="support_agreement", starts=date(2026, 1, 1), ends=None
    )
    rels = [
        lifecycle.add_release(
            lead,
            product="Capella System",
            version=f"7.{i}",
            released_on=now.date() - timedelta(days=300 - 30 * i),
        )
        for i in range(6)
    ]
    lifecycle.set_installation(lead, organization=org.pk, release=rels[0].pk)
    request, text = _mail_and_send(
        settings, smtp_server, message("Crash", sender="Ana <ana@onprem.example>")
    )
    assert request.scope == "awaiting_upgrade"
    assert "Your installation runs Capella System 7.0" in text
    assert "The supported releases are 7.5, 7.4, 7.3, 7.2" in text
    assert "clause 4.5 (On-Premises Supported Releases)" in text
    assert "install Capella System 7.5" in text
    assert "targets of" in text and "apply" in text


def test_it_asks_for_the_missing_phone_and_the_reply_clears_the_flag(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    contracts.create_contact(
        mail_desk.lead,
        organization=mail_desk.kiwi.pk,
        name="Hemi",
        role="user",
        email="hemi@kiwi.example",
    )
    request, text = _mail_and_send(
        settings, smtp_server, message("Export fails", sender="Hemi <hemi@kiwi.example>")
    )
    assert request.scope == "in_scope"
    assert "we still need: a phone number we can call you on." in text
    assert "clause 5.3 (Required Information to Log a Support Request)" in text
    assert "reply to this mail with it" in text
    assert [f["field"] for f in request.flags if f["code"] == "missing_information"] == ["phone"]
    deliver(
        message(
            f"Re: [{request.display_number}] Received: Export fails",
            sender="Hemi <hemi@kiwi.example>",
            body="Sure, call me on 04 555 0177 any time.",
            message_id="m2@kiwi.example",
            In_Reply_To="<m1@kiwi.example>",
        )
    )
    request.refresh_from_db()
    assert not [f for f in request.flags if f["code"] == "missing_information"]
    assert request.contact.phone == "+64 4 555 0177"
    assert request.events.filter(kind="flag_cleared").exists()


def test_it_tells_a_capsure_end_user_the_rate_and_how_to_accept(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    request, text = _mail_and_send(
        settings,
        smtp_server,
        message("Gate stuck", sender="Gil <gil@gate.example>", to=CAPSURE),
    )
    assert request.scope == "not_entitled"
    assert "The rate is USD 120.00 per hour." in text
    assert "Per incident means that this one request" in text
    assert "on a per-incident basis at the Hourly Support Rate (currently $120/hour)" in text
    assert 'reply to this mail with the words "I accept"' in text
    assert "customer portal" in text and "866-416-4800" in text
    deliver(
        message(
            f"Re: [{request.display_number}] Received: Gate stuck",
            sender="Gil <gil@gate.example>",
            to=CAPSURE,
            body="I accept the charge.\n\n> quoted: I accept",
            message_id="m2@kiwi.example",
            In_Reply_To="<m1@kiwi.example>",
        )
    )
    request.refresh_from_db()
    assert request.scope == "not_entitled"  # a suggestion only: an agent confirms
    assert {f["code"] for f in request.flags} == {
        "charge_acceptance_suggested",
        "level_not_triaged",
    }


def test_it_does_not_take_a_quoted_i_accept_as_acceptance(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    request, _ = _mail_and_send(
        settings,
        smtp_server,
        message("Gate stuck", sender="Gil <gil@gate.example>", to=CAPSURE),
    )
    deliver(
        message(
            f"Re: [{request.display_number}] Received: Gate stuck",
            sender="Gil <gil@gate.example>",
            to=CAPSURE,
            body="How much would it be in total?\n\n> I accept",
            message_id="m3@kiwi.example",
            In_Reply_To="<m1@kiwi.example>",
        )
    )
    request.refresh_from_db()
    assert [f["code"] for f in request.flags] == ["level_not_triaged"]  # no acceptance


def test_a_confirmed_exclusion_mails_its_guidance_and_split_parts_their_targets(
    mail_desk: Any, smtp_server: Any, settings: Any
) -> None:
    from accord.tickets.exclusions import confirm_exclusion
    from accord.tickets.split import Part, split

    request, text = _mail_and_send(
        settings,
        smtp_server,
        message(
            "Two things",
            body="1. I've forgotten my password.\n2. Invoices crash when posting.",
        ),
    )
    assert "Target for first response" in text  # several issues: nothing suggested
    [reset, crash] = split(
        mail_desk.lead,
        request.number,
        parts=[
            Part("Password", "I've forgotten my password.", "low"),
            Part("Invoices crash", "Invoices crash when posting.", "urgent"),
        ],
    )
    run(until_idle=True)
    mails = {m["Subject"]: m.get_body(("plain",)).get_content() for _, m in received(smtp_server)}
    crash_mail = next(t for s, t in mails.items() if crash.display_number in s)
    assert "raised several issues" in crash_mail and "Urgent:" in crash_mail
    assert "Target for resolution: by" in crash_mail
    assert reset.suggested_exclusion == "password_reset"
    confirm_exclusion(mail_desk.lead, reset.number)
    run(until_idle=True)
    _, last = received(smtp_server)[-1]
    guidance = last.get_body(("plain",)).get_content()
    assert reset.display_number in last["Subject"]
    assert "clause 2.4.1 (Excluded Support Services)" in guidance
    assert 'click the "Forgot your password?" link' in guidance
