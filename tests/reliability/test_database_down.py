"""The database unreachable: web 503, commands one line and exit 75, the worker backs off.

Every process here is the real `accord` command with DATABASE_URL pointing at a
PostgreSQL port nothing listens on (connection refused at once).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from intake.support import PYTHON, REPO, base_env, message, run


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def down_env(tmp_path: Path) -> dict[str, str]:
    env = base_env(tmp_path / "data")
    env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:{_free_port()}/accord"
    return env


def _accord(env: dict[str, str], *args: str, stdin: bytes = b"") -> Any:
    return run(env, *args, stdin=stdin)


@pytest.mark.parametrize(
    "args",
    [
        ("mail", "list"),
        ("mail", "ingest"),
        ("mail", "retry", "1"),
        ("files", "verify"),
        ("user", "create", "someone", "--role", "agent"),
        ("token", "create", "--user", "someone"),
    ],
)
def test_a_command_prints_one_line_and_exits_75(down_env, args) -> None:
    done = _accord(down_env, *args, stdin=message("x") if args[1] == "ingest" else b"")
    assert done.returncode == 75, done.stderr
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    assert "database" in lines[0] or "temporary failure" in lines[0]


def test_the_worker_logs_one_line_per_failed_pass_and_backs_off(down_env) -> None:
    worker = subprocess.Popen(
        [PYTHON, "-m", "accord", "run", "worker", "--interval", "0.2"],
        env=down_env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert worker.stderr is not None
    lines: list[tuple[float, str]] = []

    def read() -> None:
        assert worker.stderr is not None
        for raw in worker.stderr:
            lines.append((time.monotonic(), raw.decode().rstrip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while not lines and time.monotonic() < deadline:  # Django's start-up
        time.sleep(0.1)
    first = time.monotonic()
    time.sleep(4)
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=30)
    reader.join(timeout=10)
    failed = [t for t, line in lines if "database unavailable" in line and t <= first + 4]
    # 0.2 + 0.4 + 0.8 + 1.6 s between passes: about five passes in four seconds,
    # where a fixed interval would have made twenty.
    assert 2 <= len(failed) <= 7, lines
    text = [line for _, line in lines]
    assert not [line for line in text if "Traceback" in line or line.startswith(" ")], text
    assert "next try in" in next(line for line in text if "database unavailable" in line)

    once = _accord(down_env, "run", "worker", "--until-idle")
    assert once.returncode == 1
    assert b"Traceback" not in once.stderr


def _get(url: str, **headers: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def test_the_web_answers_503_json_and_a_plain_page(down_env) -> None:
    port = _free_port()
    web = subprocess.Popen(
        [PYTHON, "-m", "accord", "run", "web", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=down_env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert web.poll() is None and time.monotonic() < deadline, "web did not start"
                time.sleep(0.2)
        status, ctype, body = _get(f"{base}/api/v1/requests", Authorization="Bearer acc_x")
        assert status == 503 and ctype.startswith("application/json"), body
        assert "database is unavailable" in json.loads(body)["detail"]
        status, ctype, body = _get(f"{base}/", Cookie="sessionid=abcdefghijklmnopqrstuvwxyz012345")
        assert status == 503 and ctype.startswith("text/html"), body
        assert b"database is unavailable" in body and b"Traceback" not in body
    finally:
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)
