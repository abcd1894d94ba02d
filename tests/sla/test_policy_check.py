"""`accord policy check`: shipped policies pass; broken ones list every error by field."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from accord.cli import main
from accord.sla.errors import PolicyError
from accord.sla.policy import POLICY_DIR, load_policy, parse_policy
from accord.sla.policy_spec import PolicySpec

REPO = Path(__file__).resolve().parents[2]
DURATION_HINT = 'expected a duration like "4h" or "9 business hours"'


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """`python -m accord ARGS` in a fresh process, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def edited(name: str, *edits: tuple[str, str]) -> str:
    """A shipped policy's text with each (old, new) replaced; `old` must occur once."""
    text = (POLICY_DIR / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}.toml"
        text = text.replace(old, new)
    return text


def write(tmp_path: Path, text: str, name: str = "policy.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    return caught.value.problems


def check(path: Path | str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    """`accord policy check` in-process: (exit status, output lines)."""
    status = main(["policy", "check", str(path)])
    return status, capsys.readouterr().out.splitlines()


# -- the real CLI ----------------------------------------------------------------


def test_it_passes_both_shipped_policies_through_the_real_cli() -> None:
    files = [str(POLICY_DIR / "capsure.toml"), str(POLICY_DIR / "capella.toml")]
    result = run_cli("policy", "check", *files)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{files[0]}: ok (policy capsure, version 2013-08-01" in result.stdout
    assert f"{files[1]}: ok (policy capella, version 2022" in result.stdout
    assert result.stderr == ""


def test_it_accepts_shipped_names_as_well_as_files() -> None:
    result = run_cli("policy", "check", "capsure", "capella")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "capsure: ok" in result.stdout and "capella: ok" in result.stdout


def test_it_lists_every_error_of_a_broken_file_and_exits_1(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            "capsure",
            ('within = "1h"', 'within = "soon"'),
            ('zone = "America/New_York"', 'zone = "America/Gotham"'),
            ('open = "08:30"', 'open = "18:00"'),
            ("[channels.voicemail]", "[channels.pager]"),
            ('name = "CapSure Technical Support"', 'name = "CapSure"\ncolour = "blue"'),
        ),
    )
    result = run_cli("policy", "check", "policy.toml", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "policy.toml: policy.colour: unknown key (not part of the policy format)",
        "policy.toml: calendar.zone: unknown IANA time zone 'America/Gotham'",
        "policy.toml: calendar.windows[0]: open 18:00 must be before close 17:30",
        "policy.toml: channels.voicemail: missing: every channel needs a notice rule "
        "(the channels are phone, voicemail, email, portal, api)",
        "policy.toml: channels.pager: unknown channel 'pager' "
        "(the channels are phone, voicemail, email, portal, api)",
        f"policy.toml: levels.sev1.targets[0].within: {DURATION_HINT}",
        "policy.toml: 6 problems",
    ]
    assert path.exists()


def test_it_reports_a_toml_syntax_error_in_one_line(tmp_path: Path) -> None:
    text = edited("capella", ("[levels.high]", "[levels.high"))
    line = text[: text.index("[levels.high")].count("\n") + 1
    write(tmp_path, text)
    result = run_cli("policy", "check", "policy.toml", cwd=tmp_path)
    assert result.returncode == 1
    first, summary = result.stdout.splitlines()
    assert first.startswith("policy.toml: (file): invalid TOML: ")
    assert f"(at line {line}, column 13)" in first
    assert summary == "policy.toml: 1 problem"
    assert "Traceback" not in result.stderr


def test_it_reports_a_missing_file_and_still_checks_the_others(tmp_path: Path) -> None:
    result = run_cli("policy", "check", "absent.toml", "capella", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "absent.toml: (file): cannot read: No such file or directory",
        "absent.toml: 1 problem",
        "capella: ok (policy capella, version 2022: 4 levels, 5 channels)",
        "2 files checked, 1 with problems",
    ]


def test_it_exits_2_on_usage_errors() -> None:
    no_file = run_cli("policy", "check")
    assert no_file.returncode == 2
    assert "the following arguments are required: FILE" in no_file.stderr
    no_command = run_cli("policy")
    assert no_command.returncode == 2
    bad_option = run_cli("policy", "check", "--strict", "capella")
    assert bad_option.returncode == 2


# -- field paths, one broken rule at a time (in-process, same parser) -------------


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        pytest.param(
            [('within = "8 support hours"', 'within = "eight support hours"')],
            f"levels.high.targets[0].within: {DURATION_HINT}",
            id="bad-duration",
        ),
        pytest.param(
            [
                (
                    'kind = "resolution"\nwithin = "48 support hours"',
                    'kind = "resolution"\nwithin = "48 support hours"\ndeadline = "soon"',
                )
            ],
            "levels.high.targets[1].deadline: unknown key (not part of the policy format)",
            id="unknown-key",
        ),
        pytest.param(
            [('zone = "Pacific/Auckland"', 'zone = "Pacific/Wellington"')],
            "calendar.zone: unknown IANA time zone 'Pacific/Wellington'",
            id="unknown-zone",
        ),
        pytest.param(
            [
                (
                    "[levels.urgent]",
                    '[channels.fax]\nlabel = "Fax"\nnotice = "any_time"\nclause = "x"\n\n'
                    "[levels.urgent]",
                )
            ],
            "channels.fax: unknown channel 'fax' (the channels are phone, voicemail, email, "
            "portal, api)",
            id="unknown-channel",
        ),
        pytest.param(
            [
                (
                    "[levels.urgent]",
                    '[levels.Critical]\nlabel = "C"\ndefinition = "d"\nclause = "x"\n\n'
                    "[levels.urgent]",
                )
            ],
            "levels.Critical: level id 'Critical' must be lower-case letters, digits and _, "
            "starting with a letter",
            id="bad-level-id",
        ),
        pytest.param(
            [('open = "09:00"', 'open = "17:00"')],
            "calendar.windows[0]: open 17:00 must be before close 17:00",
            id="window-open-not-before-close",
        ),
        pytest.param(
            [
                (
                    '[channels.voicemail]\nlabel = "Voicemail"\nnotice = "business_hours"\n'
                    'address = "+64 4 382 8096"\nclause = "5.6"\nnote = "Not named by the policy; '
                    'any request outside support hours is notice at the next opening."\n',
                    "",
                )
            ],
            "channels.voicemail: missing: every channel needs a notice rule (the channels are "
            "phone, voicemail, email, portal, api)",
            id="missing-channel",
        ),
        pytest.param(
            [
                (
                    'notice = "business_hours"\naddress = "+64 4 382 8096"\nclause = "5.2"',
                    'notice = "office_hours"\naddress = "+64 4 382 8096"\nclause = "5.2"',
                )
            ],
            "channels.phone.notice: Input should be 'any_time' or 'business_hours'",
            id="bad-notice-rule",
        ),
        pytest.param(
            [('subdivision = "WGN"', 'subdivision = "XYZ"')],
            "calendar.holidays.subdivision: unknown subdivision 'XYZ' of NZ",
            id="unknown-subdivision",
        ),
        pytest.param(
            [('country = "NZ"', 'country = "ZZ"')],
            "calendar.holidays.country: unknown holiday country 'ZZ'",
            id="unknown-country",
        ),
        pytest.param(
            [('hourly_rate = "120.00"', 'hourly_rate = "-5"')],
            "billing[0].hourly_rate: Input should be greater than 0",
            id="negative-rate",
        ),
        pytest.param(
            [('update_install_within = "30d"', 'update_install_within = "a month"')],
            f"on_premises.update_install_within: {DURATION_HINT}",
            id="bad-install-window",
        ),
    ],
)
def test_it_names_the_field_of_each_broken_rule(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    edits: list[tuple[str, str]],
    expected: str,
) -> None:
    path = write(tmp_path, edited("capella", *edits))
    status, lines = check(path, capsys)
    assert status == 1
    problems = [line.removeprefix(f"{path}: ") for line in lines[:-1]]
    assert len(problems) == 1, lines
    assert problems[0].startswith(expected)
    assert lines[-1] == f"{path}: 1 problem"


