"""Administration › API tokens: who holds one, when it was last used; issue and revoke.

The same services as `accord token create|list|revoke` (audited, the tokens
permission). A new token's secret is shown once, on the page that answers its
creation: only its hash is stored, so no page can show it again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.accounts import services as accounts
from accord.errors import DeskError
from accord.web.access import actor_for, admin_required
from accord.web.contract_forms import put_error
from accord.web.views.common import page_context


class TokenForm(forms.Form):
    user = forms.ChoiceField(choices=[], required=False, label="Staff user")
    contact = forms.IntegerField(
        required=False, min_value=1, label="or customer contact (id, from the contact's page)"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ChoiceField)
        staff = get_user_model().objects.filter(agent__isnull=False, is_active=True)
        field.choices = [("", "(none)")] + [
            (u.get_username(), u.get_username()) for u in staff.order_by("username")
        ]


def _page(request: HttpRequest, form: TokenForm, status: int = 200, **ctx: Any) -> HttpResponse:
    rows = accounts.list_tokens(include_revoked=True)
    context = page_context(request, section="web/manage/tokens.html", rows=rows, form=form, **ctx)
    return render(request, "web/manage/tokens.html", context, status=status)


@admin_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    try:
        secret = accounts.create_token(
            user=data["user"] or None, contact=data["contact"], actor=actor_for(request)
        )
    except DeskError as exc:
        put_error(form, exc.field, exc.message)
        return _page(request, form, status=exc.status)
    response = _page(request, TokenForm(), secret=secret)
    response["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@admin_required
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    try:
        accounts.revoke_token(int(request.POST.get("id", "0")), actor=actor_for(request))
    except (DeskError, ValueError) as exc:
        error = exc if isinstance(exc, DeskError) else DeskError("token", "expected a number")
        return _page(request, TokenForm(), status=getattr(error, "status", 400), error=error)
    return redirect("web:manage-tokens")
