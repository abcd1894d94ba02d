"""Administration › Policies: the policies in force and their declared holidays.

A newly declared holiday is a calendar correction (semantics 5): the form calls
the same services as `accord policy holiday add|remove` (accord.tickets.holidays),
which write the date into the policy file, recompute the open requests and
audit it. "Preview" lists every deadline the day would move and changes nothing,
as `accord policy holiday add` without `--apply` does. The web process must be
able to write the file; when it cannot, the refusal names the file and nothing
changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from accord.errors import DeskError
from accord.sla import PolicyError, load_policy
from accord.sla.policy import POLICY_DIR, resolve_policy_path, shipped_policy_names
from accord.tickets.holidays import (
    DeclaredHoliday,
    add_holiday,
    declared_holidays,
    preview_holiday,
    remove_holiday,
)
from accord.web.access import actor_for, admin_required
from accord.web.contract_forms import DATE, put_error
from accord.web.views.common import page_context


class HolidayForm(forms.Form):
    policy = forms.ChoiceField(choices=[])
    date = forms.DateField(widget=DATE)
    reason = forms.CharField(max_length=200, help_text="kept in the file and the audit trail")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["policy"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(p, p) for p in shipped_policy_names()]


@dataclass(frozen=True)
class PolicyRow:
    name: str
    version: str
    effective: date | None
    file: str
    own: bool  # from ACCORD_POLICY_DIR rather than shipped
    declared: list[DeclaredHoliday]  # the file's own holiday dates
    problem: str = ""


def _rows() -> list[PolicyRow]:
    rows = []
    for name in shipped_policy_names():
        path = resolve_policy_path(name)
        own = path.parent.resolve() != POLICY_DIR.resolve()
        try:
            policy = load_policy(name)
        except PolicyError as exc:
            rows.append(PolicyRow(name, "?", None, str(path), own, [], "; ".join(exc.problems)))
            continue
        declared = declared_holidays(name)
        rows.append(
            PolicyRow(name, policy.version, policy.spec.policy.effective, str(path), own, declared)
        )
    return rows


def _page(request: HttpRequest, form: HolidayForm, status: int = 200, **ctx: Any) -> HttpResponse:
    rows = _rows()
    context = page_context(
        request,
        section="web/manage/policies.html",
        rows=rows,
        any_declared=any(r.declared for r in rows),
        form=form,
        **ctx,
    )
    return render(request, "web/manage/policies.html", context, status=status)


class TakeBackForm(forms.Form):
    policy = forms.CharField()
    date = forms.DateField()
    reason = forms.CharField(max_length=200)


@admin_required
def policies(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, HolidayForm())
    if request.POST.get("action") == "remove":
        return _take_back(request)
    form = HolidayForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    now = timezone.now()
    try:
        if request.POST.get("action") == "preview":
            moves = preview_holiday(data["policy"], data["date"], reason=data["reason"], now=now)
            return _page(request, form, moves=moves, previewed=True)
        count = add_holiday(
            actor_for(request), data["policy"], data["date"], reason=data["reason"], now=now
        )
    except DeskError as exc:
        put_error(form, exc.field, exc.message)
        return _page(request, form, status=exc.status)
    done = (
        f"{data['date']} is now a holiday of {data['policy']}; {count} open request(s) recomputed"
    )
    return _page(request, HolidayForm(), done=done)


def _take_back(request: HttpRequest) -> HttpResponse:
    form = TakeBackForm(request.POST)
    if not form.is_valid():
        fields = ", ".join(form.errors)
        return _page(request, HolidayForm(), status=422, problem=f"{fields}: required")
    data = form.cleaned_data
    try:
        count = remove_holiday(
            actor_for(request), data["policy"], data["date"], reason=data["reason"],
            now=timezone.now(),
        )  # fmt: skip
    except DeskError as exc:
        return _page(request, HolidayForm(), status=exc.status, problem=str(exc))
    done = (
        f"{data['date']} is no longer a holiday of {data['policy']}; "
        f"{count} open request(s) recomputed"
    )
    return _page(request, HolidayForm(), done=done)
