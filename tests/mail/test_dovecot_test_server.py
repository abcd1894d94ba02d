"""scripts/dovecot-test-server: idempotent start, status, stop, on a throwaway directory."""

from __future__ import annotations

import imaplib
import subprocess
import tempfile
from pathlib import Path

from .conftest import DOVECOT_SCRIPT, Dovecot


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DOVECOT_SCRIPT), *args], capture_output=True, text=True, timeout=300)


def test_it_starts_once_reports_the_port_and_stops(dovecot: Dovecot) -> None:
    directory = Path(tempfile.mkdtemp(prefix="accord-dovecot-script-"))
    try:
        first = _run("start", str(directory))
        assert first.returncode == 0, first.stderr
        port = int(first.stdout)
        assert port not in (143, 993) and port != dovecot.port
        again = _run("start", str(directory))
        assert again.returncode == 0 and int(again.stdout) == port
        assert _run("status", str(directory)).stdout.strip() == str(port)
        conn = imaplib.IMAP4("127.0.0.1", port, timeout=10)
        assert conn.login("accord", "accord-test")[0] == "OK"
        conn.logout()
    finally:
        stop = _run("stop", str(directory))
    assert stop.returncode == 0, stop.stderr
    assert _run("status", str(directory)).returncode == 1
    assert not directory.exists()
