"""Roles that cannot be decided never pass silently (issue 14).

The role decision of a call (method, speakers, agent, confidence, cue names — never speech)
travels in the transcript and its cache, is stored per call and shown in the report; a mono call
whose roles stay unknown gets a `roles.undetermined` finding, no score, a place on the flagged
list and in the review queue. Hand-built calls for the rules, then one real mono call (AISHELL
S0150 and S0252, no agent cue) end to end through `callqa nightly` with real whisper and the
real diarizer.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
import soundfile

from pipeline.asr.cache import SCHEMA, TranscriptCache
from pipeline.asr.transcript import transcript_from_dict, transcript_to_dict
from pipeline.config import PROJECT_ROOT, load_config
from pipeline.parties.diarize import Diarization
from pipeline.parties.mono import log_role_decision, mono_parties
from pipeline.parties.undetermined import roles_undetermined
from pipeline.process import detect
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store.calls import write_call
from pipeline.store.connection import connect
from pipeline.testing.callbuilder import PlannedTurn, build_call
from pipeline.text.masking import mask_transcript
from pipeline.types import AudioInfo, PartyRoles, Segment, Transcript, Turn

from .conftest import CORPUS
from .factories import blank_run, call_result, finding

LEXICONS = PROJECT_ROOT / "lexicons"
SCORECARD = load_scorecard(str(LEXICONS))
CJK = re.compile(r"[\u3400-\u9fff]")
UNDETERMINED = PartyRoles(
    "undetermined", n_speakers=2, confidence=0.41, cues=("closing",), reason="not sure enough"
)
NO_CUE_TEXTS = [
    ("unknown", "设定二十九度"),
    ("unknown", "换一首歌，明天会下雨吗"),
    ("unknown", "好"),
]


@pytest.fixture(scope="module")
def site_config():
    return load_config()


def seg(start: float, end: float, text: str) -> Segment:
    return Segment(start, end, "ch0", "unknown", text)


# A mono channel's ASR segments: a greeting with a staff number and a spoken mobile number,
# then a customer; the diarizer's turns and one overlap (the customer over the agent).
GREETING = [
    seg(0.5, 4.0, "您好，工号幺三八一二三四五六七八为您服务"),
    seg(4.6, 9.0, "我想问一下我的卡为什么被冻结了"),
    seg(9.5, 12.0, "请稍等，我帮您查一下"),
]
TURNS = (
    Turn(0.4, 4.2, "spk0", "unknown"),
    Turn(4.5, 9.2, "spk1", "unknown"),
    Turn(9.4, 12.2, "spk0", "unknown"),
)
OVERLAP = Turn(9.4, 10.3, "spk1", "unknown")


@pytest.mark.parametrize(
    "segments, method",
    [
        pytest.param(GREETING, "cues", id="decided"),
        pytest.param([seg(s.start, s.end, "好的好的我知道了") for s in GREETING], "undetermined"),
    ],
)
def test_role_decision_log_line_holds_no_speech_at_debug(caplog, site_config, segments, method):
    diarization = Diarization(TURNS, "embedded", overlaps=(OVERLAP,))
    with caplog.at_level(logging.DEBUG):
        parties = mono_parties(segments, diarization, site_config)
        log_role_decision("calls/m-1.wav", diarization, parties.roles)
    assert parties.roles.method == method
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("callqa")]
    assert any("speaker(s)" in m for m in messages)
    for message in messages:
        assert not CJK.search(message), message  # not a character of what anyone said
        assert "138" not in message and "12345678" not in message
    if method == "cues":
        assert parties.roles.agent_speaker == "spk0" and "staff_number" in parties.roles.cues
        assert any("staff_number" in m and "agent spk0" in m for m in messages)
        # the overlap takes the role of its speaker
        assert parties.overlaps == (replace(OVERLAP, role="customer"),)


def mono_transcript(roles: PartyRoles | None, overlaps: tuple[Turn, ...] = ()) -> Transcript:
    return Transcript(
        "m-1",
        tuple(replace(s, speaker=f"spk{i % 2}") for i, s in enumerate(GREETING)),
        AudioInfo("m-1.wav", "ab" * 32, 12.5, 8000, 1),
        "whisper-base",
        roles=roles,
        overlaps=overlaps,
    )


def test_decision_and_overlaps_round_trip_through_json_and_the_cache(tmp_path, site_config):
    transcript = mono_transcript(UNDETERMINED, (replace(OVERLAP, role="customer"),))
    assert (
        transcript_from_dict(json.loads(json.dumps(transcript_to_dict(transcript)))) == transcript
    )
    # A hand-made transcript says nothing about its roles: none are made up.
    bare = transcript_to_dict(replace(transcript, roles=None, overlaps=()))
    assert "roles" not in bare and transcript_from_dict(bare).roles is None

    config = replace(site_config, paths=replace(site_config.paths, output_dir=tmp_path))
    cache = TranscriptCache(tmp_path / "cache")
    stored = cache.store(transcript, [], True, config)
    entry = cache.lookup(transcript.audio.sha256, config)
    assert entry is not None and entry.transcript == stored.transcript == mask_transcript(
        transcript
    )
    assert (
        entry.transcript.roles == UNDETERMINED and entry.transcript.overlaps[0].role == "customer"
    )

    # Entries written before the decision was kept (schema 1): a stereo one is read with the
    # roles its channels give; a diarized mono one is transcribed again.
    path = cache.path_for(transcript.audio.sha256, config)
    old = json.loads(path.read_text(encoding="utf-8"))
    assert old["schema"] == SCHEMA
    old["schema"] = "callqa.transcript-cache/1"
    for key in ("roles", "overlaps"):
        del old["transcript"][key]
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert cache.lookup(transcript.audio.sha256, config) is None
    old["transcript"]["audio"]["channels"] = 2
    path.write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    entry = cache.lookup(transcript.audio.sha256, config)
    assert entry is not None and entry.transcript.roles == PartyRoles(
        "channels", n_speakers=2, agent_speaker="ch0"
    )


def test_only_calls_with_speech_and_undecided_roles_get_the_finding(site_config):
    enabled = site_config.detectors.enabled
    (found,) = roles_undetermined(mono_transcript(UNDETERMINED), enabled, LEXICONS, "v")
    assert (found.category, found.rule_id, found.severity, found.role) == (
        "roles.undetermined",
        "roles.undetermined",
        "major",
        "both",
    )
    assert found.evidence == "无法判定坐席与客户（2 位说话人，置信度 0.41）：坐席与客户规则未执行"
    assert (found.start_s, found.end_s) == (0.0, 12.5)
    assert found.root_cause == "inspection_gap.roles_undetermined"
    assert {"forbidden_phrases", "script_compliance", "escalation"} <= set(
        found.details["not_run_detectors"]
    )
    assert {"phrase.forbidden", "script.opening_missing", "speech_rate.fast"} <= set(
        found.details["not_run_categories"]
    )
    assert "pii" not in found.details["not_run_detectors"]  # PII runs on every speaker
    assert found.details["cues"] == ["closing"] and found.details["confidence"] == 0.41

    not_diarized = PartyRoles("not diarized", reason="mono call not diarized")
    (off,) = roles_undetermined(mono_transcript(not_diarized), enabled, LEXICONS, "v")
    assert off.rule_id == "roles.not_diarized" and "enabled = false" in off.evidence
    decided = PartyRoles("cues", 2, "spk0", 0.97, ("opening",))
    for roles in (decided, PartyRoles("channels", 2, "ch0"), None):
        assert roles_undetermined(mono_transcript(roles), enabled, LEXICONS, "v") == []
    silent = replace(mono_transcript(UNDETERMINED), segments=())
    assert roles_undetermined(silent, enabled, LEXICONS, "v") == []


def test_undetermined_call_is_unscored_flagged_stored_and_queued(tmp_path, site_config):
    def scored(call_id: str, agent_id: str, texts, roles, extra=()):
        skeleton = call_result(call_id, [], SCORECARD, agent_id=agent_id, texts=texts, roles=roles)
        findings = [*detect(skeleton.transcript, site_config), *extra]
        return replace(skeleton, findings=tuple(findings), score=score_call(findings, SCORECARD))

    undetermined = scored("m-undetermined", "A1", NO_CUE_TEXTS, UNDETERMINED)
    assert [f.category for f in undetermined.findings] == ["roles.undetermined"]
    assert undetermined.score is not None and undetermined.score.score is None
    assert undetermined.score.flagged and "did not run" in (
        undetermined.score.unscored_reason or ""
    )
    # A red line still fails the call outright: the rules that did not run cannot undo it.
    leak = finding("m-red", "pii.id_card", severity="critical", role="agent")
    red = scored("m-red", "A1", NO_CUE_TEXTS, UNDETERMINED, extra=[leak])
    assert red.score is not None and (red.score.score, red.score.red_line_failed) == (0.0, True)
    assert red.score.unscored_reason is None
    clean = scored("s-clean", "A1", [("agent", "您好，很高兴为您服务"), ("customer", "谢谢")], None)
    assert clean.score is not None and not clean.score.flagged

    con = connect(tmp_path / "qa.duckdb")
    run_id = blank_run(con)
    for result in (undetermined, red, clean):
        write_call(con, result, run_id)
    assert con.execute(
        "SELECT roles_method, n_speakers, agent_speaker, roles_confidence, role_cues FROM calls "
        "WHERE call_id = 'm-undetermined'"
    ).fetchall() == [("undetermined", 2, None, 0.41, ["closing"])]
    assert con.execute(
        "SELECT score, flagged, unscored_reason IS NOT NULL FROM scores WHERE call_id = 'm-undetermined'"
    ).fetchall() == [(None, True, True)]
    assert [r[0] for r in con.execute("SELECT call_id FROM v_flagged_calls").fetchall()] == [
        "m-red",
        "m-undetermined",
    ]
    queue = con.execute(
        "SELECT call_id, reason FROM review_queue(DATE '2026-01-01', DATE '2026-12-31', 90, 0)"
    ).fetchall()
    assert queue == [("m-red", "red_line"), ("m-undetermined", "roles_undetermined")]
    # Averages leave the unscored call out, and say so.
    assert clean.score.score is not None
    assert con.execute("SELECT n_calls, avg_score, n_unscored FROM v_agent_daily").fetchall() == [
        (3, round(clean.score.score / 2, 2), 1)
    ]
    con.close()


# --- end to end: a mono call of two voices that says no agent cue ---

S0150 = [CORPUS / f"aishellsample_BAC009S0150W{n}.wav" for n in ("0001", "0121", "0161")]
S0252 = [CORPUS / f"aishellsample_BAC009S0252W{n}.wav" for n in ("0122", "0126", "0176")]


@pytest.mark.asr
def test_nightly_flags_a_mono_call_whose_roles_cannot_be_decided(corpus, prefect_api, tmp_path):
    from flows.nightly import nightly

    turns = [
        PlannedTurn(clip, channel, 0.6)
        for pair in zip(S0150, S0252)
        for channel, clip in enumerate(pair)
    ]
    samples, _ = build_call(turns, sample_rate=8_000, stereo=False, trim_to_speech=True)
    archive = tmp_path / "archive"
    wav = archive / "2026" / "11" / "21" / "m-1.wav"
    wav.parent.mkdir(parents=True)
    soundfile.write(str(wav), samples[0], 8_000)
    wav.with_name("m-1.wav.json").write_text(
        json.dumps({"call_id": "M-1", "agent_id": "A7", "started_at": "2026-11-21T09:00:00"}),
        encoding="utf-8",
    )
    site = tmp_path / "site.toml"
    site.write_text('[paths]\noutput_dir = "out"\n[nightly]\nretries = 0\n', encoding="utf-8")
    db = tmp_path / "qa.duckdb"
    # On the library's own logger: Prefect's logging set-up keeps it from the root's handlers.
    logged_records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = logged_records.append  # type: ignore[method-assign]
    logger = logging.getLogger("callqa")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        summary = nightly(archive=str(archive), db=str(db), config_path=str(site))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert (summary["n_ok"], summary["n_failed"]) == (1, 0)

    con = duckdb.connect(str(db), read_only=True)
    try:

        def rows(sql: str) -> list[tuple]:
            return con.execute(sql).fetchall()

        # Whether the diarizer finds one voice or two, nobody can be named the agent.
        ((method, n_speakers, agent, confidence, cues),) = rows(
            "SELECT roles_method, n_speakers, agent_speaker, roles_confidence, role_cues FROM calls"
        )
        assert (method, agent, cues) == ("undetermined", None, [])
        assert n_speakers in (1, 2) and confidence == 0.0
        assert rows("SELECT DISTINCT role FROM segments") == [("unknown",)]
        ((severity, evidence, details),) = rows(
            "SELECT severity, evidence, details FROM findings WHERE category = 'roles.undetermined'"
        )
        assert severity == "major" and evidence.startswith(
            f"无法判定坐席与客户（{n_speakers} 位说话人"
        )
        assert "script.opening_missing" in json.loads(details)["not_run_categories"]
        # the agent's rules did not run: no script finding passes as a finding about the agent
        assert rows("SELECT count(*) FROM findings WHERE category LIKE 'script.%'") == [(0,)]
        assert rows("SELECT score, flagged FROM scores") == [(None, True)]
        assert rows("SELECT call_id, unscored_reason IS NOT NULL FROM v_flagged_calls") == [
            ("M-1", True)
        ]
        assert rows(
            "SELECT call_id, reason FROM review_queue(DATE '2026-11-21', DATE '2026-11-21', 90, 0)"
        ) == [("M-1", "roles_undetermined")]
        spoken = [text for (text,) in rows("SELECT text FROM segments") if len(text) >= 4]
    finally:
        con.close()

    report = Path(summary["report_dir"])
    html = (report / "flagged_calls.html").read_text(encoding="utf-8")
    flagged = html.split("<h2>Root causes")[0]
    assert 'id="call-M-1"' in flagged and "未评分" in flagged and "roles.undetermined" in flagged
    assert f"undetermined · {n_speakers} speaker" in flagged
    assert "roles_undetermined" in (report / "review_queue.csv").read_text(encoding="utf-8-sig")
    # The run's log names cues and figures, never what was said.
    logged = "\n".join(record.getMessage() for record in logged_records)
    assert "roles undetermined" in logged
    assert spoken and not any(text[:4] in logged for text in spoken)
