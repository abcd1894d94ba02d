"""`accord voice line ...` and `accord mail address ...`: the real command on a file database."""

from __future__ import annotations

from intake.support import CliDesk


def test_it_adds_lists_and_removes_a_support_line(cli_desk: CliDesk) -> None:
    secret = "s3cret-for-the-line-0123"
    done = cli_desk.accord(
        "voice", "line", "add", "+1 866-416-4800", "--policy", "capsure", "--level", "sev2",
        "--secret", secret, "--name", "CapSure support",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"line +18664164800: capsure, level sev2" in done.stdout
    rows = cli_desk.rows("SELECT number, policy, level, secret FROM intake_supportline")
    assert rows == [("+18664164800", "capsure", "sev2", secret)]
    listed = cli_desk.accord("voice", "line", "list")
    assert listed.returncode == 0 and b"+18664164800" in listed.stdout
    assert secret.encode() not in listed.stdout  # never printed
    audit = cli_desk.rows("SELECT action FROM audit_auditentry WHERE action LIKE 'support_line%'")
    assert audit == [("support_line.create",)]
    assert cli_desk.accord("voice", "line", "remove", "+18664164800").returncode == 0
    assert cli_desk.rows("SELECT count(*) FROM intake_supportline") == [(0,)]


def test_bad_line_input_is_one_line_naming_the_field(cli_desk: CliDesk) -> None:
    cases = [
        (
            ["not-a-number", "--policy", "capsure", "--level", "sev2", "--secret", "x" * 20],
            "number",
        ),
        (["+18664164800", "--policy", "nope", "--level", "sev2", "--secret", "x" * 20], "policy"),
        (["+18664164800", "--policy", "capsure", "--level", "high", "--secret", "x" * 20], "level"),
        (["+18664164800", "--policy", "capsure", "--level", "sev2", "--secret", "short"], "secret"),
    ]
    for args, field in cases:
        done = cli_desk.accord("voice", "line", "add", *args)
        assert done.returncode == 1, (args, done.stdout)
        assert done.stderr.decode().startswith(f"accord: {field}: "), done.stderr
        assert b"Traceback" not in done.stderr
    missing = cli_desk.accord("voice", "line", "remove", "+15550000000")
    assert missing.returncode == 1 and b"accord: number: no support line" in missing.stderr


def test_it_adds_lists_and_removes_a_support_address(cli_desk: CliDesk) -> None:
    done = cli_desk.accord(
        "mail", "address", "add", "Urgent@Capsure.example", "--policy", "capsure",
        "--level", "sev1", "--default",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert b"address urgent@capsure.example: capsure, level sev1 (default)" in done.stdout
    defaults = cli_desk.rows("SELECT email FROM intake_supportaddress WHERE is_default")
    assert defaults == [("urgent@capsure.example",)]  # the mark moved from any other row
    listed = cli_desk.accord("mail", "address", "list").stdout.decode()
    assert "urgent@capsure.example" in listed
    bad = cli_desk.accord(
        "mail", "address", "add", "nope", "--policy", "capsure", "--level", "sev1"
    )
    assert bad.returncode == 1 and bad.stderr.startswith(b"accord: email: ")
    assert cli_desk.accord("mail", "address", "remove", "urgent@capsure.example").returncode == 0
    assert (
        "urgent@capsure.example" not in cli_desk.accord("mail", "address", "list").stdout.decode()
    )
