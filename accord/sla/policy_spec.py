"""The policy file format, as pydantic models.

A policy file (`accord/policies/*.toml`) is validated into a `PolicySpec`; every
rule carries the clause of the source document it implements. The spec is pure
data: `accord.sla.policy` compiles it into a calendar and resolved targets.
The format is documented for humans in docs/policy-format.md.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from accord.sla.durations import DURATION_HINT, parse_duration

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Channel = Literal["phone", "voicemail", "email", "portal", "api"]
CHANNELS: tuple[str, ...] = ("phone", "voicemail", "email", "portal", "api")
TargetKind = Literal["first_response", "resolution"]
TARGET_KINDS: tuple[str, ...] = ("first_response", "resolution")
Status = Literal["open", "waiting_on_customer", "workaround_provided", "resolved", "closed"]
STATUSES: tuple[str, ...] = ("open", "waiting_on_customer", "workaround_provided", "resolved", "closed")
EntitlementKind = Literal["support_agreement", "subscription", "trial"]
ContactRole = Literal[
    "administrator", "guard", "resident", "owner", "member", "organization", "vendor", "user"
]
CONTACT_ROLES: tuple[str, ...] = (
    "administrator", "guard", "resident", "owner", "member", "organization", "vendor", "user"
)

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_LEVEL_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a policy must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_duration(value: str) -> str:
    try:
        parse_duration(value, nominal_day_seconds=3600)
    except ValueError:
        raise ValueError(DURATION_HINT) from None
    return value


class PolicyInfo(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    name: str
    version: str
    effective: date
    source: str
    clause: str


class WindowSpec(Strict):
    days: list[Weekday] = Field(min_length=1)
    open: str
    close: str
    clause: str

    @field_validator("open", "close")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value) or (value.startswith("24") and value != "24:00"):
            raise ValueError('expected a local wall time like "08:30"')
        return value

    @model_validator(mode="after")
    def _ordered(self) -> WindowSpec:
        if self.open >= self.close:
            raise ValueError(f"open {self.open} must be before close {self.close}")
        return self


class HolidaySpec(Strict):
    clause: str
    country: str | None = None
    subdivision: str | None = None
    observed: bool = True
    dates: list[date] = []
    ics: str | None = None  # path relative to the policy file

    @model_validator(mode="after")
    def _country_known(self) -> HolidaySpec:
        if self.country is None:
            if self.subdivision is not None:
                raise ValueError("subdivision needs a country")
            return self
        import holidays

        try:
            holidays.country_holidays(self.country, subdiv=self.subdivision, years=2026)
        except NotImplementedError:
            raise ValueError(f"unknown holiday country {self.country!r}") from None
        except Exception as exc:  # holidays raises plain errors for bad subdivisions
            raise ValueError(str(exc)) from None
        return self


class CalendarSpec(Strict):
    clause: str
    zone: str
    zone_note: str = ""
    nominal_day: str = "8h"
    windows: list[WindowSpec] = Field(min_length=1)
    holidays: HolidaySpec

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("nominal_day")
    @classmethod
    def _day(cls, value: str) -> str:
        return _check_duration(value)


class ChannelSpec(Strict):
    label: str
    notice: Literal["any_time", "business_hours"]
    clause: str
    address: str = ""  # phone number, mailbox or URL the customer uses
    note: str = ""


class TargetSpec(Strict):
    kind: TargetKind
    when: Literal["always", "in_hours", "after_hours"] = "always"
    within: str
    clause: str
    wording: str = ""  # the source document's own words, e.g. "1 day"

    @field_validator("within")
    @classmethod
    def _within(cls, value: str) -> str:
        return _check_duration(value)


class NoTargetSpec(Strict):
    kind: TargetKind
    clause: str
    wording: str


class LevelSpec(Strict):
    label: str
    definition: str
    examples: list[str] = []
    clause: str
    resolution_method: str = ""
    resolution_method_clause: str = ""
    targets: list[TargetSpec] = []
    no_targets: list[NoTargetSpec] = []

    @model_validator(mode="after")
    def _variants(self) -> LevelSpec:
        for kind in TARGET_KINDS:
            whens = [t.when for t in self.targets if t.kind == kind]
            if len(whens) != len(set(whens)):
                raise ValueError(f"{kind} has two targets for the same 'when'")
            if "always" in whens and len(whens) > 1:
                raise ValueError(f"{kind}: 'always' cannot be combined with in/after hours")
            if len(whens) == 1 and whens[0] == "after_hours":
                raise ValueError(f"{kind}: an after-hours target needs an in-hours one")
            if whens and any(n.kind == kind for n in self.no_targets):
                raise ValueError(f"{kind} is listed both as a target and as no target")
        return self


class FirstResponseRule(Strict):
    clause: str
    met_by: list[Literal["agent_reply"]] = ["agent_reply"]
    note: str = ""


class ResolutionRule(Strict):
    clause: str
    met_by_status: list[Status] = Field(min_length=1)
    pauses_on_status: list[Status] = []
    note: str = ""

    @model_validator(mode="after")
    def _disjoint(self) -> ResolutionRule:
        both = set(self.met_by_status) & set(self.pauses_on_status)
        if both or "open" in self.met_by_status or "open" in self.pauses_on_status:
            raise ValueError("a status cannot both meet and pause, and 'open' does neither")
        return self


class ClockRules(Strict):
    first_response: FirstResponseRule
    resolution: ResolutionRule


class EntitlementRule(Strict):
    roles: list[ContactRole] = Field(min_length=1)
    basis: Literal["entitlement", "per_incident"]
    any_of: list[EntitlementKind] = []
    clause: str
    note: str = ""

    @model_validator(mode="after")
    def _needs_kinds(self) -> EntitlementRule:
        if self.basis == "entitlement" and not self.any_of:
            raise ValueError("basis 'entitlement' needs any_of")
        return self


class EntitlementSpec(Strict):
    clause: str
    rules: list[EntitlementRule] = Field(min_length=1)


class ExclusionSpec(Strict):
    id: str
    clause: str
    label: str
    guidance: str
    keywords: list[str] = []


class ExceptionSpec(Strict):
    id: str
    clause: str
    label: str


class BillingSpec(Strict):
    clause: str
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    hourly_rate: Decimal = Field(gt=0)
    applies_to: list[Literal["per_incident", "customer_caused", "exception"]]
    plus_expenses: bool = False
    note: str = ""


class ExpenseSpec(Strict):
    kind: Literal["travel", "meals", "lodging", "supplies", "other"]
    needs_advance_approval: bool = False
    needs_written_evidence: bool = True
    clause: str


class OnPremisesSpec(Strict):
    supported_previous_releases: int = Field(ge=0)
    supported_releases_clause: str
    update_install_within: str
    update_install_clause: str
    designated_contact: bool
    designated_contact_clause: str
    access_clause: str = ""
    expenses: list[ExpenseSpec] = []

    @field_validator("update_install_within")
    @classmethod
    def _within(cls, value: str) -> str:
        return _check_duration(value)


class RequiredFieldSpec(Strict):
    field: Literal[
        "company_name", "contact_name", "phone", "email", "description", "previous_request_number"
    ]
    label: str
    clause: str
    when: Literal["always", "continuation"] = "always"


class GuidanceSpec(Strict):
    out_of_hours: str
    out_of_hours_clause: str
    acknowledgement_clause: str
    numbering_clause: str
    split_clause: str = ""


class PolicySpec(Strict):
    policy: PolicyInfo
    calendar: CalendarSpec
    channels: dict[Channel, ChannelSpec]
    levels: dict[str, LevelSpec] = Field(min_length=1)
    clocks: ClockRules
    entitlement: EntitlementSpec
    exclusions: list[ExclusionSpec] = []
    exceptions: list[ExceptionSpec] = []
    billing: list[BillingSpec] = []
    on_premises: OnPremisesSpec | None = None
    required_fields: list[RequiredFieldSpec] = []
    guidance: GuidanceSpec

    @field_validator("levels")
    @classmethod
    def _level_ids(cls, value: dict[str, LevelSpec]) -> dict[str, LevelSpec]:
        for key in value:
            if not _LEVEL_ID.match(key):
                raise ValueError(f"level id {key!r} must be lower-case letters, digits, _")
        return value

    @model_validator(mode="after")
    def _all_channels(self) -> PolicySpec:
        missing = [c for c in CHANNELS if c not in self.channels]
        if missing:
            raise ValueError(f"channels: every channel needs a rule; missing {missing}")
        return self
