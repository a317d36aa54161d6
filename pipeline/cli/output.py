"""Where `callqa` prints: the two consoles, and the summary tables of the runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from pipeline.batch.summary import RunSummary
    from pipeline.config import Config

# Progress, warnings and errors. Soft wrap: error lines stay whole in logs.
console = Console(stderr=True, soft_wrap=True)
# Results. Piped output (logs, files) is not cut to 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def print_run_summary(summary: RunSummary) -> None:
    """What `callqa run` did: its warnings, the summary table, then each failed call."""
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    table = Table(title=f"callqa run {summary.run_id}", show_header=False)
    table.add_row("calls ok", str(summary.n_ok))
    table.add_row("calls failed", str(summary.n_failed))
    table.add_row("audio hours", f"{summary.audio_hours:.3f} ({summary.audio_s:.1f} s)")
    table.add_row("wall time", f"{summary.wall_s:.1f} s")
    if summary.findings_by_category:
        for category, count in sorted(summary.findings_by_category.items()):
            table.add_row(f"findings {category}", str(count))
    else:
        table.add_row("findings", "none")
    table.add_row("flagged calls", str(summary.n_flagged))
    table.add_row("database", str(summary.db_path))
    if summary.snapshot_path:
        table.add_row("read-only snapshot", str(summary.snapshot_path))
    out.print(table)
    for call_id, error in summary.failures:
        out.print(f"[red]failed[/red] {escape(call_id)}: {escape(error)}")


def latest_report(config: Config) -> Path | None:
    """The newest flagged-call report under [paths] output_dir/reports, if there is one."""
    reports = list((config.paths.output_dir / "reports").glob("*/flagged_calls.html"))
    return max(reports, key=lambda path: path.stat().st_mtime) if reports else None


def print_flow_summary(summary: dict, title: str, config: Config) -> None:
    """What a nightly or backfill flow run did, from the summary dict the flow returns."""
    table = Table(title=f"{title} {summary['run_id']}", show_header=False)
    table.add_row("recordings found", str(summary["n_found"]))
    table.add_row("skipped (unchanged)", str(summary["n_skipped"]))
    if summary["n_out_of_range"]:
        table.add_row("outside the dates", str(summary["n_out_of_range"]))
    table.add_row("calls ok", str(summary["n_ok"]))
    failed = str(summary["n_failed"])
    if summary["n_retry_next_run"]:
        failed += f" ({summary['n_retry_next_run']} transient, tried again next run)"
    table.add_row("calls failed", failed)
    table.add_row("audio hours", f"{summary['audio_s'] / 3600:.3f} ({summary['audio_s']:.1f} s)")
    table.add_row("wall time", f"{summary['wall_s']:.1f} s")
    rtf = summary["real_time_factor"]
    table.add_row(
        "real-time factor", f"{rtf:.3f} ({1 / rtf:.1f}x faster than real time)" if rtf else "n/a"
    )
    for category, count in sorted(summary["findings_by_category"].items()):
        table.add_row(f"findings {category}", str(count))
    if not summary["findings_by_category"]:
        table.add_row("findings", "none")
    table.add_row("flagged calls", str(summary["n_flagged"]))
    table.add_row("database", summary["db"])
    table.add_row("read-only snapshot", summary["snapshot"])
    if summary["report_dir"]:
        table.add_row("report", str(Path(summary["report_dir"]) / "flagged_calls.html"))
    else:
        latest = latest_report(config)
        table.add_row(
            "report", "none: no call processed" + (f"; the latest is {latest}" if latest else "")
        )
    out.print(table)
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    for call_id, error in summary["failures"]:
        out.print(f"[red]failed[/red] {escape(call_id)}: {escape(error)}", highlight=False)
