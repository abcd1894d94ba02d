"""Mail authenticity: what our own receiving MTA found out about a message.

The MTA that accepted the message (Postfix with OpenDMARC, rspamd, Exim...)
records its SPF, DKIM and DMARC checks in an `Authentication-Results` header
(RFC 8601) that starts with its own name, the authserv-id. Anyone can write
such a header into a message before sending it, so only headers naming the
host configured in `ACCORD_MAIL_TRUSTED_AUTHSERV` (settings.ACCORD_MAIL) are read; with none
configured, nothing is read and no message is flagged.

A message whose trusted results say `dmarc=fail` or `spf=fail` may not be
from whom it claims: it is never threaded silently into an existing request
(the pipeline opens a new request, linked to the one it pointed at, like a
stranger's reply) and its request carries an `authentication_failed` flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from accord.intake.mail.model import ParsedMessage

FAILING = {"dmarc": {"fail"}, "spf": {"fail"}}
_RESULT = re.compile(r"\b(dmarc|spf|dkim)\s*=\s*([a-z]+)", re.IGNORECASE)
_COMMENT = re.compile(r"\([^()]*\)")


@dataclass(frozen=True)
class Verdict:
    failed: tuple[str, ...]  # e.g. ("spf=fail", "dmarc=fail")
    host: str

    @property
    def message(self) -> str:
        return (
            f"{self.host} reports {', '.join(self.failed)}: the mail may not be from whom it says"
        )


def verdict(parsed: ParsedMessage, host: str) -> Verdict | None:
    """The failed checks in the Authentication-Results of `host` (our MTA), or None."""
    host = host.lower()
    if not host:
        return None
    failed: list[str] = []
    for value in parsed.header_all("Authentication-Results"):
        text = _COMMENT.sub(" ", value)
        authserv, _, results = text.partition(";")
        parts = authserv.split()
        if not parts or parts[0].strip().lower() != host:
            continue
        for method, result in _RESULT.findall(results):
            method, result = method.lower(), result.lower()
            if result in FAILING.get(method, set()):
                failed.append(f"{method}={result}")
    if not failed:
        return None
    return Verdict(tuple(dict.fromkeys(failed)), host)
