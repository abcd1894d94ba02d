"""The on-call page: who is on call, the rota, pages and their acknowledgement.

Every staff user sees the rota and the pages and may acknowledge a page;
managers and administrators add shifts, weekly rotations and remove shifts.
Each POST parses its form and calls one service (accord.notify.oncall,
accord.notify.paging); a refusal comes back next to the field it names, with
nothing stored. The acknowledgement link mailed with a page needs no login: its
signed token names the page and the person it was sent to; GET only shows the
page (mail scanners open links), the button POSTs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.accounts.actor import SYSTEM, staff
from accord.accounts.models import Team
from accord.errors import DeskError
from accord.notify import oncall, paging
from accord.notify.models import Page
from accord.sla.policy import shipped_policy_names
from accord.web.access import actor_for, is_manager, staff_required
from accord.web.views.common import page_context

DAYS_SHOWN = 14
EXAMPLE = "2026-11-30 09:00"


def _choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(p, p) for p in shipped_policy_names()]


class ShiftForm(forms.Form):
    user = forms.ChoiceField(choices=[])
    starts = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"placeholder": EXAMPLE}))
    ends = forms.CharField(max_length=40, widget=forms.TextInput(attrs={"placeholder": EXAMPLE}))
    policy = forms.ChoiceField(choices=[], required=False)
    team = forms.ChoiceField(choices=[], required=False)
    override = forms.BooleanField(required=False, label="Override (wins over the rotation)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff_names = (
            get_user_model()
            .objects.filter(agent__isnull=False, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
        self.fields["user"].choices = [(n, n) for n in staff_names]  # type: ignore[attr-defined]
        self.fields["policy"].choices = _choices("every policy")  # type: ignore[attr-defined]
        teams = Team.objects.order_by("name").values_list("name", flat=True)
        self.fields["team"].choices = [("", "every team")] + [(t, t) for t in teams]  # type: ignore[attr-defined]


class RotationForm(forms.Form):
    name = forms.CharField(max_length=100)
    members = forms.CharField(
        max_length=1000,
        label="Members, in turn",
        widget=forms.TextInput(attrs={"placeholder": "ana, ben, cy"}),
    )
    starts = forms.CharField(
        max_length=40,
        label="First handover",
        widget=forms.TextInput(attrs={"placeholder": EXAMPLE}),
    )
    weeks = forms.IntegerField(min_value=1, max_value=oncall.MAX_WEEKS, initial=4)
    policy = forms.ChoiceField(choices=[], required=False)
    team = forms.ChoiceField(choices=[], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["policy"].choices = _choices("every policy")  # type: ignore[attr-defined]
        teams = Team.objects.order_by("name").values_list("name", flat=True)
        self.fields["team"].choices = [("", "every team")] + [(t, t) for t in teams]  # type: ignore[attr-defined]


def _local(t: datetime, policy: str, fmt: str = "%a %d %b %H:%M %Z") -> str:
    return t.astimezone(oncall.zone_of(policy)).strftime(fmt)


def _shift_rows(now: datetime) -> list[dict[str, Any]]:
    rows = []
    for s in oncall.shifts_between(now, now + timedelta(days=DAYS_SHOWN)):
        rows.append(
            {
                "shift": s,
                "starts": _local(s.starts, s.policy),
                "ends": _local(s.ends, s.policy),
                "now": s.starts <= now < s.ends,
            }
        )
    return rows


def _now_on_call(now: datetime) -> list[dict[str, Any]]:
    """Who is on call now for each policy (every team), and for each team."""
    found = []
    for policy in shipped_policy_names():
        for team in [None, *Team.objects.order_by("name")]:
            shift = oncall.on_call(now, policy, team.pk if team else None)
            if team is not None and (shift is None or shift.team_id != team.pk):
                continue  # a team line only where the team has its own shift
            until = _local(shift.ends, policy) if shift is not None else ""
            found.append({"policy": policy, "team": team, "shift": shift, "until": until})
    return found


def page_rows(pages: Any) -> list[dict[str, Any]]:
    """Pages with their steps, instants in the request's policy zone."""
    rows = []
    for page in pages:
        policy = page.request.policy
        steps = [{"step": s, "at": _local(s.at, policy, "%H:%M %Z")} for s in page.steps.all()]
        rows.append(
            {
                "page": page,
                "steps": steps,
                "last": steps[-1]["step"] if steps else None,
                "opened": _local(page.opened, policy),
                "next_at": _local(page.next_at, policy, "%H:%M %Z") if page.next_at else "",
            }
        )
    return rows


