"""The click-through for remote images in one message (accord/web/mail_images.py).

GET warns and shows where the images would be loaded from; only a POST (a
click, never a link prefetch) renders the message with them, under a
Content-Security-Policy that allows http(s) images for that one response and
`Referrer-Policy: no-referrer`. Every other page keeps the strict policy.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from accord.errors import NotFound
from accord.tickets.models import Message
from accord.tickets.queries import find_request
from accord.web.access import actor_for, staff_required
from accord.web.present import body_html
from accord.web.views.common import page_context


@require_http_methods(["GET", "POST"])
@staff_required
def message_images(request: HttpRequest, number: str, message_id: int) -> HttpResponse:
    try:
        req = find_request(actor_for(request), number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    message = Message.objects.filter(pk=message_id, request=req).first()
    if message is None:
        raise Http404("no such message on this request")
    shown = request.method == "POST"
    body = body_html(message, remote=shown)
    hosts = sorted({urlsplit(src.strip()).hostname or "?" for src in body.remote})
    ctx = {"req": req, "message": message, "body": body.html, "hosts": hosts, "shown": shown}
    response = render(request, "web/message_images.html", page_context(request, **ctx))
    if shown:
        response._csp_update = {"img-src": ["https:", "http:"]}  # type: ignore[attr-defined]
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
    return response
