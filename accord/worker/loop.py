"""The worker loop: run every task, sleep when there is nothing due, repeat.

`run(until_idle=True)` repeats passes until one finds nothing to do, then
returns: for tests and cron. In that mode every enabled IMAP source is polled
once (whatever its schedule) and pending mail is processed without a grace
period. A task that fails (a server down, a bug) is logged and tried again on
the next pass; it never stops the others. While the database is unreachable a
pass stops at the first task, logs one line, and the loop waits longer after
each failed pass (`backoff`: the interval doubled, at most a minute).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import InterfaceError, OperationalError, close_old_connections

from accord.notify.transport import Transport, default_transport
from accord.worker import tasks

logger = logging.getLogger(__name__)
# One logfmt line per unit of work (a task that did something or failed), e.g.
# `event=worker.task task=sent count=3 ms=41`: greppable, and parsed by Loki,
# journald's structured search or `awk` alike. Idle tasks log nothing.
work_log = logging.getLogger("accord.worker.work")
MAX_IDLE_PASSES = 1000
MAX_BACKOFF = 60.0
DATABASE_DOWN = (OperationalError, InterfaceError)


def _logfmt(**fields: object) -> str:
    parts = []
    for key, value in fields.items():
        text = str(value)
        if not text or any(c in text for c in ' "=\t\n'):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


@dataclass
class Totals:
    sent: int = 0
    fetched: int = 0
    processed: int = 0
    transitions: int = 0
    alerted: int = 0
    paged: int = 0
    digests: int = 0
    webhooks: int = 0
    swept: int = 0
    released: int = 0
    lifecycle: int = 0
    statements: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"outbox handled {self.sent}, fetched {self.fetched}, pending processed "
            f"{self.processed}, SLA transitions {self.transitions}, alerted {self.alerted}, "
            f"page rungs {self.paged}, digests {self.digests}, "
            f"webhooks {self.webhooks}, queued by sweep {self.swept}, "
            f"release lifecycle {self.lifecycle}, monthly statements {self.statements}"
        )
        return text + (f", {len(self.errors)} errors" if self.errors else "")


class DatabaseDown(Exception):
    """The database is unreachable: the rest of this pass would fail the same way."""


def _step(totals: Totals, name: str, task: Callable[[], int]) -> int:
    started = time.monotonic()
    try:
        done = task()
    except DATABASE_DOWN as exc:
        raise DatabaseDown((str(exc).strip().splitlines() or [type(exc).__name__])[0]) from exc
    except Exception as exc:
        logger.debug("worker task %s failed", name, exc_info=True)
        work_log.error(
            _logfmt(
                event="worker.task",
                task=name,
                outcome="error",
                error=f"{type(exc).__name__}: {exc}",
                ms=round((time.monotonic() - started) * 1000),
            )
        )
        totals.errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return 0
    if done:
        work_log.info(
            _logfmt(
                event="worker.task",
                task=name,
                outcome="ok",
                count=done,
                ms=round((time.monotonic() - started) * 1000),
            )
        )
    setattr(totals, name, getattr(totals, name) + done)
    return done


def one_pass(
    totals: Totals,
    transport: Transport | None,
    *,
    first: bool,
    until_idle: bool,
    owner: str = "",
) -> int:
    grace = timedelta(0) if until_idle else tasks.PENDING_GRACE
    work = 0
    work += _step(totals, "swept", tasks.sweep_outbox)
    if first or not until_idle:
        work += _step(totals, "fetched", lambda: tasks.fetch_imap(force=until_idle))
    work += _step(totals, "processed", lambda: tasks.process_pending_mail(grace=grace))
    work += _step(totals, "transitions", tasks.record_sla)
    work += _step(totals, "alerted", tasks.alert)
    work += _step(totals, "paged", tasks.escalate)
    work += _step(totals, "digests", tasks.digests)
    work += _step(totals, "lifecycle", tasks.release_lifecycle)
    work += _step(totals, "sent", lambda: tasks.send_outbox(transport, owner=owner))
    work += _step(totals, "statements", lambda: tasks.send_statements(transport))
    work += _step(totals, "webhooks", lambda: tasks.send_webhooks(owner=owner))
    return work


def run(
    *,
    until_idle: bool = False,
    interval: float = 5.0,
    transport: Transport | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    worker_id: str = "",
) -> Totals:
    """Run passes; with `until_idle`, return once a pass found nothing to do.

    `worker_id`: this worker's id, unique among running workers; leases it held
    before a crash are released at start (`tasks.release_leases`).
    """
    transport = transport if transport is not None else default_transport()
    if transport is None:
        logger.warning("ACCORD_SMTP_URL is not set: outbound mail stays queued")
    totals = Totals()
    passes = failures = 0
    released = False
    while not should_stop():
        close_old_connections()
        try:
            if not released:  # leases this worker id held before a crash (docs/alerts.md)
                _step(totals, "released", lambda: tasks.release_leases(worker_id))
                released = True
            work = one_pass(
                totals, transport, first=passes == 0, until_idle=until_idle, owner=worker_id
            )
        except DatabaseDown as exc:
            # One line per failed pass, and a growing pause: no traceback storm.
            failures += 1
            pause = backoff(interval, failures)
            logger.warning("database unavailable (%s); next try in %.1f s", exc, pause)
            if until_idle:
                totals.errors.append(f"database unavailable: {exc}")
                break
            _sleep(pause, should_stop)
            continue
        failures = 0
        passes += 1
        if until_idle and (work == 0 or passes >= MAX_IDLE_PASSES):
            break
        if not until_idle and work == 0:
            time.sleep(interval)
    return totals


def backoff(interval: float, failures: int) -> float:
    """The pause after `failures` failed passes in a row: doubling, at most MAX_BACKOFF."""
    return min(interval * 2 ** min(failures - 1, 16), MAX_BACKOFF)


def _sleep(seconds: float, should_stop: Callable[[], bool]) -> None:
    """Sleep, waking every second to see whether the worker should stop."""
    end = time.monotonic() + seconds
    while not should_stop() and (left := end - time.monotonic()) > 0:
        time.sleep(min(left, 1.0))
