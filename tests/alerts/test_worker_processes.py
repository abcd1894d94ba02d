"""`accord run worker` processes send every alert once: two at once, and after a kill -9.

The desk lives in a database both the test and the workers open: a file
database on SQLite (the CLI tests' seeded copy), the test database itself on
PostgreSQL. Mail goes to a real SMTP sink, webhooks to a real HTTP receiver,
both on loopback. Each seeded request (capsure sev1, assigned to `agent`) is
past its warning and falls due a few seconds after seeding (the workers are
already running), so the workers
record and alert one warning, then one breach, per request: 3 alert mails
(warning to agent; breach to agent and the manager) and 2 webhook deliveries.
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from intake.support import PYTHON, REPO, base_env

from .receiver import Receiver
from .seed_alerts import SECRET

SEED = Path(__file__).with_name("seed_alerts.py")
COUNT = 8
DUE_IN = 20  # seconds from the start of seeding to every request's breach


@pytest.fixture
def live_env(transactional_db: None, request: Any, tmp_path: Path) -> dict[str, str]:
    """The environment of a process that shares this test's database."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env = base_env(tmp_path)
        env["DATABASE_URL"] = (
            f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        return env
    return dict(request.getfixturevalue("cli_desk").env)


def _env(live_env: dict[str, str], smtp: Any) -> dict[str, str]:
    return {
        **live_env,
        "ACCORD_SMTP_URL": f"smtp://{smtp.host}:{smtp.port}",
        "ACCORD_WEBHOOK_ALLOW_PRIVATE": "1",
    }


def _seed(env: dict[str, str], receiver: Receiver) -> list[str]:
    done = subprocess.run(
        [PYTHON, str(SEED), receiver.url, str(COUNT), str(DUE_IN)],
        env=env, cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _worker(env: dict[str, str], worker_id: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "-m", "accord", "run", "worker", "--interval", "0.2", "--id", worker_id],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _alert_mails(smtp: Any, sla: bool = True) -> list[tuple[str, str, str]]:
    """(recipient, Message-ID, subject) of every staff SLA alert the sink received
    (with `sla=False`: of the desk-event alerts, "New request", "Assigned to you")."""
    found = []
    for _, rcpts, data in list(smtp.messages):
        if rcpts[0].endswith("@desk.example"):
            msg = email.message_from_bytes(data, policy=email.policy.default)
            if ("] SLA " in str(msg["Subject"])) == sla:
                found.append((rcpts[0], str(msg["Message-ID"]), str(msg["Subject"])))
    return found


def _wait(done: Callable[[], bool], workers: list[subprocess.Popen[bytes]], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        for w in workers:
            assert w.poll() is None, w.communicate()
        if time.monotonic() > deadline:
            _stop(workers)
            errors = [w.communicate()[1].decode()[-2000:] for w in workers]
            raise AssertionError(f"the workers did not finish in time: {done!r} {errors}")
        time.sleep(0.1)


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for w in workers:
        if w.poll() is None:
            w.send_signal(signal.SIGTERM)
    for w in workers:
        try:
            w.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            w.kill()
            w.communicate()


class _Complete:
    """Every alert mail and delivery has arrived (its repr says how many did)."""

    def __init__(self, smtp: Any, receiver: Receiver) -> None:
        self.smtp, self.receiver = smtp, receiver

    def __call__(self) -> bool:
        mails = {mid for _, mid, _ in _alert_mails(self.smtp)}
        return len(mails) >= 3 * COUNT and len(self.receiver.delivered()) >= 2 * COUNT

    def __repr__(self) -> str:
        mails = {mid for _, mid, _ in _alert_mails(self.smtp)}
        return f"{len(mails)} of {3 * COUNT} mails, {len(self.receiver.delivered())} of {2 * COUNT} posts"


def _complete(smtp: Any, receiver: Receiver) -> Callable[[], bool]:
    return _Complete(smtp, receiver)


def _check_once(smtp: Any, receiver: Receiver, numbers: list[str]) -> Counter[str]:
    """Exactly the expected alerts (by Message-ID / delivery id); returns copies per id."""
    mails = _alert_mails(smtp)
    distinct = {mid: (to, subject) for to, mid, subject in mails}
    assert len(distinct) == 3 * COUNT
    expected = Counter()
    for number in numbers:
        expected[("agent@desk.example", f"[{number}] SLA warning: first response due soon")] += 1
        for to in ("agent@desk.example", "boss@desk.example"):
            expected[(to, f"[{number}] SLA breached: first response breached")] += 1
    assert Counter(distinct.values()) == expected
    delivered = receiver.delivered()
    assert len(delivered) == 2 * COUNT
    assert all(p.verifies(SECRET) for p in receiver.posts)
    # The desk events (opened, assigned) are alerted once each too: one Message-ID
    # per recipient and subject, whichever of the receiver and the workers' sweep came first.
    desk = {mid: (to, subject) for to, mid, subject in _alert_mails(smtp, sla=False)}
    assert desk and set(Counter(desk.values()).values()) == {1}
    events = Counter((p.json()["request"]["number"], p.json()["event"]) for p in delivered.values())
    assert events == Counter({(n, e): 1 for n in numbers for e in ("sla.warning", "sla.breached")})
    return Counter(mid for _, mid, _ in mails)


def _rows(env: dict[str, str]) -> dict[str, int]:
    """Counts read through a separate process, as an operator would."""
    script = (
        "import django, json; django.setup();"
        "from accord.notify.models import Outbox, WebhookDelivery;"
        "from accord.tickets.models import SlaTransition as T;"
        "print(json.dumps({'transitions': T.objects.count(),"
        "'unalerted': T.objects.filter(alerted=None).count(),"
        "'alerts': Outbox.objects.filter(kind='alert').count(),"
        "'alerts_sent': Outbox.objects.filter(kind='alert', state='sent').count(),"
        "'deliveries': WebhookDelivery.objects.count()}))"
    )
    done = subprocess.run(
        [PYTHON, "-c", script], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    import json

    counts: dict[str, int] = json.loads(done.stdout)
    return counts


def test_two_workers_at_once_send_every_alert_exactly_once(
    live_env: dict[str, str], smtp_server: Any, receiver: Receiver
) -> None:
    env = _env(live_env, smtp_server)
    workers = [_worker(env, "worker-a"), _worker(env, "worker-b")]
    try:
        numbers = _seed(env, receiver)  # the workers already run: they see every warning
        _wait(_complete(smtp_server, receiver), workers, DUE_IN + 90)
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        _stop(workers)
    copies = _check_once(smtp_server, receiver, numbers)
    desk_alerts = len({mid for _, mid, _ in _alert_mails(smtp_server, sla=False)})
    assert set(copies.values()) == {1}  # no crash: not even the SMTP-boundary duplicate
    assert len(receiver.posts) == 2 * COUNT
    assert _rows(env) == {
        "transitions": 2 * COUNT,
        "unalerted": 0,
        "alerts": 3 * COUNT + desk_alerts,
        "alerts_sent": 3 * COUNT + desk_alerts,
        "deliveries": 2 * COUNT,
    }


def test_a_worker_killed_mid_send_and_restarted_sends_the_rest_at_once(
    live_env: dict[str, str], smtp_server: Any, receiver: Receiver
) -> None:
    env = _env(live_env, smtp_server)
    first = _worker(env, "worker-a")
    try:
        numbers = _seed(env, receiver)
        _wait(lambda: len(_alert_mails(smtp_server)) >= 1, [first], 60)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        first.communicate(timeout=30)
    killed_at = time.monotonic()
    second = _worker(env, "worker-a")  # the same id: it releases what the first held
    try:
        _wait(_complete(smtp_server, receiver), [second], DUE_IN + 90)
        time.sleep(1.0)
    finally:
        _stop([second])
    # Well inside the 5-minute lease: the restart did not wait for it to expire.
    assert time.monotonic() - killed_at < 120
    copies = _check_once(smtp_server, receiver, numbers)
    desk_alerts = len({mid for _, mid, _ in _alert_mails(smtp_server, sla=False)})
    # At least once at the SMTP boundary: a mail the server took just before the
    # kill may come again, with the same Message-ID (docs/alerts.md); never more.
    assert max(copies.values()) <= 2
    assert _rows(env) == {
        "transitions": 2 * COUNT,
        "unalerted": 0,
        "alerts": 3 * COUNT + desk_alerts,
        "alerts_sent": 3 * COUNT + desk_alerts,
        "deliveries": 2 * COUNT,
    }
