"""Requests (tickets), their messages, event log and stored SLA targets.

The event log is the source of truth for the SLA: `SlaTarget` rows are a
cache of what the engine computes from it, kept for "what is due next"
queries; reads recompute as of the moment of the read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from accord.sla.policy_spec import CHANNELS, STATUSES, TARGET_KINDS

NUMBER_PREFIX = "SR-"
# `Request.next_due` of a request with nothing due (paused, met, no targets): after
# every real instant, so "nearest due first" is a plain ascending index scan on both
# databases (NULL would sort first on SQLite and last on PostgreSQL).
NO_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    VOICEMAIL = "voicemail", "Voicemail"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Web portal"
    API = "api", "API"


class Status(models.TextChoices):
    OPEN = "open", "Open"
    WAITING_ON_CUSTOMER = "waiting_on_customer", "Waiting on customer"
    WORKAROUND_PROVIDED = "workaround_provided", "Workaround provided"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class Scope(models.TextChoices):
    IN_SCOPE = "in_scope", "In scope"
    EXCLUDED = "excluded", "Excluded request type"
    NOT_ENTITLED = "not_entitled", "Not entitled"
    AWAITING_UPGRADE = "awaiting_upgrade", "Awaiting upgrade to a supported release"
    CUSTOMER_CAUSED = "customer_caused", "Customer-caused (billable)"


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", "First response"
    RESOLUTION = "resolution", "Resolution"


class TargetState(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"


assert set(Channel.values) == set(CHANNELS)
assert set(Status.values) == set(STATUSES)
assert set(TargetKind.values) == set(TARGET_KINDS)


# Still owed by the desk: not yet resolved or closed (the agents' queue).
QUEUE_STATUSES = (Status.OPEN, Status.WAITING_ON_CUSTOMER, Status.WORKAROUND_PROVIDED)


class RequestCounter(models.Model):
    """The last service request number handed out; one row, locked while in use."""

    name = models.CharField(max_length=20, primary_key=True)
    last = models.PositiveBigIntegerField()


class Request(models.Model):
    number = models.PositiveBigIntegerField(unique=True)
    organization = models.ForeignKey(
        "contracts.Organization", on_delete=models.PROTECT, related_name="requests"
    )
    contact = models.ForeignKey(
        "contracts.Contact", on_delete=models.PROTECT, related_name="requests"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    received = models.DateTimeField()
    notice = models.DateTimeField()
    level = models.CharField(max_length=30, help_text="the current level")
    initial_level = models.CharField(
        max_length=30, help_text="the level at receipt; later changes are `level` events"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    policy = models.CharField(max_length=50)
    policy_version = models.CharField(max_length=50)
    subject = models.CharField(max_length=200)
    description = models.TextField()
    scope = models.CharField(max_length=20, choices=Scope.choices)
    scope_reason = models.TextField()
    scope_clause = models.CharField(max_length=200)
    scope_guidance = models.TextField(blank=True)
    scope_overridden = models.BooleanField(default=False)
    request_type = models.CharField(
        max_length=50,
        blank=True,
        help_text="an excluded type the customer chose (capella 2.4), e.g. password_reset",
    )
    flags = models.JSONField(default=list, help_text="[{code, message, clause}] for the agent")
    suggested_exclusion = models.CharField(
        max_length=50,
        blank=True,
        default="",
        help_text="an excluded type (capella 2.4) the text reads as, waiting for an agent to "
        "confirm or dismiss it; the targets run meanwhile (docs/scope.md)",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="splits"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,  # a partial index instead (Meta): an index on every NULL misleads
        # SQLite's planner into reading the whole queue through it, then sorting
    )
    continues = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="continuations",
        help_text="capella 5.3: the earlier request this one continues",
    )
    created = models.DateTimeField()
    updated = models.DateTimeField()
    next_due = models.DateTimeField(
        default=NO_DUE,
        help_text="the nearest due instant of an unmet (running or breached) target, "
        "NO_DUE when none; kept by `store_targets` with the target rows",
    )
    source = models.CharField(
        max_length=50, blank=True, help_text="the desk it was imported from (`accord import`)"
    )
    source_id = models.CharField(
        max_length=200, blank=True, help_text="its id in that desk; an import is idempotent by it"
    )

    class Meta:
        indexes = [
            models.Index(fields=["organization", "-received"]),
            models.Index(fields=["received", "id"], name="request_received"),
            models.Index(
                fields=["merged_into"],
                name="request_merged_into",
                condition=Q(merged_into__isnull=False),
            ),
            models.Index(fields=["next_due", "id"], name="request_next_due"),
            # The review list of suggested exclusions: the few rows waiting for an agent.
            models.Index(
                fields=["received", "id"],
                name="request_suggested_exclusion",
                condition=~Q(suggested_exclusion=""),
            ),
            # The agents' queue: unresolved, unmerged, nearest due first.
            models.Index(
                fields=["next_due", "id"],
                name="request_queue_due",
                condition=Q(status__in=[s.value for s in QUEUE_STATUSES], merged_into__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                name="request_source_unique",
                condition=~Q(source=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_number} {self.subject}"

    @property
    def display_number(self) -> str:
        return f"{NUMBER_PREFIX}{self.number}"


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound"
        OUTBOUND = "outbound", "Outbound"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    public = models.BooleanField()
    automated = models.BooleanField(default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_contact = models.ForeignKey(
        "contracts.Contact", null=True, blank=True, on_delete=models.SET_NULL
    )
    body_text = models.TextField()
    body_html = models.TextField(blank=True, help_text="sanitised; safe to display")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    file = models.FileField(upload_to="attachments/%Y/%m/")


class Event(models.Model):
    """One line of a request's append-only log: who did what, when.

    `kind` is an engine event type (agent_reply, status, ...) or a desk-only
    one (opened, scope, assigned, ...); the SLA reads only the engine types.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    to = models.CharField(max_length=50, blank=True)
    actor = models.CharField(max_length=200)
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict)
    recorded = models.DateTimeField()
    # Bookkeeping, not history: when its alerts, customer notices and page were
    # queued (accord.notify.alerts); written once by a queryset update, like
    # SlaTransition.alerted, so a crash before that is swept by the worker.
    alerted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["request", "seq"], name="event_seq_unique")]
        indexes = [
            models.Index(
                fields=["id"], name="event_not_alerted", condition=models.Q(alerted__isnull=True)
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("the event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("the event log is append-only")


class SlaTarget(models.Model):
    """The engine's verdict for one target, as of `computed_at`."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    state = models.CharField(max_length=10, choices=TargetState.choices)
    due = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    clock = models.CharField(max_length=10)
    within_seconds = models.PositiveIntegerField()
    clause = models.CharField(max_length=200)
    level = models.CharField(
        max_length=30, blank=True, help_text="the level whose target this is (kept with a verdict)"
    )
    taken_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="notice to met on the target's own clock (reports)"
    )
    paused_seconds = models.PositiveIntegerField(
        default=0, help_text="stopped time on the target's own clock, as of computed_at"
    )
    computed_at = models.DateTimeField()
    warn_at = models.DateTimeField(
        null=True, blank=True, help_text="when the warning share of the clock is consumed"
    )
    warned = models.BooleanField(default=False, help_text="the warning transition is recorded")
    imported = models.BooleanField(
        default=False,
        help_text="replayed by `accord import` from another desk's history: its verdicts "
        "took effect before the desk knew the request, so no alert is sent for them",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="target_one_per_kind")
        ]
        indexes = [
            models.Index(fields=["state", "due"], name="target_state_due"),
            # The worker's sweep polls only running targets (see accord.tickets.transitions).
            models.Index(fields=["due"], name="target_running_due", condition=Q(state="running")),
            models.Index(
                fields=["warn_at"],
                name="target_warning_due",
                condition=Q(state="running", warned=False),
            ),
        ]


class SlaTransition(models.Model):
    """One SLA transition of one target, recorded once when it happens (append-only).

    `at` is the instant it took effect (a breach at its due instant, a met at
    the reply), `recorded` when the desk wrote it. Alerts are sent from these rows:
    `alerted` is set by notify once every alert of the row is queued, so a
    transition recorded by a process that died before alerting is found again.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", "Warning"
        BREACHED = "breached", "Breached"
        MET = "met", "Met"
        PAUSED = "paused", "Paused"
        RESUMED = "resumed", "Resumed"
        APPEARED = "appeared", "Appeared"
        DISAPPEARED = "disappeared", "Disappeared"
        REOPENED = "reopened", "Reopened (met verdict voided)"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="transitions")
    target = models.CharField(max_length=20, choices=TargetKind.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    due = models.DateTimeField(null=True, blank=True, help_text="the due instant as it stood")
    level = models.CharField(max_length=30)
    policy = models.CharField(max_length=50)
    policy_version = models.CharField(max_length=50)
    clause = models.CharField(max_length=200)
    clock = models.CharField(max_length=10)
    recorded = models.DateTimeField()
    alerted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["request", "at"], name="transition_request_at"),
            models.Index(
                fields=["id"], name="transition_not_alerted", condition=Q(alerted__isnull=True)
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("SLA transitions are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValueError("SLA transitions are append-only")


class TimeEntry(models.Model):
    """Time an agent spent on a request; billable at the rate in force when logged."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="time_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    minutes = models.PositiveIntegerField()
    note = models.CharField(max_length=500)
    billable = models.BooleanField()
    hourly_rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    clause = models.CharField(max_length=200, blank=True, help_text="why it is billable")
    at = models.DateTimeField(help_text="when the work was done (its start when given)")
    ended = models.DateTimeField(null=True, blank=True, help_text="end, when logged start/end")
    billable_overridden = models.BooleanField(default=False)
    override_reason = models.CharField(max_length=500, blank=True)
    override_by = models.CharField(max_length=200, blank=True)
    recorded = models.DateTimeField(null=True, blank=True)


class Expense(models.Model):
    """capella 4.6: an on-site expense, invoiceable once approved (if needed) and evidenced."""

    class Kind(models.TextChoices):
        TRAVEL = "travel", "Travel"
        MEALS = "meals", "Meals"
        LODGING = "lodging", "Lodging"
        SUPPLIES = "supplies", "Supplies"
        OTHER = "other", "Other"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="expenses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=500)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    incurred_on = models.DateField()
    approved_by = models.CharField(max_length=200, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    evidence = models.CharField(max_length=500, blank=True, help_text="receipt reference")
    clause = models.CharField(max_length=200)
    recorded = models.DateTimeField()


class SearchDocument(models.Model):
    """What the search box finds a request by (`accord.tickets.search`).

    `head` is rebuilt whenever the request, its contact or its organisation is
    saved; `body` (public messages) and `notes` (internal notes) grow by each
    message's text as it is stored. PostgreSQL
    searches them through a GIN index on their weighted tsvector, SQLite
    through an FTS5 table kept equal to this one by triggers (migration 0005_search_document).
    """

    request = models.OneToOneField(
        Request, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    head = models.TextField()
    body = models.TextField(blank=True, help_text="public, non-automated messages")
    notes = models.TextField(blank=True, help_text="internal notes: staff searches only")


class Macro(models.Model):
    """A named reply template with optional actions (`accord.tickets.macros`).

    `owner` set: personal to that user; empty: shared with every agent. The
    actions run with the reply when the macro is applied: each empty one is
    left alone.
    """

    name = models.CharField(max_length=100)
    body = models.TextField(help_text="the reply; {placeholders} are filled in when applied")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text="empty: shared",
    )
    set_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    set_level = models.CharField(max_length=30, blank=True)
    set_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    """A queue filter saved under a name: an agent's own, or shared with a team.

    `query` is the queue's query string (only its filter parameters); the web
    queue parses it like a typed address, so a view can never hold a filter the
    queue would refuse.
    """

    name = models.CharField(max_length=80)
    query = models.CharField(max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="views"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                name="saved_view_owner_or_team",
                condition=models.Q(owner__isnull=False, team__isnull=True)
                | models.Q(owner__isnull=True, team__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ExpenseEvidence(models.Model):
    """capella 4.6: written evidence of an expense (a receipt scan or PDF), attachable later."""

    expense = models.ForeignKey(Expense, on_delete=models.CASCADE, related_name="evidence_files")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded = models.DateTimeField()
    uploaded_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["uploaded", "id"]
