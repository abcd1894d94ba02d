"""The only way to download an attachment: permission-checked, never rendered inline.

`GET /api/v1/attachments/<id>` with a bearer token (as the API) or a staff
session (the web UI). The actor must be able to see the request; customers
only attachments of public messages of their organisation. The response is
always `Content-Disposition: attachment` with `X-Content-Type-Options:
nosniff`, and types a browser could execute (HTML, SVG, XML, JavaScript...)
are served as application/octet-stream.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import FileResponse, HttpRequest, HttpResponseBase, JsonResponse

from accord.accounts.actor import Actor, staff
from accord.accounts.services import authenticate
from accord.errors import NotFound
from accord.storage import StorageUnavailable, check
from accord.tickets.models import Attachment
from accord.tickets.queries import find_request

SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/gzip",
        "application/octet-stream",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "image/tiff",
        "text/plain",
        "text/csv",
        "message/rfc822",
        "audio/mpeg",
        "audio/wav",
        "video/mp4",
    }
)


def safe_type(content_type: str) -> str:
    """The type to send: the stored one when harmless, else application/octet-stream."""
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in SAFE_TYPES else "application/octet-stream"


def _actor(request: HttpRequest) -> Actor | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return authenticate(header[7:].strip())
    user = request.user
    if user.is_authenticated and user.is_active and hasattr(user, "agent"):
        return staff(user)  # type: ignore[arg-type]
    return None


def _error(status: int, detail: str, field: str | None = None) -> JsonResponse:
    """Errors in the API's shape, for browsers and API clients alike."""
    return JsonResponse({"detail": detail, "field": field}, status=status)


def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = _actor(request)
    if actor is None:
        return _error(401, "authentication required", "token")
    found = Attachment.objects.select_related("message__request").filter(pk=pk).first()
    if found is None or (actor.is_customer and not found.message.public):
        return _error(404, "no such attachment", "id")
    try:
        find_request(actor, found.message.request.number)
    except NotFound:
        return _error(404, "no such attachment", "id")
    return download(found)


def download(found: Attachment) -> HttpResponseBase:
    """The file as a download that no browser renders (also the portal's attachment view).

    Never announces one length and sends another: a damaged file is refused (503).
    """
    name = found.file.name or ""
    try:
        problem = check(name, name.rsplit("/", 1)[-1], found.size)
        handle = found.file.open("rb") if problem is None else None
    except (StorageUnavailable, OSError) as exc:
        return _error(503, f"the file store is unavailable, try again later ({exc})")
    if handle is None:
        return _error(
            503,
            f"the stored file is damaged ({problem}); an administrator can repair it "
            "with `accord files verify --repair`",
        )
    response = FileResponse(handle, content_type=safe_type(found.content_type))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Length"] = str(found.size)
    return response
