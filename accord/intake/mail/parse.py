"""The pure mail parser: raw RFC 5322 bytes in, a ParsedMessage out, never an exception.

``parse_message(raw)`` parses with ``email.policy.default`` (each distinct header parsed
once: ``_ReusingRegistry``) and falls back to the
``compat32`` API wherever the modern header registry raises or gives up (for example
RFC 2231 filenames in ISO-2022-JP). Any unexpected failure is caught: the result is then
a salvaged message (headers and text found by a line scanner) with ``quarantine_reason``
set, so the caller stores it for an administrator instead of losing it.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import email.utils
import io
from email.generator import BytesGenerator
from email.headerregistry import HeaderRegistry
from email.message import Message
from typing import Any

from . import salvage
from .attachments import extract_uuencoded, safe_filename, sha256, sniff_type
from .charsets import decode_bytes
from .flowed import unflow
from .headers import decode_text, normalize_id, parse_addresses, parse_date, parse_ids, unfold
from .html import html_to_text, sanitize_html
from .model import Attachment, Bounce, ParsedMessage, cleaned
from .quotes import split_quoted

MAX_DEPTH = 10  # embedded messages parsed below this depth are kept as raw attachments
MAX_PARTS = 1000  # more MIME parts than this in one message: quarantined

_COMPAT = email.policy.compat32.clone(max_line_length=0, cte_type="8bit")
CACHED_HEADER_LENGTH = 998  # the RFC 5322 line limit: longer values are parsed every time
CACHED_HEADERS = 512


class _ReusingRegistry(HeaderRegistry):
    """The default header registry, reusing the header it made for the same name and value.

    The stdlib parses a header again on every lookup (Content-Type several times per
    part, while the parser walks the message and again when we read it). A parsed
    header depends only on its name and value and is immutable (a str with read-only
    params and defects), so the same one can be handed out again. The cache is
    bounded in entries and in value length.
    """

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[tuple[str, str], Any] = {}

    def __call__(self, name: str, value: str) -> Any:
        if len(value) > CACHED_HEADER_LENGTH:
            return super().__call__(name, value)
        key = (name, value)
        header = self._made.get(key)
        if header is None:
            if len(self._made) >= CACHED_HEADERS:
                self._made.clear()
            header = self._made[key] = super().__call__(name, value)
        return header


# email.policy.default with the reusing registry: the same parse, done once per header.
_DEFAULT = email.policy.default.clone(header_factory=_ReusingRegistry())


class _TooManyParts(Exception):
    pass


def _raw_header(part: Message, name: str) -> str | None:
    wanted = name.lower()
    for key, value in part.raw_items():
        if key.lower() == wanted:
            return str(value)
    return None


def _compat(part: Message) -> Message:
    """The same headers under the lenient compat32 API (no header registry)."""
    msg = email.message.Message(policy=email.policy.compat32)
    for key, value in part.raw_items():
        msg[key] = str(value)
    return msg


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        try:
            return _compat(part).get_content_type()
        except Exception:
            return "text/plain"


def _param(part: Message, name: str, header: str = "content-type") -> str | None:
    for source in (lambda: part, lambda: _compat(part)):
        try:
            value = source().get_param(name, header=header)
        except Exception:
            continue
        if isinstance(value, tuple):
            value = email.utils.collapse_rfc2231_value(value)
        if value:
            return str(value)
    return None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        try:
            return _compat(part).get_content_disposition()
        except Exception:
            return None


def _filename(part: Message, fallback: tuple[str | None, ...]) -> str | None:
    name: str | None = None
    for getter in (lambda: part.get_filename(), lambda: _compat(part).get_filename()):
        try:
            name = getter()
        except Exception:
            name = None
        if name:
            break
    if not name:
        return None
    return decode_text(str(name), fallback).strip() or None


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            return data
    except Exception:
        pass
    try:
        payload = part.get_payload()
        if isinstance(payload, str):
            return payload.encode("utf-8", "surrogateescape")
        if isinstance(payload, list):  # a part the parser split into messages
            return b"\n".join(_message_bytes(p) for p in payload if isinstance(p, Message))
    except Exception:
        pass
    return b""


def _message_bytes(msg: Message) -> bytes:
    buf = io.BytesIO()
    try:
        BytesGenerator(buf, mangle_from_=False, policy=_COMPAT).flatten(msg)
        return buf.getvalue()
    except Exception:
        try:
            return msg.as_string(policy=_COMPAT).encode("utf-8", "surrogateescape")
        except Exception:
            return b""


def _charsets(msg: Message) -> tuple[str | None, ...]:
    """Charsets declared anywhere in the message: used to decode raw 8-bit headers."""
    found: list[str | None] = []
    try:
        for part in msg.walk():
            charset = _param(part, "charset")
            if charset and charset not in found:
                found.append(charset)
    except Exception:
        pass
    return tuple(found)


class _Collector:
    """Walks one message's MIME tree, collecting bodies, attachments and bounce data."""

    def __init__(self, depth: int, fallback: tuple[str | None, ...], budget: list[int]) -> None:
        self.depth = depth
        self.fallback = fallback
        self.budget = budget
        self.texts: list[str] = []
        self.htmls: list[str] = []
        self.attachments: list[Attachment] = []
        self.defects: list[str] = []
        self.report_fields: list[tuple[str, str]] = []
        self.report_original_id: str | None = None

    def _spend(self) -> None:
        self.budget[0] -= 1
        if self.budget[0] < 0:
            raise _TooManyParts

    def walk(self, part: Message, in_report: bool = False) -> None:
        self._spend()
        for defect in getattr(part, "defects", []) or []:
            self.defects.append(type(defect).__name__)
        ctype = _content_type(part)
        maintype, _, subtype = ctype.partition("/")
        payload = part.get_payload()
        if maintype == "multipart" and isinstance(payload, list):
            if subtype == "alternative":
                self._alternative(payload)
            else:
                for sub in payload:
                    if isinstance(sub, Message):
                        self.walk(sub, in_report=in_report or subtype == "report")
            return
        if ctype == "message/delivery-status" or (in_report and subtype == "delivery-status"):
            self._delivery_status(part, payload)
            return
        if maintype == "message" and (
            subtype in {"rfc822", "global", "news"} or isinstance(payload, list)
        ):
            # message/partial, message/external-body ... are kept the same way
            self._embedded(part, payload, in_report, ctype)
            return
        if ctype == "text/rfc822-headers" and in_report:
            data = _payload_bytes(part)
            ids = parse_ids(_header_in_block(data, "message-id"))
            self.report_original_id = self.report_original_id or (ids[0] if ids else None)
            self._attach(part, data, ctype)
            return
        disposition = _disposition(part)
        filename = _filename(part, self.fallback)
        if maintype == "multipart":  # a multipart that could not be split: its body is text
            maintype, subtype = "text", "plain"
        is_body = maintype == "text" and subtype in {"plain", "html"}
        if is_body and disposition != "attachment" and not filename:
            data = _payload_bytes(part)
            decoded = decode_bytes(data, (_param(part, "charset"), *self.fallback))
            if decoded.fallback and data:
                self.defects.append(f"body decoded as {decoded.charset}")
            text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
            if subtype == "plain" and (_param(part, "format") or "").lower() == "flowed":
                text = unflow(text, delsp=(_param(part, "delsp") or "").lower() == "yes")
            if subtype == "html":
                self.htmls.append(text)
            else:
                text, blocks = extract_uuencoded(text)
                self.texts.append(text)
                for block in blocks:
                    self._add(
                        block.filename,
                        block.data,
                        "application/octet-stream",
                        False,
                        None,
                        "uuencode",
                    )
            return
        self._attach(part, _payload_bytes(part), ctype, filename, disposition)

    def _alternative(self, alternatives: list[Any]) -> None:
        best_text: list[str] | None = None
        best_html: list[str] | None = None
        for sub in alternatives:
            if not isinstance(sub, Message):
                continue
            child = _Collector(self.depth, self.fallback, self.budget)
            child.walk(sub)
            if child.texts:
                best_text = child.texts
            if child.htmls:
                best_html = child.htmls
            self.attachments.extend(child.attachments)
            self.defects.extend(child.defects)
            self.report_fields.extend(child.report_fields)
            self.report_original_id = self.report_original_id or child.report_original_id
        self.texts.extend(best_text or [])
        self.htmls.extend(best_html or [])

    def _embedded(self, part: Message, payload: object, in_report: bool, ctype: str) -> None:
        inner: Message | None = None
        if isinstance(payload, list) and payload and isinstance(payload[0], Message):
            inner = payload[0]
        if inner is not None:
            data = _message_bytes(inner)
        else:  # encoded (illegally) or empty: parse what the transfer encoding gives
            data = _payload_bytes(part)
            inner = email.message_from_bytes(data, policy=_DEFAULT) if data else None
        nested: ParsedMessage | None = None
        if inner is not None and self.depth + 1 < MAX_DEPTH:
            nested = _from_message(inner, data, self.depth + 1, self.budget)
        elif inner is not None:
            self.defects.append("embedded message too deep: kept unparsed")
        if in_report and nested is not None and nested.message_id:
            self.report_original_id = self.report_original_id or nested.message_id
        name = _filename(part, self.fallback)
        if not name and nested is not None and nested.subject.strip():
            name = nested.subject.strip()[:150]
        if name and not name.lower().endswith(".eml"):
            name += ".eml"
        self._add(
            name, data, ctype, _disposition(part) == "inline", _content_id(part), "rfc822",
            nested=nested, sniff=False,
        )  # fmt: skip

    def _delivery_status(self, part: Message, payload: object) -> None:
        blocks: list[Message] = []
        if isinstance(payload, list):
            blocks = [b for b in payload if isinstance(b, Message)]
        data = b""
        if blocks:
            for block in blocks:
                for key, value in block.raw_items():
                    self.report_fields.append((key.lower(), unfold(str(value)).strip()))
            data = b"\n\n".join(_message_bytes(b) for b in blocks)
        else:
            data = _payload_bytes(part)
            for line in decode_bytes(data).text.splitlines():
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    self.report_fields.append((key.strip().lower(), value.strip()))
        name = _filename(part, self.fallback) or "delivery-status.txt"
        self._add(name, data, "message/delivery-status", False, None, "mime", sniff=False)

    def _attach(
        self,
        part: Message,
        data: bytes,
        ctype: str,
        filename: str | None = None,
        disposition: str | None = None,
    ) -> None:
        content_id = _content_id(part)
        inline = disposition == "inline" or (disposition is None and content_id is not None)
        self._add(filename, data, ctype, inline, content_id, "mime")

    def _add(
        self,
        filename: str | None,
        data: bytes,
        declared: str,
        inline: bool,
        content_id: str | None,
        source: str,
        nested: ParsedMessage | None = None,
        sniff: bool = True,
    ) -> None:
        ctype = sniff_type(data, declared, filename or "") if sniff else declared
        index = len(self.attachments) + 1
        self.attachments.append(
            Attachment(
                filename=safe_filename(filename, ctype, index),
                content_type=ctype,
                declared_type=declared,
                data=data,
                sha256=sha256(data),
                inline=inline,
                content_id=content_id,
                source=source,
                message=nested,
            )
        )

    def bounce(self) -> Bounce:
        fields = self.report_fields
        recipients: list[str] = []
        for key, value in fields:
            if key in {"final-recipient", "original-recipient"}:
                address = value.split(";", 1)[-1].strip().strip("<>").lower()
                if address and address not in recipients:
                    recipients.append(address)

        def first(name: str) -> str | None:
            return next((v for k, v in fields if k == name and v), None)

        return Bounce(
            original_message_id=self.report_original_id,
            recipients=tuple(recipients),
            action=(first("action") or "").lower() or None,
            status=first("status"),
            diagnostic=first("diagnostic-code"),
        )


