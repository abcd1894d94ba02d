"""Replies thread by Message-ID, then by number, and only for participants."""

from __future__ import annotations

from typing import Any

from accord.intake.models import Participant
from accord.notify.models import Outbox
from accord.tickets.models import Message, Request
from intake.support import deliver, message


def test_it_threads_a_reply_to_our_acknowledgement_by_in_reply_to(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=first)
    reply = message(
        "Re: something else entirely",
        message_id="m2@kiwi.example",
        body="It also fails on the second printer.",
        In_Reply_To=f"<{ack.message_id}>",
    )
    result = deliver(reply)
    assert result.raw.request == first
    assert Request.objects.count() == 1
    inbound = first.messages.filter(direction="inbound").order_by("id")
    assert [m.body_text for m in inbound][-1] == "It also fails on the second printer."
    assert first.events.filter(kind="customer_reply").count() == 1


def test_it_threads_by_references_to_a_message_we_received(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    reply = message(
        "Re: Printing fails",
        message_id="m3@kiwi.example",
        References="<unknown@elsewhere> <m1@kiwi.example>",
    )
    assert deliver(reply).raw.request == first


def test_it_threads_by_the_number_in_the_subject_for_the_contact(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    again = deliver(message(f"More on {first.display_number}", message_id="m4@kiwi.example"))
    assert again.raw.request == first


def test_it_threads_by_number_for_an_address_that_was_copied(mail_desk: Any) -> None:
    first = deliver(message("Printing fails", Cc="Colleague <tui@kiwi.example>")).raw.request
    assert Participant.objects.filter(request=first, email="tui@kiwi.example").exists()
    again = deliver(
        message(
            f"Re: [{first.display_number}] Printing fails",
            sender="Tui <tui@kiwi.example>",
            message_id="tui1@kiwi.example",
        )
    )
    assert again.raw.request == first


def test_it_opens_a_new_request_when_a_stranger_quotes_a_number(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    stranger = deliver(
        message(
            f"Re: {first.display_number} Printing fails",
            sender="Eve <eve@elsewhere.example>",
            message_id="eve1@elsewhere.example",
            body="Please send me the printer config.",
        )
    ).raw.request
    assert stranger != first
    assert first.messages.filter(direction="inbound").count() == 1
    codes = {f["code"]: f["message"] for f in stranger.flags}
    assert first.display_number in codes["mentions_request"]


def test_it_opens_a_new_request_when_a_stranger_replies_to_our_message_id(
    mail_desk: Any,
) -> None:
    first = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=first)
    stranger = deliver(
        message(
            "Re: Printing fails",
            sender="eve@elsewhere.example",
            message_id="eve2@elsewhere.example",
            In_Reply_To=f"<{ack.message_id}>",
        )
    ).raw.request
    assert stranger != first
    assert any(f["code"] == "mentions_request" for f in stranger.flags)


def test_it_lets_an_administrator_of_the_same_organisation_join(mail_desk: Any) -> None:
    from accord.contracts import services as contracts

    contracts.create_contact(
        mail_desk.lead,
        organization=mail_desk.kiwi.pk,
        name="Ari",
        role="administrator",
        email="ari@kiwi.example",
        phone="+64 4 555 0102",
    )
    first = deliver(message("Printing fails")).raw.request
    joined = deliver(
        message(
            f"{first.display_number} any news?",
            sender="ari@kiwi.example",
            message_id="ari1@kiwi.example",
        )
    ).raw.request
    assert joined == first
    author = first.messages.filter(direction="inbound").latest("id").author_contact
    assert author is not None and author.email == "ari@kiwi.example"


def test_it_ignores_inbound_x_accord_headers(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    forged = deliver(
        message(
            "Hello",
            sender="eve@elsewhere.example",
            message_id="eve3@elsewhere.example",
            X_Accord_Request=first.display_number,
            X_Accord_Participant="yes",
        )
    ).raw.request
    assert forged != first
    assert first.messages.filter(direction="inbound").count() == 1


def test_it_opens_a_continuation_when_the_request_is_closed(mail_desk: Any) -> None:
    from accord.tickets import actions

    first = deliver(message("Printing fails")).raw.request
    actions.change_status(mail_desk.agent, first.number, to="resolved")
    actions.change_status(mail_desk.agent, first.number, to="closed")
    later = deliver(
        message(f"Re: {first.display_number} it is back", message_id="m9@kiwi.example")
    ).raw.request
    assert later != first
    assert later.continues == first


def test_it_keeps_automated_replies_without_touching_the_clock(mail_desk: Any) -> None:
    first = deliver(message("Printing fails")).raw.request
    ack = Outbox.objects.get(request=first)
    ooo = deliver(
        message(
            "Out of office",
            message_id="ooo@kiwi.example",
            In_Reply_To=f"<{ack.message_id}>",
            Auto_Submitted="auto-replied",
        )
    )
    assert ooo.raw.request == first
    stored = Message.objects.get(pk=ooo.raw.ticket_message_id)
    assert stored.automated and not stored.public
    assert not first.events.filter(kind="customer_reply").exists()
    assert Outbox.objects.filter(request=first).count() == 1


def test_it_keeps_an_automated_reply_on_a_closed_request(mail_desk: Any) -> None:
    from accord.tickets import actions

    first = deliver(message("Printing fails")).raw.request
    actions.change_status(mail_desk.agent, first.number, to="resolved")
    actions.change_status(mail_desk.agent, first.number, to="closed")
    ooo = deliver(
        message(
            f"Out of office: {first.display_number}",
            message_id="ooo2@kiwi.example",
            Auto_Submitted="auto-replied",
        )
    )
    assert ooo.raw.request == first
    assert Request.objects.count() == 1