def test_it_reports_conflicting_targets_of_a_level_each_at_its_own_key(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            "capsure",
            ('when = "after_hours"\nwithin = "8h"', 'when = "in_hours"\nwithin = "8h"'),
            (
                '[[levels.sev3.no_targets]]\nkind = "resolution"',
                '[[levels.sev3.no_targets]]\nkind = "first_response"',
            ),
        ),
    )
    assert problems_of(path) == [
        "levels.sev2.targets[1].when: first_response already has a target with "
        "when = 'in_hours' (targets[0])",
        "levels.sev3.no_targets[0].kind: first_response is listed both as a target and as "
        "no target",
    ]


def test_it_rejects_an_after_hours_target_without_an_in_hours_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited(
            "capsure",
            (
                'kind = "first_response"\nwhen = "in_hours"\nwithin = "1h"',
                'kind = "resolution"\nwhen = "in_hours"\nwithin = "1h"',
            ),
            (
                '[[levels.sev1.no_targets]]\nkind = "resolution"',
                '[[levels.sev1.no_targets]]\nkind = "first_response"',
            ),
        ),
    )
    assert problems_of(path) == [
        "levels.sev1.targets[1].when: first_response: an after-hours target needs an in-hours one",
        "levels.sev1.no_targets[0].kind: first_response is listed both as a target and as "
        "no target",
    ]


