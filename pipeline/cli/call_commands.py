"""The commands that work on one recording or transcript: transcribe, detect, diarize."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from pipeline.cli.output import console, out
from pipeline.config import load_config
from pipeline.errors import CallqaError

if TYPE_CHECKING:
    from pipeline.parties.diarize import Diarization


def cmd_transcribe(args: argparse.Namespace) -> int:
    from pipeline.asr.transcript import write_transcript
    from pipeline.process import transcribe_recording
    from pipeline.provision.check import check_setup
    from pipeline.types import Recording

    config = load_config(args.config)
    if args.agent_channel is not None:
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
    from pipeline.text.masking import mask_personal
    from pipeline.text.personal import load_personal

    config = load_config(args.config)
    # A transcript written by hand holds names and addresses as typed: masked before any
    # detector makes evidence of them (the pipeline's own transcripts are masked already).
    personal = load_personal(str(config.paths.lexicons))
    transcript = mask_personal(read_transcript(args.transcript), personal)
    findings = detect(transcript, config)
    if args.json:
        out.print_json(json.dumps([asdict(f) for f in findings], ensure_ascii=False))
        return 0
    if not findings:
        out.print(f"{transcript.call_id}: no findings")
        return 0
    if args.explain:
        from pipeline.detectors.explain import explain

        for number, finding in enumerate(findings, 1):
            out.print(f"[bold]{transcript.call_id} finding {number} of {len(findings)}[/bold]")
            for label, text in explain(finding):
                out.print(f"  {label:>10}  {text}", markup=False, highlight=False)
        return 0
    table = Table(title=f"{transcript.call_id}: {len(findings)} finding(s)")
    for column in ("time", "category", "rule", "severity", "role"):
        table.add_column(column, no_wrap=True)
    # Wrapped, never cut: the evidence is the point.
    table.add_column("evidence", overflow="fold", min_width=24)
    for f in findings:
        table.add_row(
            f"{f.start_s:.2f}–{f.end_s:.2f}", f.category, f.rule_id, f.severity, f.role, f.evidence
        )
    out.print(table)
    return 0


def cmd_diarize(args: argparse.Namespace) -> int:
    import numpy as np

    from pipeline.audio.decode import load_audio
    from pipeline.parties.diarize import diarize, to_rttm

    config = load_config(args.config)
    options = config.diarization
    if args.pipeline:
        options = replace(options, backend="pipeline", pipeline=Path(args.pipeline))
    if args.num_speakers is not None and (args.min_speakers or args.max_speakers):
        raise CallqaError("--num-speakers sets both bounds: give it alone, or --min/--max-speakers")
    if args.num_speakers is not None and args.num_speakers < 1:
        raise CallqaError(f"--num-speakers {args.num_speakers}: a call has at least one speaker")
    options = replace(
        options,
        min_speakers=args.num_speakers or args.min_speakers or options.min_speakers,
        max_speakers=args.num_speakers or args.max_speakers or options.max_speakers,
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
    # Written beside and renamed: an interrupted run never leaves half an RTTM.
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(to_rttm(diarization, args.uri or path.stem), encoding="utf-8")
    tmp.replace(args.output)
    _print_talk_time(diarization, path.name, args.output)
    return 0


def _print_talk_time(diarization: Diarization, name: str, output: Path) -> None:
    """Per speaker: turns, seconds spoken and share of the talk time."""
    talk = diarization.talk_time()
    table = Table(
        title=f"{name}: {len(talk)} speaker(s), {len(diarization.turns)} turns → {output}"
    )
    for column in ("speaker", "turns", "talk s", "share"):
        table.add_column(column, justify="left" if column == "speaker" else "right")
    total = sum(talk.values()) or 1.0
    for speaker, seconds in talk.items():
        n_turns = sum(1 for t in diarization.turns if t.speaker == speaker)
        table.add_row(speaker, str(n_turns), f"{seconds:.1f}", f"{seconds / total:.0%}")
    out.print(table)


def add_transcribe(sub: argparse._SubParsersAction) -> None:
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


def add_detect(sub: argparse._SubParsersAction) -> None:
    from pipeline.options import registered_detector_names  # package metadata only: fast

    det = sub.add_parser(
        "detect",
        help="run the text detectors on a transcript JSON",
        description="Run the enabled text detectors ([detectors] enabled) on an existing transcript "
        "JSON and print the findings; no audio is read. Use it to re-apply changed lexicons or to "
        "test rules on hand-made transcripts. Registered detectors: "
        f"{', '.join(registered_detector_names()) or 'none (is callqa installed?)'}.",
    )
    det.add_argument("transcript", metavar="TRANSCRIPT.json")
    det.add_argument(
        "--json", action="store_true", help="print findings as a JSON array instead of a table"
    )
    det.add_argument(
        "--explain",
        action="store_true",
        help="for each finding, show the rule (id, category, severity, role, root cause, lexicon "
        "file and line), the pattern and the words that fired, every rule merged into the same "
        "event, and for window and order rules the anchor and what was missing",
    )
    det.set_defaults(func=cmd_detect)


def add_diarize(sub: argparse._SubParsersAction) -> None:
    dia = sub.add_parser(
        "diarize",
        help="who spoke when in a mono recording, as RTTM",
        description="Find the speakers of a mono recording and when each spoke, and write them "
        "as RTTM (one SPEAKER line per turn: file id, start, duration, speaker spk0, spk1 …; read "
        "by pyannote.metrics, dscore and md-eval). Turns are exclusive: no two speakers at once. "
        "Uses [diarization] in the config: the embedded diarizer (pyannote segmentation-3.0, "
        "CAM++ embeddings, clustering) or a local pyannote pipeline folder. Needs the "
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
        "--num-speakers",
        type=int,
        metavar="N",
        help="exactly N speakers, e.g. 3 for a transferred call (sets --min and --max)",
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
