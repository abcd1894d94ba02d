"""Opening a request from the portal's form, through the tickets service.

One transaction: the per-incident charge accepted in the form (capsure end
users), then `open_request` with channel `portal` (the portal can never claim
phone or voicemail) and the customer's first message carrying the description
and the attachments, as the mail channel does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accord.contracts.models import Installation
from accord.contracts.services import accept_per_incident_charge
from accord.errors import Invalid
from accord.intake.identity import mail_config
from accord.portal.access import actor_of
from accord.portal.models import PortalAccount
from accord.tickets.inbound import FirstMessage, NewFile
from accord.tickets.inbound import store_files as store_new_files
from accord.tickets.intake import open_request, text
from accord.tickets.models import Channel, Message, Request

MAX_FILES = 10


@dataclass
class Submission:
    subject: str
    description: str
    level: str
    request_type: str = ""
    installation: int | None = None
    company: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    continues: str = ""
    accept_charge: bool = False
    files: list[UploadedFile] = field(default_factory=list)


def check_files(files: list[UploadedFile], field_name: str = "attachments") -> None:
    limit = mail_config().attachment_max_bytes
    if len(files) > MAX_FILES:
        raise Invalid(field_name, f"at most {MAX_FILES} files at once")
    for f in files:
        if (f.size or 0) > limit:
            raise Invalid(field_name, f"{f.name} is larger than the limit of {limit} bytes")


def new_file(f: UploadedFile) -> NewFile:
    return NewFile(f.name or "attachment", f.content_type or "application/octet-stream", f.read())


def store_files(message: Message, files: list[UploadedFile]) -> None:
    """Files under their SHA-256 (accord.tickets.inbound); the name kept only in the database."""
    store_new_files(message, [new_file(f) for f in files])


def _details(account: PortalAccount, s: Submission) -> str:
    """The capella 5.3 information as the customer confirmed it, and the release."""
    lines = [
        f"Company: {s.company.strip() or account.contact.organization.name}",
        f"Contact: {s.name.strip() or account.contact.name}",
        f"Phone: {s.phone.strip() or account.contact.phone or '(none given)'}",
        f"Email: {s.email.strip() or account.contact.email}",
    ]
    if s.installation is not None:
        inst = (
            Installation.objects.select_related("product", "release")
            .filter(pk=s.installation, organization_id=account.contact.organization_id)
            .first()
        )
        if inst is None:
            raise Invalid("installation", f"no installation {s.installation} of your organisation")
        lines.append(f"Release: {inst.product} {inst.release.version} (on premises)")
    return "\n".join(lines)


@transaction.atomic
def submit(account: PortalAccount, s: Submission, now: datetime | None = None) -> Request:
    """Open the request; a DeskError names the bad field and nothing is stored."""
    now = now or timezone.now()
    actor = actor_of(account)
    contact = account.contact
    description = text(s.description, "description")
    check_files(s.files)
    body = f"{description}\n\n{_details(account, s)}"
    if s.accept_charge:
        accept_per_incident_charge(actor, contact, accepted_by=f"{contact.name} (portal)", now=now)
    request = open_request(
        actor,
        contact=contact,
        channel=Channel.PORTAL,
        level=s.level,
        subject=s.subject,
        description=body,
        continues=s.continues.strip() or None,
        request_type=s.request_type,
        now=now,
        first=FirstMessage(body, files=[new_file(f) for f in s.files]),
    )
    return request
