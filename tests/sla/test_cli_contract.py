"""The `accord sla due` / `accord sla replay` contract, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest


def accord(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accord", *args], input=stdin, capture_output=True, text=True
    )


def jsonl(*objs: Any) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs)


def test_it_prints_one_object_for_a_single_request() -> None:
    proc = accord("sla", "due", "--policy", "capella", "--level", "urgent", "--channel", "email",
                  "--received", "2026-11-20T03:30:00Z")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == {
        "policy": "capella",
        "level": "urgent",
        "channel": "email",
        "received": "2026-11-20T16:30:00+13:00",
        "notice": "2026-11-20T16:30:00+13:00",
        "in_hours": True,
        "first_response": {"due": "2026-11-23T09:30:00+13:00", "clock": "business",
                           "within_seconds": 3600},
        "resolution": {"due": "2026-11-25T16:30:00+13:00", "clock": "business",
                       "within_seconds": 86400},
    }  # fmt: skip


def test_it_explains_a_due_instant_in_words() -> None:
    proc = accord("sla", "due", "--policy", "capella", "--level", "low", "--channel", "portal",
                  "--received", "2026-12-26T10:00:00+13:00", "--explain")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "Boxing Day (observed)" in text
    assert "outside hours, so notice is the next opening" in text
    assert "due Wed 2027-01-06 13:00 NZDT" in text


def test_it_answers_every_line_and_reports_bad_ones() -> None:
    stdin = jsonl(
        {"id": "a", "level": "sev2", "channel": "phone", "received": "2026-11-24T10:00:00-05:00"},
        "{not json",
        {"id": "c", "level": "sev2", "channel": "phone", "received": "2026-11-24T10:00:00"},
        {"id": "d", "level": "urgent", "channel": "phone", "received": "2026-11-24T10:00:00Z"},
        {"id": "e", "level": "sev2", "channel": "fax", "received": "2026-11-24T10:00:00Z"},
        {"id": "f", "level": "sev4", "channel": "email", "received": "2026-11-24T10:00:00Z"},
    )
    proc = accord("sla", "due", "--policy", "capsure", "--jsonl", "-", stdin=stdin)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d", "e", "f"]
    assert out[0]["first_response"]["due"] == "2026-11-24T14:00:00-05:00"
    assert "invalid JSON" in out[1]["error"]
    assert out[2]["error"].startswith("received:")
    assert out[3]["error"].startswith("level:")
    assert out[4]["error"].startswith("channel:")
    assert "error" not in out[5]


def test_it_exits_2_on_usage_errors() -> None:
    assert accord("sla", "due", "--policy", "capella").returncode == 2
    assert accord("sla", "replay", "--jsonl", "-").returncode == 2
    bad_policy = accord("sla", "due", "--policy", "nope", "--jsonl", "-", stdin="")
    assert bad_policy.returncode == 2
    assert "unknown policy" in bad_policy.stderr


def test_it_replays_timelines_to_target_states() -> None:
    stdin = jsonl(
        {
            "id": "r1", "level": "urgent", "channel": "email",
            "received": "2026-11-23T10:00:00+13:00", "as_of": "2026-11-24T12:00:00+13:00",
            "events": [
                {"at": "2026-11-23T10:05:00+13:00", "type": "auto_reply"},
                {"at": "2026-11-23T10:45:00+13:00", "type": "agent_reply"},
                {"at": "2026-11-23T12:00:00+13:00", "type": "status", "to": "waiting_on_customer"},
            ],
        },
        {
            "id": "r2", "level": "low", "channel": "portal",
            "received": "2026-11-23T10:00:00+13:00", "as_of": "2026-11-23T10:00:00+13:00",
            "events": [],
        },
    )  # fmt: skip
    proc = accord("sla", "replay", "--policy", "capella", "--jsonl", "-", stdin=stdin)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    r1, r2 = (json.loads(line) for line in proc.stdout.splitlines())
    assert r1 == {
        "id": "r1",
        "first_response": {"state": "met", "due": "2026-11-23T11:00:00+13:00",
                           "met_at": "2026-11-23T10:45:00+13:00", "breached_at": None},
        "resolution": {"state": "paused", "due": None, "met_at": None, "breached_at": None},
    }  # fmt: skip
    assert r2["resolution"] is None
    assert r2["first_response"]["state"] == "running"


@pytest.mark.parametrize(
    ("events", "field"),
    [
        ([{"at": "2026-11-23T12:00:00+13:00", "type": "agent_reply"},
          {"at": "2026-11-23T11:00:00+13:00", "type": "agent_reply"}], "events[1].at"),
        ([{"at": "2026-11-23T12:00:00", "type": "agent_reply"}], "events[0].at"),
        ([{"at": "2026-11-23T12:00:00+13:00", "type": "status", "to": "frozen"}], "events[0].to"),
        ([{"at": "2026-11-23T12:00:00+13:00", "type": "level", "to": "sev1"}], "events[0].to"),
        ([{"at": "2026-11-23T12:00:00+13:00", "type": "telepathy"}], "events[0].type"),
        ([{"at": "2026-11-22T12:00:00+13:00", "type": "agent_reply"}], "events[0].at"),
    ],
)  # fmt: skip
def test_it_rejects_bad_events_naming_the_field(events: list[dict[str, str]], field: str) -> None:
    good = {"id": "ok", "level": "high", "channel": "email", "received": "2026-11-23T10:00:00+13:00",
            "as_of": "2026-11-23T10:00:00+13:00", "events": []}  # fmt: skip
    bad = dict(good, id="bad", events=events)
    proc = accord("sla", "replay", "--policy", "capella", "--jsonl", "-", stdin=jsonl(bad, good))
    assert proc.returncode == 1
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["id"] == "bad"
    assert first["error"].startswith(field + ":")
    assert second["id"] == "ok" and "error" not in second


def test_it_answers_a_line_without_an_id_with_a_null_id() -> None:
    stdin = jsonl({"level": "low", "channel": "api", "received": "2026-11-23T10:00:00+13:00"})
    proc = accord("sla", "due", "--policy", "capella", "--jsonl", "-", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    (answer,) = (json.loads(line) for line in proc.stdout.splitlines())
    assert answer["id"] is None
    assert answer["first_response"]["due"] == "2026-11-27T14:00:00+13:00"
