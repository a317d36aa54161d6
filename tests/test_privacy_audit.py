"""Privacy audit: planted ID, bank-card and mobile numbers, spoken and written, go through the
whole pipeline (nightly flow, DB and snapshot, transcript cache, reports, rescore, debug logs,
Prefect's own storage, `callqa detect` output); every byte written is scanned for them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import ExitStack, contextmanager

import pytest
import soundfile

from pipeline.config import PROJECT_ROOT
from pipeline.process import transcribe_recording
from pipeline.testing.callbuilder import PlannedTurn, build_call
from pipeline.text.digits import find_digit_runs
from pipeline.types import Recording

from .http_receiver import json_receiver

pytestmark = pytest.mark.asr
CALLQA = [sys.executable, "-m", "pipeline.cli"]

# Spoken in the corpus by AISHELL speaker S0150 (customer) — real speech of mobile numbers.
CUSTOMER_CLIPS = [
    "aishellsample_BAC009S0150W0082.wav",
    "aishellsample_BAC009S0150W0083.wav",
    "aishellsample_BAC009S0150W0086.wav",
]
AGENT_CLIPS = [
    "aishellsample_BAC009S0252W0122.wav",
    "aishellsample_BAC009S0252W0251.wav",
    "aishellsample_BAC009S0252W0126.wav",
]
# A secret read out in real speech (issue 16): the customer reads eight digits (三八九九四五二幺)
# after the agent asked. No corpus clip says a shipped cue (验证码, 密码 …), so the site adds an
# ask word of its own that the agent's clip says (证监会有关部门负责人表示), as a site may:
# the path from real speech through ASR to a secret masked completely is the shipped one.
SECRET_CLIP, SECRET_DIGITS, SECRET_SPOKEN = (
    "aishellsample_BAC009S0252W0091.wav",
    "38994521",
    "三八九九四五二幺",
)
SITE_ASK_WORD = "负责人"
# Written into a hand-made transcript (synthetic numbers with valid check digits).
RAW_ID, RAW_CARD, RAW_MOBILE = "110101199003074514", "6222020200112233445", "13912345678"
# File and folder names holding numbers (issue 16): never in the store, reports or logs.
FILE_MOBILE, FOLDER_MOBILE = "13573829164", "15927364810"
# Secrets: digits that occur nowhere else in a run's files (a 3-digit code only in words).
SMS_CODE_SPOKEN, SMS_CODE = "幺九七五三八", "197538"
CVV_SPOKEN = "八四七"
PIN = "902461"
TRANSCRIPT = {
    "schema": "callqa.transcript/1",
    "call_id": "typed-1",
    "segments": [
        {
            "start": 0.5,
            "end": 4.0,
            "role": "customer",
            "text": f"我的身份证号是{RAW_ID}，卡号{RAW_CARD}",
        },
        {
            "start": 4.5,
            "end": 8.0,
            "role": "agent",
            "text": f"好的，身份证{RAW_ID}，手机号幺三九幺二三四五六七八对吧",
        },
        {"start": 8.5, "end": 9.5, "role": "customer", "text": "手机号是一三九"},
        {"start": 9.8, "end": 11.0, "role": "customer", "text": "一二三四五六七八"},
        # Secrets (issue 16): after a cue, split over segments, and read when the agent asked.
        {"start": 12.0, "end": 13.5, "role": "customer", "text": f"验证码是{SMS_CODE_SPOKEN[:3]}"},
        {"start": 13.7, "end": 14.5, "role": "customer", "text": SMS_CODE_SPOKEN[3:]},
        {"start": 15.0, "end": 17.0, "role": "agent", "text": "麻烦把卡背面的三位数报给我"},
        {"start": 17.5, "end": 18.5, "role": "customer", "text": CVV_SPOKEN},
        {"start": 19.0, "end": 21.0, "role": "customer", "text": f"取款密码是{PIN}"},
    ],
}


def _forms(raw_text: str) -> set[str]:
    """Each number of 7+ digits in `raw_text`, as digits and as it was written."""
    forms = set()
    for run in find_digit_runs(raw_text, min_digits=7):
        forms.add(run.digits)
        forms.add(raw_text[run.start : run.end])
    return forms


@pytest.fixture(scope="module")
def audit(tmp_path_factory, corpus, config, request):
    root = tmp_path_factory.mktemp("privacy")
    archive = root / "archive"
    # The agent asks (证监会有关部门负责人表示 holds the site's ask word) and the customer reads the
    # secret at once; another agent turn, then two mobile numbers in a row.
    turns = [
        PlannedTurn(corpus_path(AGENT_CLIPS[0]), 0, 0.8),
        PlannedTurn(corpus_path(CUSTOMER_CLIPS[0]), 1, 0.8),
        PlannedTurn(corpus_path(AGENT_CLIPS[1]), 0, 0.8),
        PlannedTurn(corpus_path(SECRET_CLIP), 1, 0.8),
        PlannedTurn(corpus_path(AGENT_CLIPS[2]), 0, 0.8),
        PlannedTurn(corpus_path(CUSTOMER_CLIPS[1]), 1, 0.8),
        PlannedTurn(corpus_path(CUSTOMER_CLIPS[2]), 1, 0.8),
    ]
    samples, _ = build_call(turns, sample_rate=16000)
    archive.mkdir()
    # Named by the caller's number, as recorders do, and filed in a folder named by another.
    (archive / FOLDER_MOBILE).mkdir()
    soundfile.write(str(archive / FOLDER_MOBILE / f"{FILE_MOBILE}_20261121.wav"), samples.T, 16000)
    (root / "typed.json").write_text(json.dumps(TRANSCRIPT, ensure_ascii=False), encoding="utf-8")

    # What the numbers look like in the raw transcript: computed here, in memory, never written.
    raw = transcribe_recording(
        Recording(archive / FOLDER_MOBILE / f"{FILE_MOBILE}_20261121.wav", "raw"), config
    )
    planted = {
        "13473821368",
        "一三四七三八二幺三六八",
        "13808553316",
        "一三八零八五五三三幺六",
        "13858231743",
        RAW_ID,
        RAW_CARD,
        RAW_MOBILE,
        "幺三九幺二三四五六七八",
        SMS_CODE_SPOKEN,
        SMS_CODE,
        SMS_CODE_SPOKEN[3:],  # the piece read in its own segment
        CVV_SPOKEN,
        PIN,
        SECRET_DIGITS,
        SECRET_SPOKEN,
        # A secret keeps no digit: not even the head or tail a masked phone number keeps.
        SECRET_DIGITS[:5],
        SECRET_DIGITS[-5:],
        SECRET_SPOKEN[:5],
        SECRET_SPOKEN[-5:],
        FILE_MOBILE,
        FOLDER_MOBILE,
    }
    planted |= _forms(" ".join(s.text for s in raw.segments))
    assert len(planted) > 9, "ASR heard no number: the audit would prove nothing"

    lexicons = root / "lexicons"
    shutil.copytree(PROJECT_ROOT / "lexicons", lexicons)
    with open(lexicons / "secret_cues.txt", "a", encoding="utf-8") as cues:
        cues.write(f"ask     {SITE_ASK_WORD}\n")
    # The nightly run's alert goes to a local receiver that saves what it got: scanned too.
    receiving = ExitStack()
    request.addfinalizer(receiving.close)
    alert_url, _ = receiving.enter_context(json_receiver(root / "alerts"))
    site = root / "site.toml"
    site.write_text(
        f'[paths]\noutput_dir = "{root / "out"}"\ndb = "{root / "out/callqa.duckdb"}"\n'
        f'snapshot = "{root / "out/callqa-read.duckdb"}"\nlexicons = "{lexicons}"\n'
        f'[alerts]\nurls = ["{alert_url}"]\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "PREFECT_HOME": str(root / "prefect-home"),
        "PREFECT_LOGGING_LEVEL": "DEBUG",
        "CALLQA_CONFIG": str(site),
    }
    logs = root / "logs"
    logs.mkdir()
    commands = {
        "nightly": [*CALLQA, "-v", "nightly", str(archive)],
        "report": [*CALLQA, "-v", "report", "-o", str(root / "export")],
        "rescore": [*CALLQA, "-v", "rescore"],
        "detect-table": [*CALLQA, "-v", "detect", str(root / "typed.json")],
        "detect-json": [*CALLQA, "-v", "detect", "--json", str(root / "typed.json")],
        "detect-explain": [*CALLQA, "-v", "detect", "--explain", str(root / "typed.json")],
    }
    for name, command in commands.items():
        result = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=900
        )
        (logs / f"{name}.out").write_text(result.stdout, encoding="utf-8")
        (logs / f"{name}.err").write_text(result.stderr, encoding="utf-8")
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"
    # The redacted copy of the recorded call (its id is masked: the file is named by a number).
    with connect_snapshot(root) as con:
        (call_id,) = con.execute("SELECT call_id FROM calls WHERE channels = 2").fetchone()
    redact = [*CALLQA, "-v", "redact", call_id, "-o", str(root / "export" / "redacted.wav")]
    result = subprocess.run(
        redact, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=900
    )
    (logs / "redact.out").write_text(result.stdout, encoding="utf-8")
    (logs / "redact.err").write_text(result.stderr, encoding="utf-8")
    assert result.returncode == 0, f"redact: {result.stderr[-2000:]}"
    # What was said, as 4-character pieces of the raw transcript: none may be in a log.
    said = {
        text[i : i + 4]
        for segment in raw.segments
        for text in re.findall(r"[\u4e00-\u9fff]{4,}", segment.text)
        for i in range(len(text) - 3)
    }
    return root, planted, said


@contextmanager
def connect_snapshot(root):
    import duckdb

    con = duckdb.connect(str(root / "out" / "callqa-read.duckdb"), read_only=True)
    try:
        yield con
    finally:
        con.close()


def corpus_path(name):
    from .conftest import CORPUS

    return CORPUS / name


def test_no_planted_number_in_any_file_written(audit):
    root, planted, _ = audit
    scanned, hits = 0, []
    for path in root.rglob("*"):
        if not path.is_file() or path.suffix == ".wav" or path.name in ("typed.json", "site.toml"):
            continue  # the inputs themselves
        data = path.read_bytes()
        scanned += 1
        hits += [
            (str(path.relative_to(root)), form) for form in planted if form.encode("utf-8") in data
        ]
    assert scanned >= 10, "the audit found too few files to be meaningful"
    assert hits == []


def test_the_pipeline_did_see_the_numbers(audit):
    """The scan is meaningful only if the numbers were found and stored masked."""
    root, _, _ = audit
    with connect_snapshot(root) as con:
        found = con.execute(
            "SELECT category, rule_id, severity, role FROM findings WHERE category LIKE 'pii.%'"
        ).fetchall()
    categories = [category for category, *_ in found]
    assert categories.count("pii.phone") >= 2
    # The eight digits the customer read in real speech after the agent's (site) ask word.
    assert ("pii.credential", "pii.credential.customer_asked", "critical", "customer") in found
    detect = json.loads((root / "logs" / "detect-json.out").read_text(encoding="utf-8"))
    kinds = {f["category"] for f in detect}
    assert {"pii.id_card", "pii.bank_card", "pii.phone", "pii.credential"} <= kinds
    secrets = [f for f in detect if f["category"] == "pii.credential"]
    # The code and the CVV join into one run (the customer's pieces around the agent's question).
    assert len(secrets) >= 2 and {"customer_asked", "customer_unasked"} <= {
        f["rule_id"].rsplit(".", 1)[1] for f in secrets
    }
    assert any(f["severity"] == "critical" for f in detect)  # the agent read the ID back
    assert (root / "out" / "cache").is_dir() and any((root / "out" / "cache").rglob("*.json"))
    # The nightly run's one alert: the call with the secret the agent asked for (a red line).
    (alert,) = [json.loads(p.read_text(encoding="utf-8")) for p in (root / "alerts").iterdir()]
    assert "pii.credential" in json.dumps(alert, ensure_ascii=False)
    assert any((root / "prefect-home").rglob("*")), (
        "Prefect wrote its own files: they were scanned too"
    )


def test_no_speech_in_the_logs_at_debug(audit):
    """Logs say what happened, never what was said: not at DEBUG either (Prefect's and callqa's)."""
    root, _, said = audit
    assert said, "the transcript had no speech: the check would prove nothing"
    logs = [
        root / "logs" / f"{name}.{kind}"
        for name in ("nightly", "report", "rescore", "redact")
        for kind in ("out", "err")
    ]
    logs += [
        p
        for p in (root / "prefect-home").rglob("*")
        if p.is_file() and p.suffix in (".log", ".txt", "")
    ]
    leaked = [
        (path.name, piece)
        for path in logs
        if path.is_file()
        for piece in said
        if piece in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert leaked == []


def test_the_redacted_copy_holds_none_of_the_spoken_numbers(audit, config):
    """The recorded call's redacted copy, transcribed again: no four digits in a row of a planted
    number (the mobile numbers and the secret) are heard, while the agent's speech still is."""
    root, planted, _ = audit
    numbers = [form for form in planted if form.isdigit() and len(form) >= 8]
    heard = transcribe_recording(Recording(root / "export" / "redacted.wav", "redacted"), config)
    text = " ".join(segment.text for segment in heard.segments)
    left = [
        run.digits
        for run in find_digit_runs(text, min_digits=4)
        for i in range(len(run.digits) - 3)
        if any(run.digits[i : i + 4] in number for number in numbers)
    ]
    assert left == [], text
    assert "负责人" in text  # the agent's channel is untouched
