"""Paging through the real parts: two `accord run worker` processes, `accord run web`
(gunicorn), an SMTP sink and a webhook receiver, all on loopback.

A capsure severity 1 phoned in after hours pages `agent` (on call) at once, by
mail and a signed `page` webhook; unacknowledged after ACCORD_PAGE_ACK_MINUTES
(1 here) it pages `bob`, the next in the rota; `bob` acknowledges with the link
in his mail (GET shows the page, the button POSTs), and the managers are never
paged. Each rung is sent exactly once although two workers run.
"""

from __future__ import annotations

import email
import email.policy
import http.cookiejar
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from intake.support import PYTHON, REPO

from .receiver import Receiver
from .seed_page import SECRET
from .test_worker_processes import _env, _stop, _wait, _worker, live_env

SEED = Path(__file__).with_name("seed_page.py")
__all__ = ["live_env"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def web(live_env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**live_env, "ACCORD_BASE_URL": base}
    proc = subprocess.Popen(
        [PYTHON, "-m", "accord", "run", "web", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield base, proc
    _stop([proc])


def _pages(smtp: Any) -> list[tuple[str, str, Any]]:
    found = []
    for _, rcpts, data in list(smtp.messages):
        msg = email.message_from_bytes(data, policy=email.policy.default)
        if "PAGE" in str(msg["Subject"]):
            found.append((rcpts[0], str(msg["Message-ID"]), msg))
    return found


def _ack_link(msg: Any) -> str:
    text = msg.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"Acknowledge \(stops the escalation\): (\S+)", text)
    assert found, text
    return found.group(1)


def test_an_after_hours_sev1_pages_on_call_escalates_and_stops_on_the_mail_link(
    live_env: dict[str, str], smtp_server: Any, receiver: Receiver, web: Any
) -> None:
    base, _ = web
    env = {**_env(live_env, smtp_server), "ACCORD_PAGE_ACK_MINUTES": "1", "ACCORD_BASE_URL": base}
    seeded = subprocess.run(
        [PYTHON, str(SEED), receiver.url], env=env, cwd=REPO, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    number = seeded.stdout.split()[-1]
    workers = [_worker(env, "worker-a"), _worker(env, "worker-b")]
    try:
        _wait(lambda: len(_pages(smtp_server)) >= 1, workers, 60)
        started = time.monotonic()
        assert [to for to, _, _ in _pages(smtp_server)] == ["agent@desk.example"]
        # Unacknowledged for a minute: the next in the rota.
        _wait(lambda: len(_pages(smtp_server)) >= 2, workers, 150)
        assert time.monotonic() - started >= 50
        bob = [m for to, _, m in _pages(smtp_server) if to == "bob@desk.example"]
        assert (
            len(bob) == 1 and str(bob[0]["Subject"]) == f"[{number}] PAGE: Severity 1 after hours"
        )
        link = _ack_link(bob[0])
        assert link.startswith(base + "/pages/ack/")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        shown = opener.open(link, timeout=30).read().decode()
        assert "Acknowledge as bob" in shown and number in shown
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', shown)
        assert token
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1)}).encode()
        done = opener.open(urllib.request.Request(link, data=data), timeout=30).read().decode()
        assert "Acknowledged by <strong>bob</strong>" in done
        time.sleep(75)  # past the third rung's time: the managers are not paged
    finally:
        _stop(workers)
    mails = _pages(smtp_server)
    assert sorted(to for to, _, _ in mails) == ["agent@desk.example", "bob@desk.example"]
    assert len({mid for _, mid, _ in mails}) == 2
    posts = [p for p in receiver.posts if p.json()["event"] == "page"]
    assert len(receiver.delivered()) == 2 and all(p.verifies(SECRET) for p in posts)
    rungs = sorted((p.json()["page"]["step"], tuple(p.json()["page"]["paged"])) for p in posts)
    assert rungs == [(1, ("agent",)), (2, ("bob",))]
    assert posts[0].json()["request"]["number"] == number
    assert posts[0].json()["target"]["kind"] == "first_response"
