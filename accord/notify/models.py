"""The outbox: one row per outbound mail, from queued to sent (or failed, bounced).

A row is created in the same transaction as, or right after the commit of,
the message it carries; `ticket_message` is UNIQUE so that the on-commit receiver
and the worker's sweep can both try to create it and only one row results.
Notices that carry no desk message (over-size mail, ...) are made unique by
`notice_key`. The worker claims rows by (state, next_attempt_at).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Outbox(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (gave up)"
        BOUNCED = "bounced", "Bounced"
        SUPPRESSED = "suppressed", "Not sent (loop protection or cap)"

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "ack", "Acknowledgement"
        REPLY = "reply", "Agent reply"
        NOTICE = "notice", "Notice"
        ALERT = "alert", "Staff alert"

    # Empty only for notices about no one request (an update reminder, capella 4.4).
    request = models.ForeignKey(
        "tickets.Request", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox"
    )
    ticket_message = models.OneToOneField(
        "tickets.Message",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbox",
    )
    notice_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    automated = models.BooleanField(help_text="sent with Auto-Submitted: auto-replied")
    from_email = models.CharField(max_length=320)
    to_email = models.CharField(max_length=320)
    cc = models.TextField(
        blank=True, help_text="Cc addresses, comma-separated: the thread's other participants"
    )
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=300, unique=True)
    in_reply_to = models.CharField(max_length=1000, blank=True)
    references = models.TextField(blank=True)
    body_text = models.TextField()
    body_html = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    reason = models.TextField(blank=True, help_text="why suppressed, failed or bounced")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(
        max_length=200, blank=True, help_text="the worker id that holds the lease"
    )
    created = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "outbox"
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["to_email", "created"], name="outbox_to_created"),
        ]
        constraints = [
            models.CheckConstraint(
                name="outbox_message_or_notice",
                condition=Q(ticket_message__isnull=False) | Q(notice_key__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.state})"


class Webhook(models.Model):
    """A subscription: deliveries of the named events to a URL, signed with the secret."""

    class Format(models.TextChoices):
        JSON = "json", "Accord JSON"
        SLACK = "slack", "Slack-compatible (text)"
        PAGERDUTY = "pagerduty", "PagerDuty Events v2"

    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.JSON)
    routing_key = models.CharField(
        max_length=200, blank=True, help_text="PagerDuty integration key (pagerduty format)"
    )
    active = models.BooleanField(default=True)
    created = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"{self.url} ({', '.join(self.events)})"


class WebhookDelivery(models.Model):
    """One POST of one event to one webhook; retried with backoff like the mail outbox.

    `key` is unique: the on-commit receivers, the worker's alerting of a
    transition and a resend each make their own key, so a repeat is a no-op.
    `delivery_id` is the id a receiver dedupes by (in the body and in
    X-Accord-Delivery): the row's own id, or for a resend the original's.
    """

    State = Outbox.State

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    request = models.ForeignKey(
        "tickets.Request",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    key = models.CharField(max_length=200, unique=True)
    delivery_id = models.CharField(
        max_length=40, blank=True, help_text="the id in the body and X-Accord-Delivery"
    )
    event = models.CharField(max_length=40)
    body = models.TextField(help_text="the exact bytes signed and sent (UTF-8 JSON)")
    state = models.CharField(max_length=12, choices=Outbox.State.choices, default="queued")
    reason = models.TextField(blank=True)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_owner = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook.url} ({self.state})"


class AlertSettings(models.Model):
    """A staff user's choice of alert mail; no row means every alert."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_settings"
    )
    events = models.JSONField(default=list, help_text="alert events mailed to this user")
    digest = models.BooleanField(
        default=False, help_text="alerts (not pages) gathered into one mail per period"
    )


class DigestItem(models.Model):
    """One alert held for a user's digest instead of its own mail (docs/alerts.md).

    `key` is the alert's unique key, so a repeat is a no-op; `outbox` is the
    digest mail that carried it, set when the worker claims the user's pending
    items (a partial index on the pending ones).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_items"
    )
    key = models.CharField(max_length=200, unique=True)
    request = models.ForeignKey(
        "tickets.Request", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=40)
    line = models.CharField(max_length=400)
    at = models.DateTimeField(help_text="when the alert was held")
    outbox = models.ForeignKey(
        Outbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="digest_items"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["at"], name="digest_item_pending", condition=Q(outbox__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} for {self.user_id}"


class OnCallShift(models.Model):
    """One person on call from `starts` to `ends` (docs/alerts.md, "On-call rota").

    A weekly rotation is a run of shifts made by `oncall.rotate` (their
    `rotation` names it); a one-off override is a shift with `override` set, and
    wins over the rotation's shift at the same time. `policy` and `team` narrow
    the requests the shift covers; empty means every policy / every team.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oncall_shifts"
    )
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    policy = models.CharField(max_length=50, blank=True, help_text="empty: every policy")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="shifts"
    )
    override = models.BooleanField(default=False, help_text="a one-off that wins over the rota")
    rotation = models.CharField(max_length=100, blank=True, help_text="the rotation that made it")
    created = models.DateTimeField()
    created_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["starts", "id"]
        indexes = [models.Index(fields=["ends", "starts"], name="oncall_shift_span")]
        constraints = [
            models.CheckConstraint(
                name="oncall_shift_ends_after_start", condition=Q(ends__gt=models.F("starts"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on call {self.starts:%Y-%m-%d %H:%M} to {self.ends:%Y-%m-%d %H:%M}"


class Page(models.Model):
    """A page: a request that must reach a person now, with its escalation ladder.

    One per request and target (`unique`): the worker opens it while alerting
    the target's `appeared` transition, which it claims once. `next_at` is when
    the next rung is due (null: the ladder has ended); the worker claims due
    pages through a partial index on it. Acknowledging sets `acknowledged` and
    clears `next_at`; every rung and the acknowledgement is a `PageStep` row.
    """

    request = models.ForeignKey("tickets.Request", on_delete=models.CASCADE, related_name="pages")
    target = models.CharField(max_length=20)
    clause = models.CharField(max_length=200)
    opened = models.DateTimeField()
    rung = models.PositiveSmallIntegerField(default=0, help_text="rungs of the ladder taken")
    next_at = models.DateTimeField(null=True, blank=True, help_text="next rung due")
    lease_until = models.DateTimeField(null=True, blank=True)
    acknowledged = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=200, blank=True)
    ended = models.CharField(max_length=20, blank=True, help_text="why the ladder stopped")

    class Meta:
        ordering = ["-opened", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "target"], name="page_once_per_target")
        ]
        indexes = [
            models.Index(
                fields=["next_at"], name="page_next_due", condition=Q(next_at__isnull=False)
            )
        ]

    def __str__(self) -> str:
        return f"page {self.pk} ({self.request_id}, {self.target})"


class PageStep(models.Model):
    """One rung of a page's ladder or its end, recorded once (`n` is unique per page)."""

    class Kind(models.TextChoices):
        ONCALL = "oncall", "Paged the person on call"
        NEXT = "next", "Paged the next in the rota"
        MANAGERS = "managers", "Paged the managers"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        ANSWERED = "answered", "Ended: the request was answered"

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="steps")
    n = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    users = models.JSONField(default=list, help_text="usernames paged (or who acknowledged)")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["page", "n"]
        constraints = [models.UniqueConstraint(fields=["page", "n"], name="page_step_once")]

    def __str__(self) -> str:
        return f"page {self.page_id} step {self.n}: {self.kind}"
