"""The desk's billing forms: they parse input only; the services decide (tickets.billing,
tickets.expenses, invoices.services, tickets.restructure)."""

from __future__ import annotations

from typing import Any

from django import forms

from accord.tickets.models import Channel, Expense

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TimeForm(forms.Form):
    minutes = forms.IntegerField(required=False, min_value=1, help_text="or start and end")
    started = forms.DateTimeField(required=False, widget=DATETIME, label="Start")
    ended = forms.DateTimeField(required=False, widget=DATETIME, label="End")
    user = forms.ChoiceField(label="Who", required=False)
    note = forms.CharField(max_length=500)
    billable = forms.ChoiceField(
        label="Billable",
        required=False,
        choices=[("", "as the scope decides"), ("yes", "yes (manager)"), ("no", "no (manager)")],
    )
    reason = forms.CharField(required=False, max_length=500, label="Override reason")

    def __init__(self, *args: Any, users: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "me"), *users]  # type: ignore[attr-defined]

    def service_args(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        choice = data.pop("billable")
        data["billable"] = None if not choice else choice == "yes"
        return data


class ExpenseForm(forms.Form):
    kind = forms.ChoiceField(choices=Expense.Kind.choices)
    description = forms.CharField(max_length=500)
    amount = forms.DecimalField(max_digits=12, decimal_places=2)
    currency = forms.CharField(max_length=3, required=False, help_text="default: the policy's")
    incurred_on = forms.DateField(widget=DATE)
    approved_by = forms.CharField(required=False, max_length=200, label="Approved by (customer)")
    approved_on = forms.DateField(required=False, widget=DATE, label="Approved on")


class ApprovalForm(forms.Form):
    approved_by = forms.CharField(max_length=200, label="Approved by (customer)")
    approved_on = forms.DateField(widget=DATE)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="Receipt (PDF or image)")


class OverrideForm(forms.Form):
    billable = forms.TypedChoiceField(
        choices=[("yes", "billable"), ("no", "not billable")], coerce=lambda v: v == "yes"
    )
    reason = forms.CharField(max_length=500)


class AcceptanceForm(forms.Form):
    accepted_by = forms.CharField(max_length=200, label="Accepted by")
    at = forms.DateTimeField(required=False, widget=DATETIME, label="When (default: now)")
    channel = forms.ChoiceField(
        choices=[(c, label) for c, label in Channel.choices if c != "api"], initial="phone"
    )


class DraftForm(forms.Form):
    period_start = forms.DateField(widget=DATE)
    period_end = forms.DateField(widget=DATE)


class CreditForm(forms.Form):
    reason = forms.CharField(max_length=500)
