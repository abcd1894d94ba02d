"""Macros: the list and form (`/macros/`), and applying one from the request page.

On the request page, choosing a macro fetches its text filled in for that
request (`macro_preview`, swapped into the reply box by htmx); the agent may
edit it, and "Apply macro" sends it and runs the macro's actions in one
transaction (`accord.tickets.macros.apply_macro`). A refusal comes back in the
panel with the message naming the field, and nothing is stored.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.errors import DeskError, NotFound
from accord.sla import load_policy
from accord.sla.policy import shipped_policy_names
from accord.tickets import macros
from accord.tickets.models import Status
from accord.web import macros as fill
from accord.web.access import actor_for, staff_required
from accord.web.views.common import is_htmx, page_context
from accord.web.views.detail import _find, panel_context


class MacroForm(forms.Form):
    name = forms.CharField(max_length=100)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    shared = forms.BooleanField(required=False, label="Shared with every agent")
    set_status = forms.ChoiceField(required=False, label="Set status")
    set_level = forms.ChoiceField(required=False, label="Set level")
    set_assignee = forms.CharField(required=False, label="Assign to (username)")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        status = self.fields["set_status"]
        level = self.fields["set_level"]
        assert isinstance(status, forms.ChoiceField) and isinstance(level, forms.ChoiceField)
        status.choices = [("", "(leave as it is)")] + list(Status.choices)
        levels: list[tuple[str, str]] = [("", "(leave as it is)")]
        for name in shipped_policy_names():
            policy = load_policy(name)
            levels += [(lid, f"{policy.level(lid).label} ({name})") for lid in policy.level_ids]
        level.choices = levels


def _list(
    request: HttpRequest, form: MacroForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    actor = actor_for(request)
    ctx = {
        "error": error,
        "macros": macros.usable(actor),
        "form": form or MacroForm(),
        "placeholders": macros.PLACEHOLDERS,
        "can_share": macros.is_manager(actor),
    }
    return render(request, "web/macros.html", page_context(request, **ctx), status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def macro_list(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request)
    form = MacroForm(request.POST)
    if not form.is_valid():
        return _list(request, form, 422)
    try:
        macros.create_macro(actor_for(request), **form.cleaned_data)
    except DeskError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _list(request, form, exc.status)
    return redirect("web:macros")


@require_POST
@staff_required
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    try:
        macros.delete_macro(actor_for(request), macro_id)
    except NotFound:
        raise Http404("no such macro") from None
    except DeskError as exc:
        return _list(request, status=exc.status, error=f"{exc.field}: {exc.message}")
    return redirect("web:macros")


@require_GET
@staff_required
def macro_preview(request: HttpRequest, number: str) -> HttpResponse:
    """The chosen macro's text filled in for this request (the reply box's content)."""
    req = _find(request, number)
    actor = actor_for(request)
    chosen = request.GET.get("macro", "")
    body, found = "", None
    if chosen.isdigit():
        try:
            found = macros.find(actor, int(chosen))
        except NotFound:
            found = None
    if found is not None:
        values = fill.values(req, request.user.get_username(), timezone.now())
        body = macros.fill(found.body, values)
    ctx = {"req": req, "body": body, "chosen": found}
    return render(request, "web/partials/macro_body.html", ctx)


@require_POST
@staff_required
def macro_apply(request: HttpRequest, number: str) -> HttpResponse:
    req = _find(request, number)
    chosen = request.POST.get("macro", "")
    body = request.POST.get("body", "")
    refusal, status = "", 200
    try:
        if not chosen.isdigit():
            raise DeskError("macro", "choose a macro")
        macros.apply_macro(actor_for(request), req.number, macro=int(chosen), body=body)
    except DeskError as exc:
        refusal, status = f"{exc.field}: {exc.message}", (422 if exc.status == 400 else exc.status)
    else:
        if not is_htmx(request):
            return redirect("web:request", number=req.display_number)
        req = _find(request, number)
    ctx = panel_context(
        request,
        req,
        timezone.now(),
        active="macro",
        done="Macro" if not refusal else "",
        refusal=refusal,
    )
    ctx["macro_body"], ctx["macro_chosen"] = (body, chosen) if refusal else ("", "")
    template = "web/partials/request_panel.html" if is_htmx(request) else "web/request.html"
    return render(request, template, page_context(request, **ctx), status=status)
