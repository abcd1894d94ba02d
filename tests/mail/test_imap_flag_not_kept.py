"""A folder that would not keep our mark is refused instead of being refetched forever."""

from __future__ import annotations

import imaplib

import pytest

from accord.intake.mail.imap import _check_flag_allowed

from .conftest import Dovecot


@pytest.mark.parametrize(
    ("permanent", "options", "allowed"),
    [
        (b"(\\Answered \\Seen \\Deleted \\*)", {}, True),
        (b"(\\Answered \\Seen \\Deleted)", {}, False),
        (b"(\\Answered \\Seen \\Deleted)", {"flag": "\\Seen"}, True),
        (b"(\\Answered \\Seen)", {"after_store": "delete"}, False),
        (b"(\\Answered \\Seen $Accord)", {}, True),
    ],
)
def test_it_checks_permanentflags_before_fetching(
    dovecot: Dovecot, permanent: bytes, options: dict[str, str], allowed: bool
) -> None:
    conn = dovecot.connect()
    try:
        conn.select("INBOX")
        conn.untagged_responses["PERMANENTFLAGS"] = [permanent]  # what a stricter server says
        account = dovecot.account(("INBOX",), **options)
        if allowed:
            _check_flag_allowed(conn, account, "INBOX")
        else:
            with pytest.raises(imaplib.IMAP4.error, match="does not keep the flag"):
                _check_flag_allowed(conn, account, "INBOX")
    finally:
        conn.logout()
