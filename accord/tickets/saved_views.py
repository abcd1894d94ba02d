"""Saved queue views: an agent's own, or shared with the agent's team.

A view is a name and the queue's filter query string. Who sees which: an
agent sees their own views and those of their team; anyone may save a view
for themselves or share it with their own team (a team's views are its
members' shared work, like Zendesk's group views); only its owner, or for a
team view a member of that team, deletes it. The caller (the web queue)
checks the query string with the queue's own parser before saving.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.accounts.actor import Actor
from accord.accounts.models import Agent
from accord.audit.services import record
from accord.errors import Forbidden, Invalid, NotFound
from accord.tickets.models import SavedView


def _team_id(actor: Actor) -> int | None:
    agent = Agent.objects.filter(user=actor.user).first()
    return agent.team_id if agent is not None else None


def visible(actor: Actor) -> QuerySet[SavedView]:
    if actor.user is None:
        return SavedView.objects.none()
    team = _team_id(actor)
    shared = Q(team_id=team) if team is not None else Q(pk__in=[])
    return SavedView.objects.filter(Q(owner=actor.user) | shared).select_related("team")


@transaction.atomic
def save_view(
    actor: Actor, *, name: str, query: str, share: bool = False, now: datetime | None = None
) -> SavedView:
    if actor.user is None:
        raise Forbidden("token", "views are for staff")
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise Invalid("name", "This field is required.")
    if len(name) > 80:
        raise Invalid("name", "at most 80 characters")
    if len(query) > 500:
        raise Invalid("query", "at most 500 characters")
    team = _team_id(actor) if share else None
    if share and team is None:
        raise Invalid("share", "you are in no team to share with")
    view = SavedView.objects.create(
        name=name,
        query=query,
        owner=None if share else actor.user,
        team_id=team,
        created=now,
    )
    record(actor, "view.save", view, now, name=name, query=query, team=team)
    return view


@transaction.atomic
def delete_view(actor: Actor, view_id: int, now: datetime | None = None) -> None:
    view = visible(actor).filter(pk=view_id).first()
    if view is None:
        raise NotFound("view", f"no view {view_id}")
    record(actor, "view.delete", view, now or timezone.now(), name=view.name)
    view.delete()
