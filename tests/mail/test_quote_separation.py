"""The new text of a reply is separated from the quoted history."""

from __future__ import annotations

from accord.intake.mail.quotes import split_quoted


def test_it_splits_a_top_posted_reply_at_the_attribution_line() -> None:
    text = "Thanks, that fixed it.\n\nOn Mon, 3 Mar 2025 at 10:00, Support <s@x> wrote:\n> Try again\n> now"
    split = split_quoted(text)
    assert split.new == "Thanks, that fixed it."
    assert split.quoted.startswith("On Mon, 3 Mar 2025") and "> Try again" in split.quoted


def test_it_splits_an_attribution_wrapped_over_two_lines() -> None:
    text = "Works now.\n\nOn Tue, Mar 4, 2025 at 9:12 AM Anna Long-Name <\nanna@example.org> wrote:\n> old"
    assert split_quoted(text).new == "Works now."


def test_it_splits_at_an_outlook_original_message_separator() -> None:
    text = "See below.\n\n-----Original Message-----\nFrom: A\nSent: today\nTo: B\nSubject: C\n\nold text"
    split = split_quoted(text)
    assert split.new == "See below."
    assert split.quoted.endswith("old text")


def test_it_splits_at_an_outlook_header_block_without_separator_line() -> None:
    text = "New words\n________________________________\nFrom: Desk <d@x>\nSent: Monday\nTo: me\nSubject: Re: 1\n\nold"
    assert split_quoted(text).new == "New words"


def test_it_keeps_only_unquoted_lines_of_an_interleaved_reply() -> None:
    text = "Anna wrote:\n> question one?\nanswer one\n> question two?\nanswer two"
    split = split_quoted(text)
    assert split.new == "answer one\nanswer two"
    assert split.quoted == "Anna wrote:\n> question one?\n> question two?"


def test_it_does_not_treat_a_forwarded_message_as_history() -> None:
    text = "FYI\n\n---------- Forwarded message ---------\nFrom: x@y\nDate: today\nSubject: s\nTo: z@w\n\nreport"
    split = split_quoted(text)
    assert "report" in split.new and split.quoted == ""


def test_it_keeps_everything_when_the_whole_text_is_quoted() -> None:
    text = "> only a quote\n> nothing new"
    split = split_quoted(text)
    assert split.new == text and split.quoted == ""


def test_it_leaves_a_text_without_history_alone() -> None:
    text = "Hello,\nthe printer on floor 2 is broken.\n-- \nAnna"
    assert split_quoted(text).new == text
