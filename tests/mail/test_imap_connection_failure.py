"""Connection and login failures are reported in the result, never raised."""

from __future__ import annotations

import socket
from dataclasses import replace

from accord.intake.mail.imap import fetch

from .conftest import Dovecot


def test_it_reports_a_refused_connection_and_a_bad_login(dovecot: Dovecot) -> None:
    calls: list[int] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused = fetch(
        replace(dovecot.account(("INBOX",)), port=closed_port), lambda *a: calls.append(a[4])
    )
    assert refused.error is not None and "failed" in refused.error and not refused.ok
    bad_login = fetch(
        replace(dovecot.account(("INBOX",)), password="wrong"), lambda *a: calls.append(a[4])
    )
    assert bad_login.error is not None and "AUTHENTICATIONFAILED" in bad_login.error
    assert calls == [] and refused.folders == [] and bad_login.folders == []
