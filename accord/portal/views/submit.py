"""The new-request form: level with the policy's definitions, type, release, 5.3 details.

Choosing an excluded type (capella 2.4) first shows the policy's guidance with a
"Submit anyway" button; only the second post opens the request, recorded as
excluded with that guidance. A CapSure end user sees the per-incident rate and
accepts it with a checkbox, or leaves it and the request opens not entitled.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accord.contracts.models import Hosting, Installation
from accord.contracts.services import per_incident_billing
from accord.errors import DeskError
from accord.portal.access import portal_required
from accord.portal.models import PortalAccount
from accord.portal.submit import Submission, submit
from accord.portal.views.common import page
from accord.sla import Policy, load_policy
from accord.tickets.scope import chosen_exclusion


def per_incident_rate(policy: Policy, role: str) -> str:
    """ "USD 120.00 per hour" when this role is supported per incident, else ""."""
    billing = per_incident_billing(policy, role)
    return "" if billing is None else f"{billing.currency} {billing.hourly_rate} per hour"


def _form_context(account: PortalAccount, values: dict[str, str]) -> dict[str, object]:
    contact = account.contact
    org = contact.organization
    policy = load_policy(org.policy)
    installations = (
        list(Installation.objects.filter(organization=org).select_related("product", "release"))
        if org.hosting == Hosting.ON_PREMISES
        else []
    )
    charge = per_incident_rate(policy, contact.role)
    billing = per_incident_billing(policy, contact.role)
    return {
        "levels": [(level_id, policy.level(level_id)) for level_id in policy.level_ids],
        "exclusions": list(policy.spec.exclusions),
        "installations": installations,
        "charge": charge,
        "charge_clause": billing.clause if billing is not None and charge else "",
        "values": {
            "company": org.name,
            "name": contact.name,
            "phone": contact.phone,
            "email": contact.email,
            **values,
        },
    }


@require_http_methods(["GET", "POST"])
@portal_required
def new_request(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    if request.method == "GET":
        return page(request, "new.html", _form_context(account, {}))
    values = {k: request.POST.get(k, "") for k in (
        "subject", "description", "level", "request_type", "installation",
        "company", "name", "phone", "email", "continues", "accept_charge",
    )}  # fmt: skip
    context = _form_context(account, values)
    policy = load_policy(account.contact.organization.policy)
    try:
        excluded = chosen_exclusion(policy, values["request_type"])
        if excluded is not None and request.POST.get("confirm_excluded") != "1":
            context["deflect"] = excluded
            context["dropped_files"] = bool(request.FILES.getlist("attachments"))
            return page(request, "new.html", context)
        installation = values["installation"]
        done = submit(
            account,
            Submission(
                subject=values["subject"],
                description=values["description"],
                level=values["level"],
                request_type=values["request_type"],
                installation=int(installation) if installation.isdigit() else None,
                company=values["company"],
                name=values["name"],
                phone=values["phone"],
                email=values["email"],
                continues=values["continues"],
                accept_charge=bool(context["charge"]) and values["accept_charge"] == "1",
                files=request.FILES.getlist("attachments"),
            ),
        )
    except DeskError as exc:
        context["error"] = exc
        return page(request, "new.html", context, status=exc.status)
    return HttpResponseRedirect(reverse("portal:request", args=[done.display_number]) + "?new=1")
