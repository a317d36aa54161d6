"""Mono diarization against ASR time, and the new diarizer against an older one, in one run.

Calls: the two-party mono calls of the diarization tests — the tuning calls
(tests/diarize_calls.py) and the held-out ones (tests/diarize_heldout.py) — and one longer 8 kHz
call of AISHELL S0150 and S0252 clips. faster-whisper transcribes each call once (the configured
model and options, models warm): the ASR time every diarizer is divided by.

Each diarizer runs in a worker process of its own source tree: this checkout, and the one of
`--baseline REV` (default: the last commit with the GE2E encoder) in a temporary git worktree
sharing this checkout's models/ folder. The workers run in turn, twice each (A B A B), and
the faster of the two runs of each call counts. Each worker also diarizes a 9- and an
18-minute call made of the long call repeated, and reports how much more peak resident memory
the longer one needed, per hour of audio (what grows with the call, not the fixed cost). DER (pyannote.metrics, md-eval collar ±0.25 s, overlaps counted) is
computed here from each worker's turns. Figures are appended to bench/RESULTS.md.

The baseline needs its models (`models/pyannote-segmentation`, `models/speaker-embedding`) and
resemblyzer==0.1.4 installed; without them it is skipped with the reason.

Run: .venv/bin/python -m bench.bench_diarize [--baseline REV]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from bench.results import RESULTS, append_row
from pipeline.asr import whisper as asr
from pipeline.audio.resample import resample
from pipeline.config import PROJECT_ROOT, load_config
from tests.diarize_calls import TWO_PARTY_CALLS, CallPlan, PlacedTurn, build_mono
from tests.diarize_heldout import HELD_OUT_TWO_PARTY

CORPUS = Path(os.environ.get("CALLQA_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus" / "zh"))
BASELINE = "946f955"  # the embedded diarizer with resemblyzer's GE2E and the whisperx checkpoint
SECTION = "## Mono diarization vs ASR, new vs old diarizer (bench/bench_diarize.py)"
TABLE_HEAD = (
    "| date | diarizer | calls | audio s | ASR s | diarization s | diarization / ASR | "
    "mean DER | worst DER (call) | MB per audio hour (MB at 9 min) | load avg (1 min) |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
)
DESCRIPTION = (
    "Wall time of mono diarization divided by the ASR time of the same mono calls (faster-whisper, "
    "one channel, models warm), for this checkout's diarizer and an older one, each in a worker "
    "process of its own source tree, run in turn (A B A B, the faster run of each call counts). "
    "DER: pyannote.metrics, md-eval collar (±0.25 s), overlapped speech counted. Memory: how much "
    "more resident memory an 18-minute call needed than a 9-minute one, per hour of audio (in "
    "brackets: the peak above the worker's memory before, for the 9-minute call)."
)
_SPEAKERS = (
    ("0001", "0001"),
    ("0013", "0007"),
    ("0082", "0090"),
    ("0083", "0091"),
    ("0084", "0092"),
    ("0085", "0093"),
    ("0086", "0094"),
    ("0087", "0095"),
    ("0121", "0122"),
    ("0161", "0126"),
    ("0241", "0176"),
)
LONG_CALL = CallPlan(
    "aishell-long-8k",
    8_000,
    tuple(
        (f"aishellsample_BAC009S0{speaker}W{n}.wav", channel, None)
        for pair in _SPEAKERS
        for speaker, channel, n in (("150", 0, pair[0]), ("252", 1, pair[1]))
    ),
)
MEMORY_REPEATS = 8  # the memory calls: 9 and 18 minutes

# Runs inside a source tree (cwd); uses only what every version of the library has.
WORKER = r"""
import json, sys, threading, time
import numpy as np
from pipeline.config import load_config
from pipeline.parties.diarize import diarize

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

calls = np.load(sys.argv[1])
config = load_config()
names = [n for n in calls.files if n != "memory"]
diarize(calls[names[0]][: 16000 * 8], config.diarization, "warm-up")
out = {}
for name in names:
    started = time.perf_counter()
    result = diarize(calls[name], config.diarization, name)
    spoken = list(result.turns) + list(getattr(result, "overlaps", ()))
    out[name] = {"s": time.perf_counter() - started,
                 "turns": [(t.start, t.end, t.speaker) for t in spoken]}
def peak_while(samples):
    peak, done = [rss_mb()], threading.Event()
    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb()); time.sleep(0.05)
    watcher = threading.Thread(target=sample); watcher.start()
    diarize(samples, config.diarization, "memory")
    done.set(); watcher.join()
    return peak[0]
