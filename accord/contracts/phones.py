"""Phone numbers as one comparable form: E.164, read by the `phonenumbers` library.

A number written with its country code ("+64 4 555 0101") needs nothing else; one
written as dialled at home ("(212) 555-0100") is read in the country of the
policy the contact's organisation runs under, so callers are matched to
contacts by the same E.164 string the telephony system sends.
"""

from __future__ import annotations

import phonenumbers

from accord.sla import Policy, load_policy
from accord.sla.errors import PolicyError

# The country a policy's local numbers are in, by its time zone. A zone not named
# here falls back to the country of the policy's own phone line, if it has a code.
REGION_BY_ZONE = {"Pacific/Auckland": "NZ", "America/New_York": "US"}


def region_of(policy: Policy) -> str | None:
    """The country (ISO 3166 code) local numbers under this policy are dialled in."""
    region = REGION_BY_ZONE.get(str(policy.zone))
    if region is not None:
        return region
    phone = policy.spec.channels.get("phone")  # type: ignore[call-overload]
    line = phone.address if phone is not None else ""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(line, None))
    except phonenumbers.NumberParseException:
        return None


def region_of_policy(policy_id: str) -> str | None:
    try:
        return region_of(load_policy(policy_id))
    except (PolicyError, OSError, KeyError, ValueError):
        return None


def e164(raw: str, region: str | None) -> str:
    """`raw` as E.164 ("+6445550101"); "" when it is not a possible phone number."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
