"""`callqa transcribe` writes the DESIGN.md transcript JSON; `callqa detect` reads it back."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.asr.transcript import read_transcript, transcript_from_dict
from pipeline.errors import TranscriptFormatError

from .conftest import SAMPLES

CALLQA = [sys.executable, "-m", "pipeline.cli"]


@pytest.mark.asr
def test_transcribe_writes_the_contract(tmp_path):
    out = tmp_path / "call.json"
    result = subprocess.run(
        [*CALLQA, "transcribe", str(SAMPLES / "20261121-000002.wav"), "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "callqa.transcript/1"
    assert data["call_id"] == "20261121-000002"
    assert set(data["audio"]) == {"path", "sha256", "duration_s", "sample_rate", "channels"}
    assert data["audio"]["sample_rate"] == 8000 and data["audio"]["channels"] == 2
    assert data["asr"]["model"] == "whisper-base"
    assert data["asr"]["options"]["language"] == "zh" and data["asr"]["options"]["beam_size"] == 5
    roles = {s["speaker"]: s["role"] for s in data["segments"]}
    assert roles == {"ch0": "agent", "ch1": "customer"}
    for segment in data["segments"]:
        assert {"start", "end", "speaker", "role", "text", "words"} <= set(segment)
        for word in segment["words"]:
            assert set(word) == {"start", "end", "text", "prob"}
    # the JSON reads back, and detect finds the agent's 废话 from it without audio
    assert read_transcript(out).call_id == "20261121-000002"
    detect = subprocess.run([*CALLQA, "detect", str(out), "--json"], capture_output=True, text=True)
    assert detect.returncode == 0, detect.stderr
    findings = json.loads(detect.stdout)
    assert [f["category"] for f in findings].count("phrase.forbidden") == 1


HAND_MADE = {
    "schema": "callqa.transcript/1",
    "call_id": "hand-1",
    "segments": [
        {
            "start": 0.5,
            "end": 3.0,
            "role": "agent",
            "text": "您好，这不归我管，你找别的部门吧",
            "extra": "ignored",
        },
        {"start": 3.5, "end": 5.0, "role": "customer", "text": "我不知道怎么办"},
    ],
    "unknown_top_level": {"ignored": True},
}


def test_hand_made_transcript_without_words_detects_with_segment_times(tmp_path):
    path = tmp_path / "hand.json"
    path.write_text(json.dumps(HAND_MADE, ensure_ascii=False), encoding="utf-8")
    result = subprocess.run(
        [*CALLQA, "detect", str(path), "--json"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    forbidden = [f for f in findings if f["category"] == "phrase.forbidden"]
    assert forbidden and all(f["role"] == "agent" for f in forbidden)
    assert all(0.5 <= f["start_s"] <= f["end_s"] <= 3.0 for f in forbidden)
    # the customer's 不知道 is not the agent's forbidden phrase
    assert not any("不知道" in f["evidence"] for f in forbidden)
    table = subprocess.run([*CALLQA, "detect", str(path)], capture_output=True, text=True)
    assert table.returncode == 0 and "phrase.forbidden" in table.stdout


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.pop("call_id"), "missing required key 'call_id'"),
        (lambda d: d.pop("segments"), "missing required key 'segments'"),
        (lambda d: d["segments"][0].pop("text"), "segments[0]: missing required key 'text'"),
        (lambda d: d["segments"][1].update(role="boss"), "segments[1]: role must be one of"),
        (lambda d: d.update(schema="other/2"), "is not callqa.transcript/1"),
    ],
)
def test_contract_violations_name_the_key(mutate, message):
    data = json.loads(json.dumps(HAND_MADE))
    mutate(data)
    with pytest.raises(
        TranscriptFormatError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        transcript_from_dict(data, "hand.json")


def test_detect_on_broken_json_is_a_sentence(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    result = subprocess.run([*CALLQA, "detect", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert f"{path}: not valid JSON (line 1" in result.stderr
    assert "Traceback" not in result.stderr
