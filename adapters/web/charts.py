"""Server-side SVG charts: no JavaScript, no network, readable on a phone (they scale to the page width).

Each chart carries a <title> and the numbers it draws also appear in a table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

# Colour-blind-safe (Okabe–Ito) colours, one per series in order.
PALETTE = ("#0072B2", "#D55E00", "#999999", "#009E73", "#CC79A7", "#E69F00")
WIDTH, HEIGHT = 420, 230
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 34, 30, 28


def _scale(value: int) -> tuple[int, int]:
    """(top of the axis, tick step): a 1-2-5 step with at most five ticks above zero."""
    step = 1
    while True:
        for mult in (1, 2, 5):
            if value <= 5 * step * mult:
                ticks = max(1, -(-value // (step * mult)))
                return ticks * step * mult, step * mult
        step *= 10


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    stacked: bool = True,
) -> str:
    """A bar chart: one group per label, one bar (or stack segment) per series. Returns an <svg> string."""
    n = max(len(labels), 1)
    totals: list[int] = [
        sum(values[i] for _, values in series) if stacked else max((v[i] for _, v in series), default=0)
        for i in range(len(labels))
    ]
    top, tick = _scale(int(max(totals, default=0)))
    plot_w = WIDTH - PAD_LEFT - 8
    plot_h = HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / n
    bar_w = slot * 0.7 if stacked else slot * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for value in range(0, top + 1, tick):
        y = PAD_TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{PAD_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="12">{value}</text>'
        )
    for i, label in enumerate(labels):
        x0 = PAD_LEFT + slot * i + (slot - (bar_w if stacked else bar_w * len(series))) / 2
        base: float = PAD_TOP + plot_h
        for j, (name, values) in enumerate(series):
            v = values[i]
            h = plot_h * v / top if top else 0
            x = x0 if stacked else x0 + bar_w * j
            y = base - h
            if h > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)}: {v} {escape(name)}'
                    "</title></rect>"
                )
            if stacked:
                base = y
        if len(labels) <= 6 or (len(labels) - 1 - i) % 2 == 0:
            parts.append(
                f'<text x="{PAD_LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - 10}" text-anchor="middle" '
                f'font-size="12">{escape(label)}</text>'
            )
    x = PAD_LEFT
    for j, (name, _) in enumerate(series):
        parts.append(
            f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{x + 14}" y="13" font-size="13">{escape(name)}</text>'
        )
        x += 26 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def meter(title: str, used: int, total: int) -> str:
    """A single horizontal bar: `used` of `total` (capacity)."""
    frac = min(used / total, 1.0) if total else 0.0
    w = WIDTH - 16
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 44" role="img" class="chart" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<rect x="8" y="8" width="{w}" height="22" fill="#eee"/>'
        f'<rect x="8" y="8" width="{w * frac:.1f}" height="22" fill="{PALETTE[0]}"/>'
        f'<text x="{8 + w / 2:.1f}" y="24" text-anchor="middle" font-size="13">{used} / {total}</text></svg>'
    )
