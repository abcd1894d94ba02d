"""`accord policy whatif`: a year replayed under a draft, equal to the scalar engine, read-only."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import accord.sla.policy as policy_module
from accord.cli import main
from accord.sla import load_policy
from accord.tickets.history_sample import sample_records, write_jsonl
from accord.tickets.models import Request, SlaTarget
from accord.tickets.targets import evaluate_with, targets_apply
from accord.tickets.whatif import verdict, what_if

from .personas import Desk


def _draft(tmp_path: Path) -> Path:
    """capella with every support-hours target halved to a much tighter promise."""
    text = (policy_module.POLICY_DIR / "capella.toml").read_text()
    text = text.replace('within = "24 support hours"', 'within = "2 support hours"')
    text = text.replace('within = "1 support hour"', 'within = "10 minutes"')
    text = text.replace('version = "2022"', 'version = "draft"')
    path = tmp_path / "capella-draft.toml"
    path.write_text(text)
    return path


def _history(desk: Desk, clock, tmp_path: Path) -> None:
    levels = load_policy("capella").level_ids
    path = tmp_path / "h.jsonl"
    with path.open("w") as stream:
        orgs = [("Kiwi Ltd", levels, "ana@kiwi.example")]
        write_jsonl(sample_records(150, orgs, clock.at - timedelta(days=1)), stream)
    assert main(["import", str(path), "--no-progress"]) == 0


def test_it_counts_verdicts_before_and_after_as_the_scalar_engine_would(desk, clock, tmp_path):
    _history(desk, clock, tmp_path)
    draft = load_policy(_draft(tmp_path))
    stored = list(SlaTarget.objects.order_by("pk").values_list())
    result = what_if("capella", draft, None, clock.at)
    before: Counter[tuple[str, str, str]] = Counter()
    after: Counter[tuple[str, str, str]] = Counter()
    flips = set()
    for r in Request.objects.filter(policy="capella"):
        if not targets_apply(r):
            continue
        b = evaluate_with(load_policy("capella"), r, clock.at)
        a = evaluate_with(draft, r, clock.at)
        for kind in ("first_response", "resolution"):
            vb, va = verdict(b.targets[kind]), verdict(a.targets[kind])
            if vb or va:
                before[(b.level, kind, vb or "none")] += 1
                after[(b.level, kind, va or "none")] += 1
            if vb != va:
                flips.add((r.display_number, kind))
    got_before = Counter(
        {(lv, k, v): n for (lv, k), t in result.tallies.items() for v, n in t.before.items()}
    )
    got_after = Counter(
        {(lv, k, v): n for (lv, k), t in result.tallies.items() for v, n in t.after.items()}
    )
    assert got_before == before and got_after == after
    assert {(f.number, f.kind) for f in result.flips} == flips
    assert flips  # the tighter draft breaks promises that were kept
    assert result.vector > 0
    assert list(SlaTarget.objects.order_by("pk").values_list()) == stored  # nothing changed


def test_the_command_prints_the_comparison_and_the_flips(desk, clock, tmp_path, capsys):
    _history(desk, clock, tmp_path)
    capsys.readouterr()
    draft = _draft(tmp_path)
    since = (clock.at - timedelta(days=90)).date().isoformat()
    assert main(["policy", "whatif", "capella", "--file", str(draft), "--since", since]) == 0
    out = capsys.readouterr().out
    assert f"received since {since}" in out and "under draft version draft" in out
    assert "level" in out and "met before" in out and "breached after" in out
    assert "verdicts flip" in out and "met -> breached" in out


def test_it_refuses_a_draft_of_another_policy_naming_the_file(desk, clock, tmp_path, capsys):
    other = policy_module.POLICY_DIR / "capsure.toml"
    assert main(["policy", "whatif", "capella", "--file", str(other)]) == 1
    assert "accord: file: the draft is policy 'capsure'" in capsys.readouterr().err
