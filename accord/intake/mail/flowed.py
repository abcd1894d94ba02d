"""RFC 3676 format=flowed: join soft-broken lines back into paragraphs."""

from __future__ import annotations


def _render(depth: int, content: str) -> str:
    return (">" * depth + " " + content if content else ">" * depth) if depth else content


def unflow(text: str, delsp: bool = False) -> str:
    """Undo format=flowed wrapping: a line ending in a space continues on the next line
    of the same quote depth. Space-stuffing is removed; the signature line ``-- `` is a
    hard break. With DelSp=yes the trailing space of a soft break is dropped too.
    """
    out: list[str] = []
    buf: str | None = None
    buf_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]
        if buf is not None and depth != buf_depth:
            out.append(_render(buf_depth, buf))
            buf = None
        buf = content if buf is None else buf + content
        buf_depth = depth
        if content.endswith(" ") and content != "-- ":
            if delsp:
                buf = buf[:-1]
            continue
        out.append(_render(buf_depth, buf))
        buf = None
    if buf is not None:
        out.append(_render(buf_depth, buf))
    return "\n".join(out)
