"""ASR benchmark of the embedded whisper-base on the shared corpus, measured side by side.

For each configuration (beam 5 / beam 1, plain WhisperModel.transcribe / faster-whisper's
BatchedInferencePipeline, 16 kHz / 8 kHz telephone audio) a fresh process transcribes every
corpus clip and reports: real-time factor (wall / audio), CER per clip and pooled against the
reference texts (digits written as numerals are compared as digits: 一三八 ~ 138), and peak
memory (max RSS). Run: .venv/bin/python -m bench.bench_asr [--clips N]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import time

from pipeline.config import PROJECT_ROOT

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "zh"
CONFIGS = [
    {"name": "beam5 plain 16k", "beam": 5, "batched": False, "rate": 16000},
    # faster-whisper's temperature fallback (sampling, unseeded), callqa's default before issue 15
    {"name": "beam5 fallback 16k", "beam": 5, "batched": False, "rate": 16000, "fallback": True},
    {"name": "beam5 fallback 8k", "beam": 5, "batched": False, "rate": 8000, "fallback": True},
    {"name": "beam1 plain 16k", "beam": 1, "batched": False, "rate": 16000},
    {"name": "beam5 batched 16k", "beam": 5, "batched": True, "rate": 16000},
    {"name": "beam1 batched 16k", "beam": 1, "batched": True, "rate": 16000},
    {"name": "beam5 plain 8k", "beam": 5, "batched": False, "rate": 8000},
]
SPOKEN_DIGITS = str.maketrans("零〇一幺二两三四五六七八九", "0011223456789")


def comparable(text: str) -> str:
    from tests.cer import normalise

    return normalise(text).translate(SPOKEN_DIGITS)


def worker(spec: dict, clips: list[dict]) -> dict:
    """Runs in its own process so that its peak memory is its own."""
    import librosa
    import numpy as np
    from faster_whisper import BatchedInferencePipeline

    from pipeline.asr.normalize import to_simplified
    from pipeline.asr.whisper import FALLBACK_TEMPERATURES, load_whisper
    from pipeline.audio.decode import load_audio
    from pipeline.audio.resample import resample
    from pipeline.config import load_config
    from tests.cer import edit_distance

    config = load_config()
    model = load_whisper(str(config.models.whisper), "cpu", "int8", 0)
    runner = BatchedInferencePipeline(model) if spec["batched"] else model
    results, audio_s, wall_s = [], 0.0, 0.0
    warm = load_audio(CORPUS / clips[0]["file"]).channels[0]
    # untimed warm-up
    list(runner.transcribe(warm, language="zh", beam_size=spec["beam"], vad_filter=True)[0])
    for clip in clips:
        audio = load_audio(CORPUS / clip["file"])
        samples = np.mean(np.stack(audio.channels), axis=0)
        # telephone path: down to 8 kHz and back up, as a phone line would
        if spec["rate"] != 16000:
            samples = resample(
                librosa.resample(samples, orig_sr=16000, target_sr=spec["rate"]), spec["rate"]
            )
        kwargs = {
            "language": "zh",
            "beam_size": spec["beam"],
            "vad_filter": True,
            "word_timestamps": True,
        }
        # callqa's default is temperature 0 only ([asr] temperature_fallback = false)
        kwargs["temperature"] = FALLBACK_TEMPERATURES if spec.get("fallback") else 0.0
        if spec["batched"]:
            kwargs["batch_size"] = 8
        else:
            kwargs["condition_on_previous_text"] = False
        started = time.perf_counter()
        segments, _ = runner.transcribe(samples, **kwargs)
        text = to_simplified("".join(s.text for s in segments))
        wall_s += time.perf_counter() - started
        audio_s += audio.duration_s
        ref, hyp = comparable(clip["reference_text"]), comparable(text)
        results.append(
            {
                "file": clip["file"],
                "errors": edit_distance(ref, hyp),
                "length": len(ref),
                "text": text,
            }
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "name": spec["name"],
        "audio_s": audio_s,
        "wall_s": wall_s,
        "peak_mb": peak_mb,
        "clips": results,
    }


def main(n_clips: int | None = None) -> list[dict]:
    with open(CORPUS / "manifest.tsv", encoding="utf-8") as handle:
        clips = list(csv.DictReader(handle, delimiter="\t"))[:n_clips]
    rows = []
    for spec in CONFIGS:
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.bench_asr",
                "--worker",
                json.dumps(spec),
                "--clips",
                str(len(clips)),
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=True,
        )
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["rtf"] = row["wall_s"] / row["audio_s"]
        row["cer"] = sum(c["errors"] for c in row["clips"]) / sum(c["length"] for c in row["clips"])
        rows.append(row)
        print(
            f"{row['name']:20s} RTF {row['rtf']:.3f} ({1 / row['rtf']:.1f}x real time)  CER {row['cer']:.3f}  "
            f"peak {row['peak_mb']:.0f} MB  ({row['audio_s']:.0f} s audio)",
            flush=True,
        )
    base = rows[0]
    print("\nratios against beam5 plain 16k (same clips, same run):")
    for row in rows[1:]:
        print(
            f"  {row['name']:20s} speed x{base['rtf'] / row['rtf']:.2f}  CER {row['cer'] - base['cer']:+.3f}"
        )
    for plain, fallback in (
        ("beam5 plain 16k", "beam5 fallback 16k"),
        ("beam5 plain 8k", "beam5 fallback 8k"),
    ):
        a = next(r for r in rows if r["name"] == plain)
        b = next(r for r in rows if r["name"] == fallback)
        differ = sum(x["text"] != y["text"] for x, y in zip(a["clips"], b["clips"]))
        print(
            f"  temperature fallback off vs on ({plain[-3:]}): CER {a['cer']:.4f} vs {b['cer']:.4f}, "
            f"RTF {a['rtf']:.3f} vs {b['rtf']:.3f}, {differ} of {len(a['clips'])} clips transcribed differently"
        )
    print("\nCER per clip (beam5 plain 16k | beam5 plain 8k):")
    eight = next(r for r in rows if r["name"] == "beam5 plain 8k")
    for a, b in zip(base["clips"], eight["clips"]):
        print(
            f"  {a['file']:55s} {a['errors'] / max(1, a['length']):.3f} | {b['errors'] / max(1, b['length']):.3f}"
        )
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--clips", type=int, default=None, help="only the first N clips of the manifest"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        with open(CORPUS / "manifest.tsv", encoding="utf-8") as handle:
            chosen = list(csv.DictReader(handle, delimiter="\t"))[: args.clips]
        print(json.dumps(worker(json.loads(args.worker), chosen)))
    else:
        main(args.clips)
