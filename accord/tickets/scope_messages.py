"""The customer's words for a scope decision, from templates (docs/scope.md).

`scope/<policy>/<decision>.txt` is used when it exists, else the generic
`scope/<decision>.txt`; an install that adds a policy file can add its own
templates beside it. Each template names the clause, quotes the policy where
the decision rests on it, says what is missing (since when, which release),
and gives the next step. The text is stored as the acknowledgement's body, so
the desk shows it exactly as the customer received it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from accord.sla import Policy
from accord.sla.policy_spec import ExclusionSpec
from accord.tickets.models import Request, Scope

TEMPLATED = (Scope.NOT_ENTITLED, Scope.AWAITING_UPGRADE)
# What to ask for, per field of the policy's required information (5.3).
ASK = {
    "company_name": "your company's name",
    "contact_name": "your name",
    "phone": "a phone number we can call you on",
    "email": "an email address we can write to",
    "description": "a full description of the problem (what happened, when, and any error "
    "message shown)",
    "previous_request_number": "the Service Request Number of the earlier request",
}


def _render(name: str, policy: Policy, context: dict[str, Any]) -> str:
    templates = [f"scope/{policy.id}/{name}.txt", f"scope/{name}.txt"]
    return render_to_string(templates, context).strip()


def _base(request: Request, policy: Policy) -> dict[str, Any]:
    return {
        "number": request.display_number,
        "organization": request.organization.name,
        "policy_name": policy.spec.policy.name,
        "clause": request.scope_clause,
        "reason": request.scope_reason,
    }


def decision_message(request: Request, policy: Policy, details: dict[str, Any]) -> str:
    """Not entitled or awaiting upgrade, in the customer's words; "" for other decisions."""
    if request.scope not in TEMPLATED:
        return ""
    return _render(str(request.scope), policy, {**_base(request, policy), "details": details})


def missing_information_message(request: Request, policy: Policy) -> str:
    """capella 5.3: ask for exactly what is missing; "" when nothing is."""
    flags = [f for f in request.flags if f.get("code") == "missing_information"]
    if not flags:
        return ""
    missing = [
        {"field": f.get("field", ""), "ask": ASK.get(f.get("field", ""), f["message"])}
        for f in flags
    ]
    context = {**_base(request, policy), "missing": missing, "clause": flags[0]["clause"]}
    return _render("missing_information", policy, context)


def exclusion_message(request: Request, policy: Policy, exclusion: ExclusionSpec) -> str:
    """capella 2.4: the guidance mailed when an agent confirms an excluded type."""
    context = {
        **_base(request, policy),
        "subject": request.subject,
        "clause": exclusion.clause,
        "label": exclusion.label,
        "words": exclusion.words or exclusion.label,
        "guidance": exclusion.guidance,
    }
    return _render("excluded", policy, context)
