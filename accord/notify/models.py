"""The outbox: one row per outbound mail, from queued to sent (or failed, bounced).

A row is created in the same transaction as, or right after the commit of,
the message it carries; `ticket_message` is UNIQUE so that the on-commit receiver
and the worker's sweep can both try to create it and only one row results.
Notices that carry no desk message (over-size mail, ...) are made unique by
`notice_key`. The worker claims rows by (state, next_attempt_at).
"""

from __future__ import annotations

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
