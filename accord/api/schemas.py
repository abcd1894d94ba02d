"""Request and response bodies. Instants must carry a UTC offset (`Instant`).

Enumerated values (channel, level, role, ...) are plain strings here and are
checked by the services, so that the error names the field and lists the
values the organisation's policy allows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, Field

from accord.timing import bounds_problem


def _bounded(value: datetime) -> datetime:
    problem = bounds_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


# An instant a client gives: with a UTC offset, within the desk's bounds
# (accord.timing); anything else is a 422 naming the field.
Instant = Annotated[AwareDatetime, AfterValidator(_bounded)]


class OrganizationIn(Schema):
    name: str
    policy: str
    hosting: str = "hosted"


class OrganizationOut(Schema):
    id: int
    name: str
    policy: str
    hosting: str
    designated_contact: int | None
    active: bool
    domains: list[str]


class OrganizationPatch(Schema):
    """Only the fields given change; `active: false` deactivates, `true` reactivates."""

    model_config = {"extra": "forbid"}  # a misspelt field is refused, not ignored

    name: str | None = None
    hosting: str | None = None
    active: bool | None = None


class DomainIn(Schema):
    domain: str


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next: str | None


class DesignatedContactIn(Schema):
    contact: int | None


class ContactIn(Schema):
    organization: int
    name: str
    role: str
    email: str | None = ""
    phone: str | None = ""


class TokenIn(Schema):
    contact: int


class TokenOut(Schema):
    token: str
    contact: int
    organization: int


class ContactOut(Schema):
    id: int
    organization: int
    name: str
    email: str
    phone: str
    role: str
    active: bool
    unverified: bool


class ContactPatch(Schema):
    """Only the fields given change; `active: false` deactivates, `true` reactivates."""

    model_config = {"extra": "forbid"}  # a misspelt field is refused, not ignored

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    role: str | None = None
    active: bool | None = None


class ContactPage(Schema):
    items: list[ContactOut]
    next: str | None


class EntitlementIn(Schema):
    organization: int
    kind: str
    starts: date
    ends: date | None = None
    paid: bool = True
    note: str = ""


class EntitlementOut(Schema):
    id: int
    organization: int
    kind: str
    starts: date
    ends: date | None
    paid: bool
    note: str
    active: bool


class EntitlementPatch(Schema):
    """Only the fields given change (`ends: null` makes it open-ended); `active: false`
    withdraws it from new scope decisions, `true` brings it back."""

    model_config = {"extra": "forbid"}  # a misspelt field is refused, not ignored

    kind: str | None = None
    starts: date | None = None
    ends: date | None = None
    paid: bool | None = None
    note: str | None = None
    active: bool | None = None


class RequestIn(Schema):
    contact: int
    channel: str
    level: str
    subject: str
    description: str
    received: Instant | None = None
    continues: str | None = Field(None, description="number of the request this continues")


class ReplyIn(Schema):
    body: str
    public: bool = True
    at: Instant | None = None


class StatusIn(Schema):
    to: str
    at: Instant | None = None


class LevelIn(Schema):
    to: str
    at: Instant | None = None


class AssignIn(Schema):
    assignee: str | None = None
    team: str | None = None


class CallIn(Schema):
    direction: str
    summary: str
    channel: str = "phone"
    at: Instant | None = None


class ScopeIn(Schema):
    decision: str
    reason: str
    exclusion: str | None = None
    cause: str | None = None


class AcceptChargeIn(Schema):
    accepted_by: str
    at: Instant | None = None
    channel: str | None = None


class PartIn(Schema):
    subject: str
    description: str
    level: str


class SplitIn(Schema):
    parts: list[PartIn]


class MergeIn(Schema):
    into: str


class TargetOut(Schema):
    state: str
    due: str | None
    met_at: str | None
    breached_at: str | None


class TargetsOut(Schema):
    first_response: TargetOut | None
    resolution: TargetOut | None


class ScopeOut(Schema):
    decision: str
    reason: str
    clause: str
    guidance: str
    overridden: bool


class FlagOut(Schema):
    code: str
    message: str
    clause: str
    exclusion: str | None = Field(None, description="exclusion_suggested: the excluded type")
    guidance: str | None = Field(
        None, description="exclusion_suggested: what is mailed to the customer if confirmed"
    )


class AttachmentOut(Schema):
    filename: str
    size: int
    content_type: str
    url: str


class MessageOut(Schema):
    id: int
    direction: str
    public: bool
    automated: bool
    channel: str
    author: str | None
    body_text: str
    body_html: str
    at: str
    attachments: list[AttachmentOut]


class EventOut(Schema):
    seq: int
    at: str
    kind: str
    to: str | None
    actor: str
    voided: bool = Field(False, description="taken out of the SLA timeline by a `void` event")
    voids: int | None = Field(None, description="a `void` event: the seq it voids")
    reason: str | None = Field(None, description="a `void` event: why")
    given_by: str | None = Field(
        None, description="an `opened` event whose receipt a person gave (call placed at): who"
    )
    entered: str | None = Field(None, description="with `given_by`: when they entered it")


class RequestOut(Schema):
    number: str
    organization: int
    contact: int
    channel: str
    received: str
    notice: str
    in_hours: bool
    level: str
    status: str
    policy: str
    policy_version: str
    subject: str
    scope: ScopeOut
    flags: list[FlagOut]
    targets: TargetsOut
    assignee: str | None
    team: str | None
    split_from: str | None
    merged_into: str | None
    continues: str | None


class OutboxOut(Schema):
    id: int
    kind: str
    to: str
    subject: str
    state: str
    attempts: int
    reason: str
    created: str
    sent_at: str | None


class RequestDetailOut(RequestOut):
    description: str
    messages: list[MessageOut]
    events: list[EventOut]
    outbox: list[OutboxOut] = []


class SearchMatchOut(Schema):
    rank: float
    snippet: str


class RequestListItem(RequestOut):
    match: SearchMatchOut | None = None


class RequestPage(Schema):
    items: list[RequestListItem]
    next: str | None


class ErrorOut(Schema):
    detail: str
    field: str | None
