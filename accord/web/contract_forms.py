"""Forms of the contract administration pages: they parse, the services decide.

Each form only turns posted text into typed values; every rule (unique names,
well-formed emails, date order, one organisation per domain) is the service's
in accord.contracts, and its refusal comes back next to the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms

from accord.contracts.models import (
    ContactRole,
    EntitlementKind,
    Hosting,
    Installation,
    Organization,
    Release,
    ReleaseStatus,
)
from accord.sla.policy import shipped_policy_names

DATE = forms.DateInput(attrs={"type": "date"})


class OrganizationForm(forms.Form):
    name = forms.CharField(max_length=200)
    policy = forms.ChoiceField(choices=[])
    hosting = forms.ChoiceField(choices=Hosting.choices)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:  # the policy binds the requests already opened: not edited here
            del self.fields["policy"]
        else:
            field = self.fields["policy"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(p, p) for p in shipped_policy_names()]


class DomainForm(forms.Form):
    domain = forms.CharField(
        max_length=253, help_text="unknown senders at this domain join the organisation, unverified"
    )


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    # Text, not EmailField: the service checks the address and names the field.
    email = forms.CharField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    role = forms.ChoiceField(choices=ContactRole.choices)


class EntitlementForm(forms.Form):
    kind = forms.ChoiceField(choices=EntitlementKind.choices)
    starts = forms.DateField(widget=DATE)
    ends = forms.DateField(widget=DATE, required=False, help_text="empty: open-ended")
    paid = forms.BooleanField(required=False, initial=True, label="Paid up (capella 5.1)")
    note = forms.CharField(max_length=200, required=False)


def _release_choices() -> list[tuple[str, str]]:
    rows = Release.objects.exclude(status=ReleaseStatus.WITHDRAWN).select_related("product")
    return [("", "(choose the release)")] + [
        (str(r.pk), str(r)) for r in rows.order_by("product__name", "-released_on")
    ]


class InstallationForm(forms.Form):
    release = forms.ChoiceField(choices=[])
    since = forms.DateField(widget=DATE, required=False, help_text="empty: today")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["release"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _release_choices()


class DeliveryForm(forms.Form):
    """capella 4.4: an update the customer received (and, if known, installed)."""

    installation = forms.ChoiceField(choices=[])
    release = forms.ChoiceField(choices=[])
    received_on = forms.DateField(widget=DATE)
    installed_on = forms.DateField(widget=DATE, required=False)

    def __init__(self, *args: Any, org: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = Installation.objects.filter(organization=org).select_related("product")
        installation = self.fields["installation"]
        release = self.fields["release"]
        assert isinstance(installation, forms.ChoiceField)
        assert isinstance(release, forms.ChoiceField)
        installation.choices = [(str(i.pk), i.product.name) for i in rows.order_by("pk")]
        release.choices = _release_choices()


class InstalledForm(forms.Form):
    installed_on = forms.DateField(widget=DATE)


def put_error(form: forms.Form, field: str, message: str) -> None:
    """A service's refusal, next to the field it names (or above the form)."""
    form.add_error(field if field in form.fields else None, message)
