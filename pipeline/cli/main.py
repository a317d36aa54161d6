"""The `callqa` command: its parser, logging, and how errors end it (exit codes)."""

from __future__ import annotations

import argparse
import logging
import os

from rich.logging import RichHandler
from rich.markup import escape

from pipeline import __version__
from pipeline.cli import (
    admin_commands,
    call_commands,
    flow_commands,
    redact_commands,
    review_commands,
    review_server_commands,
    run_commands,
)
from pipeline.cli.output import console
from pipeline.config import DEFAULT_CONFIG_PATH
from pipeline.errors import CallqaError

# Prefect's temporary server (no PREFECT_API_URL) migrates its database on first start: slow on
# busy machines. Nothing above imports Prefect; the commands do, after this.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")

DESCRIPTION = """\
callqa — quality inspection (质检) of recorded Mandarin call-center calls.

Transcribes recordings with faster-whisper (agent and customer on separate channels;
in mono recordings told apart with pyannote.audio), finds what a QA lead listens for
(forbidden phrases, over-promises, complaints, spoken ID / card / phone numbers and secrets,
customer emotion, dead air, speech rate), scores each call, and writes calls, segments,
findings and scores to DuckDB. QA staff review the findings and agents appeal in the web
workbench (`callqa review`); coaching and trend reports come from `callqa report`.
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
  callqa redact CALL_ID -o call.wav  a copy of a call's recording with the PII spans toned out
  callqa report agent A017 --from 2026-11-01 --to 2026-11-30 -o out/coaching
                                     a coaching report (个性化质检报告) for one agent
  callqa report trends --period month -o out/trends   a trend report (质检趋势报告)
  callqa review                      the review workbench on http://127.0.0.1:8765/
  callqa users add ann --role reviewer   a workbench user (the password is asked for)

configuration: callqa.toml (documented defaults) or --config FILE / CALLQA_CONFIG=FILE."""

# Each adds one command with its arguments; in the order `callqa --help` lists them.
COMMANDS = (
    run_commands.add_run,
    flow_commands.add_nightly,
    flow_commands.add_backfill,
    run_commands.add_rescore,
    flow_commands.add_serve,
    call_commands.add_transcribe,
    call_commands.add_detect,
    admin_commands.add_report,
    redact_commands.add_redact,
    review_server_commands.add_review,
    review_commands.add_users,
    call_commands.add_diarize,
    admin_commands.add_purge,
    admin_commands.add_models,
)


def build_parser() -> argparse.ArgumentParser:
    """The parser of `callqa`: the global options, then every command."""
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
    for add_command in COMMANDS:
        add_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run `callqa` with `argv` (default: the command line) and return its exit code: 2 for an
    error the user can fix (one sentence, no traceback), 130 when interrupted."""
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
        # escaped: messages quote config sections ([retention] days) that rich would take for markup
        console.print(f"[red]callqa: error:[/red] {escape(str(exc))}", highlight=False)
        return 2
    except KeyboardInterrupt:
        console.print("callqa: interrupted")
        return 130
