"""The "due next" queue: unresolved requests, the nearest unmet due first.

The page is `accord.tickets.listing.list_page`: the requests ordered on their
stored `next_due` (a partial index), their stored targets brought forward to
the moment of the read (a running target whose due has passed reads as
breached), a constant number of queries whatever the page size or the number
of requests stored. Filters here only narrow the queryset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.http import QueryDict

from accord.errors import Invalid
from accord.sla.policy import shipped_policy_names
from accord.tickets import listing
from accord.tickets.models import QUEUE_STATUSES, Request
from accord.tickets.targets import policy_of
from accord.web.sla_view import TargetView, views_of

PAGE_SIZE = 100
# The queue counts its requests up to here and then says "more than".
COUNT_CAP = 10_000


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


def queue_queryset(
    filters: Filters, user: AbstractBaseUser | AnonymousUser, now: datetime
) -> QuerySet[Request]:
    """Unresolved, unmerged requests narrowed by the filters (ordered by `rows`)."""
    qs = listing.open_requests()
    if filters.policy:
        qs = qs.filter(policy=filters.policy)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.mine:
        qs = qs.filter(assignee_id=user.pk)
    if filters.breached:
        qs = listing.overdue(qs, now)
    return qs


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


def rows(
    qs: QuerySet[Request], now: datetime, viewer: ZoneInfo | None, cursor: str | None = None
) -> tuple[list[Row], str | None]:
    """One page of the queue, nearest due first, after `cursor`; and the next cursor."""
    page = listing.list_page(qs, now=now, ordering="due", cursor=cursor, limit=PAGE_SIZE)
    out = []
    for item in page.items:
        request = item.request
        policy = policy_of(request)
        label = policy.level(request.level).label if request.level in policy.level_ids else ""
        out.append(Row(request, label, views_of(request, item.targets, now, viewer)))
    return out, page.next
