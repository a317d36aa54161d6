"""Inline SVG charts of the coaching and trend reports: lines over periods (with version marks),
box plots of scores, bars of shares, and an agent-against-team comparison. Drawn here, so the
pages need no script, no CDN and no font download; every mark carries a <title> with its value."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Distinguishable on screen and in black-and-white print (dashes tell the lines apart too).
PALETTE = ("#c0392b", "#2c3e50", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2980b9")
DASHES = ("", "6 3", "2 3", "8 3 2 3")

CHART_CSS = """
svg.chart { max-width: 100%; height: auto; }
svg.chart text { font-size: 11px; fill: #333; } svg.chart .axisline { stroke: #555; }
svg.chart .grid { stroke: #e5e5e5; } svg.chart .mark { stroke: #e67e22; stroke-dasharray: 4 3; }
svg.chart .mark-label { fill: #d35400; font-size: 10px; } svg.chart .box { fill: #d6eaf8; stroke: #2c3e50; }
svg.chart .whisker, svg.chart .median { stroke: #2c3e50; } svg.chart .median { stroke-width: 2; }
svg.chart .bar { fill: #95a5a6; } svg.chart .bar.agent { fill: #c0392b; } svg.chart .bar.peer { fill: #7f8c8d; }
.legend { font-size: 0.85em; margin: 0 0 0.5em 0; } .legend span { margin-right: 1.2em; white-space: nowrap; }
.legend i { display: inline-block; width: 1.6em; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 0.3em; }
"""


@dataclass(frozen=True)
class Series:
    """One line: a value (or None: no data) per x position."""

    name: str
    values: Sequence[float | None]


@dataclass(frozen=True)
class Mark:
    """A vertical mark at an x position (fractional between two periods), e.g. a rule version change."""

    at: float
    label: str


def nice_ceiling(value: float) -> float:
    """The axis top for `value`: the next 1, 2, 2.5 or 5 times a power of ten (ticks read cleanly)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _frame(css: str, label: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart {css}" role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    )


def _y_axis(
    parts: list[str], left: int, top: int, plot_w: float, plot_h: float, y_max: float, unit: str
) -> None:
    for fraction in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{y_max * fraction:.4g}{unit}</text>'
        )


def _x_labels(parts: list[str], labels: Sequence[str], left: int, step: float, y: float) -> None:
    every = max(1, round(len(labels) / 14))  # at most about 14 labels side by side
    for i, label in enumerate(labels):
        if i % every == 0:
            x = left + i * step + step / 2
            parts.append(
                f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle">{escape(label)}</text>'
            )


def _closed(
    parts: list[str],
    labels: Sequence[str],
    left: int,
    step: float,
    top: int,
    plot_w: float,
    plot_h: float,
) -> str:
    """The x axis and the period labels under the plot, then the chart's SVG as one string."""
    parts.append(
        f'<line class="axisline" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>'
    )
    _x_labels(parts, labels, left, step, top + plot_h + 16)
    parts.append("</svg>")
    return "".join(parts)


def legend_html(names: Sequence[str]) -> str:
    items = "".join(
        f'<span><i style="border-color: {PALETTE[i % len(PALETTE)]}"></i>{escape(name)}</span>'
        for i, name in enumerate(names)
    )
    return f'<p class="legend">{items}</p>'


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    css: str,
    label: str,
    unit: str = "",
    y_max: float | None = None,
    marks: Sequence[Mark] = (),
    width: int = 760,
    height: int = 300,
) -> str:
    """Lines over the periods `labels` (a legend above), vertical `marks` between periods."""
    values = [v for s in series for v in s.values if v is not None]
    if not labels or not values:
        return '<p class="empty">没有可画的数据。</p>'
    left, right, top, bottom = 52, 16, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = y_max if y_max is not None else nice_ceiling(max(values))
    step = plot_w / len(labels)
    parts = [_frame(css, label, width, height)]
    _y_axis(parts, left, top, plot_w, plot_h, top_value, unit)
    for mark in marks:
        x = left + mark.at * step + step / 2
        parts.append(
            f'<line class="mark" x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{top + plot_h}"/>'
        )
        parts.append(
            f'<text class="mark-label" x="{x + 3:.1f}" y="{top - 10}">{escape(mark.label)}</text>'
        )
    for index, line in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        points = []
        for i, value in enumerate(line.values):
            if value is None:
                continue
            x = left + i * step + step / 2
            y = top + plot_h * (1 - min(value, top_value) / top_value)
            points.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}" data-value="{value:.4g}">'
                f"<title>{escape(line.name)} · {escape(labels[i])}: {value:.4g}{unit}</title></circle>"
            )
        if len(points) > 1:
            parts.append(
                f'<polyline class="line" data-series="{escape(line.name)}" fill="none" stroke="{color}" '
                f'stroke-width="2" stroke-dasharray="{dash}" points="{" ".join(points)}"/>'
            )
    return legend_html([s.name for s in series]) + _closed(
        parts, labels, left, step, top, plot_w, plot_h
    )


@dataclass(frozen=True)
class Box:
    """The five numbers of one period's scores (None: no scored call)."""

    low: float | None
    q1: float | None
    median: float | None
    q3: float | None
    high: float | None
    n: int


def box_chart(
    labels: Sequence[str], boxes: Sequence[Box], *, label: str, width: int = 760, height: int = 280
) -> str:
    """One box (quartiles, median) with whiskers (lowest, highest) per period, on a 0–100 scale."""
    if not any(b.median is not None for b in boxes):
        return '<p class="empty">这段时间没有评分的通话。</p>'
    left, right, top, bottom = 52, 16, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(labels)
    parts = [_frame("boxes", label, width, height)]
    _y_axis(parts, left, top, plot_w, plot_h, 100.0, "")

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100.0)

    for i, box in enumerate(boxes):
        if (
            box.median is None
            or box.q1 is None
            or box.q3 is None
            or box.low is None
            or box.high is None
        ):
            continue
        cx = left + i * step + step / 2
        half = min(step * 0.3, 24)
        title = (
            f"<title>{escape(labels[i])}: {box.n} 通, 最低 {box.low:.0f}, 下四分位 {box.q1:.1f}, "
            f"中位数 {box.median:.1f}, 上四分位 {box.q3:.1f}, 最高 {box.high:.0f}</title>"
        )
        parts.append(
            f'<line class="whisker" x1="{cx:.1f}" y1="{y(box.high):.1f}" x2="{cx:.1f}" y2="{y(box.low):.1f}"/>'
        )
        parts.append(
            f'<rect class="box" x="{cx - half:.1f}" y="{y(box.q3):.1f}" width="{2 * half:.1f}" '
            f'height="{max(y(box.q1) - y(box.q3), 1.0):.1f}" data-median="{box.median:.4g}">{title}</rect>'
        )
        parts.append(
            f'<line class="median" x1="{cx - half:.1f}" y1="{y(box.median):.1f}" x2="{cx + half:.1f}" y2="{y(box.median):.1f}"/>'
        )
    return _closed(parts, labels, left, step, top, plot_w, plot_h)


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    css: str,
    label: str,
    unit: str = "%",
    width: int = 760,
    height: int = 220,
) -> str:
    """A bar per period (None: no calls), e.g. the share of flagged calls in percent."""
    known = [v for v in values if v is not None]
    if not known:
        return '<p class="empty">没有可画的数据。</p>'
    left, right, top, bottom = 52, 16, 16, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_ceiling(max(known))
    step = plot_w / len(labels)
    parts = [_frame(css, label, width, height)]
    _y_axis(parts, left, top, plot_w, plot_h, top_value, unit)
    for i, value in enumerate(values):
        if value is None:
            continue
        bar_h = plot_h * value / top_value
        x = left + i * step + step * 0.2
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{step * 0.6:.1f}" '
            f'height="{bar_h:.1f}" data-value="{value:.4g}"><title>{escape(labels[i])}: {value:.3g}{unit}</title></rect>'
        )
    return _closed(parts, labels, left, step, top, plot_w, plot_h)


