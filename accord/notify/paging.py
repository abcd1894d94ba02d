"""After-hours paging and its escalation ladder (issue 8 section 3, docs/alerts.md).

When: a request whose notice is after hours and whose level has an after-hours
target (capsure sev1, sev2) is paged at once: when its `opened` event (or a
`level` event raising it to such a level) is claimed, once, by the on-commit
receiver or else the worker's sweep (accord.notify.alerts), the `Page` is opened
in that transaction; the unique (request, target) forbids a second one.

The ladder, one rung every ACCORD_PAGE_ACK_MINUTES (15) while unacknowledged:
1. the person on call for the request's policy and team (accord.notify.oncall);
2. the next in the rota (a backup shift, else the next shift's person);
3. the managers; the ladder ends there.
With nobody on call, the first rung pages the managers (noted on the step).
A rung whose request has been answered meanwhile (first response no longer
running, or resolved/closed) ends the ladder instead ("answered").

Each rung mails the people paged (whatever alert choices they made: a page
must reach someone) and posts to every webhook subscribed to `page`. Every
rung and the acknowledgement is one `PageStep` row; mail and deliveries have
unique keys (`page:<page>:<n>:<user>`, `wh:<hook>:p<page>:<n>`), so a rung is
sent once even with several workers: the worker claims due pages through
accord.worker.claim and each rung is taken by a conditional update on `rung`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.errors import Invalid, NotFound
from accord.notify import oncall, rules, webhooks
from accord.notify.models import Page, PageStep
from accord.sla import load_policy
from accord.sla.jsonio import iso
from accord.tickets.models import Request, SlaTarget, Status

SALT = "accord.page-ack"
LINK_AGE = 7 * 24 * 3600  # seconds an acknowledgement link stays valid
Kind = PageStep.Kind


def delay() -> timedelta:
    return timedelta(minutes=settings.ACCORD_ALERTS.page_ack_minutes)


def after_hours_target(request: Request) -> str | None:
    """The clause of the request's after-hours first-response target, when its notice is
    after hours and its level has one (capsure sev1, sev2); else None."""
    policy = load_policy(request.policy)
    if policy.in_hours(request.notice):
        return None
    target = policy.target(request.level, "first_response", in_hours=False)
    return target.clause if target is not None and target.when == "after_hours" else None


def page_if_after_hours(request: Request, now: datetime) -> Page | None:
    """Open the request's page and take its first rung, when it needs one and has none
    (inside the caller's transaction: the claim of its opened or level event)."""
    clause = after_hours_target(request)
    if clause is None or _answered(request, "first_response"):
        return None
    if Page.objects.filter(request=request, target="first_response").exists():
        return None
    page = Page.objects.create(
        request=request, target="first_response", clause=clause, opened=now, next_at=now
    )
    climb(page, now)
    return page


def _answered(request: Request, target: str) -> bool:
    if request.status in (Status.RESOLVED, Status.CLOSED) or request.merged_into_id is not None:
        return True
    # Breached but unanswered still pages: the promise is broken, the customer still waits.
    waiting = SlaTarget.objects.filter(
        request=request, kind=target, met_at__isnull=True, state__in=("running", "breached")
    )
    return not waiting.exists()


def _paged(page: Page) -> list[str]:
    names: list[str] = []
    for step in page.steps.all():
        if step.kind in (Kind.ONCALL, Kind.NEXT, Kind.MANAGERS):
            names += step.users
    return names


def _rung(page: Page, request: Request, now: datetime) -> tuple[str, list[User], str]:
    """(kind, users, note) of the page's next rung."""
    if page.rung == 0:
        shift = oncall.on_call(now, request.policy, request.team_id)
        if shift is not None:
            return Kind.ONCALL, [shift.user], f"shift {shift.pk}"
        return Kind.MANAGERS, rules.managers(), "nobody on call: the managers are paged"
    if page.rung == 1 and page.steps.filter(kind=Kind.ONCALL).exists():
        shift = oncall.next_in_rota(now, request.policy, request.team_id, _paged(page))
        if shift is not None:
            return Kind.NEXT, [shift.user], f"shift {shift.pk}"
    return Kind.MANAGERS, rules.managers(), ""


def climb(page: Page, now: datetime) -> PageStep | None:
    """Take the page's next rung (or end it), once; inside the caller's transaction."""
    taken = Page.objects.filter(
        pk=page.pk, rung=page.rung, acknowledged__isnull=True, next_at__isnull=False
    ).update(rung=page.rung + 1, lease_until=None)
    if taken != 1:
        return None  # another worker took this rung, or it was acknowledged
    request = Request.objects.select_related("organization", "team").get(pk=page.request_id)
    n = page.steps.count() + 1
    if _answered(request, page.target):
        Page.objects.filter(pk=page.pk).update(next_at=None, ended="answered")
        return PageStep.objects.create(page=page, n=n, kind=Kind.ANSWERED, at=now)
    kind, users, note = _rung(page, request, now)
    last = kind == Kind.MANAGERS
    Page.objects.filter(pk=page.pk).update(
        next_at=None if last else now + delay(), ended="ladder ended" if last else ""
    )
    step = PageStep.objects.create(
        page=page, n=n, kind=kind, at=now, users=[u.username for u in users], note=note
    )
    _send(page, step, request, users, now)
    return step


def _send(page: Page, step: PageStep, request: Request, users: list[User], now: datetime) -> None:
    from accord.notify.alerts import mail, payload

    context = {
        "page": page,
        "step": step,
        "what": f"{_level_label(request)} after hours",
        "delay": settings.ACCORD_ALERTS.page_ack_minutes,
        **target_context(page, request),
    }
    for user in users:
        if user.is_active and user.email:
            context["ack_url"] = ack_url(page, user)
            mail(user, f"page:{page.pk}:{step.n}:{user.pk}", "page", request, context, now, "page")
    hooks = webhooks.subscribers("page")
    if hooks:
        body = payload("page", request, now, None)
        body["target"] = context["target"]
        body["page"] = {
            "id": page.pk,
            "step": step.n,
            "kind": step.kind,
            "paged": step.users,
            "note": step.note,
            "ack_url": ack_url(page, None),
        }
        for hook in hooks:
            webhooks.queue(hook, f"wh:{hook.pk}:p{page.pk}:{step.n}", "page", body, now, request.pk)


def _level_label(request: Request) -> str:
    try:
        return load_policy(request.policy).level(request.level).label
    except KeyError:
        return request.level


def target_context(page: Page, request: Request) -> dict[str, Any]:
    zone = load_policy(request.policy).zone
    row = SlaTarget.objects.filter(request=request, kind=page.target).first()
    due = row.due if row is not None else None
    return {
        "target": {
            "kind": page.target,
            "due": iso(due, zone),
            "state": row.state if row is not None else "",
            "clause": page.clause,
        },
        "due_local": due.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z") if due else "",
    }


def ack_url(page: Page, user: User | None) -> str:
    token = signing.dumps({"p": page.pk, "u": user.pk if user is not None else 0}, salt=SALT)
    return settings.ACCORD_ALERTS.base_url + reverse("web:page-ack", args=[token])


def read_token(token: str) -> tuple[Page, User | None]:
    """The page and the person an acknowledgement link was sent to (None: a webhook's)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_AGE)
    except signing.SignatureExpired:
        raise Invalid("token", "this acknowledgement link has expired") from None
    except signing.BadSignature:
        raise Invalid("token", "not a valid acknowledgement link") from None
    page = Page.objects.select_related("request").filter(pk=data.get("p")).first()
    if page is None:
        raise NotFound("page", "no such page")
    user = get_user_model().objects.filter(pk=data.get("u") or 0).first()
    return page, user


@transaction.atomic
def acknowledge(actor: Actor, page_id: int, *, via: str, now: datetime | None = None) -> Page:
    """Stop the page's ladder, once; a second acknowledgement changes nothing."""
    now = now or timezone.now()
    if actor.is_customer:  # staff, or the system for a webhook's link
        raise NotFound("page", f"no page {page_id}")
    by = actor.user.get_username() if actor.user is not None else via
    done = Page.objects.filter(pk=page_id, acknowledged__isnull=True).update(
        acknowledged=now, acknowledged_by=by, next_at=None, ended="acknowledged"
    )
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        raise NotFound("page", f"no page {page_id}")
    if done:
        PageStep.objects.create(
            page=page, n=page.steps.count() + 1, kind=Kind.ACKNOWLEDGED, at=now,
            users=[by], note=f"via {via}",
        )  # fmt: skip
        record(actor, "page.acknowledge", page, now, via=via, request=page.request_id)
    return page


def take_rung(page_id: int, now: datetime) -> PageStep | None:
    """The next rung of a page the worker claimed (accord.worker.tasks.escalate)."""
    with transaction.atomic():
        page = Page.objects.filter(pk=page_id, next_at__lte=now).first()
        if page is None:
            return None
        return climb(page, now)


def summary(start: datetime, end: datetime) -> dict[str, Any]:
    """Pages opened in [start, end): how many, acknowledged, how fast, and how many found
    nobody on call (their first rung paged the managers): for the managers' report."""
    pages = list(Page.objects.filter(opened__gte=start, opened__lt=end).prefetch_related("steps"))
    waits = sorted(
        int((p.acknowledged - p.opened).total_seconds() // 60) for p in pages if p.acknowledged
    )
    first = [next(iter(p.steps.all()), None) for p in pages]
    return {
        "opened": len(pages),
        "acknowledged": len(waits),
        "median_minutes": waits[len(waits) // 2] if waits else None,
        "nobody_on_call": sum(1 for s in first if s is not None and s.kind == Kind.MANAGERS),
        "answered_unacknowledged": sum(1 for p in pages if p.ended == "answered"),
    }
