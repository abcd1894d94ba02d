"""What the mail channel stores: support addresses, IMAP sources, raw messages.

`RawMessage` is written first, in its own transaction, with the exact bytes;
processing it into a request happens afterwards and may be retried. The
UNIQUE `dedupe_key` (Message-ID, else the SHA-256 of the bytes) is what makes
a second delivery, a second fetcher or a retry after a crash create nothing new.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from accord.sla import load_policy
from accord.sla.errors import PolicyError


class SupportAddress(models.Model):
    """An address customers write to, mapped to a policy, a team and a default level.

    Mail to an address no row claims goes to the row marked `is_default`.
    """

    email = models.EmailField(unique=True, help_text="lower case, e.g. support@example.com")
    name = models.CharField(max_length=100, help_text="the display name in From:")
    policy = models.CharField(max_length=50, help_text="id of the policy file, e.g. capella")
    level = models.CharField(max_length=30, help_text="the level new requests get")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    is_default = models.BooleanField(
        default=False, help_text="receives mail sent to addresses no other row claims"
    )

    class Meta:
        verbose_name_plural = "support addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self) -> None:
        self.email = self.email.strip().lower()
        try:
            policy = load_policy(self.policy)
        except (PolicyError, OSError, KeyError, ValueError) as exc:
            raise ValidationError({"policy": f"no usable policy {self.policy!r}: {exc}"}) from None
        if self.level not in policy.level_ids:
            raise ValidationError(
                {"level": f"one of {', '.join(policy.level_ids)} for policy {policy.id}"}
            )


class HoldingOrganization(models.Model):
    """Where one unknown sender's contact waits, per policy, until an agent links it.

    One organisation per sender address (`email`; blank: mail naming no sender), so
    that no customer identity given to one unverified sender (a token, a portal
    login) can list another's requests.
    """

    policy = models.CharField(max_length=50)
    email = models.CharField(max_length=254, blank=True, default="")
    phone = models.CharField(
        max_length=20, blank=True, default="", help_text="an unknown caller's E.164 number"
    )
    organization = models.OneToOneField("contracts.Organization", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "email", "phone"], name="one_holding_per_sender_or_caller"
            )
        ]

    def __str__(self) -> str:
        return f"unverified sender {self.email or self.phone or '(none)'} ({self.policy})"


class UnverifiedContact(models.Model):
    """A contact created from an unknown sender's mail; not entitled until linked."""

    contact = models.OneToOneField(
        "contracts.Contact", on_delete=models.CASCADE, related_name="unverified"
    )
    created = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.contact)


class SupportLine(models.Model):
    """A phone number customers call, mapped to a policy, a team and a default level,
    with the secret its telephony system signs voice events with.

    The secret is kept as given (an HMAC is checked by computing it again, so a hash
    of the secret would not do); it is never shown after it is set.
    """

    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +18664164800")
    name = models.CharField(max_length=100, blank=True)
    policy = models.CharField(max_length=50, help_text="id of the policy file, e.g. capsure")
    level = models.CharField(max_length=30, help_text="the level new requests get")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    secret = models.CharField(max_length=200, help_text="HMAC key of signed voice events")
    created = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name or 'line'} {self.number} ({self.policy})"


class VoiceCall(models.Model):
    """One call or voicemail event as the telephony system sent it, and its request.

    The UNIQUE (line, call_id) is what makes a redelivery create nothing new.
    """

    line = models.ForeignKey(
        SupportLine, null=True, on_delete=models.SET_NULL, related_name="calls"
    )
    to = models.CharField(max_length=20, help_text="the line's number when the call came")
    call_id = models.CharField(max_length=200)
    event = models.CharField(max_length=10, help_text="voicemail or call")
    caller = models.CharField(max_length=40, blank=True, help_text="`from` as sent")
    started_at = models.DateTimeField()
    duration_seconds = models.PositiveIntegerField(default=0)
    recording_url = models.URLField(max_length=1000, blank=True)
    transcript = models.TextField(blank=True)
    body = models.TextField(help_text="the event exactly as received (JSON or form-encoded)")
    received_at = models.DateTimeField()
    request = models.ForeignKey(
        "tickets.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="voice_calls",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "call_id"], name="voice_call_once_per_line")
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.call_id} from {self.caller or 'withheld'}"


