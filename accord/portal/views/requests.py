"""The contact's requests: the list, one request, replies, solved/reopen, attachments, feed."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accord.errors import DeskError
from accord.intake.views import download
from accord.portal import feed as ical
from accord.portal.access import actor_of, administers, find_visible, portal_required, visible
from accord.portal.models import PortalAccount
from accord.portal.submit import check_files, store_files
from accord.portal.views.common import base_url, page
from accord.portal.words import STATUS_WORDS, explain_for_customer, next_due
from accord.sla import load_policy
from accord.tickets import actions
from accord.tickets.models import Attachment, Message, SlaTarget, Status

CLOSED = (Status.RESOLVED, Status.CLOSED)
PAGE_SIZE = 25


@require_GET
@portal_required
def request_list(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    show = request.GET.get("show", "open")
    if show not in ("open", "closed", "all"):
        show = "open"
    query = request.GET.get("q", "").strip()[:100]
    qs = visible(account.contact).select_related("contact")
    if show == "open":
        qs = qs.exclude(status__in=CLOSED)
    elif show == "closed":
        qs = qs.filter(status__in=CLOSED)
    if query:
        digits = query.upper().removeprefix("SR-")
        match = Q(subject__icontains=query)
        if digits.isdigit():
            match |= Q(number=int(digits))
        qs = qs.filter(match)
    qs = qs.prefetch_related(Prefetch("targets", queryset=SlaTarget.objects.order_by("kind")))
    now = timezone.now()
    rows = []
    try:
        page_no = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page_no = 1
    start = (page_no - 1) * PAGE_SIZE
    found = list(qs.order_by("-received", "-number")[start : start + PAGE_SIZE + 1])
    for req in found[:PAGE_SIZE]:
        policy = load_policy(req.policy)
        rows.append(
            {
                "req": req,
                "level": policy.level(req.level).label
                if req.level in policy.level_ids
                else req.level,
                "status": STATUS_WORDS.get(req.status, req.status),
                "due": next_due(req, list(req.targets.all()), now),
            }
        )
    context = {
        "rows": rows,
        "show": show,
        "q": query,
        "all_of_org": administers(account.contact),
        "page_no": page_no,
        "more": len(found) > PAGE_SIZE,
    }
    return page(request, "list.html", context)


def _detail_context(account: PortalAccount, number: str) -> dict[str, object]:
    req = find_visible(account.contact, number)
    now = timezone.now()
    policy = load_policy(req.policy)
    messages = list(
        Message.objects.filter(request=req, public=True)
        .select_related("author_contact", "author_user")
        .prefetch_related("attachments")
        .order_by("at", "direction", "id")  # at one instant, the customer's words first
    )
    for m in messages:
        m.local_at = m.at.astimezone(policy.zone).strftime("%a %d %b %Y %H:%M %Z")  # type: ignore[attr-defined]
    level = policy.level(req.level) if req.level in policy.level_ids else None
    return {
        "req": req,
        "level": level,
        "status": STATUS_WORDS.get(req.status, req.status),
        "explained": explain_for_customer(req, now),
        "messages": messages,
        "received": req.received.astimezone(policy.zone).strftime("%a %d %b %Y %H:%M %Z"),
        "can_solve": req.status in actions.CUSTOMER_MOVES[Status.RESOLVED],
        "can_reopen": req.status in actions.CUSTOMER_MOVES[Status.OPEN],
        "can_reply": req.status != Status.CLOSED,
    }


@require_GET
@portal_required
def request_page(request: HttpRequest, number: str) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    context = _detail_context(account, number)
    if request.GET.get("new"):
        context["notice"] = (
            "Thank you: your request is logged. We have mailed you an acknowledgement."
        )
    return page(request, "request.html", context)


@require_POST
@portal_required
def reply(request: HttpRequest, number: str) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    req = find_visible(account.contact, number)
    files = request.FILES.getlist("attachments")
    body = request.POST.get("body", "")
    try:
        with transaction.atomic():
            check_files(files)
            actions.post_message(actor_of(account), req.number, body=body, channel="portal")
            message = Message.objects.filter(request=req, author_contact=account.contact).latest(
                "id"
            )
            store_files(message, files)
    except DeskError as exc:
        context = _detail_context(account, number)
        context.update({"error": exc, "body": body})
        return page(request, "request.html", context, status=exc.status)
    return HttpResponseRedirect(reverse("portal:request", args=[req.display_number]) + "#latest")


@require_POST
@portal_required
def set_status(request: HttpRequest, number: str) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    req = find_visible(account.contact, number)
    try:
        actions.customer_status(actor_of(account), req.number, to=request.POST.get("to", ""))
    except DeskError as exc:
        context = _detail_context(account, number)
        context["status_error"] = exc
        return page(request, "request.html", context, status=exc.status)
    return HttpResponseRedirect(reverse("portal:request", args=[req.display_number]))


@require_GET
@portal_required
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A file of a public message on a request this contact may see; else 404."""
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    found = get_object_or_404(
        Attachment.objects.select_related("message"),
        pk=pk,
        message__public=True,
        message__request__in=visible(account.contact),
    )
    return download(found)


@require_GET
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """The private iCalendar feed; the key is the credential (no session needed)."""
    account = (
        PortalAccount.objects.select_related("contact__organization")
        .filter(feed_key=key, user__is_active=True)
        .first()
    )
    if account is None or not key:
        raise Http404("no such feed")
    body = ical.feed(account, timezone.now(), base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
@portal_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    url = base_url(request) + reverse("portal:feed", args=[account.feed_key])
    return page(request, "calendar.html", {"feed_url": url})
