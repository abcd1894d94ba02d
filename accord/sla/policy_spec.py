"""The policy file format, as pydantic models.

A policy file (`accord/policies/*.toml`) is validated into a `PolicySpec`; every
rule carries the clause of the source document it implements. The spec is pure
data: `accord.sla.policy` compiles it into a calendar and resolved targets.
The format is documented for humans in docs/policy-format.md.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from accord.sla.durations import DURATION_HINT, parse_duration

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Channel = Literal["phone", "voicemail", "email", "portal", "api"]
CHANNELS: tuple[str, ...] = ("phone", "voicemail", "email", "portal", "api")
TargetKind = Literal["first_response", "resolution"]
TARGET_KINDS: tuple[str, ...] = ("first_response", "resolution")
Status = Literal["open", "waiting_on_customer", "workaround_provided", "resolved", "closed"]
STATUSES: tuple[str, ...] = (
    "open",
    "waiting_on_customer",
    "workaround_provided",
    "resolved",
    "closed",
)
EntitlementKind = Literal["support_agreement", "subscription", "trial"]
ContactRole = Literal[
    "administrator", "guard", "resident", "owner", "member", "organization", "vendor", "user"
]
CONTACT_ROLES: tuple[str, ...] = (
    "administrator",
    "guard",
    "resident",
    "owner",
    "member",
    "organization",
    "vendor",
    "user",
)

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_LEVEL_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a policy must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# -- reporting every problem -------------------------------------------------
#
# A plain validator can raise one message, at its own location. The checks
# below that look at several keys at once (every channel present, each level's
# targets consistent, ...) collect all their problems and raise them together,
# each at the location of the key it is about, so that `accord policy check`
# lists every error of a file in one run.

Loc = tuple[str | int, ...]


def _problem(loc: Loc, message: str, value: Any) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("policy_rule", message), loc=loc, input=value)


def _raise_all(title: str, problems: Sequence[InitErrorDetails]) -> None:
    if problems:
        raise ValidationError.from_exception_data(title, list(problems))


def _validate_collecting(
    title: str, value: Any, handler: ValidatorFunctionWrapHandler, extra: list[InitErrorDetails]
) -> Any:
    """Run the inner validation and report its errors together with `extra`."""
    try:
        result = handler(value)
    except ValidationError as exc:
        inner = [
            InitErrorDetails(
                type=PydanticCustomError(e["type"], e["msg"]), loc=e["loc"], input=e["input"]
            )
            for e in exc.errors()
        ]
        _raise_all(title, inner + extra)
        raise
    _raise_all(title, extra)
    return result


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

    def minutes(self) -> tuple[int, int]:
        """(open, close) as minutes after local midnight; 24:00 is 1440."""
        (oh, om), (ch, cm) = (map(int, self.open.split(":")), map(int, self.close.split(":")))
        return oh * 60 + om, ch * 60 + cm


class HolidaySpec(Strict):
    clause: str
    country: str | None = None
    subdivision: str | None = None
    observed: bool = True
    dates: list[date] = []
    ics: str | None = None  # path relative to the policy file

    @field_validator("ics")
    @classmethod
    def _ics_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        """With a `policy_dir` in the validation context, the file must exist."""
        context = info.context if isinstance(info.context, dict) else {}
        base = context.get("policy_dir")
        if value is not None and base is not None:
            path = Path(base) / value
            if not path.is_file():
                raise ValueError(f"no such file: {path} (the path is relative to the policy file)")
        return value

    @model_validator(mode="after")
    def _country_known(self) -> HolidaySpec:
        if self.country is None:
            if self.subdivision is not None:
                _raise_all(
                    "HolidaySpec",
                    [_problem(("subdivision",), "a subdivision needs a country", self.subdivision)],
                )
            return self
        import holidays

        supported = holidays.list_supported_countries()
        if self.country not in supported:
            _raise_all(
                "HolidaySpec",
                [
                    _problem(
                        ("country",),
                        f"unknown holiday country {self.country!r} (an ISO 3166 code the "
                        'holidays package supports, e.g. "US" or "NZ")',
                        self.country,
                    )
                ],
            )
        subdivisions = supported[self.country]
        if self.subdivision is not None and self.subdivision not in subdivisions:
            shown = ", ".join(subdivisions[:12]) + (", ..." if len(subdivisions) > 12 else "")
            _raise_all(
                "HolidaySpec",
                [
                    _problem(
                        ("subdivision",),
                        f"unknown subdivision {self.subdivision!r} of {self.country} "
                        f"(known: {shown or 'none'})",
                        self.subdivision,
                    )
                ],
            )
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
        try:
            day = parse_duration(value)
        except ValueError:
            raise ValueError('expected the length of one working day, like "9h"') from None
        if day.clock != "elapsed" or not 0 < day.seconds <= 86400:
            raise ValueError('expected the length of one working day, like "9h" (at most 24h)')
        return value

    @model_validator(mode="after")
    def _no_overlaps(self) -> CalendarSpec:
        problems: list[InitErrorDetails] = []
        seen: dict[str, list[tuple[int, int, int]]] = {}
        for i, window in enumerate(self.windows):
            start, end = window.minutes()
            for day in dict.fromkeys(window.days):
                clash = next((k for s, e, k in seen.get(day, []) if start < e and s < end), None)
                if clash is not None:
                    problems.append(
                        _problem(
                            ("windows", i),
                            f"overlaps windows[{clash}] on {day}",
                            [window.open, window.close],
                        )
                    )
                seen.setdefault(day, []).append((start, end, i))
        _raise_all("CalendarSpec", problems)
        return self


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
        """Per kind: one 'always' target, or an in-hours one (plus an after-hours one)."""
        problems: list[InitErrorDetails] = []
        for kind in TARGET_KINDS:
            seen: dict[str, int] = {}
            for i, t in enumerate(self.targets):
                if t.kind != kind:
                    continue
                loc: Loc = ("targets", i, "when")
                if t.when in seen:
                    problems.append(
                        _problem(
                            loc,
                            f"{kind} already has a target with when = {t.when!r} "
                            f"(targets[{seen[t.when]}])",
                            t.when,
                        )
                    )
                elif seen and (t.when == "always" or "always" in seen):
                    problems.append(
                        _problem(
                            loc,
                            f"{kind}: 'always' cannot be combined with "
                            "in_hours/after_hours targets",
                            t.when,
                        )
                    )
                seen.setdefault(t.when, i)
            if set(seen) == {"after_hours"}:
                problems.append(
                    _problem(
                        ("targets", seen["after_hours"], "when"),
                        f"{kind}: an after-hours target needs an in-hours one",
                        "after_hours",
                    )
                )
            for i, n in enumerate(self.no_targets):
                if n.kind == kind and seen:
                    problems.append(
                        _problem(
                            ("no_targets", i, "kind"),
                            f"{kind} is listed both as a target and as no target",
                            kind,
                        )
                    )
        _raise_all("LevelSpec", problems)
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


def _check_patterns(values: list[str]) -> list[str]:
    """Each pattern must compile (matched case-insensitively, docs/policy-format.md)."""
    for value in values:
        try:
            re.compile(value, re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
    return values


class ExclusionSpec(Strict):
    id: str
    clause: str
    label: str
    guidance: str
    words: str = ""  # the policy's own words for this item, quoted to the customer
    # Literal phrases (whole words) and regular expressions that read as a request of
    # this type; matched on the customer's own words only (accord/tickets/triage.py).
    keywords: list[str] = []
    patterns: list[str] = []

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class LevelClaimSpec(Strict):
    """A level the customer states in a mail's subject or first lines ("Severity 1")."""

    level: str
    patterns: list[str] = Field(min_length=1)
    clause: str

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


