"""Peak memory of processing one call, by call length: windowed (the default) vs whole-call.

Calls of 5 and 60 minutes (8 kHz stereo, line noise, an agent and a customer corpus clip every
90 s) are processed by `pipeline.process.process_call`, each in a fresh process, and the peak
resident memory of that process is read from the kernel (`wait4`). Default mode decodes a call
over `audio.IN_MEMORY_MAX_S` into spooled channels and transcribes in `[asr] window_s`
windows; "whole" mode is the same code holding the whole call in memory (no spooling, one ASR
window), for the side-by-side ratio. The issue's goal: a 60-minute call needs no more memory
than a few minutes of audio times a constant, i.e. peak(60 min) / peak(5 min) near 1.

Run: .venv/bin/python -m bench.bench_memory [--minutes 5 60]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.results import append_row

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "zh"
AGENT_CLIPS = ("0122", "0007", "0251", "0126", "0090", "0091", "0093", "0176")
CUSTOMER_CLIPS = ("0121", "0241", "0161", "0013", "0087", "0083", "0084", "0281")
PAIR_EVERY_S = 90.0
SAMPLE_RATE = 8_000


def long_call(path: Path, minutes: float) -> Path:
    """Agent and customer clips in turn, a pair every PAIR_EVERY_S, line noise 30 dB down."""
    from pipeline.testing.callbuilder import PlannedTurn, build_call, write_call

    turns = []
    n_pairs = max(1, int(minutes * 60 // PAIR_EVERY_S))
    for index in range(n_pairs):
        agent = CORPUS / f"aishellsample_BAC009S0252W{AGENT_CLIPS[index % len(AGENT_CLIPS)]}.wav"
        customer = (
            CORPUS / f"aishellsample_BAC009S0150W{CUSTOMER_CLIPS[index % len(CUSTOMER_CLIPS)]}.wav"
        )
        turns.append(PlannedTurn(agent, 0, 0.0 if index == 0 else PAIR_EVERY_S - 12.0))
        turns.append(PlannedTurn(customer, 1, 0.8))
    samples, placed = build_call(
        turns,
        sample_rate=SAMPLE_RATE,
        noise_snr_db=30.0,
        tail_s=max(0.5, minutes * 60 - n_pairs * PAIR_EVERY_S),
    )
    write_call(path, samples, SAMPLE_RATE, placed)
    return path


def child(path: str, mode: str) -> None:
    """Process one call in this (fresh) process; print the wall time and what came out."""
    import pipeline.audio.decode as audio
    from pipeline.config import load_config
    from pipeline.process import process_call
    from pipeline.types import Recording

    config = load_config()
    if mode == "whole":
        audio.IN_MEMORY_MAX_S = float("inf")
        config = dataclasses.replace(config, asr=dataclasses.replace(config.asr, window_s=0))
    started = time.perf_counter()
    result = process_call(Recording(path=Path(path), call_id=Path(path).stem), config)
    wall = time.perf_counter() - started
    assert result.status == "ok", result.error
    print(f"{wall:.1f} {len(result.transcript.segments)} {result.transcript.audio.duration_s}")


def measure(path: Path, mode: str) -> tuple[float, float, int]:
    """(peak RSS MB, wall s, segments) of processing `path` in a fresh process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.bench_memory", "--child", str(path), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"{path.name} ({mode}) failed: exit status {status}")
    wall, segments, _ = output.split()
    return usage.ru_maxrss / 1024, float(wall), int(segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[5, 60])
    parser.add_argument("--child", nargs=2, metavar=("PATH", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if not CORPUS.is_dir():
        raise SystemExit(f"the shared corpus is not at {CORPUS}")
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        for minutes in args.minutes:
            path = long_call(Path(folder) / f"call_{minutes:g}min.wav", minutes)
            for mode in ("windowed", "whole"):
                if mode == "whole" and minutes != max(args.minutes):
                    continue
                peak, wall, segments = measure(path, mode)
                rows[(minutes, mode)] = peak
                print(
                    f"{minutes:5g} min  {mode:8s}  peak {peak:7.0f} MB  wall {wall:6.1f} s  "
                    f"({wall / (minutes * 60):.3f} of real time, {segments} segments)",
                    flush=True,
                )
    shortest, longest = min(args.minutes), max(args.minutes)
    growth = rows[(longest, "windowed")] / rows[(shortest, "windowed")]
    saving = rows[(longest, "whole")] / rows[(longest, "windowed")]
    print(f"peak({longest:g} min) / peak({shortest:g} min), windowed: {growth:.2f}")
    print(f"{longest:g} min call, whole-call / windowed peak: {saving:.2f}")
    append_row(
        "## Memory by call length (bench/bench_memory.py)",
        "Peak RSS of one process running `process_call` on one 8 kHz stereo call (a corpus clip "
        "pair every 90 s, line noise), fresh process per figure. Windowed: spooled decode + ASR "
        "windows (the default); whole: the same code holding the call in memory.",
        "| date | peak windowed, shortest (MB) | peak windowed, longest (MB) | peak whole, longest (MB) "
        "| longest / shortest | whole / windowed |\n| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| {time.strftime('%Y-%m-%d %H:%M')} ({shortest:g} / {longest:g} min) | {rows[(shortest, 'windowed')]:.0f} "
        f"| {rows[(longest, 'windowed')]:.0f} | {rows[(longest, 'whole')]:.0f} | {growth:.2f} | {saving:.2f} |",
    )


if __name__ == "__main__":
    main()