class ImapSource(models.Model):
    """A mailbox the worker and `accord mail fetch` poll (see accord.intake.mail.imap)."""

    class Security(models.TextChoices):
        SSL = "ssl", "Implicit TLS (993)"
        STARTTLS = "starttls", "STARTTLS"
        PLAIN = "plain", "Plain (loopback only)"

    class AfterStore(models.TextChoices):
        FLAG = "flag", "Flag"
        DELETE = "delete", "Delete"

    name = models.SlugField(unique=True, help_text="names the mailbox in stored messages")
    host = models.CharField(max_length=200)
    port = models.PositiveIntegerField(default=993)
    username = models.CharField(max_length=200)
    password = models.CharField(max_length=200)
    folders = models.CharField(max_length=500, default="INBOX", help_text="comma-separated")
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    after_store = models.CharField(
        max_length=10, choices=AfterStore.choices, default=AfterStore.FLAG
    )
    flag = models.CharField(max_length=50, default="$Accord")
    address = models.ForeignKey(
        SupportAddress,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text="the support address for mail whose recipients name none",
    )
    enabled = models.BooleanField(default=True)
    interval_seconds = models.PositiveIntegerField(default=60)
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    uidvalidity = models.JSONField(default=dict, blank=True, help_text="folder -> last seen")
    last_result = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["enabled", "next_fetch_at"], name="imap_due")]

    def __str__(self) -> str:
        return f"{self.name} ({self.username}@{self.host})"

    def folder_list(self) -> tuple[str, ...]:
        return tuple(f.strip() for f in self.folders.split(",") if f.strip())


class RawMessage(models.Model):
    """One message exactly as received, and what became of it."""

    class State(models.TextChoices):
        PENDING = "pending", "Stored, not processed yet"
        PROCESSED = "processed", "Processed"
        QUARANTINED = "quarantined", "Quarantined"
        IGNORED = "ignored", "Ignored (our own mail coming back)"
        DUPLICATE = "duplicate", "Same Message-ID, different bytes"

    dedupe_key = models.CharField(max_length=600)
    sha256 = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=1000, blank=True)
    raw = models.BinaryField()
    raw_file = models.CharField(
        max_length=200,
        blank=True,
        help_text="the whole message in the file store when it was too large to keep here "
        "(ACCORD_MAIL_MAX_BYTES); `raw` then holds its headers and a note",
    )
    size = models.PositiveBigIntegerField()
    source = models.CharField(max_length=10, help_text="pipe or imap")
    mailbox = models.CharField(max_length=100, blank=True)
    folder = models.CharField(max_length=500, blank=True)
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField()
    sender = models.CharField(max_length=320, blank=True)
    date_offset_minutes = models.SmallIntegerField(
        null=True, blank=True, help_text="UTC offset of the sender's Date header"
    )
    subject = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    reason = models.TextField(blank=True, help_text="why quarantined or ignored")
    automated = models.BooleanField(default=False)
    deliveries = models.PositiveIntegerField(default=1)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    address = models.ForeignKey(SupportAddress, null=True, blank=True, on_delete=models.SET_NULL)
    request = models.ForeignKey(
        "tickets.Request",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raw_messages",
    )
    ticket_message = models.ForeignKey(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="raw_messages",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~Q(state="duplicate"),
                name="raw_message_dedupe_key_unique",
            )
        ]
        indexes = [
            models.Index(fields=["state", "received_at"], name="raw_state_received"),
            models.Index(fields=["message_id"], name="raw_message_id"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.sha256[:12]} ({self.state})"


class Participant(models.Model):
    """An address taking part in a request's mail thread (From, To, Cc of its mail)."""

    request = models.ForeignKey(
        "tickets.Request", on_delete=models.CASCADE, related_name="participants"
    )
    email = models.EmailField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "email"], name="participant_unique")
        ]

    def __str__(self) -> str:
        return self.email
