"""A staff password reset link, queued in the outbox like every mail we send.

The worker sends it (retries, the outbox page's failed list and resend apply as
to any notice); Django's reset tokens make the link, so it ends when used (the
password hash changes), at the next login, or after PASSWORD_RESET_TIMEOUT.
The link sits in the outbox row until then; whoever can read the database can
already change any password, so this gives nobody more (docs/security.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accord.accounts.actor import SYSTEM
from accord.audit.services import record
from accord.intake.identity import mail_config, own_mail
from accord.notify.models import Outbox

# One queued link per person per window: a form posted in a loop sends no mail storm.
QUIET = timedelta(minutes=5)


def reset_path(user: User) -> str:
    """The path part of the link: /password/reset/<uid>/<token>/."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/password/reset/{uid}/{default_token_generator.make_token(user)}/"


@transaction.atomic
def queue_password_reset(
    user: User, *, base_url: str, now: datetime | None = None
) -> Outbox | None:
    """Queue the reset mail to a staff user's address; None when one went out just now."""
    now = now or timezone.now()
    email = user.email.strip().lower()
    prefix = f"staff-password:{user.pk}:"
    recent = Outbox.objects.filter(notice_key__startswith=prefix, created__gt=now - QUIET)
    if not email or recent.exists():
        return None
    context = {
        "user": user,
        "link": base_url.rstrip("/") + reset_path(user),
        "hours": _hours(),
    }
    row = Outbox.objects.create(
        request=None,
        notice_key=f"{prefix}{now.timestamp():.6f}",
        kind=Outbox.Kind.NOTICE,
        automated=True,
        from_email=f"Accord <{mail_config().default_from}>",
        to_email=email,
        subject="Reset your Accord password",
        message_id=own_mail().make_message_id(),
        body_text=render_to_string("notify/staff_password.txt", context).strip() + "\n",
        body_html=render_to_string("notify/staff_password.html", context),
        state=Outbox.State.QUEUED,
        next_attempt_at=now,
        created=now,
    )
    record(SYSTEM, "user.password_reset_requested", user, now, outbox=row.pk)
    return row


def _hours() -> int:
    from django.conf import settings

    return int(settings.PASSWORD_RESET_TIMEOUT) // 3600
