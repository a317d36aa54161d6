"""The acoustic stage's time as a share of ASR time, measured side by side on the same calls.

Calls: the four committed sample calls (data/samples) and two longer calls built from the
shared corpus (AISHELL S0252 as agent, S0150 as customer, with gaps, overlaps and a loud turn)
at 16 kHz and at 8 kHz with 20 dB SNR noise. For each call the decoded audio is transcribed
(faster-whisper, the configured model and options, both channels) and then analysed by
`pipeline.acoustics.analysis.analyse_call` on that transcript, in the same process, one after the other.
Both stages are warmed up first on a short call (model loading, imports, numba JIT), so
the figures are steady-state per-call costs. The issue's target: a few percent at most.

Run: .venv/bin/python -m bench.bench_acoustics
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path

from pipeline.acoustics.analysis import analyse_call
from pipeline.audio.decode import load_audio
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.options import AcousticOptions
from pipeline.process import transcribe_audio
from pipeline.testing.callbuilder import PlannedTurn, build_call, write_call
from pipeline.types import Audio, Recording

CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "zh"
SAMPLES = PROJECT_ROOT / "data" / "samples"
AGENT_CLIPS = ("0122", "0007", "0251", "0126", "0090", "0091", "0093", "0176")
CUSTOMER_CLIPS = ("0121", "0241", "0161", "0013", "0087", "0083", "0084", "0281")
GAPS = (0.8, 6.0, -1.5, 0.7, 11.0, 0.6, -1.0, 4.5, 0.7, 5.5, 0.9, 1.2, 0.8, 0.6, 2.0, 0.7)


def corpus_call(folder: Path, sample_rate: int, noise_snr_db: float | None) -> Path:
    with open(CORPUS / "manifest.tsv", encoding="utf-8") as handle:
        reference = {
            row["file"]: row["reference_text"] for row in csv.DictReader(handle, delimiter="\t")
        }
    turns = []
    for index, gap in enumerate(GAPS):
        speaker, numbers, channel = (
            ("S0252", AGENT_CLIPS, 0) if index % 2 == 0 else ("S0150", CUSTOMER_CLIPS, 1)
        )
        clip = CORPUS / f"aishellsample_BAC009{speaker}W{numbers[index // 2]}.wav"
        gain_db = 12.0 if index == 6 else 0.0  # one loud agent turn
        turns.append(
            PlannedTurn(clip, channel, gap if index else 0.0, reference[clip.name], gain_db=gain_db)
        )
    samples, placed = build_call(
        turns, sample_rate=sample_rate, trim_to_speech=True, noise_snr_db=noise_snr_db
    )
    path = folder / f"corpus_{sample_rate // 1000}k{'_noisy' if noise_snr_db else ''}.wav"
    write_call(path, samples, sample_rate, placed)
    return path


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def main() -> None:
    config = load_config()
    options = AcousticOptions()
    with tempfile.TemporaryDirectory() as folder:
        paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".wav", ".flac", ".ogg"))
        if (CORPUS / "manifest.tsv").is_file():
            paths += [
                corpus_call(Path(folder), 16_000, None),
                corpus_call(Path(folder), 8_000, 20.0),
            ]
        else:
            print(f"shared corpus not found at {CORPUS}: sample calls only")

        warm_up: Audio = load_audio(paths[0])
        transcript = transcribe_audio(Recording(paths[0], "warm-up"), warm_up, config)
        analyse_call(warm_up, transcript, options)

        print(f"{'call':<28}{'audio s':>9}{'ASR s':>9}{'acoustic s':>12}{'share':>8}  findings")
        total_audio = total_asr = total_acoustic = 0.0
        for path in paths:
            audio = load_audio(path)
            transcript, asr_s = timed(transcribe_audio, Recording(path, path.stem), audio, config)
            result, acoustic_s = timed(
                analyse_call,
                audio,
                transcript,
                options,
                agent_channel=config.channels.agent_channel,
            )
            total_audio += audio.duration_s
            total_asr += asr_s
            total_acoustic += acoustic_s
            categories = sorted({f.category for f in result.findings})
            print(
                f"{path.name:<28}{audio.duration_s:>9.1f}{asr_s:>9.2f}{acoustic_s:>12.3f}"
                f"{100 * acoustic_s / asr_s:>7.1f}%  {', '.join(categories) or '-'}"
            )
        print(
            f"{'all':<28}{total_audio:>9.1f}{total_asr:>9.2f}{total_acoustic:>12.3f}"
            f"{100 * total_acoustic / total_asr:>7.1f}%"
        )
        print(
            f"acoustic/ASR time ratio: {total_acoustic / total_asr:.3f} "
            f"(acoustic stage {total_audio / total_acoustic:.0f}x real time, ASR {total_audio / total_asr:.1f}x)"
        )


if __name__ == "__main__":
    main()