def _content_id(part: Message) -> str | None:
    raw = _raw_header(part, "content-id")
    if not raw:
        return None
    ids = parse_ids(raw)
    return ids[0] if ids else (normalize_id(unfold(raw)) or None)


def _header_in_block(data: bytes, name: str) -> str | None:
    try:
        block = email.message_from_bytes(data, policy=email.policy.compat32)
        for key, value in block.raw_items():
            if key.lower() == name:
                return str(value)
    except Exception:
        return None
    return None


def _from_message(msg: Message, raw: bytes, depth: int, budget: list[int]) -> ParsedMessage:
    fallback = _charsets(msg)
    collector = _Collector(depth, fallback, budget)
    quarantine: str | None = None
    try:
        collector.walk(msg)
    except _TooManyParts:
        quarantine = f"more than {MAX_PARTS} MIME parts; the rest was not parsed"
    headers = tuple(
        (decode_text(str(key), fallback), decode_text(str(value), fallback))
        for key, value in msg.raw_items()
    )

    def raw_all(name: str) -> list[str]:
        return [str(v) for k, v in msg.raw_items() if k.lower() == name]

    def one(name: str) -> str | None:
        values = raw_all(name)
        return values[0] if values else None

    html = "\n".join(collector.htmls) if collector.htmls else None
    text = "\n\n".join(t.strip("\n") for t in collector.texts if t.strip())
    text_from_html = False
    if not text.strip() and html:
        text = html_to_text(html)
        text_from_html = True
    split = split_quoted(text)
    from_addrs = parse_addresses(raw_all("from"), fallback)
    senders = parse_addresses(raw_all("sender"), fallback)
    return_path_raw = one("return-path")
    return_path: str | None = None
    if return_path_raw is not None:
        return_path = unfold(return_path_raw).strip().strip("<>").strip().lower()
    message_ids = parse_ids(one("message-id"))
    subject = one("subject")
    bounce = None
    if _content_type(msg) == "multipart/report":
        bounce = collector.bounce()
    return ParsedMessage(
        sha256=sha256(raw),
        size=len(raw),
        message_id=message_ids[0] if message_ids else None,
        in_reply_to=parse_ids(one("in-reply-to")),
        references=parse_ids(" ".join(raw_all("references"))),
        subject=decode_text(subject, fallback).strip() if subject is not None else "",
        from_addr=from_addrs[0] if from_addrs else None,
        sender=senders[0] if senders else None,
        reply_to=parse_addresses(raw_all("reply-to"), fallback),
        to=parse_addresses(raw_all("to"), fallback),
        cc=parse_addresses(raw_all("cc"), fallback),
        date=parse_date(one("date")),
        return_path=return_path,
        headers=headers,
        text=text,
        new_text=split.new,
        quoted_text=split.quoted,
        html=html,
        html_sanitized=sanitize_html(html).strip() if html is not None else None,
        text_from_html=text_from_html,
        attachments=tuple(collector.attachments),
        bounce=bounce,
        defects=tuple(dict.fromkeys(collector.defects)),
        quarantine_reason=quarantine,
    )


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one RFC 5322 message. Never raises (except on interpreter shutdown signals)."""
    try:
        data = bytes(raw)
    except Exception as exc:
        return salvage.salvage(b"", f"input is not bytes: {type(exc).__name__}")
    try:
        if not data.strip():
            return cleaned(salvage.salvage(data, "empty message"))
        msg: Message
        try:
            msg = email.message_from_bytes(data, policy=_DEFAULT)
        except Exception:
            msg = email.message_from_bytes(data)  # compat32
        return cleaned(_from_message(msg, data, 0, [MAX_PARTS]))
    except Exception as exc:  # includes RecursionError and MemoryError on hostile input
        reason = f"parser failed: {type(exc).__name__}: {exc}"[:500]
        return cleaned(salvage.salvage(data, reason))