def _page(request: HttpRequest, status: int = 200, **forms_: Any) -> HttpResponse:
    now = timezone.now()
    manager = is_manager(page_context(request)["agent"])
    pages = Page.objects.select_related("request", "request__organization").prefetch_related(
        "steps"
    )
    ctx = {
        "now_on_call": _now_on_call(now),
        "shifts": _shift_rows(now),
        "open_pages": page_rows(pages.filter(acknowledged__isnull=True, ended="")),
        "recent_pages": page_rows(pages[:20]),
        "can_manage": manager,
        "shift_form": forms_.get("shift_form") or ShiftForm(),
        "rotation_form": forms_.get("rotation_form") or RotationForm(),
        "error": forms_.get("error"),
        "delay": paging.delay().seconds // 60,
        "utc_now": now.astimezone(UTC).strftime("%a %d %b %H:%M UTC"),
    }
    return render(request, "web/oncall.html", page_context(request, **ctx), status=status)


@staff_required
def oncall_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _unplaced(form: forms.Form, exc: DeskError) -> DeskError | None:
    """The error to show above the page when no field of the form can hold it."""
    return None if exc.field in form.fields else exc


def _refused(form: forms.Form, exc: DeskError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, f"{exc.field}: {exc.message}")


@require_POST
@staff_required
def add_shift(request: HttpRequest) -> HttpResponse:
    form = ShiftForm(request.POST)
    if not form.is_valid():
        return _page(request, 422, shift_form=form)
    try:
        oncall.add_shift(actor_for(request), **form.cleaned_data)
    except DeskError as exc:
        _refused(form, exc)
        return _page(request, exc.status, shift_form=form, error=_unplaced(form, exc))
    return redirect("web:oncall")


@require_POST
@staff_required
def add_rotation(request: HttpRequest) -> HttpResponse:
    form = RotationForm(request.POST)
    if not form.is_valid():
        return _page(request, 422, rotation_form=form)
    data = form.cleaned_data
    try:
        oncall.rotate(
            actor_for(request), name=data["name"], members=data["members"].split(","),
            starts=data["starts"], weeks=data["weeks"], policy=data["policy"], team=data["team"],
        )  # fmt: skip
    except DeskError as exc:
        _refused(form, exc)
        return _page(request, exc.status, rotation_form=form, error=_unplaced(form, exc))
    return redirect("web:oncall")


@require_POST
@staff_required
def remove_shift(request: HttpRequest, shift_id: int) -> HttpResponse:
    try:
        oncall.remove_shift(actor_for(request), shift_id)
    except DeskError as exc:
        return _page(request, exc.status, error=exc)
    return redirect("web:oncall")


@require_POST
@staff_required
def acknowledge(request: HttpRequest, page_id: int) -> HttpResponse:
    try:
        page = paging.acknowledge(actor_for(request), page_id, via="desk")
    except DeskError as exc:
        return _page(request, exc.status, error=exc)
    back = request.POST.get("next", "")
    if back == "request":
        return redirect("web:request", number=page.request.display_number)
    return redirect("web:oncall")


def ack_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in a page's mail: GET shows the page, the button (POST) acknowledges it."""
    try:
        page, user = paging.read_token(token)
    except DeskError as exc:
        ctx: dict[str, Any] = {"error": exc}
        return render(request, "web/page_ack.html", page_context(request, **ctx), status=exc.status)
    done = False
    if request.method == "POST":
        actor = staff(user) if user is not None else SYSTEM
        page = paging.acknowledge(actor, page.pk, via="mail link" if user else "webhook link")
        done = True
    ctx = {
        "page": page,
        "row": page_rows([page])[0],
        "acknowledged": _local(page.acknowledged, page.request.policy) if page.acknowledged else "",
        "done": done,
        "paged_user": user,
        "due": paging.target_context(page, page.request)["due_local"],
    }
    return render(request, "web/page_ack.html", page_context(request, **ctx))


def request_alerts(req: Any, zone: Any, viewer: Any) -> dict[str, Any]:
    """The request page's SLA transitions (oldest first) and its pages with their steps."""
    from accord.tickets.models import SlaTransition
    from accord.web.zones import show

    rows = SlaTransition.objects.filter(request=req).order_by("at", "id")
    return {
        "transitions": [
            {"t": t, "at": show(t.at, zone, viewer), "due": show(t.due, zone, viewer)} for t in rows
        ],
        "pages": page_rows(Page.objects.filter(request=req).prefetch_related("steps")),
    }
