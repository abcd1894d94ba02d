"""Remote images in customer mail: blocked, shown only after the agent asks.

A remote image is a tracking pixel as often as a picture: loading it tells the
sender that the mail was read, when, and from which address. The desk's
Content-Security-Policy already stops the browser from loading it (img-src
'self' data:); here the `src` is removed too, so the page shows no broken image
and says how many were blocked. The click-through page (views/mail_images.py)
warns, and on a POST renders that one message with its images, under a CSP
widened for that response only and with no Referer sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nh3
from django.utils.safestring import SafeString, mark_safe

_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class Shown:
    html: SafeString
    remote: list[str]  # the remote image addresses, in order


def show(html: str, *, remote: bool = False) -> Shown:
    """Sanitised HTML; remote image sources kept only with `remote=True`."""
    found: list[str] = []

    def keep(tag: str, attr: str, value: str) -> str | None:
        if tag == "img" and attr == "src" and _REMOTE.match(value):
            found.append(value)
            return value if remote else None
        return value

    cleaned = nh3.clean(
        html,
        link_rel="noopener noreferrer nofollow",
        attribute_filter=keep,
        set_tag_attribute_values={"img": {"referrerpolicy": "no-referrer"}} if remote else None,
    )
    return Shown(mark_safe(cleaned), found)  # nh3 output is safe to mark as such
