"""format=flowed text (RFC 3676) is joined back into paragraphs."""

from __future__ import annotations

from accord.intake.mail.flowed import unflow
from accord.intake.mail.parse import parse_message

from .conftest import CORPUS


def test_it_joins_soft_line_breaks_and_keeps_hard_ones() -> None:
    text = (
        "This is a long \nparagraph.\nNew line.\n> quoted \n> more\n>> deeper\n \nFrom me\n-- \nsig"
    )
    assert (
        unflow(text)
        == "This is a long paragraph.\nNew line.\n> quoted more\n>> deeper\n\nFrom me\n-- \nsig"
    )


def test_it_deletes_the_soft_break_space_with_delsp() -> None:
    assert unflow("compli \ncated", delsp=True) == "complicated"


def test_it_unflows_flowed_parts_of_corpus_mail() -> None:
    parsed = parse_message((CORPUS / "rt/8859-15-message-series_dir").read_bytes())
    assert "And I also forgot to say, that these were the only messages" in parsed.text
    raw = b"Subject: f\nContent-Type: text/plain; format=flowed; delsp=yes\n\nwrap \nped\n"
    assert parse_message(raw).text == "wrapped"
