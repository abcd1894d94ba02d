"""HTML bodies: a plain-text rendering for HTML-only mail, and sanitising for display."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import nh3

# Elements that end a paragraph (blank line) and those that only end a line.
_PARAGRAPH = {
    "address", "article", "aside", "blockquote", "center", "dl", "fieldset", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav",
    "ol", "p", "pre", "section", "table", "ul",
}  # fmt: skip
_LINE = {"br", "dd", "div", "dt", "figcaption", "li", "tbody", "td", "tfoot", "th", "thead", "tr"}
_BLOCK = _PARAGRAPH | _LINE
_SKIP = {"head", "script", "style", "title", "template", "noscript", "xml"}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")

URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}


class _TextRenderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.href_stack: list[str | None] = []

    def _break(self, paragraph: bool = False) -> None:
        text = "".join(self.current)
        if not self.pre_depth:
            text = _SPACES.sub(" ", text).strip()
        prefix = "> " * self.quote_depth
        if text:
            self.lines.append(prefix + text)
        if paragraph and self.lines and self.lines[-1].strip("> ") != "":
            self.lines.append(prefix.rstrip())
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # an unclosed <head> or <title> must not hide the body
            self.skip_depth = 0
            return
        if tag in _SKIP:
            self.skip_depth += 1
            return
        if tag == "br":
            self._break()
        elif tag in _BLOCK:
            self._break(paragraph=tag in _PARAGRAPH)
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "li":
                self.current.append("- ")
        elif tag == "a":
            self.href_stack.append(dict(attrs).get("href"))
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in _BLOCK:
            self._break(paragraph=tag in _PARAGRAPH)
            if tag == "blockquote":
                while self.lines and self.lines[-1] and not self.lines[-1].strip("> "):
                    self.lines.pop()  # no empty quoted line at the end of a quote
                self.quote_depth = max(0, self.quote_depth - 1)
                self._break(paragraph=True)
            elif tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)
        elif tag == "a" and self.href_stack:
            href = self.href_stack.pop()
            if (
                href
                and href.startswith(("http://", "https://"))
                and href not in "".join(self.current[-3:])
            ):
                self.current.append(f" <{href}>")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)

    def result(self) -> str:
        self._break()
        text = "\n".join(line.rstrip() for line in self.lines).strip("\n")
        return _BLANK_LINES.sub("\n\n", text)


def html_to_text(html: str) -> str:
    """A readable plain-text rendering; blockquotes become '>' quoted lines."""
    renderer = _TextRenderer()
    try:
        renderer.feed(html)
        renderer.close()
    except Exception:  # HTMLParser is lenient, but the parse must never fail on input
        return _strip_tags(html)
    text = renderer.result()
    if not text.strip():
        # Nothing visible by the renderer's rules: fall back to the bare text, if any.
        return _strip_tags(html)
    return text


def _strip_tags(html: str) -> str:
    text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", html)
    text = re.sub(r"<[^>]*>", " ", text)
    return _SPACES.sub(" ", unescape(text)).strip()


def sanitize_html(html: str) -> str:
    """HTML that is safe to show to an agent: no scripts, styles, handlers or remote forms.

    ``cid:`` links stay so that inline images can be rewritten to attachment URLs.
    """
    return nh3.clean(
        html,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
