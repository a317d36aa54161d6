"""What the analyst notebooks use: read-only access, period defaults, queries, plots.

SQL does the heavy lifting (sql/analytics.sql and the views); polars shapes the results;
matplotlib draws. Importable from any notebook: `from pipeline.reporting import analytics`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from pipeline.config import load_config
from pipeline.reporting.charts import pareto_table  # noqa: F401  (re-exported for notebooks)
from pipeline.store.connection import queries
from pipeline.store.reader import connect_reader

DB_ENV = "CALLQA_DB"


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    n_calls: int

    @property
    def is_empty(self) -> bool:
        return self.n_calls == 0

    def __str__(self) -> str:
        return f"{self.date_from} … {self.date_to}" if not self.is_empty else "no processed calls"


def open_store(path: str | Path | None = None):
    """Read-only connection: $CALLQA_DB, else the configured snapshot (the DB when none is published)."""
    path = path or os.environ.get(DB_ENV)
    if path:
        path = Path(path)
        return connect_reader(path, path, wait_s=10)
    config = load_config()
    return connect_reader(config.paths.snapshot, config.paths.db, wait_s=10)


def query(con, name: str, **params) -> pl.DataFrame:
    return con.sql(queries("analytics.sql")[name], params=params).pl()


def period(
    con, days: int | None = None, date_from: date | None = None, date_to: date | None = None
) -> Period:
    """The analysis window: explicit dates, else the last `days` days up to the latest call, else everything."""
    first, last, n = con.execute(queries("analytics.sql")["period"]).fetchall()[0]
    if n == 0:
        today = date.today()
        return Period(today, today, 0)
    date_to = date_to or last
    date_from = date_from or (date_to - timedelta(days=days - 1) if days else first)
    return Period(date_from, date_to, n)


def use_cjk_font() -> None:
    """Team and agent names are Chinese: prefer a CJK font when one is installed."""
    import matplotlib
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    preferred = [
        n
        for n in ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "SimHei")
        if n in names
    ]
    matplotlib.rcParams["font.sans-serif"] = [*preferred, "DejaVu Sans"]
    matplotlib.rcParams["axes.unicode_minus"] = False


def plot_pareto(table: pl.DataFrame, key: str, title: str):
    """Bars (vital few in red) with the cumulative-share line and the 80 % guide."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.5))
    labels = table[key].to_list()
    colors = ["#c0392b" if v else "#95a5a6" for v in table["vital_few"].to_list()]
    ax.bar(range(len(labels)), table["n"].to_list(), color=colors)
    ax.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    ax.set_ylabel("findings")
    share = ax.twinx()
    share.plot(range(len(labels)), table["cumulative_share"].to_list(), color="#2c3e50", marker="o")
    share.axhline(0.8, color="#e67e22", linestyle="--", linewidth=1)
    share.set_ylim(0, 1.05)
    share.set_ylabel("cumulative share")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_heatmap(counts: pl.DataFrame, row_key: str, column_key: str, title: str):
    import matplotlib.pyplot as plt
    import numpy as np

    wide = (
        counts.pivot(on=column_key, index=row_key, values="n", aggregate_function="sum")
        .fill_null(0)
        .sort(row_key)
    )
    columns = sorted(c for c in wide.columns if c != row_key)
    matrix = wide.select(columns).to_numpy()
    fig, ax = plt.subplots(figsize=(1.1 * len(columns) + 3, 0.45 * wide.height + 2))
    image = ax.imshow(matrix, cmap="Reds", aspect="auto")
    ax.set_xticks(range(len(columns)), columns, rotation=35, ha="right")
    ax.set_yticks(range(wide.height), wide[row_key].to_list())
    for (i, j), value in np.ndenumerate(matrix):
        if value:
            ax.text(j, i, str(int(value)), ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="findings")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_trend(frame: pl.DataFrame, x: str, y: str, series: str, title: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4))
    for (name,), group in frame.sort(x).group_by([series], maintain_order=True):
        ax.plot(group[x].to_list(), group[y].to_list(), marker="o", label=str(name))
    ax.set_title(title)
    ax.set_ylabel(y)
    ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def baseline_shifts(
    weekly: pl.DataFrame, min_calls: int = 3, threshold: float = 2.0
) -> pl.DataFrame:
    """Agents whose latest week differs from their own earlier weeks by more than `threshold`
    times the earlier spread (or by half the earlier mean when the spread is zero)."""
    if weekly.is_empty():
        return weekly.with_columns(
            pl.lit(None, pl.Float64).alias("baseline"), pl.lit(None, pl.Float64).alias("latest")
        )
    latest_week = weekly.group_by("agent_id").agg(pl.col("week").max().alias("latest_week"))
    joined = weekly.join(latest_week, on="agent_id")
    history = (
        joined.filter(pl.col("week") < pl.col("latest_week"))
        .group_by("agent_id")
        .agg(
            pl.col("per_100_calls").mean().alias("baseline"),
            pl.col("per_100_calls").std().fill_null(0).alias("spread"),
            pl.col("n_calls").sum().alias("history_calls"),
        )
    )
    latest = joined.filter(pl.col("week") == pl.col("latest_week")).select(
        "agent_id",
        pl.col("week").alias("latest_week"),
        pl.col("per_100_calls").alias("latest"),
        pl.col("n_calls").alias("latest_calls"),
    )
    both = latest.join(history, on="agent_id").filter(
        (pl.col("history_calls") >= min_calls) & (pl.col("latest_calls") >= min_calls)
    )
    tolerance = (
        pl.when(pl.col("spread") > 0)
        .then(threshold * pl.col("spread"))
        .otherwise(0.5 * pl.col("baseline").abs() + 1e-9)
    )
    return (
        both.with_columns((pl.col("latest") - pl.col("baseline")).alias("change"))
        .filter(pl.col("change").abs() > tolerance)
        .sort(pl.col("change").abs(), descending=True)
    )
