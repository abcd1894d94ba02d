"""The Django admin shows requests and contracts but changes nothing (issue 7, section 3)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from accord.intake.lines import save_line
from accord.tickets import intake
from accord.tickets.models import Event, Message, Request, SlaTarget


def test_requests_and_everything_in_them_are_read_only_in_the_admin(desk, clock):
    request = intake.open_request(
        desk.lead, contact=desk.mere.pk, channel="phone", level="high",
        subject="Reports crash", description="The monthly report crashes.",
    )  # fmt: skip
    line = save_line("+1 866 416 4800", policy="capsure", level="sev2", secret="x" * 20)
    client = Client()
    client.force_login(get_user_model().objects.get(username="lead"))
    listing = client.get("/admin/tickets/request/")
    assert listing.status_code == 200 and b"Reports crash" in listing.content
    assert b'href="/admin/tickets/request/add/"' not in listing.content
    assert client.get("/admin/tickets/request/add/").status_code == 403
    made = client.post("/admin/tickets/request/add/", {"number": "5000", "subject": "x"})
    assert made.status_code == 403 and not Request.objects.filter(number=5000).exists()
    page = client.get(f"/admin/tickets/request/{request.pk}/change/")
    assert page.status_code == 200  # viewing is allowed
    assert b'name="_save"' not in page.content and b"messages-0-body_text" not in page.content
    change = client.post(
        f"/admin/tickets/request/{request.pk}/change/", {"subject": "Rewritten", "level": "low"}
    )
    assert change.status_code == 403
    assert (
        client.post(f"/admin/tickets/request/{request.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    request.refresh_from_db()
    assert request.subject == "Reports crash" and request.level == "high"
    assert Message.objects.filter(request=request).count() == 2
    assert Event.objects.filter(request=request).count() == 3
    assert SlaTarget.objects.filter(request=request).exists()
    # Messages, targets and events have no admin of their own to edit them through.
    for url in ("/admin/tickets/message/", "/admin/tickets/event/", "/admin/tickets/slatarget/"):
        assert client.get(url).status_code == 404, url
    # Contracts: read-only too (edited on the desk's Administration pages and the API).
    assert client.get("/admin/contracts/organization/add/").status_code == 403
    org = client.post(f"/admin/contracts/organization/{desk.kiwi.pk}/change/", {"name": "X"})
    assert org.status_code == 403
    # The voice line shows, its secret does not.
    lines = client.get("/admin/intake/supportline/")
    assert lines.status_code == 200 and b"+18664164800" in lines.content
    line_page = client.get(f"/admin/intake/supportline/{line.pk}/change/").content
    assert b"x" * 20 not in line_page
