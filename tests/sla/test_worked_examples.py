"""Every worked example of the semantics page, section 7."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.sla.timeline import at, local, run

# policy, level, channel, received, notice, first response due, resolution due
EXAMPLES = [
    ("capsure", "sev1", "phone", "2026-11-24 22:00", "2026-11-24 22:00", "2026-11-25 00:00", None),
    ("capsure", "sev1", "email", "2026-11-24 22:00", "2026-11-25 08:30", "2026-11-25 09:30", None),
    ("capsure", "sev1", "phone", "2026-11-24 17:29", "2026-11-24 17:29", "2026-11-24 18:29", None),
    ("capsure", "sev3", "phone", "2026-11-25 17:00", "2026-11-25 17:00", "2026-11-27 17:00", None),
    (
        "capella", "urgent", "email", "2026-11-20 16:30",
        "2026-11-20 16:30", "2026-11-23 09:30", "2026-11-25 16:30",
    ),
    ("capella", "low", "portal", "2026-12-26 10:00", "2026-12-29 09:00", "2027-01-06 13:00", None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "level", "channel", "received", "notice", "fr", "res"), EXAMPLES
)
def test_it_computes_each_worked_example(
    policy: str, level: str, channel: str, received: str, notice: str, fr: str, res: str | None
) -> None:
    ev = run(policy, level, channel, received, [], received)
    assert local(policy, ev.notice) == notice
    assert ev.first_response is not None
    assert local(policy, ev.first_response.due) == fr
    if res is None:
        assert ev.resolution is None
    else:
        assert ev.resolution is not None
        assert local(policy, ev.resolution.due) == res


def test_it_answers_the_worked_examples_through_the_cli() -> None:
    lines = [
        json.dumps(
            {
                "id": str(i),
                "policy": p,
                "level": lv,
                "channel": ch,
                "received": at(p, rc).isoformat(),
            }
        )
        for i, (p, lv, ch, rc, *_rest) in enumerate(EXAMPLES)
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "accord", "sla", "due", "--jsonl", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    answers = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["id"] for a in answers] == [str(i) for i in range(len(EXAMPLES))]
    for answer, (p, _lv, _ch, _rc, notice, fr, res) in zip(answers, EXAMPLES, strict=True):
        assert answer["notice"] == at(p, notice).isoformat()
        assert answer["first_response"]["due"] == at(p, fr).isoformat()
        if res is None:
            assert answer["resolution"] is None
        else:
            assert answer["resolution"]["due"] == at(p, res).isoformat()


def test_it_marks_capsure_after_hours_phone_calls_as_not_in_hours() -> None:
    ev = run("capsure", "sev3", "phone", "2026-11-24 22:00", [], "2026-11-24 22:00")
    assert ev.in_hours is False
    assert ev.first_response is not None
    assert ev.first_response.clock == "business"
    assert local("capsure", ev.first_response.due) == "2026-11-25 17:30"
