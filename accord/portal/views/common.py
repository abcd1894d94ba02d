"""What every portal page shows: who is signed in, support hours and the urgent line."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accord.contracts.models import Organization
from accord.notify.compose import support_hours
from accord.portal.models import PortalAccount
from accord.sla import Policy, load_policy


def contact_lines(policy: Policy) -> dict[str, str]:
    """Support hours, the phone line and the policy's out-of-hours advice."""
    phone = policy.spec.channels["phone"]  # type: ignore[index]
    return {
        "hours": support_hours(policy),
        "phone_label": phone.label,
        "phone": phone.address,
        # Only where a call gives notice at any hour (capsure) is phoning out of
        # hours worth more than the hours line already says.
        "advice": policy.spec.guidance.out_of_hours if phone.notice == "any_time" else "",
        "advice_clause": policy.spec.guidance.out_of_hours_clause,
    }


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    account: PortalAccount | None = None,
    status: int = 200,
) -> HttpResponse:
    context = dict(context or {})
    account = account or getattr(request, "portal", None)
    if account is not None:
        context["account"] = account
        context["contact"] = account.contact
        context["org"] = account.contact.organization
        policy = load_policy(account.contact.organization.policy)
        context["all_lines"] = [(policy.spec.policy.name, contact_lines(policy))]
    else:  # signed out: every policy this desk runs
        names = Organization.objects.order_by("policy").values_list("policy", flat=True)
        policies = [load_policy(n) for n in dict.fromkeys(names)]
        context["all_lines"] = [(p.spec.policy.name, contact_lines(p)) for p in policies]
    return render(request, f"portal/{template}", context, status=status)


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")