def test_it_rejects_overlapping_windows_on_the_same_day(tmp_path: Path) -> None:
    extra = '\n[[calendar.windows]]\ndays = ["fri", "sat"]\nopen = "16:00"\nclose = "18:00"\nclause = "x"\n'
    path = write(
        tmp_path,
        edited("capsure", ("[calendar.holidays]", extra + "\n[calendar.holidays]")),
    )
    assert problems_of(path) == ["calendar.windows[1]: overlaps windows[0] on fri"]


def test_it_reports_errors_in_independent_sections_together() -> None:
    data: dict[str, Any] = tomllib.loads(edited("capella"))
    data["levels"]["low"]["targets"][0]["within"] = "36 support hrs"
    data["calendar"]["nominal_day"] = "1 business day"
    del data["channels"]["email"]
    data["required_fields"][0]["field"] = "shoe_size"
    data["on_premises"]["supported_previous_releases"] = -1
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    fields = [p.split(":", 1)[0] for p in caught.value.problems]
    assert fields == [
        "calendar.nominal_day",
        "channels.email",
        "levels.low.targets[0].within",
        "on_premises.supported_previous_releases",
        "required_fields[0].field",
    ]


def test_it_explains_a_missing_required_section() -> None:
    data: dict[str, Any] = tomllib.loads(edited("capsure"))
    del data["guidance"]
    del data["clocks"]["resolution"]
    with pytest.raises(PolicyError) as caught:
        parse_policy(data)
    assert caught.value.problems == [
        "clocks.resolution: Field required",
        "guidance: Field required",
    ]


def test_it_reports_a_missing_ics_file_by_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, edited("capella", ("dates = []", 'dates = []\nics = "office.ics"')))
    problems = problems_of(path)
    assert len(problems) == 1
    assert problems[0].startswith("calendar.holidays")
    assert str(tmp_path / "office.ics") in problems[0]


def test_it_checks_ics_paths_against_the_policy_directory_when_given_one(tmp_path: Path) -> None:
    data: dict[str, Any] = tomllib.loads(
        edited("capella", ("dates = []", 'dates = []\nics = "office.ics"'))
    )
    with pytest.raises(ValidationError) as caught:
        PolicySpec.model_validate(data, context={"policy_dir": tmp_path})
    (error,) = caught.value.errors()
    assert error["loc"] == ("calendar", "holidays", "ics")
    assert str(tmp_path / "office.ics") in error["msg"]
    (tmp_path / "office.ics").write_text("BEGIN:VCALENDAR\nEND:VCALENDAR\n", encoding="utf-8")
    assert PolicySpec.model_validate(data, context={"policy_dir": tmp_path}).calendar.holidays.ics


def test_it_names_an_unknown_shipped_policy(capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = check("nonesuch", capsys)
    assert status == 1
    assert lines == [
        "nonesuch: policy: unknown policy 'nonesuch' (shipped: capella, capsure)",
        "nonesuch: 1 problem",
    ]
