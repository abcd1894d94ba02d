"""Monthly SLA statements: who opted in, and every statement sent."""

from __future__ import annotations

from django.db import models


class StatementSubscription(models.Model):
    """An organisation opted in to the monthly SLA statement (off unless set)."""

    organization = models.OneToOneField(
        "contracts.Organization", on_delete=models.CASCADE, related_name="statement_subscription"
    )
    enabled = models.BooleanField(default=False)
    changed_at = models.DateTimeField()
    changed_by = models.CharField(max_length=200)


class Statement(models.Model):
    """One statement mail to one recipient, as composed and as the SMTP server took it."""

    class State(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        "contracts.Organization", on_delete=models.CASCADE, related_name="statements"
    )
    period = models.CharField(max_length=30, help_text="e.g. 2026-11")
    to_email = models.CharField(max_length=320)
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=300, unique=True)
    body_text = models.TextField()
    body_html = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.TextField(blank=True)
    sent_by = models.CharField(max_length=200)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["organization", "-created"], name="statement_org_created")]
