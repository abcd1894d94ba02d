"""The forms of the request page's actions; field names match the services' parameters.

A form only checks shape (required, one of the offered choices); the rules
(workflow moves, levels of the policy, closed requests...) are the services',
whose errors name the same fields and are shown next to them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from accord.accounts.models import Team
from accord.tickets.models import Request, Scope, Status
from accord.tickets.targets import policy_of
from accord.tickets.workflow import TRANSITIONS


class ReplyForm(forms.Form):
    """A public reply (meets first response) or an internal note (never does)."""

    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=True)


class CallForm(forms.Form):
    direction = forms.ChoiceField(
        choices=[("outbound", "Outbound (we called: a response)"), ("inbound", "Inbound")]
    )
    channel = forms.ChoiceField(choices=[("phone", "Phone"), ("voicemail", "Voicemail")])
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), strip=True)


class StatusForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)

    def __init__(self, *args: Any, request: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS[request.status]
        # Offer only the moves the workflow allows; anything else posted is
        # refused by the service with the reason (409).
        self.offered = [(v, label) for v, label in Status.choices if v in allowed]
        self.fields["to"].widget.choices = self.offered  # type: ignore[attr-defined]


class LevelForm(forms.Form):
    to = forms.ChoiceField()

    def __init__(self, *args: Any, request: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = policy_of(request)
        to = self.fields["to"]
        assert isinstance(to, forms.ChoiceField)
        to.choices = [(lid, policy.level(lid).label) for lid in policy.level_ids]
        to.initial = request.level


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, request: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = (
            get_user_model()
            .objects.filter(agent__isnull=False, is_active=True)
            .order_by("username")
            .values_list("username", flat=True)
        )
        assignee = self.fields["assignee"]
        team = self.fields["team"]
        assert isinstance(assignee, forms.ChoiceField) and isinstance(team, forms.ChoiceField)
        assignee.choices = [("", "(nobody)")] + [(n, n) for n in names]
        team.choices = [("", "(no team)")] + [
            (n, n) for n in Team.objects.order_by("name").values_list("name", flat=True)
        ]
        assignee.initial = request.assignee.get_username() if request.assignee else ""
        team.initial = request.team.name if request.team else ""


class ScopeForm(forms.Form):
    decision = forms.ChoiceField(choices=Scope.choices)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), strip=True)
    exclusion = forms.ChoiceField(required=False)
    cause = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, request: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        spec = policy_of(request).spec
        exclusion = self.fields["exclusion"]
        cause = self.fields["cause"]
        assert isinstance(exclusion, forms.ChoiceField) and isinstance(cause, forms.ChoiceField)
        exclusion.choices = [("", "(only for an excluded type)")] + [
            (e.id, f"{e.label} ({e.clause})") for e in spec.exclusions
        ]
        causes = [(e.id, f"{e.label} ({e.clause})") for e in spec.exceptions]
        if any("customer_caused" in b.applies_to for b in spec.billing):
            causes.insert(0, ("customer_change", "The customer's own change"))
        cause.choices = [("", "(only for customer-caused)")] + causes
        self.fields["decision"].initial = request.scope


def clean_optional(data: dict[str, Any], name: str) -> str | None:
    """An empty optional choice means "none" to the services."""
    value = data.get(name)
    return value or None


class MergeForm(forms.Form):
    """Merge this request (a duplicate) into another; this one is closed."""

    into = forms.CharField(max_length=30, label="Into request number", strip=True)


class AcceptChargeForm(forms.Form):
    """capsure: the end user accepted the hourly charge (e.g. on the phone)."""

    accepted_by = forms.CharField(max_length=200, label="Accepted by (name)", strip=True)


class ConfirmExclusionForm(forms.Form):
    """Confirming a suggested exclusion (capella 2.4): the reason is optional."""

    reason = forms.CharField(
        required=False,
        strip=True,
        label="Note (optional; the customer gets the policy's guidance)",
        widget=forms.TextInput(),
    )


class DismissExclusionForm(forms.Form):
    """Dismissing it: why this is a supported request (kept in the event log)."""

    reason = forms.CharField(
        strip=True, label="Why it is supported", widget=forms.Textarea(attrs={"rows": 2})
    )


SPLIT_SLOTS = 3  # parts per submission; split again for more


class SplitForm(forms.Form):
    """capella 5.4: up to three issues split off, each with its subject, description, level.

    A slot left empty is ignored; one half-filled is an error on the missing field.
    """

    def __init__(self, *args: Any, request: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = policy_of(request)
        levels = [(lid, policy.level(lid).label) for lid in policy.level_ids]
        for n in range(1, SPLIT_SLOTS + 1):
            self.fields[f"part{n}_subject"] = forms.CharField(
                required=False, max_length=200, strip=True, label=f"Part {n}: subject"
            )
            self.fields[f"part{n}_description"] = forms.CharField(
                required=False,
                strip=True,
                label=f"Part {n}: description",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"part{n}_level"] = forms.ChoiceField(
                choices=levels, initial=request.level, required=False, label=f"Part {n}: level"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parts = []
        for n in range(1, SPLIT_SLOTS + 1):
            subject = data.get(f"part{n}_subject", "")
            description = data.get(f"part{n}_description", "")
            if not subject and not description:
                continue
            if not subject:
                self.add_error(f"part{n}_subject", "a part needs its subject")
            if not description:
                self.add_error(f"part{n}_description", "a part needs its description")
            if not data.get(f"part{n}_level"):
                self.add_error(f"part{n}_level", "a part needs its level")
            parts.append((subject, description, data.get(f"part{n}_level", "")))
        if not parts and not self.errors:
            self.add_error("part1_subject", "give at least one part to split off")
        data["parts"] = parts
        return data
