"""Showing instants: in the policy's zone, and the viewer's when it differs.

The viewer's zone comes from the browser (a small script stores
`Intl.DateTimeFormat().resolvedOptions().timeZone` in the `accord_tz` cookie).
A missing or unknown zone means "same as the policy": nothing extra is shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

COOKIE = "accord_tz"


def viewer_zone(request: HttpRequest) -> ZoneInfo | None:
    """The browser's zone from the cookie, or None when absent or not a known zone."""
    name = request.COOKIES.get(COOKIE, "").strip()
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Shown:
    """An instant as text: in the policy's zone, optionally also the viewer's."""

    iso: str
    local: str
    viewer: str | None

    @property
    def html(self) -> SafeString:
        """The instant as a `<time>` element (what partials/instant.html shows): made in
        Python because a list shows hundreds of them and a template include per
        instant was most of the queue page's rendering time."""
        iso = escape(self.iso)
        when = f'<time datetime="{iso}" title="{iso}">{escape(self.local)}</time>'
        if self.viewer:
            when += (
                f' <span class="yours" title="your time zone">({escape(self.viewer)} yours)</span>'
            )
        return mark_safe(when)


def _fmt(t: datetime) -> str:
    return f"{t:%a %d %b %H:%M} {t.tzname()}"


def show(t: datetime | None, zone: ZoneInfo, viewer: ZoneInfo | None = None) -> Shown | None:
    """`t` in `zone`; the viewer's rendering only when it reads differently."""
    if t is None:
        return None
    local = t.astimezone(zone)
    other = None
    if viewer is not None:
        theirs = t.astimezone(viewer)
        if theirs.utcoffset() != local.utcoffset() or theirs.tzname() != local.tzname():
            other = _fmt(theirs)
    return Shown(iso=local.isoformat(), local=_fmt(local), viewer=other)


def relative(t: datetime | None, now: datetime) -> str:
    """ "in 2h 05m", "3d 4h ago": wall-clock distance, for scanning a queue."""
    if t is None:
        return ""
    delta = t - now
    past = delta < timedelta(0)
    seconds = int(abs(delta).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}d {hours}h"
    elif hours:
        text = f"{hours}h {minutes:02d}m"
    else:
        text = f"{minutes}m"
    return f"{text} ago" if past else f"in {text}"
