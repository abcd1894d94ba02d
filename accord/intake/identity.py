"""Our own mail: the mail settings and the Message-IDs we send.

`own_mail()` makes and recognises our Message-IDs: `accord.<nonce>.<tag>@<domain>`
where the tag is an HMAC keyed from SECRET_KEY, so an outsider cannot forge an
id that we would drop as our own mail coming back.
"""

from __future__ import annotations

import hashlib

from django.conf import settings

from accord.intake.config import MailConfig
from accord.intake.mail.loops import OwnMail


def mail_config() -> MailConfig:
    """The validated mail settings (settings.ACCORD_MAIL, from accord.intake.config)."""
    cfg: MailConfig = settings.ACCORD_MAIL
    return cfg


def own_mail() -> OwnMail:
    secret = hashlib.sha256(b"accord-mail-id:" + settings.SECRET_KEY.encode()).digest()
    return OwnMail(domains=(mail_config().domain,), secret=secret)
