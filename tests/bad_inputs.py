"""A corpus of bad and awkward inputs, generated in a folder, with what each should end as.

Each entry: file name -> (expected status, a phrase the error must contain or None).
Used by the robustness tests: every recording must end as a clear per-call status and the
batch must finish.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path

import numpy as np
import soundfile

from .conftest import SAMPLES

SPEECH = SAMPLES / "20261121-000001.wav"


def _wav_header_and_pcm(n_samples: int, rate: int = 8000) -> bytes:
    pcm = (np.sin(np.arange(n_samples) / 7.0) * 8000).astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm


def build(root: Path, long_call_s: float = 1200.0) -> dict[str, tuple[str, str | None]]:
    """Write the corpus under `root` (with calls.csv); returns the expectations by call id."""
    root.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)
    speech, rate = soundfile.read(str(SPEECH), dtype="float32", always_2d=True)
    expect: dict[str, tuple[str, str | None]] = {}

    (root / "zero_bytes.wav").write_bytes(b"")
    expect["zero_bytes"] = ("failed", "empty file (0 bytes)")
    (root / "text_renamed.wav").write_text("这是一份会议纪要，不是录音。\n" * 40, encoding="utf-8")
    expect["text_renamed"] = ("failed", "not a readable audio file")
    (root / "truncated_header.wav").write_bytes(_wav_header_and_pcm(8000)[:30])
    expect["truncated_header"] = ("failed", "truncated WAV")
    (root / "truncated_data.wav").write_bytes(_wav_header_and_pcm(80000)[:20000])
    expect["truncated_data"] = ("failed", "truncated WAV")
    soundfile.write(str(root / "one_sample.wav"), np.array([0.2], dtype=np.float32), 8000)
    expect["one_sample"] = ("failed", "too short to hold speech")
    soundfile.write(
        str(root / "digital_silence_5min.wav"), np.zeros((300 * 8000, 2), dtype=np.int16), 8000
    )
    expect["digital_silence_5min"] = ("ok", None)
    soundfile.write(
        str(root / "pure_noise.wav"),
        (rng.standard_normal((30 * 8000, 2)) * 0.1).astype(np.float32),
        8000,
        subtype="PCM_16",
    )
    expect["pure_noise"] = ("ok", None)
    square = np.sign(np.sin(2 * np.pi * 440 * np.arange(20 * 8000) / 8000)).astype(np.float32)
    soundfile.write(
        str(root / "clipped_square.wav"), np.stack([square, square], axis=1), 8000, subtype="PCM_16"
    )
    expect["clipped_square"] = ("ok", None)
    import librosa

    speech_8k = librosa.resample(speech.T, orig_sr=rate, target_sr=8000).T
    soundfile.write(str(root / "mulaw_8k.wav"), speech_8k, 8000, subtype="ULAW")
    expect["mulaw_8k"] = ("ok", None)
    speech_48k = librosa.resample(speech.T, orig_sr=rate, target_sr=48000).T
    soundfile.write(str(root / "float_48k.wav"), speech_48k, 48000, subtype="FLOAT")
    expect["float_48k"] = ("ok", None)
    soundfile.write(str(root / "six_channels.wav"), np.tile(speech[:, :1], (1, 6)), rate)
    expect["six_channels"] = ("failed", "has 6 channels")
    # A long call at 8 kHz stereo: the real speech once, then silence (written in blocks). Twenty
    # minutes by default: four ASR windows ([asr] window_s), spooled like any long call; the
    # memory of hours-long calls is measured by bench/bench_memory.py, not here.
    with soundfile.SoundFile(str(root / "long_call.wav"), "w", 8000, 2, subtype="PCM_16") as handle:
        handle.write(speech_8k)
        block = np.zeros((600 * 8000, 2), dtype=np.int16)
        remaining = int(long_call_s * 8000) - len(speech_8k)
        while remaining > 0:
            handle.write(block[: min(len(block), remaining)])
            remaining -= len(block)
    expect["long_call"] = ("ok", None)

    def distinct_copy(dest, k: int) -> None:
        """The speech call with k ms of extra silence: other bytes, so not a duplicate."""
        soundfile.write(
            str(dest), np.concatenate([speech, np.zeros((k * rate // 1000, 2), np.float32)]), rate
        )

    locked = root / "unreadable.wav"
    distinct_copy(locked, 10)
    locked.chmod(0)
    # root reads it anyway: then it is simply a good call
    expect["unreadable"] = ("ok", None) if os.geteuid() == 0 else ("failed", "permission denied")
    (root / "dangling.wav").symlink_to(root / "does-not-exist.wav")
    expect["dangling"] = ("failed", "file not found")
    odd_name = os.fsencode(root) + b"/\xff\xfe_latin1_\xe9.wav"
    distinct_copy(root / "odd.tmp.wav", 20)
    os.rename(root / "odd.tmp.wav", odd_name)  # soundfile cannot write such a name itself
    expect["\\xff\\xfe_latin1_\\xe9"] = ("ok", None)  # shown with escapes
    shutil.copy(SPEECH, root / "copy_a.wav")
    shutil.copy(SPEECH, root / "copy_b.wav")  # the same bytes under two names
    expect["copy_a"] = ("ok", None)
    expect["copy_b"] = ("failed", "same audio as copy_a.wav")
    distinct_copy(root / "no_agent.wav", 30)
    expect["no_agent"] = ("ok", None)
    distinct_copy(root / "bad_csv_row.wav", 40)
    expect["bad_csv_row"] = ("ok", None)
    (root / "calls.csv").write_text(
        "call_id,agent_id,started_at\n"
        "no_agent,,2026-11-21T10:00:00+08:00\n"
        "bad_csv_row,A1,yesterday at noon\n"
        ",A2,2026-11-21T11:00:00+08:00\n"
        '"unclosed,A3\n',
        encoding="utf-8",
    )
    return expect
