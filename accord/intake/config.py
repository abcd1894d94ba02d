"""Mail settings from the environment, validated at start-up with the rest of settings.

`load(env)` returns a `MailConfig` or raises `accord.config.ConfigError` naming the
variable, so that a bad value stops `accord` with one clear line. Variables:

- `ACCORD_SMTP_URL`: where outbound mail goes: `smtp://[USER:PASS@]HOST:PORT`
  (plain, upgraded with STARTTLS when `?starttls=1`), or `smtps://...` (implicit TLS).
  Unset: outbound mail stays queued in the outbox until it is configured.
- `ACCORD_MAIL_DOMAIN`: the domain of the Message-IDs we send (default `localhost`).
- `ACCORD_MAIL_FROM`: the From address when a request has no support address
  (default `support@<ACCORD_MAIL_DOMAIN>`).
- `ACCORD_MAIL_CAP_PER_ADDRESS`: automated mails (acknowledgements, notices) one
  address may receive per day; `0` switches the cap off (default 20).
- `ACCORD_MAIL_CAP_PER_REQUEST`: automated mails per request (default 5; `0`: off).
- `ACCORD_ATTACHMENT_MAX_BYTES`: the largest attachment stored as a file
  (default 26214400, 25 MiB); larger ones stay in the raw message.
- `ACCORD_MAIL_MAX_BYTES`: the largest message whose attachments are extracted
  (default 52428800); a larger message is kept raw, its text still becomes the request.
- `ACCORD_MAIL_TRUSTED_AUTHSERV`: the authserv-id (host name) our receiving MTA writes
  at the start of its Authentication-Results header; only those results are read
  (intake/authenticity.py). Unset: none are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from accord.config import ConfigError

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    security: str  # "plain", "starttls" or "ssl"
    timeout: float = 30.0


@dataclass(frozen=True)
class MailConfig:
    smtp: SmtpSettings | None
    domain: str
    default_from: str
    cap_per_address: int
    cap_per_request: int
    attachment_max_bytes: int
    message_max_bytes: int
    # The authserv-id of our receiving MTA, whose Authentication-Results we trust.
    trusted_authserv: str = ""


def parse_smtp_url(url: str) -> SmtpSettings:
    """`smtp://[user:pass@]host:port[?starttls=1]` or `smtps://...`; ConfigError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ConfigError(
            "ACCORD_SMTP_URL", f"expected smtp://HOST:PORT or smtps://HOST:PORT, got {url!r}"
        )
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ConfigError("ACCORD_SMTP_URL", f"bad port in {url!r}") from None
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
    security = "ssl" if parts.scheme == "smtps" else ("starttls" if starttls else "plain")
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        security=security,
    )


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if not raw.strip().isdigit():
        raise ConfigError(name, f"expected a whole number >= 0, got {raw!r}")
    return int(raw.strip())


def load(env: Mapping[str, str] | None = None) -> MailConfig:
    """Read and validate the mail variables; raises ConfigError on the first bad one."""
    env = os.environ if env is None else env
    url = env.get("ACCORD_SMTP_URL", "").strip()
    smtp = parse_smtp_url(url) if url else None
    domain = env.get("ACCORD_MAIL_DOMAIN", "localhost").strip().lower()
    if not _DOMAIN.match(domain):
        raise ConfigError("ACCORD_MAIL_DOMAIN", f"expected a domain name, got {domain!r}")
    default_from = env.get("ACCORD_MAIL_FROM", f"support@{domain}").strip()
    if not _EMAIL.match(default_from):
        raise ConfigError("ACCORD_MAIL_FROM", f"expected an email address, got {default_from!r}")
    attachment_max = _count(env, "ACCORD_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
    if attachment_max < 1:
        raise ConfigError("ACCORD_ATTACHMENT_MAX_BYTES", "must be at least 1")
    message_max = _count(env, "ACCORD_MAIL_MAX_BYTES", 50 * 1024 * 1024)
    if message_max < 1:
        raise ConfigError("ACCORD_MAIL_MAX_BYTES", "must be at least 1")
    return MailConfig(
        smtp=smtp,
        domain=domain,
        default_from=default_from.lower(),
        cap_per_address=_count(env, "ACCORD_MAIL_CAP_PER_ADDRESS", 20),
        cap_per_request=_count(env, "ACCORD_MAIL_CAP_PER_REQUEST", 5),
        attachment_max_bytes=attachment_max,
        message_max_bytes=message_max,
        trusted_authserv=_authserv(env),
    )


def _authserv(env: Mapping[str, str]) -> str:
    value = env.get("ACCORD_MAIL_TRUSTED_AUTHSERV", "").strip().lower()
    if value and not _DOMAIN.match(value):
        raise ConfigError(
            "ACCORD_MAIL_TRUSTED_AUTHSERV", f"expected a host name (an authserv-id), got {value!r}"
        )
    return value
