"""Decoding real speech in every supported format and rate, and named errors for bad files."""

from __future__ import annotations

import hashlib
import os
import struct

import numpy as np
import pytest
import soundfile

from pipeline.audio.decode import load_audio
from pipeline.audio.resample import TARGET_SAMPLE_RATE
from pipeline.errors import AudioDecodeError

from .conftest import SAMPLES

SPEECH = SAMPLES / "20261121-000001.wav"  # 16 kHz stereo, real speech


@pytest.fixture(scope="module")
def speech() -> tuple[np.ndarray, int]:
    data, rate = soundfile.read(str(SPEECH), dtype="float32", always_2d=True)
    return data, rate


@pytest.mark.parametrize(
    "suffix, rate, channels, subtype",
    [
        (".wav", 8_000, 2, "PCM_16"),
        (".wav", 8_000, 1, "ULAW"),
        (".wav", 48_000, 1, "FLOAT"),
        (".flac", 16_000, 2, None),
        (".ogg", 22_050, 1, None),
        (".mp3", 44_100, 2, None),
    ],
)
def test_formats_and_rates_decode_to_16k_float32_per_channel(
    tmp_path, speech, suffix, rate, channels, subtype
):
    import librosa

    data, source_rate = speech
    converted = librosa.resample(data.T, orig_sr=source_rate, target_sr=rate).T[:, :channels]
    path = tmp_path / f"call{suffix}"
    soundfile.write(str(path), converted, rate, **({"subtype": subtype} if subtype else {}))
    audio = load_audio(path)
    assert audio.sample_rate == TARGET_SAMPLE_RATE
    assert audio.source_sample_rate == rate
    assert len(audio.channels) == channels == audio.source_channels
    expected_s = len(converted) / rate
    assert audio.duration_s == pytest.approx(expected_s, abs=0.06)  # mp3 adds encoder padding
    for channel in audio.channels:
        assert channel.dtype == np.float32
        assert abs(len(channel) / TARGET_SAMPLE_RATE - expected_s) < 0.06
        assert 0.05 < float(np.max(np.abs(channel))) <= 1.0  # the speech survived, not silence
    assert audio.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_stereo_channels_stay_apart():
    audio = load_audio(SPEECH)
    left, right = audio.channels
    # sample call 1: the agent (ch0) speaks first, the customer (ch1) is silent then.
    first_second = slice(int(0.6 * TARGET_SAMPLE_RATE), int(1.6 * TARGET_SAMPLE_RATE))
    assert np.abs(left[first_second]).max() > 0.05
    assert np.abs(right[first_second]).max() == 0.0


def _wav_bytes(samples: np.ndarray, rate: int = 8000) -> bytes:
    pcm = (samples * 32767).astype("<i2").tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(pcm)) + pcm


BAD_FILES = {
    "text_named_wav": (
        lambda: "这不是音频文件，只是文本。\n".encode() * 20,
        "not a readable audio file",
    ),
    "zero_bytes": (lambda: b"", "empty file (0 bytes)"),
    "truncated_data": (
        lambda: _wav_bytes(np.full(16000, 0.1, dtype=np.float32))[:12000],
        "truncated WAV",
    ),
    "truncated_header": (
        lambda: _wav_bytes(np.full(16000, 0.1, dtype=np.float32))[:30],
        "truncated WAV",
    ),
    "one_sample": (
        lambda: _wav_bytes(np.array([0.5], dtype=np.float32)),
        "too short to hold speech",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_bad_files_raise_named_error_with_file_and_reason(tmp_path, kind):
    make, reason = BAD_FILES[kind]
    path = tmp_path / f"{kind}.wav"
    path.write_bytes(make())
    with pytest.raises(AudioDecodeError) as caught:
        load_audio(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert reason in message
    assert caught.value.path == str(path)


def test_six_channels_is_a_named_error(tmp_path):
    path = tmp_path / "six.wav"
    soundfile.write(str(path), np.zeros((16000, 6), dtype=np.float32), 16000)
    with pytest.raises(AudioDecodeError, match="has 6 channels"):
        load_audio(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(AudioDecodeError, match="file not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioDecodeError, match="is a folder"):
        load_audio(tmp_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.wav"
    path.write_bytes(_wav_bytes(np.zeros(8000, dtype=np.float32)))
    path.chmod(0)
    with pytest.raises(AudioDecodeError, match="permission denied"):
        load_audio(path)


def test_digital_silence_loads(tmp_path):
    path = tmp_path / "silence.wav"
    soundfile.write(str(path), np.zeros(10 * 8000, dtype=np.int16), 8000)
    audio = load_audio(path)
    assert audio.duration_s == 10.0
    assert not np.any(audio.channels[0])
