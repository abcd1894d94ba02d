"""The hot path `at_receipt` answers exactly what `evaluate` answers at receipt."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.sla import evaluate, load_policy
from accord.sla.clock import at_receipt
from accord.sla.jsonio import due_json, due_line
from accord.sla.policy_spec import CHANNELS

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = 4 * 365 * 86400


@settings(max_examples=400, deadline=None)
@given(
    policy_name=st.sampled_from(["capsure", "capella"]),
    level_index=st.integers(0, 3),
    channel=st.sampled_from(CHANNELS),
    offset=st.integers(0, SPAN),
)
def test_it_matches_evaluate_for_new_requests(
    policy_name: str, level_index: int, channel: str, offset: int
) -> None:
    policy = load_policy(policy_name)
    level = policy.level_ids[level_index]
    received = START + timedelta(seconds=offset)
    fast = at_receipt(policy, level, channel, received)
    slow = evaluate(policy, level, channel, received, (), received)
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(
    policy_name=st.sampled_from(["capsure", "capella"]),
    level_index=st.integers(0, 3),
    channel=st.sampled_from(CHANNELS),
    offset=st.integers(0, SPAN),
    request_id=st.one_of(st.none(), st.text(max_size=8), st.integers(), st.floats(allow_nan=False)),
)
def test_it_encodes_due_lines_exactly_like_json_dumps(
    policy_name: str, level_index: int, channel: str, offset: int, request_id: object
) -> None:
    policy = load_policy(policy_name)
    received = START + timedelta(seconds=offset)
    ev = at_receipt(policy, policy.level_ids[level_index], channel, received)
    expected = json.dumps(due_json(request_id, ev, policy.zone), ensure_ascii=False)
    assert due_line(request_id, ev, policy.zone) == expected