before = rss_mb()
short, long = peak_while(calls["memory"][: len(calls["memory"]) // 2]), peak_while(calls["memory"])
out["memory"] = {"before": before, "short": short, "long": long,
                 "hours": len(calls["memory"]) / 16000 / 3600 / 2}
print(json.dumps(out))
"""


def der(placed: list[PlacedTurn], turns: list) -> float:
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hypothesis = Annotation(), Annotation()
    for turn in placed:
        reference[Segment(turn.start, turn.end)] = f"party{turn.channel}"
    for index, (start, end, speaker) in enumerate(turns):
        hypothesis[Segment(start, end), index] = speaker
    last = max([t.end for t in placed] + [end for _, end, _ in turns]) + 0.5
    metric = DiarizationErrorRate(collar=0.5, skip_overlap=False)
    return float(metric(reference, hypothesis, uem=Timeline([Segment(0.0, last)])))


def baseline_tree(revision: str, into: Path) -> Path:
    tree = into / "baseline"
    subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "worktree", "add", "--detach", str(tree), revision],
        check=True,
        capture_output=True,
    )
    # The worktree's models/ holds only the tracked README: use this checkout's models instead.
    shutil.rmtree(tree / "models", ignore_errors=True)
    (tree / "models").symlink_to(PROJECT_ROOT / "models")
    return tree


def run_worker(tree: Path, calls_file: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", WORKER, str(calls_file)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError((done.stderr.strip().splitlines() or ["worker failed"])[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE, metavar="REV", help="older diarizer")
    parser.add_argument(
        "--no-write", action="store_true", help="print the figures without appending to RESULTS.md"
    )
    args = parser.parse_args()
    config = load_config()
    if not (CORPUS / "manifest.tsv").is_file():
        raise SystemExit(f"{CORPUS}: shared corpus not found (set CALLQA_CORPUS)")

    plans = (*TWO_PARTY_CALLS, *HELD_OUT_TWO_PARTY, LONG_CALL)
    calls, placed = {}, {}
    for plan in plans:
        samples, turns = build_mono(plan, CORPUS)
        calls[plan.name] = resample(samples, plan.sample_rate, 16_000)
        placed[plan.name] = turns
    asr.transcribe_channel(
        calls[plans[0].name][: 16_000 * 8], config.models.whisper, config.asr, "ch0", "unknown"
    )
    asr_s = {}
    for name, samples in calls.items():
        started = time.perf_counter()
        asr.transcribe_channel(samples, config.models.whisper, config.asr, "ch0", "unknown")
        asr_s[name] = time.perf_counter() - started
    memory = np.tile(calls[LONG_CALL.name], MEMORY_REPEATS)

    with tempfile.TemporaryDirectory(prefix="bench-diarize-") as tmp:
        calls_file = Path(tmp) / "calls.npz"
        np.savez(calls_file, memory=memory, **calls)
        trees = {"new (this checkout)": PROJECT_ROOT}
        try:
            trees[f"old ({args.baseline})"] = baseline_tree(args.baseline, Path(tmp))
        except subprocess.CalledProcessError as exc:
            print(f"baseline skipped: git worktree failed ({exc.stderr.decode().strip()})")
        runs: dict[str, list[dict]] = {label: [] for label in trees}
        try:
            for _ in range(2):
                for label, tree in list(trees.items()):
                    try:
                        runs[label].append(run_worker(tree, calls_file))
                    except RuntimeError as exc:
                        print(f"{label} skipped: {exc}")
                        trees.pop(label)
                        runs.pop(label)
        finally:
            for tree in trees.values():
                if tree != PROJECT_ROOT:
                    subprocess.run(
                        [
                            "git",
                            "-C",
                            str(PROJECT_ROOT),
                            "worktree",
                            "remove",
                            "--force",
                            str(tree),
                        ],
                        capture_output=True,
                    )

    load = os.getloadavg()[0]
    audio = sum(len(s) for s in calls.values()) / 16_000
    total_asr = sum(asr_s.values())
    print(f"{'call':30s} {'ASR s':>7s} " + " ".join(f"{label[:18]:>28s}" for label in runs))
    rows = []
    summary = {}
    for label, results in runs.items():
        seconds = {n: min(r[n]["s"] for r in results) for n in calls}
        ders = {n: der(placed[n], results[0][n]["turns"]) for n in calls}
        # Resident memory the longer call needed beyond the shorter one, per hour of audio: what
        # grows with the call, without the models and buffers any call needs.
        peak = max(
            (r["memory"]["long"] - r["memory"]["short"]) / r["memory"]["hours"] for r in results
        )
        fixed = max(r["memory"]["short"] - r["memory"]["before"] for r in results)
        summary[label] = (seconds, ders)
        worst = max(ders, key=lambda n: ders[n])
        rows.append(
            f"| {datetime.now():%Y-%m-%d %H:%M} | {label} | {len(calls)} | {audio:.1f} | "
            f"{total_asr:.1f} | {sum(seconds.values()):.1f} | {sum(seconds.values()) / total_asr:.3f} | "
            f"{np.mean(list(ders.values())):.3f} | {ders[worst]:.3f} ({worst}) | {peak:.0f} ({fixed:.0f}) | "
            f"{load:.2f} ({platform.machine()}, {os.cpu_count()} cores) |"
        )
    for name in calls:
        cells = " ".join(
            f"{summary[label][0][name]:7.2f} s {summary[label][0][name] / asr_s[name]:6.1%} DER {summary[label][1][name]:.3f}"
            for label in runs
        )
        print(f"{name:30s} {asr_s[name]:7.2f} {cells}")
    for row in rows:
        print(row)
        if not args.no_write:
            append_row(SECTION, DESCRIPTION, TABLE_HEAD, row)
    if not args.no_write:
        print(f"appended to {RESULTS}")


if __name__ == "__main__":
    main()
