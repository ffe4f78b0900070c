"""Server-rendered SVG charts: no JavaScript, no extra request, readable by screen readers.

Each chart is an inline ``<svg role="img">`` named by its ``<title>`` and described by its
``<desc>`` (``aria-labelledby`` points at both), with every value written as text next to
its bar, so nothing is told by colour alone. The page shows the same numbers in a table
beside the chart. Colours are presentation attributes, not ``style``: the CSP forbids
inline styles.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#0b5c6b"  # --brand: 7.6:1 against white
TRACK = "#e3e8ee"
INK = "#1c2430"
WIDTH = 640
MAX_LABEL = 60


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _open(chart_id: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    items: Sequence[tuple[str, float, str]],
    maximum: float | None = None,
) -> Markup:
    """Horizontal bars, one per (label, value, value text); the label sits above its bar
    so long course titles fit."""
    row = 46
    height = max(row * len(items) + 8, 40)
    top = maximum or max((value for _l, value, _t in items), default=0) or 1
    bar_width = WIDTH - 90
    parts = _open(chart_id, title, desc, height)
    for i, (label, value, text) in enumerate(items):
        y = i * row + 4
        width = round(bar_width * max(value, 0) / top, 1)
        parts += [
            f'<text x="0" y="{y + 14}" fill="{INK}" font-size="14">{escape(_short(label))}</text>',
            f'<rect x="0" y="{y + 20}" width="{bar_width}" height="18" fill="{TRACK}"/>',
            f'<rect x="0" y="{y + 20}" width="{width}" height="18" fill="{BAR}"/>',
            f'<text x="{bar_width + 8}" y="{y + 34}" fill="{INK}" font-size="14">'
            f"{escape(text)}</text>",
        ]
    if not items:
        parts.append(f'<text x="0" y="24" fill="{INK}" font-size="14">–</text>')
    parts.append("</svg>")
    return Markup("\n".join(parts))


def column_chart(chart_id: str, title: str, desc: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Vertical columns, one per (label, value), e.g. completions per month."""
    height, base, top_pad = 220, 190, 24
    top = max((value for _l, value in items), default=0) or 1
    slot = WIDTH / max(len(items), 1)
    parts = _open(chart_id, title, desc, height)
    parts.append(f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="{INK}"/>')
    for i, (label, value) in enumerate(items):
        bar_h = round((base - top_pad) * value / top, 1)
        x = round(i * slot + slot * 0.15, 1)
        w = round(slot * 0.7, 1)
        middle = round(i * slot + slot / 2, 1)
        parts += [
            f'<rect x="{x}" y="{round(base - bar_h, 1)}" width="{w}" height="{bar_h}" '
            f'fill="{BAR}"/>',
            f'<text x="{middle}" y="{round(base - bar_h - 6, 1)}" fill="{INK}" font-size="13" '
            f'text-anchor="middle">{value}</text>',
            f'<text x="{middle}" y="{base + 20}" fill="{INK}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>',
        ]
    parts.append("</svg>")
    return Markup("\n".join(parts))
