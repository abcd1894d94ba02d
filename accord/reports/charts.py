"""Charts drawn on the server as inline SVG: no script, no CDN, readable without CSS.

One drawing function, `bar_chart`, makes grouped vertical bars; the report's
three charts (compliance per month, backlog per level, first-response time
distribution) are data shaped for it. Every bar has a `<title>` (a tooltip and
what a screen reader reads), the chart has `role="img"` and a label, and the
SVG scales to its container through its viewBox.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 10, 14, 46
PALETTE = ("#1f5fbf", "#e0a400", "#1e6b35", "#b3261e", "#6b4bb3")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # None: no bar (nothing to measure)
    color: str = ""


def _nice_max(value: float) -> float:
    """A round upper bound for the axis: 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1
    step = 1.0
    while step * 10 <= value:
        step *= 10
    for m in (1, 2, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step


def bar_chart(
    label: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    y_max: float | None = None,
    fmt: Callable[[float], str] = lambda v: f"{v:g}",
) -> SafeString:
    """Grouped bars: one group per category, one bar per series, a legend when several."""
    values = [v for s in series for v in s.values if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = max(2.0, group_w * 0.8 / max(len(series), 1))
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
    ]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
            f"{escape(fmt(top * i / 4))}</text>"
        )
    for c, category in enumerate(categories):
        x0 = LEFT + c * group_w + group_w * 0.1
        for k, s in enumerate(series):
            value = s.values[c]
            if value is None:
                continue
            h = plot_h * min(value, top) / top if top else 0
            x, y = x0 + k * bar_w, TOP + plot_h - h
            color = s.color or PALETTE[k % len(PALETTE)]
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{h:.1f}" '
                f'fill="{color}"><title>{escape(category)} · {escape(s.name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
        out.append(
            f'<text x="{LEFT + c * group_w + group_w / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'class="axis" text-anchor="middle">{escape(category)}</text>'
        )
    if len(series) > 1:
        x = LEFT
        for k, s in enumerate(series):
            color = s.color or PALETTE[k % len(PALETTE)]
            out.append(
                f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" fill="{color}"/>'
                f'<text x="{x + 14}" y="{HEIGHT - 7}" class="legend">{escape(s.name)}</text>'
            )
            x += 24 + 7 * len(s.name)
    out.append("</svg>")
    return mark_safe("".join(out))