class TriageSpec(Strict):
    """How a request's text is read at intake (docs/scope.md).

    `errors`: words that report an Error; a text with one is never suggested as an
    excluded request. `claims`: the level vocabulary, tried in file order, in the
    subject and the first `claim_lines` lines of the customer's own text.
    """

    errors: list[str] = []
    errors_clause: str = ""
    claims: list[LevelClaimSpec] = []
    claim_lines: int = Field(default=5, ge=0, le=50)

    @field_validator("errors")
    @classmethod
    def _compiles(cls, value: list[str]) -> list[str]:
        return _check_patterns(value)


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
    update_reminder_after: str = "20d"
    designated_contact: bool
    designated_contact_clause: str
    access_clause: str = ""
    expenses: list[ExpenseSpec] = []

    @field_validator("update_install_within", "update_reminder_after")
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
    # What the customer should have ready when contacting support (capella 5.2).
    contact_advice: list[str] = []
    contact_advice_clause: str = ""

    @model_validator(mode="after")
    def _advice_has_clause(self) -> GuidanceSpec:
        if self.contact_advice and not self.contact_advice_clause:
            _raise_all(
                "GuidanceSpec",
                [_problem(("contact_advice_clause",), "contact_advice needs its clause", "")],
            )
        return self


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
    triage: TriageSpec = TriageSpec()

    @model_validator(mode="after")
    def _claimed_levels_exist(self) -> PolicySpec:
        _raise_all(
            "PolicySpec",
            [
                _problem(
                    ("triage", "claims", i, "level"),
                    f"unknown level {c.level!r} (one of {', '.join(self.levels)})",
                    c.level,
                )
                for i, c in enumerate(self.triage.claims)
                if c.level not in self.levels
            ],
        )
        return self

    @field_validator("channels", mode="wrap")
    @classmethod
    def _every_channel(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Each of the five channels needs its notice rule; no other channel exists."""
        if not isinstance(value, dict):
            return handler(value)
        problems = [
            _problem(
                (c,),
                "missing: every channel needs a notice rule "
                f"(the channels are {', '.join(CHANNELS)})",
                value,
            )
            for c in CHANNELS
            if c not in value
        ] + [
            _problem(
                (str(key),),
                f"unknown channel {key!r} (the channels are {', '.join(CHANNELS)})",
                value[key],
            )
            for key in value
            if key not in CHANNELS
        ]
        known = {k: v for k, v in value.items() if k in CHANNELS}
        return _validate_collecting("channels", known, handler, problems)

    @field_validator("levels", mode="wrap")
    @classmethod
    def _level_ids(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        """Level ids are what the CLI and the API accept: lower-case identifiers."""
        if not isinstance(value, dict):
            return handler(value)
        problems = [
            _problem(
                (str(key),),
                f"level id {key!r} must be lower-case letters, digits "
                "and _, starting with a letter",
                key,
            )
            for key in value
            if not _LEVEL_ID.match(str(key))
        ]
        return _validate_collecting("levels", value, handler, problems)
