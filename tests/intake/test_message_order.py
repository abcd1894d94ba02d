"""One door: a mail-opened request carries the customer's mail first, then our acknowledgement.

Both are recorded at the instant the mail was received; the customer's own
words are written first, so the desk page and the API list them above the
acknowledgement (issue 7, section 3).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from django.test import Client

from accord.tickets.models import Attachment, Message
from intake.support import deliver, message


def test_it_lists_the_customers_mail_before_our_acknowledgement(mail_desk: Any) -> None:
    request = deliver(message(body="Printing fails since this morning.")).raw.request
    messages = list(request.messages.all())
    assert [(m.direction, m.automated) for m in messages] == [
        (Message.Direction.INBOUND, False),
        (Message.Direction.OUTBOUND, True),
    ]
    assert messages[0].at == messages[1].at  # one instant; the order is by writing

    api = Client().get(
        f"/api/v1/requests/{request.display_number}",
        headers={"Authorization": f"Bearer {mail_desk.agent_token}"},
    )
    assert api.status_code == 200
    assert [m["direction"] for m in api.json()["messages"]] == ["inbound", "outbound"]

    desk = Client()
    desk.force_login(mail_desk.agent.user)
    page = desk.get(f"/requests/{request.display_number}/").content.decode()
    mail_at = page.index("Printing fails since this morning.</p>")
    ack_at = page.index('class="message public automated outbound"')
    assert mail_at < ack_at


def test_the_opening_mail_arrives_whole_with_the_request(mail_desk: Any) -> None:
    """Files, inline image links, HTML, flags and team: written once, by the tickets service."""
    msg = EmailMessage()
    msg["From"] = "Mere <mere@kiwi.example>"
    msg["To"] = "support@capella.example"
    msg["Subject"] = "Screenshot of the error"
    msg["Message-ID"] = "<whole1@kiwi.example>"
    msg.set_content("See the screenshot.")
    msg.add_alternative('<p>See <img src="cid:shot1@kiwi.example"></p>', subtype="html")
    msg.get_payload()[1].add_related(  # type: ignore[index, union-attr]
        b"\x89PNG\r\n\x1a\n" + bytes(64),
        maintype="image",
        subtype="png",
        cid="<shot1@kiwi.example>",
    )
    request = deliver(msg.as_bytes()).raw.request
    inbound = request.messages.get(direction=Message.Direction.INBOUND)
    (image,) = Attachment.objects.filter(message=inbound)
    assert f"/api/v1/attachments/{image.pk}" in inbound.body_html
    assert "cid:" not in inbound.body_html
    assert inbound.author_contact == request.contact and not inbound.automated