def comparison_chart(
    rows: Sequence[tuple[str, float, float]],
    *,
    label: str,
    agent_name: str,
    peer_name: str,
    width: int = 760,
) -> str:
    """Per category a pair of horizontal bars: the agent's rate and the team median (per 100 calls)."""
    if not rows:
        return '<p class="empty">这段时间没有扣分项。</p>'
    left, right, row_h, top = 200, 60, 30, 8
    height = top + row_h * len(rows) + 8
    plot_w = width - left - right
    peak = max(max(a, p) for _, a, p in rows) or 1.0
    parts = [_frame("comparison", label, width, height)]
    for i, (name, agent, peer) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{escape(name)}</text>')
        for j, (css, value, who) in enumerate(
            (("agent", agent, agent_name), ("peer", peer, peer_name))
        ):
            bar_y = y + 3 + j * 12
            bar_w = max(plot_w * value / peak, 1.0)
            parts.append(
                f'<rect class="bar {css}" x="{left}" y="{bar_y}" width="{bar_w:.1f}" height="10" data-value="{value:.4g}">'
                f"<title>{escape(who)} · {escape(name)}: 每百通 {value:.1f} 次</title></rect>"
            )
            parts.append(f'<text x="{left + bar_w + 4:.1f}" y="{bar_y + 9}">{value:.1f}</text>')
    parts.append("</svg>")
    legend = (
        f'<p class="legend"><span><i style="border-color: #c0392b"></i>{escape(agent_name)}</span>'
        f'<span><i style="border-color: #7f8c8d"></i>{escape(peer_name)}</span></p>'
    )
    return legend + "".join(parts)
