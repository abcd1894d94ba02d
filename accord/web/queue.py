"""The "due next" queue: unresolved requests, the nearest unmet due first.

The ordering and the filters are database queries on the stored `SlaTarget`
rows (indexed on `(state, due)`); each row on the page is then evaluated by the
engine as of the read, so what an agent sees is never stale. A stored
`running` row whose due has passed is overdue and counts as breached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict

from accord.errors import Invalid
from accord.sla.policy import shipped_policy_names
from accord.tickets.models import Request, SlaTarget, Status, TargetState
from accord.tickets.targets import policy_of
from accord.web.sla_view import TargetView, target_views

# Still owed by the desk: not yet resolved or closed.
QUEUE_STATUSES = (Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED)
# Requests with nothing due (paused, or no targets) sort after every real instant.
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)
PAGE_SIZE = 100


@dataclass(frozen=True)
class Filters:
    policy: str = ""
    status: str = ""
    mine: bool = False
    breached: bool = False

    @property
    def active(self) -> bool:
        return bool(self.policy or self.status or self.mine or self.breached)


def _flag(value: str | None, field: str) -> bool:
    if value in (None, "", "0", "false", "off"):
        return False
    if value in ("1", "true", "on"):
        return True
    raise Invalid(field, "expected on or off")


def parse_filters(query: QueryDict) -> Filters:
    """Filters from the query string; raises Invalid naming the bad parameter."""
    policy = query.get("policy", "").strip()
    if policy and policy not in policy_choices():
        raise Invalid("policy", f"unknown policy {policy!r}")
    status = query.get("status", "").strip()
    if status and status not in QUEUE_STATUSES:
        raise Invalid("status", f"expected one of {', '.join(QUEUE_STATUSES)}")
    return Filters(
        policy=policy,
        status=status,
        mine=_flag(query.get("mine"), "mine"),
        breached=_flag(query.get("breached"), "breached"),
    )


def policy_choices() -> list[str]:
    """Policies in use by some organisation, plus the shipped ones."""
    from accord.contracts.models import Organization

    used = set(Organization.objects.values_list("policy", flat=True).distinct())
    return sorted(used | set(shipped_policy_names()))


def _overdue(now: datetime) -> Q:
    return Q(state=TargetState.BREACHED) | Q(state=TargetState.RUNNING, due__lt=now)


def queue_queryset(
    filters: Filters, user: AbstractBaseUser | AnonymousUser, now: datetime
) -> QuerySet[Request]:
    """Unresolved, unmerged requests annotated with `next_due`, nearest first."""
    qs = Request.objects.filter(status__in=QUEUE_STATUSES, merged_into__isnull=True)
    if filters.policy:
        qs = qs.filter(policy=filters.policy)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(assignee_id=user.pk)
    if filters.breached:
        qs = qs.filter(
            Exists(SlaTarget.objects.filter(_overdue(now), request=OuterRef("pk"), met_at=None))
        )
    unmet = Q(
        targets__met_at__isnull=True,
        targets__due__isnull=False,
        targets__state__in=[TargetState.RUNNING, TargetState.BREACHED],
    )
    return (
        qs.annotate(next_due=Coalesce(Min("targets__due", filter=unmet), NO_DUE))
        .select_related("organization", "contact", "assignee")
        .order_by("next_due", "number")
    )


@dataclass(frozen=True)
class Row:
    request: Request
    level_label: str
    targets: list[TargetView]

    @property
    def breached(self) -> bool:
        return any(t.state == "breached" and t.met_at is None for t in self.targets)

    @property
    def at_risk(self) -> bool:
        return any(t.at_risk for t in self.targets)

    @property
    def css(self) -> str:
        return "breached" if self.breached else ("at-risk" if self.at_risk else "")


def rows(qs: QuerySet[Request], now: datetime, viewer: ZoneInfo | None) -> list[Row]:
    """The first page of the queue, each request evaluated by the engine as of `now`."""
    out = []
    for request in qs[:PAGE_SIZE]:
        policy = policy_of(request)
        label = policy.level(request.level).label if request.level in policy.level_ids else ""
        out.append(Row(request, label, target_views(request, now, viewer)))
    return out
