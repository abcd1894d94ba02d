"""The voice line under the real server: `accord run web` (gunicorn, two workers) on a
file database, the same voicemail delivered by four clients at once."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from accord.intake.voice import accord_signature
from intake.support import PYTHON, REPO, CliDesk

from .test_voice_http import SECRET, event, post


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(cli_desk: CliDesk) -> Iterator[tuple[CliDesk, str]]:
    added = cli_desk.accord(
        "voice", "line", "add", "+1 866 416 4800", "--policy", "capsure", "--level", "sev2",
        "--secret", SECRET,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    port = _free_port()
    proc = subprocess.Popen(
        [PYTHON, "-m", "accord", "run", "web", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=cli_desk.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield cli_desk, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_four_deliveries_at_once_open_one_request(served: tuple[CliDesk, str]) -> None:
    desk, base = served
    body = json.dumps(event(call_id="race-gunicorn")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Accord-Signature": accord_signature(SECRET, body),
    }

    def deliver(_: int) -> tuple[int, Any]:
        status, answer = post(f"{base}/intake/voice/", body, headers)
        return status, json.loads(answer)

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(deliver, range(4)))
    assert sorted(status for status, _ in answers) == [200, 200, 200, 201], answers
    assert len({answer["request"] for _, answer in answers}) == 1
    assert desk.rows("SELECT count(*) FROM intake_voicecall") == [(1,)]
    assert desk.rows("SELECT channel, subject FROM tickets_request") == [
        ("voicemail", "Voicemail from Sam")
    ]
