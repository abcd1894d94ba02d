"""Small display filters for the desk's templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def hm(seconds: int | None) -> str:
    """Whole seconds as "2h 05m" ("3d 4h" from a day up); "—" for none."""
    if seconds is None:
        return "—"
    minutes = int(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins:02d}m"
    return f"{mins}m"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"
