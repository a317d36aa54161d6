"""`callqa redact`: a copy of a stored call's recording with the personal data toned out."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import TYPE_CHECKING

from rich.markup import escape

from pipeline.audio.redact import DEFAULT_PAD_S
from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import console, out
from pipeline.config import load_config

if TYPE_CHECKING:
    from pipeline.batch.redaction import RedactionSummary


def seconds(text: str) -> float:
    """`--pad`: a number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, not {text!r}")
    return value


def cmd_redact(args: argparse.Namespace) -> int:
    from pipeline.batch.redaction import redact_call

    config = load_config(args.config)
    db = args.db or config.paths.db
    summary = redact_call(
        config,
        db,
        args.call_id,
        args.output,
        pad_s=args.pad,
        mode="silence" if args.silence else "tone",
    )
    for warning in summary.warnings:
        console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False)
    for line in summary_lines(summary):
        out.print(escape(line), highlight=False)
    return 0


def summary_lines(summary: RedactionSummary) -> list[str]:
    """What `callqa redact` prints: counts and seconds, never a number heard or any text."""
    what = "a 1 kHz tone" if summary.mode == "tone" else "silence"
    if summary.n_spans == 0:
        head = f"call {summary.call_id}: no PII findings, the copy is the recording unchanged"
    else:
        categories = ", ".join(
            f"{name} {count}" for name, count in summary.spans_by_category.items()
        )
        channels = ", ".join(
            f"{index} {role} {seconds:.1f} s"
            for index, (role, seconds) in enumerate(
                zip(summary.channel_roles, summary.covered_s_by_channel)
            )
        )
        head = (
            f"call {summary.call_id}: {summary.n_spans} PII span{'s' if summary.n_spans != 1 else ''} "
            f"({categories}), padded {summary.pad_s:g} s, replaced by {what}: "
            f"{summary.covered_s:.1f} s of {summary.duration_s:.1f} s covered; by channel: {channels}"
        )
    return [
        head,
        f"wrote {Path(summary.out_path).resolve()} ({summary.sample_rate} Hz, "
        f"{summary.n_channels} channel{'s' if summary.n_channels != 1 else ''}, "
        f"{summary.container} {summary.subtype}, {summary.duration_s:.1f} s)",
    ]


def add_redact(sub: argparse._SubParsersAction) -> None:
    red = sub.add_parser(
        "redact",
        help="write a copy of a call's recording with the PII spans toned out",
        description="Write a copy of the recording of a stored call in which every span where "
        "personal data was heard — every finding of a category starting with pii. (ID card, bank "
        "card, phone, credential) — padded by --pad seconds on each side, is replaced by a 1 kHz "
        "tone at -20 dBFS (or digital silence with --silence) on the channel of the party who "
        "spoke it: in a stereo call the agent's channel is the one the call was processed with "
        "([channels] agent_channel); a finding of both parties, or any in a mono call, covers "
        "every channel. The copy keeps the sample rate, channels, length and WAV sample format "
        "of the original (other formats become 16-bit PCM WAV) and is written atomically. The "
        "call is read from the DuckDB file (read-only; its snapshot while a run holds it) and its "
        "recording from the archive of the run that processed it, which must hold the same "
        "bytes (sha256) as then. Prints how many spans and seconds were covered, never the "
        "numbers or any text. Only what the detectors found is covered: a number ASR did not "
        "hear stays.",
    )
    red.add_argument("call_id", metavar="CALL_ID", help="the call (calls.call_id)")
    red.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        metavar="OUT.wav",
        help="where to write the redacted copy (replaced if it exists; never the recording itself)",
    )
    red.add_argument(
        "--pad",
        type=seconds,
        default=DEFAULT_PAD_S,
        metavar="SECONDS",
        help=f"seconds added before and after each span (default {DEFAULT_PAD_S}; 0 or more)",
    )
    red.add_argument(
        "--silence",
        action="store_true",
        help="replace the spans with digital silence instead of the tone",
    )
    add_db_option(red, help="DuckDB file given to `callqa run --db` (default: the config's)")
    red.set_defaults(func=cmd_redact)
