"""Inline SVG charts for the report: drawn here so the page needs no script and no CDN."""

from __future__ import annotations

import math
from html import escape
from typing import cast

import polars as pl

from pipeline.types import SEVERITIES


def pareto_table(findings: pl.DataFrame, key: str, min_severity: str = "minor") -> pl.DataFrame:
    """Counts by `key` with share, cumulative share and the vital few (the first 80 %), of the
    findings at `min_severity` or above when `findings` has a severity column.

    The same definition as the SQL macros pareto_by_root_cause / pareto_by_rule.
    """
    if "severity" in findings.columns:
        counted = SEVERITIES[SEVERITIES.index(min_severity) :]
        findings = findings.filter(pl.col("severity").is_in(counted))
    if findings.is_empty():
        return pl.DataFrame(
            schema={
                key: pl.Utf8,
                "n": pl.UInt32,
                "share": pl.Float64,
                "cumulative_share": pl.Float64,
                "vital_few": pl.Boolean,
            }
        )
    counts = (
        findings.with_columns(pl.col(key).fill_null("unmapped"))
        .group_by(key)
        .len(name="n")
        .sort(["n", key], descending=[True, False])
    )
    total = counts["n"].sum()
    return counts.with_columns(
        (pl.col("n") / total).alias("share"),
        (pl.col("n").cum_sum() / total).alias("cumulative_share"),
    ).with_columns((pl.col("cumulative_share").shift(1).fill_null(0.0) < 0.8).alias("vital_few"))


def _text_width(text: str, font_px: float = 11.0) -> float:
    """About how wide `text` is drawn: CJK characters a full em, others a bit over half."""
    return sum(font_px if ord(char) > 0x2E7F else font_px * 0.6 for char in text)


def pareto_svg(table: pl.DataFrame, key: str, width: int = 760, height: int = 380) -> str:
    """Bars for counts (vital few darker), a line for the cumulative share, an 80 % guide."""
    if table.is_empty():
        return '<p class="empty">No findings in this selection.</p>'
    left, right, top, bottom = 48, 48, 16, 170  # room for slanted root-cause labels
    plot_w, plot_h = width - left - right, height - top - bottom
    n_max = max(table["n"].to_list())
    step = plot_w / table.height
    # The last bar's slanted label runs right of the plot: widen the picture so it is not cut.
    last_label_reach = _text_width(str(table[key][-1])) * math.cos(math.radians(35)) - step / 2
    width = max(width, int(left + plot_w + last_label_reach + 12))
    bar_w = step * 0.7
    parts = [
        f'<svg class="chart pareto" role="img" aria-label="Pareto chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
    ]
    guide_y = top + plot_h * (1 - 0.8)
    parts.append(
        f'<line x1="{left}" y1="{guide_y:.1f}" x2="{left + plot_w}" y2="{guide_y:.1f}" class="guide"/>'
    )
    parts.append(f'<text x="{left + plot_w + 4}" y="{guide_y + 4:.1f}" class="axis">80%</text>')
    points = []
    for i, row in enumerate(table.iter_rows(named=True)):
        x = left + i * step + (step - bar_w) / 2
        bar_h = plot_h * row["n"] / n_max
        y = top + plot_h - bar_h
        css = "bar vital" if row["vital_few"] else "bar"
        label = escape(str(row[key]))
        parts.append(
            f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}">'
            f"<title>{label}: {row['n']} ({row['share']:.0%})</title></rect>"
        )
        parts.append(
            f'<text class="count" x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}">{row["n"]}</text>'
        )
        cx = left + i * step + step / 2
        parts.append(
            f'<text class="label" transform="translate({cx:.1f},{top + plot_h + 8}) rotate(35)">{label}</text>'
        )
        points.append(f"{cx:.1f},{top + plot_h * (1 - row['cumulative_share']):.1f}")
    parts.append(f'<polyline class="cumulative" points="{" ".join(points)}"/>')
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" class="axisline"/>'
    )
    parts.append(
        f'<text x="{left - 6}" y="{top + 8}" class="axis" text-anchor="end">{n_max}</text>'
    )
    parts.append(f'<text x="{left + plot_w + 4}" y="{top + 8}" class="axis">100%</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap_html(counts: pl.DataFrame, row_key: str, column_key: str) -> str:
    """A table of counts, each cell shaded by its count (agents × categories)."""
    if counts.is_empty():
        return '<p class="empty">No findings in this selection.</p>'
    wide = (
        counts.pivot(on=column_key, index=row_key, values="n", aggregate_function="sum")
        .fill_null(0)
        .sort(row_key)
    )
    columns = sorted(c for c in wide.columns if c != row_key)
    # Counts, nulls filled with 0: every column's max is an int.
    peak = max(int(cast(int, wide[c].max())) for c in columns) or 1
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    rows = []
    for row in wide.iter_rows(named=True):
        cells = []
        for c in columns:
            n = int(row[c])
            alpha = 0.0 if n == 0 else 0.15 + 0.85 * n / peak
            cells.append(
                f'<td class="heat" style="background: rgba(192, 57, 43, {alpha:.2f})">{n or ""}</td>'
            )
        rows.append(f"<tr><th>{escape(str(row[row_key]))}</th>{''.join(cells)}</tr>")
    return f'<table class="heatmap"><thead><tr><th></th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
