"""The commands that process calls in this process, one after the other: run (an archive into
DuckDB) and rescore (the stored calls again, no audio)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import console, out, print_run_summary
from pipeline.config import load_config
from pipeline.errors import CallqaError


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.batch.session import run_archive

    config = load_config(args.config)
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
        console=console,
        disable=args.quiet,
    ) as progress:
        task = progress.add_task("calls", total=None, current="")

        def on_start(recordings):
            progress.update(task, total=len(recordings))

        def on_call(result):
            mark = "ok" if result.status == "ok" else "[red]failed[/red]"
            progress.update(task, advance=1, current=f"{result.recording.shown_path} {mark}")

        summary = run_archive(args.archive, config, args.db, on_start=on_start, on_call=on_call)
    print_run_summary(summary)
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from pipeline.asr.cache import cache_dir
    from pipeline.batch.rescore import rescore

    config = load_config(args.config)
    db = args.db or config.paths.db
    if not Path(db).is_file():
        raise CallqaError(f"{db}: no callqa database yet; run `callqa nightly ARCHIVE_DIR` first")
    summary = rescore(config, db, config.snapshot_for(db), cache_dir(config))
    out.print(
        f"{summary.n_calls} call{'' if summary.n_calls == 1 else 's'} rescored ({summary.n_from_cache} from cached transcripts, "
        f"{summary.n_from_db} from stored segments) in {summary.wall_s:.1f} s; flagged calls "
        f"{summary.n_flagged_before} → {summary.n_flagged}; run(s) {', '.join(summary.run_ids) or 'none'}",
        highlight=False,
    )
    return 0


def add_run(sub: argparse._SubParsersAction) -> None:
    run = sub.add_parser(
        "run",
        help="process every recording under a folder into DuckDB",
        description="Process every recording (wav, flac, mp3, ogg …) under ARCHIVE_DIR, recursively: "
        "transcribe, inspect, and write calls, segments and findings to DuckDB. Metadata comes from "
        "ARCHIVE_DIR/calls.csv (call_id, agent_id, started_at[, path]) and the roster from "
        "ARCHIVE_DIR/agents.csv. Re-running replaces a call's rows; nothing is duplicated. "
        "A recording that cannot be read is stored as failed with its reason; the run goes on.",
    )
    run.add_argument("archive", metavar="ARCHIVE_DIR", help="folder of recordings")
    add_db_option(run)
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)


def add_rescore(sub: argparse._SubParsersAction) -> None:
    rescore = sub.add_parser(
        "rescore",
        help="re-apply the current lexicons and scorecard to stored calls (no audio)",
        description="Re-run the text detectors and the scorecard on every successfully processed call "
        "in the database, without reading or transcribing audio: from the cached transcript when "
        "there is one for the current model and ASR options, else from the segments stored in the "
        "database. Use it after editing lexicons/ or lexicons/scorecard.toml. PII findings are kept "
        "as they were (the raw digits they need are never stored); `callqa nightly --refresh` "
        "re-transcribes to redo them. Each call is rewritten in one transaction.",
    )
    add_db_option(rescore, help="DuckDB file (default: [paths] db in the config)")
    rescore.set_defaults(func=cmd_rescore)
