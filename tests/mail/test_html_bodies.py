"""HTML bodies: rendered to text when there is no text part, sanitised for display."""

from __future__ import annotations

from accord.intake.mail.parse import parse_message

HTML_ONLY = b"""Subject: html
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>
<p>Hello <b>team</b>,</p><p>the <a href="https://status.example/x" onclick="steal()">status page</a> is down.</p>
<ul><li>one</li><li>two</li></ul>
<div>On Mon, Support wrote:</div><blockquote><p>Did you restart it?</p></blockquote>
<img src="cid:logo@x"><a href="javascript:alert(2)">bad</a><form action="https://evil.example"><input></form>
</body></html>
"""


def test_it_renders_html_only_mail_as_text() -> None:
    parsed = parse_message(HTML_ONLY)
    assert parsed.text_from_html
    assert "Hello team," in parsed.text
    assert "status page <https://status.example/x>" in parsed.text
    assert "- one\n- two" in parsed.text
    assert "alert" not in parsed.text and "color:red" not in parsed.text


def test_it_turns_html_blockquotes_into_quoted_history() -> None:
    parsed = parse_message(HTML_ONLY)
    assert "> Did you restart it?" in parsed.quoted_text
    assert "Did you restart it?" not in parsed.new_text
    assert parsed.new_text.startswith("Hello team,")


def test_it_renders_the_body_of_html_with_an_unclosed_head() -> None:
    raw = b"Subject: h\nContent-Type: text/html\n\n<html><head><title>t<body><p>visible text</p>"
    assert parse_message(raw).text == "visible text"
    odd = b"Subject: h\nContent-Type: text/html\n\n<title>only a title, never closed"
    assert "only a title" in parse_message(odd).text


def test_it_sanitises_html_for_display() -> None:
    clean = parse_message(HTML_ONLY).html_sanitized
    assert clean is not None
    for bad in ("<script", "onclick", "javascript:", "<form", "<style", "alert(1)"):
        assert bad not in clean
    assert 'href="https://status.example/x"' in clean
    assert 'src="cid:logo@x"' in clean
    assert "noopener" in clean


def test_it_prefers_the_text_part_of_an_alternative_and_keeps_the_html() -> None:
    raw = (
        b"Subject: alt\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=a\n\n"
        b"--a\nContent-Type: text/plain\n\nplain version\n"
        b"--a\nContent-Type: text/html\n\n<p>html version</p>\n--a--\n"
    )
    parsed = parse_message(raw)
    assert parsed.text == "plain version" and not parsed.text_from_html
    assert parsed.html_sanitized == "<p>html version</p>"


def test_it_lists_cid_referenced_inline_images() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    import base64

    raw = (
        b"Subject: img\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=r\n\n"
        b'--r\nContent-Type: text/html\n\n<p>logo: <img src="cid:logo@x"></p>\n'
        b"--r\nContent-Type: image/png\nContent-ID: <logo@x>\nContent-Transfer-Encoding: base64\n\n"
        + base64.b64encode(png)
        + b"\n--r--\n"
    )
    parsed = parse_message(raw)
    (image,) = parsed.inline_images
    assert (image.content_id, image.content_type, image.inline, image.data) == (
        "logo@x",
        "image/png",
        True,
        png,
    )
