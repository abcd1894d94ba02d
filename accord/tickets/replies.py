"""What a customer's reply supplies: missing information (capella 5.3) and acceptance.

Runs inside `post_message` for every customer reply (mail or API), on the
locked request, before it is saved:

- a `missing_information` flag is cleared when the reply supplies the item:
  a phone number (found with the `phonenumbers` library, in the policy's
  country first) is stored on the contact when it had none; any non-empty
  text supplies a missing description; a name for the contact is not guessed
  from free text, so that flag stays for the agent.
- a capsure end user who replies "I accept" while not entitled gets a
  `charge_acceptance_suggested` flag: an agent confirms it from the desk
  (`accept_per_incident`), because the contract needs who accepted and when,
  and a quoted earlier mail must never accept on its own.
"""

from __future__ import annotations

import re
from datetime import datetime

import phonenumbers

from accord.accounts.actor import Actor
from accord.audit.services import record
from accord.contracts.phones import e164, region_of
from accord.sla import Policy
from accord.tickets import log
from accord.tickets.models import Request, Scope

ACCEPT = re.compile(r"(?im)^(?!>)\W*(?:yes[,.!\s]+)?i\s+accept\b")


def find_phone(text: str, policy: Policy) -> str:
    """The first phone number in the text, in international format; "" if none."""
    region = region_of(policy)
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        return phonenumbers.format_number(
            match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    return ""


def _supplied(flag: dict[str, str], request: Request, body: str, policy: Policy) -> str:
    """What the reply supplies for this missing item ("" if nothing)."""
    field = flag.get("field", "")
    if field == "phone":
        return find_phone(body, policy)
    if field == "description":
        return body.strip()[:200]
    return ""


def read_customer_reply(
    actor: Actor, request: Request, body: str, policy: Policy, at: datetime, now: datetime
) -> list[str]:
    """Update the request's flags from a customer's reply; returns the codes changed."""
    changed: list[str] = []
    kept: list[dict[str, str]] = []
    for flag in request.flags:
        if flag.get("code") != "missing_information":
            kept.append(flag)
            continue
        value = _supplied(flag, request, body, policy)
        if not value:
            kept.append(flag)
            continue
        field = flag.get("field", "")
        if field == "phone" and not request.contact.phone.strip():
            request.contact.phone = value
            request.contact.phone_e164 = e164(value, region_of(policy))
            request.contact.save(update_fields=["phone", "phone_e164"])
        if field == "description" and not request.description.strip():
            request.description = body.strip()
        log.append(
            request, "flag_cleared", at=at, actor=actor, now=now, code=flag["code"], field=field
        )
        record(actor, "request.flag_cleared", request, now, code=flag["code"], field=field)
        changed.append(f"missing_information:{field}")
    if _suggests_acceptance(request, body, policy) and not any(
        f.get("code") == "charge_acceptance_suggested" for f in kept
    ):
        kept.append(
            {
                "code": "charge_acceptance_suggested",
                "message": 'the customer replied "I accept": confirm the per-incident charge',
                "clause": request.scope_clause,
            }
        )
        log.append(request, "flag_raised", at=at, actor=actor, now=now, code="charge_acceptance")
        changed.append("charge_acceptance_suggested")
    request.flags = kept
    return changed


def _suggests_acceptance(request: Request, body: str, policy: Policy) -> bool:
    if request.scope != Scope.NOT_ENTITLED or hasattr(request, "per_incident_agreement"):
        return False
    rule = next((r for r in policy.spec.entitlement.rules if request.contact.role in r.roles), None)
    return rule is not None and rule.basis == "per_incident" and bool(ACCEPT.search(body))
