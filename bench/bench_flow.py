"""What the nightly flow costs on top of ASR: end-to-end flow wall time / ASR-alone wall time.

In one process, on the same stereo calls (data/samples, copied `--copies` times under new names
and with other bytes):
1. ASR alone: every channel of every call through pipeline.asr.whisper.transcribe_channel, one call after
   the other, audio decoded beforehand (decoding is part of the flow's overhead, not of ASR);
2. the nightly flow end to end (`nightly(..., refresh=True)`: no cached transcripts), from the
   call to its return: planning, hashing, decoding, ASR, detectors, scoring, DuckDB writes,
   snapshot, report, Prefect's task runs.
The model is loaded and Prefect's temporary server started before anything is timed. ASR alone
is timed before and after the flow and the mean is used: on a shared machine the load drifts
during a run, and bracketing the flow keeps the drift out of the ratio. The goal is a ratio of
at most 1.05. The figures are appended to bench/RESULTS.md.

A nightly run is a fresh process, so by default the flow also pays the once-per-run costs (jieba's
dictionary, the lexicons, the acoustic stage's first call, Prefect's flow run: a few seconds).
`--warm` first runs the flow once over one other call, untimed: what is left is the per-call
overhead, which is what a night of hundreds of calls pays.

Run: .venv/bin/python -m bench.bench_flow [--copies N] [--workers N] [--warm]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.results import append_row
from pipeline.config import PROJECT_ROOT

SAMPLES = PROJECT_ROOT / "data" / "samples"

SECTION = "## Nightly flow overhead (bench/bench_flow.py)"
TABLE_HEAD = (
    "| date | calls | audio s | ASR alone s (before, after) | flow s | flow / ASR | flow workers | process | load avg (1 min) |\n"
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n"
)


def build_archive(root: Path, copies: int) -> int:
    """data/samples `copies` times under distinct names, each copy with other bytes (one sample
    nudged by one step): the flow takes a file with the same bytes as a stored call for a duplicate."""
    import soundfile

    n = 0
    for copy in range(copies):
        for path in sorted(SAMPLES.iterdir()):
            if path.suffix in (".wav", ".flac", ".ogg"):
                target = root / f"{path.stem}-{copy}{path.suffix}"
                if copy == 0:
                    shutil.copy2(path, target)
                else:
                    info = soundfile.info(str(path))
                    data, rate = soundfile.read(
                        str(path), dtype="int16" if path.suffix != ".ogg" else "float32"
                    )
                    data[0] += copy if data.dtype.kind == "i" else copy / 32768
                    soundfile.write(str(target), data, rate, subtype=info.subtype)
                n += 1
    return n


def asr_alone(archive: Path, config) -> tuple[float, float]:
    """(ASR wall seconds, audio seconds) over every call of the archive."""
    from pipeline.asr import whisper as asr
    from pipeline.audio.decode import load_audio
    from pipeline.parties.stereo import channel_roles

    decoded = [
        load_audio(path)
        for path in sorted(archive.iterdir())
        if path.suffix in (".wav", ".flac", ".ogg")
    ]
    started = time.perf_counter()
    for audio in decoded:
        for samples, (speaker, role) in zip(
            audio.channels, channel_roles(len(audio.channels), config.channels.agent_channel)
        ):
            asr.transcribe_channel(samples, config.models.whisper, config.asr, speaker, role)
    return time.perf_counter() - started, sum(audio.duration_s for audio in decoded)


DESCRIPTION = (
    "End-to-end wall time of `callqa nightly` (the Prefect flow, thread pool, no cached "
    "transcripts) divided by ASR-alone wall time on the same stereo calls, in one process. "
    "Goal: at most 1.05. Process `fresh`: the flow pays its once-per-run costs (jieba dictionary, lexicons, "
    "the acoustic stage's first call, Prefect's flow run); `warm` (`--warm`): the per-call overhead only."
)


def append_results(row: str) -> None:
    append_row(SECTION, DESCRIPTION, TABLE_HEAD, row)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--copies",
        type=int,
        default=3,
        help="copies of data/samples in the archive (default 3: 12 calls)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="flow thread-pool workers (default: [nightly] workers)",
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="run the flow once, untimed, before timing it (per-call overhead only)",
    )
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    from prefect import flow

    from flows.nightly import nightly
    from pipeline.asr import whisper as asr
    from pipeline.config import load_config

    with tempfile.TemporaryDirectory(prefix="callqa-bench-") as tmp:
        tmp_path = Path(tmp)
        archive = tmp_path / "archive"
        archive.mkdir()
        n_calls = build_archive(archive, args.copies)
        site = tmp_path / "site.toml"
        workers = f"\n[nightly]\nworkers = {args.workers}\n" if args.workers else ""
        site.write_text(
            f'[paths]\noutput_dir = "{tmp_path / "out"}"\ndb = "{tmp_path / "out" / "qa.duckdb"}"\n'
            f'snapshot = "{tmp_path / "out" / "qa-read.duckdb"}"\n{workers}',
            encoding="utf-8",
        )
        config = load_config(site)

        # untimed: the model load and Prefect's temporary server
        asr.load_whisper(
            str(config.models.whisper),
            config.asr.device,
            config.asr.compute_type,
            config.asr.cpu_threads,
        )
        flow(name="callqa-bench-warm-up")(lambda: None)()
        if args.warm:
            warm_archive = tmp_path / "warm-up"
            warm_archive.mkdir()
            shutil.copy2(SAMPLES / "20261121-000001.wav", warm_archive / "warm-up.wav")
            nightly(
                archive=str(warm_archive),
                db=str(tmp_path / "warm-up.duckdb"),
                config_path=str(site),
                refresh=True,
            )

        asr_before, audio_s = asr_alone(archive, config)
        started = time.perf_counter()
        summary = nightly(archive=str(archive), config_path=str(site), refresh=True)
        flow_s = time.perf_counter() - started
        asr_after, _ = asr_alone(archive, config)
        asr_s = (asr_before + asr_after) / 2
        if summary["n_ok"] != n_calls:
            raise SystemExit(
                f"the flow processed {summary['n_ok']} of {n_calls} calls: {summary['failures']}"
            )

    ratio = flow_s / asr_s
    load = os.getloadavg()[0]
    print(
        f"{n_calls} stereo calls, {audio_s:.1f} s of audio: ASR alone {asr_s:.1f} s (before the flow {asr_before:.1f}, "
        f"after {asr_after:.1f}), flow {flow_s:.1f} s, "
        f"flow / ASR = {ratio:.3f} (goal <= 1.05); load average {load:.2f} on {os.cpu_count()} cores"
    )
    append_results(
        f"| {datetime.now():%Y-%m-%d %H:%M} | {n_calls} | {audio_s:.1f} | {asr_s:.1f} ({asr_before:.1f}, {asr_after:.1f}) | {flow_s:.1f} | "
        f"{ratio:.3f} | {config.nightly.workers} | {'warm' if args.warm else 'fresh'} | {load:.2f} ({platform.machine()}, {os.cpu_count()} cores) |"
    )


if __name__ == "__main__":
    main()
