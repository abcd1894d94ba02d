"""The desk's "New request" form: who is calling, then the request, one service call.

Step one finds the contact (by name, email or phone: a number is compared as
E.164 too, so "(212) 555-0100" finds "+1 212 555 0100") or takes a new caller's
number and name. Step two is the form for that contact's policy: channel, when
the call was placed (empty: now; an agent may go 24 hours back, logged as
theirs), the level with the policy's own definitions, subject, description and
request type. Submitting calls `open_request` (a known contact) or
`open_for_caller` (matched or created by number), as every channel does.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import Q, QuerySet

from accord.contracts.models import Contact
from accord.contracts.phones import e164
from accord.sla import Policy
from accord.sla.policy import shipped_policy_names
from accord.tickets.models import Channel

# What an agent may record: the portal and email included (a customer who mailed or
# used the portal and then phoned), the API never (it is a program's channel).
DESK_CHANNELS = [
    (Channel.PHONE, "Phone call"),
    (Channel.VOICEMAIL, "Voicemail"),
    (Channel.EMAIL, "Email"),
    (Channel.PORTAL, "Web portal"),
]
MAX_MATCHES = 20


def find_contacts(q: str) -> QuerySet[Contact]:
    """Active contacts whose name, email or phone matches `q` (at most MAX_MATCHES)."""
    q = q.strip()
    match = Q(name__icontains=q) | Q(email__icontains=q) | Q(phone__icontains=q)
    digits = re.sub(r"\D", "", q)
    if len(digits) >= 4:
        match |= Q(phone_e164__contains=digits)
    number = e164(q, None) if q.startswith("+") else ""
    if number:
        match |= Q(phone_e164=number)
    return (
        Contact.objects.filter(match, deactivated=None, organization__deactivated=None)
        .select_related("organization")
        .order_by("name", "id")[:MAX_MATCHES]
    )


def contact_with_number(number: str) -> Contact | None:
    """The active contact a caller's E.164 number belongs to, if any."""
    if not number:
        return None
    return (
        Contact.objects.filter(phone_e164=number, deactivated=None, organization__deactivated=None)
        .order_by("id")
        .first()
    )


class CallerForm(forms.Form):
    """A caller who is not a contact yet."""

    caller_phone = forms.CharField(required=False, max_length=40, label="Phone number")
    caller_name = forms.CharField(required=False, max_length=200, label="Name")
    policy = forms.ChoiceField(choices=[], label="Contract (policy)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = shipped_policy_names()
        self.fields["policy"].choices = [(p, p) for p in names]  # type: ignore[attr-defined]


class NewRequestForm(forms.Form):
    channel = forms.ChoiceField(
        choices=DESK_CHANNELS, initial=Channel.PHONE, widget=forms.RadioSelect
    )
    received = forms.DateTimeField(
        required=False,
        label="Call placed at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
    level = forms.ChoiceField(choices=[], widget=forms.RadioSelect)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}))
    request_type = forms.ChoiceField(choices=[], required=False, label="Request type")

    def __init__(self, *args: Any, policy: Policy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.policy = policy
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (lid, policy.level(lid).label) for lid in policy.level_ids
        ]
        self.fields["request_type"].choices = [("", "A problem or question (not excluded)")] + [  # type: ignore[attr-defined]
            (e.id, f"{e.label} (excluded, clause {e.clause})") for e in policy.spec.exclusions
        ]

    def received_instant(self) -> datetime | None:
        """The entered wall time read in the policy's zone (the form says which)."""
        value: datetime | None = self.cleaned_data.get("received")
        if value is None:
            return None
        zone: ZoneInfo = self.policy.zone
        return value.replace(tzinfo=None).replace(tzinfo=zone)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "channel": data["channel"],
            "level": data["level"],
            "subject": data["subject"],
            "description": data["description"],
            "received": self.received_instant(),
            "request_type": data["request_type"] or "",
        }


def levels_shown(policy: Policy) -> list[dict[str, Any]]:
    """Each level with the policy's definition and examples, for the agent choosing."""
    out = []
    for lid in policy.level_ids:
        level = policy.level(lid)
        out.append(
            {
                "id": lid,
                "label": level.label,
                "definition": level.definition,
                "examples": list(level.examples),
                "clause": level.clause,
            }
        )
    return out
