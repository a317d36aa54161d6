"""Mono diarization time as a share of ASR time, measured side by side on the same mono calls.

Calls: the three two-party mono calls of the diarization tests (tests/diarize_calls.py: real
clips of two different speakers, 16 kHz and 8 kHz) and one longer 8 kHz call of all the AISHELL
S0150 and S0252 clips. For each call, in one process and one after the other: faster-whisper
transcribes the channel (the configured model and options), the configured diarizer finds the
speakers, and words are assigned and roles decided (pipeline.parties.mono.speakers_and_roles). Both
models are loaded and warmed up on a short call first, so the figures are steady-state
per-call costs; model loading is reported separately. The figures are appended to
bench/RESULTS.md.

Run: .venv/bin/python -m bench.bench_diarize
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime
from pathlib import Path

from bench.results import RESULTS, append_row
from pipeline.asr import whisper as asr
from pipeline.audio.resample import resample
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.parties.diarize import diarize
from pipeline.parties.mono import speakers_and_roles
from tests.diarize_calls import TWO_PARTY_CALLS, CallPlan, build_mono

CORPUS = Path(os.environ.get("CALLQA_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus" / "zh"))

SECTION = "## Mono diarization vs ASR (bench/bench_diarize.py)"
TABLE_HEAD = (
    "| date | calls | audio s | ASR s | diarization s | diarization / ASR | words+roles s | "
    "model load s (ASR, diarization) | backend | load avg (1 min) |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
)
LONG_CALL = CallPlan(
    "aishell-long-8k",
    8_000,
    tuple(
        (f"aishellsample_BAC009S0{speaker}W{n}.wav", channel, None)
        for pair in zip(
            (
                "0001",
                "0013",
                "0082",
                "0083",
                "0084",
                "0085",
                "0086",
                "0087",
                "0121",
                "0161",
                "0241",
            ),
            (
                "0001",
                "0007",
                "0090",
                "0091",
                "0092",
                "0093",
                "0094",
                "0095",
                "0122",
                "0126",
                "0176",
            ),
        )
        for speaker, channel, n in (("150", 0, pair[0]), ("252", 1, pair[1]))
    ),
)


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


DESCRIPTION = (
    "Wall time of mono diarization (embedded: pyannote segmentation + resemblyzer + "
    "clustering) divided by the ASR time of the same mono calls (faster-whisper, one channel), "
    "measured one after the other in one process, models warm. Words+roles: assigning words to "
    "speakers and deciding the agent."
)


def append_results(row: str) -> None:
    append_row(SECTION, DESCRIPTION, TABLE_HEAD, row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures without appending to RESULTS.md"
    )
    args = parser.parse_args()
    config = load_config()
    if not (CORPUS / "manifest.tsv").is_file():
        raise SystemExit(f"{CORPUS}: shared corpus not found (set CALLQA_CORPUS)")

    calls = []
    for plan in (*TWO_PARTY_CALLS, LONG_CALL):
        samples, _ = build_mono(plan, CORPUS)
        calls.append((plan.name, resample(samples, plan.sample_rate, 16_000)))

    warm = calls[0][1][: 16_000 * 8]
    _, asr_load = timed(
        asr.transcribe_channel, warm, config.models.whisper, config.asr, "ch0", "unknown"
    )
    _, diarization_load = timed(diarize, warm, config.diarization, "warm-up")

    totals = {"audio": 0.0, "asr": 0.0, "diarization": 0.0, "roles": 0.0}
    print(
        f"{'call':18s} {'audio s':>8s} {'ASR s':>7s} {'diar. s':>8s} {'share':>6s} speakers  agent"
    )
    for name, samples in calls:
        segments, asr_s = timed(
            asr.transcribe_channel, samples, config.models.whisper, config.asr, "ch0", "unknown"
        )
        diarization, diarization_s = timed(diarize, samples, config.diarization, name)
        (_labelled, decision), roles_s = timed(speakers_and_roles, segments, diarization, config)
        audio_s = len(samples) / 16_000
        for key, value in (
            ("audio", audio_s),
            ("asr", asr_s),
            ("diarization", diarization_s),
            ("roles", roles_s),
        ):
            totals[key] += value
        print(
            f"{name:18s} {audio_s:8.1f} {asr_s:7.2f} {diarization_s:8.2f} {diarization_s / asr_s:6.1%} "
            f"{len(diarization.speakers):>8d}  {decision.agent or 'unknown'}"
        )
    share = totals["diarization"] / totals["asr"]
    print(
        f"{'all':18s} {totals['audio']:8.1f} {totals['asr']:7.2f} {totals['diarization']:8.2f} {share:6.1%}"
    )
    load = os.getloadavg()[0]
    row = (
        f"| {datetime.now():%Y-%m-%d %H:%M} | {len(calls)} | {totals['audio']:.1f} | {totals['asr']:.1f} | "
        f"{totals['diarization']:.1f} | {share:.3f} | {totals['roles']:.2f} | "
        f"{asr_load:.1f}, {diarization_load:.1f} | {config.diarization.backend}, torch threads "
        f"{config.diarization.cpu_threads or 'default'} | "
        f"{load:.2f} ({platform.machine()}, {os.cpu_count()} cores) |"
    )
    if not args.no_write:
        append_results(row)
        print(f"appended to {RESULTS}")
    print(row)


if __name__ == "__main__":
    main()
