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

from accord.accounts.models import Team
from accord.contracts.models import Organization
from accord.errors import Invalid
from accord.sla import load_policy
from accord.sla.policy import shipped_policy_names
from accord.tickets import listing
from accord.tickets.models import QUEUE_STATUSES, Request, SavedView, Scope
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
    at_risk: bool = False
    team: str = ""
    level: str = ""
    organization: int | None = None
    scope: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.policy
            or self.status
            or self.mine
            or self.breached
            or self.at_risk
            or self.team
            or self.level
            or self.organization
            or self.scope
        )


# The query parameters the queue reads (a saved view keeps only these).
FILTER_PARAMETERS = (
    "policy", "status", "mine", "breached", "at_risk", "team", "level", "organization", "scope",
)  # fmt: skip


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
    team = query.get("team", "").strip()
    if team and not Team.objects.filter(name=team).exists():
        raise Invalid("team", f"no team {team!r}")
    level = query.get("level", "").strip()
    if level and level not in level_choices():
        raise Invalid("level", f"unknown level {level!r}")
    org_text = query.get("organization", "").strip()
    organization = None
    if org_text:
        if not org_text.isdigit() or not Organization.objects.filter(pk=int(org_text)).exists():
            raise Invalid("organization", f"no organisation {org_text!r}")
        organization = int(org_text)
    scope = query.get("scope", "").strip()
    if scope and scope not in Scope.values:
        raise Invalid("scope", f"expected one of {', '.join(Scope.values)}")
    return Filters(
        policy=policy,
        status=status,
        mine=_flag(query.get("mine"), "mine"),
        breached=_flag(query.get("breached"), "breached"),
        at_risk=_flag(query.get("at_risk"), "at_risk"),
        team=team,
        level=level,
        organization=organization,
        scope=scope,
    )


def level_choices(policies: list[str] | None = None) -> dict[str, str]:
    """Every level of the policies in use: id -> "Label (policy)"."""
    out: dict[str, str] = {}
    for name in policy_choices() if policies is None else policies:
        policy = load_policy(name)
        for lid in policy.level_ids:
            out.setdefault(lid, f"{policy.level(lid).label} ({name})")
    return out


def policy_choices(used: set[str] | None = None) -> list[str]:
    """Policies in use by some organisation (`used`, when the caller read them), plus
    the shipped ones."""
    if used is None:
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
    if filters.at_risk:
        qs = listing.at_risk(qs, now)
    if filters.team:
        qs = qs.filter(team__name=filters.team)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.organization is not None:
        qs = qs.filter(organization_id=filters.organization)
    if filters.scope:
        qs = qs.filter(scope=filters.scope)
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


@dataclass(frozen=True)
class ViewCount:
    """A saved view in the sidebar: its name, where it leads and how many it holds."""

    id: int
    name: str
    shared: bool
    query: str
    count: int
    more: bool
    current: bool


def filter_query(query: QueryDict) -> str:
    """Only the filter parameters of a query string (what a saved view keeps)."""
    kept = QueryDict(mutable=True)
    for name in FILTER_PARAMETERS:
        value = query.get(name, "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


def view_counts(
    views: list[SavedView], user: AbstractBaseUser | AnonymousUser, now: datetime, current: str
) -> list[ViewCount]:
    """Each view's count (one capped count query per view). A view whose filters no
    longer parse (a team renamed, say) shows no count rather than failing the page."""
    out = []
    for view in views:
        try:
            filters = parse_filters(QueryDict(view.query))
        except Invalid:
            out.append(
                ViewCount(view.pk, view.name, view.team_id is not None, view.query, 0, False, False)
            )
            continue
        n = listing.count_upto(queue_queryset(filters, user, now), COUNT_CAP + 1)
        out.append(
            ViewCount(
                view.pk,
                view.name,
                view.team_id is not None,
                view.query,
                min(n, COUNT_CAP),
                n > COUNT_CAP,
                view.query == current,
            )
        )
    return out
