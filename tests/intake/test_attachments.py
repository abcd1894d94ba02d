"""Attachments: stored under the data dir, served only through the checked view."""

from __future__ import annotations

import dataclasses
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from accord.notify.models import Outbox
from accord.tickets.models import Attachment
from intake.support import deliver

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8


def with_attachments(*parts: tuple[str, str, bytes]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mere <mere@kiwi.example>"
    msg["To"] = "support@capella.example"
    msg["Subject"] = "Logs attached"
    msg["Message-ID"] = "<att1@kiwi.example>"
    msg.set_content("See the attached files.")
    for filename, ctype, data in parts:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def get(path: str, token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return Client().get(path, headers=headers)


def test_it_stores_attachments_outside_the_web_root_by_hash(mail_desk: Any) -> None:
    request = deliver(
        with_attachments(("../../etc/passwd.pdf", "application/pdf", PDF))
    ).raw.request
    (att,) = Attachment.objects.filter(message__request=request)
    assert att.filename == "passwd.pdf" and att.size == len(PDF)
    path = Path(att.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes() == PDF
    assert ".." not in att.file.name and "passwd" not in att.file.name


def test_it_serves_an_attachment_only_to_those_who_may_see_the_request(mail_desk: Any) -> None:
    deliver(with_attachments(("report.pdf", "application/pdf", PDF)))
    att = Attachment.objects.get()
    url = f"/api/v1/attachments/{att.pk}"
    assert get(url, None).status_code == 401
    assert get(url, "acc_not-a-token").status_code == 401
    assert get(url, mail_desk.olga_token).status_code == 404
    for token in (mail_desk.mere_token, mail_desk.agent_token):
        response = get(url, token)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"] == "attachment; filename*=UTF-8''report.pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"


def test_it_never_serves_html_or_svg_as_such(mail_desk: Any) -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    html = b"<html><script>alert(1)</script></html>"
    deliver(with_attachments(("x.svg", "image/svg+xml", svg), ("x.html", "text/html", html)))
    for att in Attachment.objects.all():
        response = get(f"/api/v1/attachments/{att.pk}", mail_desk.agent_token)
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")


def test_it_keeps_an_oversize_attachment_raw_and_tells_agent_and_sender(
    mail_desk: Any, settings: Any
) -> None:
    settings.ACCORD_MAIL = dataclasses.replace(settings.ACCORD_MAIL, attachment_max_bytes=1000)
    raw = with_attachments(("big.pdf", "application/pdf", PDF), ("small.txt", "text/plain", b"ok"))
    result = deliver(raw)
    request = result.raw.request
    assert [a.filename for a in Attachment.objects.all()] == ["small.txt"]
    assert bytes(result.raw.raw) == raw
    request.refresh_from_db()
    flag = next(f for f in request.flags if f["code"] == "oversize_attachment")
    assert "big.pdf" in flag["message"]
    notice = Outbox.objects.get(request=request, kind="notice")
    assert notice.to_email == "mere@kiwi.example" and "big.pdf" in notice.body_text
    assert notice.state == "queued"


def test_it_lists_attachments_on_the_message_in_the_api(mail_desk: Any) -> None:
    request = deliver(with_attachments(("report.pdf", "application/pdf", PDF))).raw.request
    body = get(f"/api/v1/requests/{request.display_number}", mail_desk.mere_token).json()
    inbound = [m for m in body["messages"] if m["direction"] == "inbound"]
    assert inbound[0]["attachments"][0]["filename"] == "report.pdf"
    assert inbound[0]["attachments"][0]["size"] == len(PDF)


def test_it_lists_attachment_urls_and_the_outbox_in_the_request_detail(mail_desk: Any) -> None:
    request = deliver(with_attachments(("report.pdf", "application/pdf", PDF))).raw.request
    path = f"/api/v1/requests/{request.display_number}"
    staff = get(path, mail_desk.agent_token).json()
    (message,) = [m for m in staff["messages"] if m["direction"] == "inbound"]
    (attachment,) = message["attachments"]
    assert attachment["url"] == f"/api/v1/attachments/{Attachment.objects.get().pk}"
    assert get(attachment["url"], mail_desk.agent_token).status_code == 200
    assert [o["kind"] for o in staff["outbox"]] == [
        o.kind for o in Outbox.objects.filter(request=request)
    ]
    assert staff["outbox"] and staff["outbox"][0]["state"] == "queued"
    customer = get(path, mail_desk.mere_token).json()
    assert "outbox" not in customer or customer["outbox"] == []
