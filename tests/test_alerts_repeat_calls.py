"""A real nightly run over a small built archive with known answers: repeat calls (a caller column
in calls.csv, stored only as a keyed hash), the first-contact-resolution proxy per agent and team,
abnormal hang-ups, and the run's alert received by a local HTTP server (Apprise json://), with a
second URL on a closed port that fails without failing the run. The calls are built from corpus
clips; their transcripts are typed and put in the transcript cache, so no speech model runs (the
acoustic stage, the detectors, the scorecard and the store all do)."""

from __future__ import annotations

import csv
import json
import logging
import socket
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np
import pytest
import soundfile

from pipeline.asr.cache import PII_DETECTOR, TranscriptCache, cache_dir
from pipeline.asr.whisper import model_name
from pipeline.audio.decode import file_sha256
from pipeline.batch.rescore import rescore
from pipeline.batch.session import RunSession
from pipeline.options import AlertOptions, masked_url
from pipeline.parties.stereo import channel_party_roles
from pipeline.process import detect
from pipeline.testing.callbuilder import PlannedTurn, build_call, synth_hold_music
from pipeline.types import AudioInfo, CallResult, Segment, Transcript

from .conftest import CORPUS
from .http_receiver import json_receiver

RAW_ID = "110101199003074514"
# Callers: X twice within 7 days (the second time written another way), Y twice 24 days apart,
# Z once, and one row whose caller is not a number.
X, X_WRITTEN, Y, Z = "13912345678", "+86 139-1234-5678", "13822223333", "13700001111"
PLANTED = (RAW_ID, X, Y, Z, "139-1234-5678", "1234-5678", "2222 3333")


def agent(number: str) -> Path:
    return CORPUS / f"aishellsample_BAC009S0252W{number}.wav"


def customer(number: str) -> Path:
    return CORPUS / f"aishellsample_BAC009S0150W{number}.wav"


GREETING = "您好，很高兴为您服务"
# call id -> (agent, caller, started_at, [(clip, channel, gap, text)], tail_s)
CALLS = {
    "c1": (
        "A017",
        X,
        "2026-11-02T09:00:00+08:00",
        [
            (agent("0122"), 0, 0.0, GREETING),
            (customer("0121"), 1, 0.8, f"我的身份证号是{RAW_ID}"),
            (agent("0007"), 0, 0.8, f"好的，身份证号{RAW_ID}已经核对"),  # read back: a red line
        ],
        0.5,
    ),
    "c2": (
        "A023",
        Y,
        "2026-11-02T10:00:00+08:00",
        [
            (agent("0251"), 0, 0.0, GREETING),
            (customer("0241"), 1, 0.8, "你们再不处理我就要投诉到消协"),  # escalation
            (agent("0126"), 0, 0.8, "非常抱歉，我马上为您处理"),
        ],
        0.5,
    ),
    "c3": (
        "A023",
        X_WRITTEN,
        "2026-11-04T15:00:00+08:00",
        [
            (agent("0090"), 0, 0.0, GREETING),
            (customer("0161"), 1, 0.8, "上次的问题还没有解决"),
            (agent("0091"), 0, 0.8, "已经为您处理好了，感谢您的来电，再见"),
        ],
        0.5,
    ),
    "c4": (
        "A017",
        Z,
        "2026-11-05T11:00:00+08:00",
        [
            (agent("0093"), 0, 0.0, GREETING),
            (customer("0013"), 1, 0.8, "我想问一下账单"),
            (agent("0122"), 0, 0.8, "您的账单已经出了"),
            (customer("0087"), 1, 0.8, "算了不说了"),  # and hangs up: after_customer
        ],
        0.4,
    ),
    "c5": (
        "A031",
        Y,
        "2026-11-26T09:30:00+08:00",
        [
            (agent("0007"), 0, 0.0, GREETING),
            (customer("0083"), 1, 0.8, "我想开通一个业务"),
            (agent("0251"), 0, 0.8, "好的，已经为您开通，感谢您的来电，再见"),
        ],
        0.5,
    ),
    "c6": (
        "A031",
        "不详",
        "2026-11-27T09:30:00+08:00",
        [
            (agent("0126"), 0, 0.0, GREETING),
            (customer("0241"), 1, 0.8, "帮我查一下"),
            (agent("0090"), 0, 0.8, "请您稍等"),
            ("music", 0, 1.0, ""),  # ends on hold
        ],
        0.0,
    ),
}
AGENTS = [
    ("A017", "王丽", "金融一组"),
    ("A023", "陈强", "金融一组"),
    ("A031", "刘洋", "信用卡二组"),
]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_archive(root: Path, config) -> None:
    archive = root / "archive"
    archive.mkdir()
    music = root / "music.wav"
    soundfile.write(str(music), np.asarray(synth_hold_music(8.0, seed=4)), 16_000)
    cache = TranscriptCache(cache_dir(config))
    rows = []
    for call_id, (agent_id, caller, started, turns, tail) in CALLS.items():
        planned = [
            PlannedTurn(music if clip == "music" else clip, channel, gap, text)
            for clip, channel, gap, text in turns
        ]
        samples, placed = build_call(planned, sample_rate=16_000, trim_to_speech=True, tail_s=tail)
        path = archive / f"{call_id}.wav"
        soundfile.write(str(path), samples.T, 16_000)
        segments = tuple(
            Segment(
                p.start,
                p.end,
                f"ch{p.channel}",
                "agent" if p.channel == 0 else "customer",
                p.reference,
            )
            for p in placed
            if p.reference
        )
        raw = Transcript(
            call_id,
            segments,
            AudioInfo(path.name, file_sha256(path), samples.shape[1] / 16_000, 16_000, 2),
            model_name(config.models.whisper),
            roles=channel_party_roles(2, config.channels.agent_channel),
        )
        cache.store(raw, detect(raw, config, detectors=(PII_DETECTOR,)), True, config)
        if call_id == "c5":  # this one says its caller in a sidecar JSON, written with spaces
            sidecar = {"caller": "138 2222 3333"}
            (archive / f"{call_id}.wav.json").write_text(json.dumps(sidecar), encoding="utf-8")
            caller = ""
        rows.append(
            {"call_id": call_id, "agent_id": agent_id, "started_at": started, "caller": caller}
        )
    with open(archive / "calls.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(archive / "agents.csv", "w", newline="", encoding="utf-8") as handle:
        handle.write("agent_id,name,team,hire_date\n")
        handle.writelines(f"{a},{n},{t},2020-01-01\n" for a, n, t in AGENTS)


@pytest.fixture(scope="module")
def nightly(tmp_path_factory, config, corpus):
    root = tmp_path_factory.mktemp("alerts")
    with json_receiver() as (good, received):
        return run_with_alerts(root, config, good, received)


def run_with_alerts(root, config, good, received):
    bad = f"json://127.0.0.1:{closed_port()}/hooksecret123456"
    cfg = replace(
        config,
        paths=replace(
            config.paths,
            output_dir=root / "out",
            db=root / "out/callqa.duckdb",
            snapshot=root / "out/callqa-read.duckdb",
            id_key=root / "out/id.key",
        ),
        alerts=AlertOptions(urls=(good, bad), max_calls=5, timeout_s=5),
        review=replace(config.review, base_url="https://qa.example.cn/"),
    )
    build_archive(root, cfg)
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(handler.format(record))  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    try:
        with RunSession(
            root / "archive",
            cfg,
            kind="nightly",
            incremental=True,
            cache=True,
            alert=True,
            log=lines.append,
            warn=lines.append,
        ) as session:
            for recording in session.plan():
                job = session.job(recording)
                session.record(job if isinstance(job, CallResult) else job.run())
            summary = session.finish()
    finally:
        logging.getLogger().removeHandler(handler)
    return cfg, summary, list(received), lines, bad


def rows(cfg, sql: str) -> list[tuple]:
    with duckdb.connect(str(cfg.paths.snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_run_succeeds_and_sends_one_alert_with_the_worst_calls(nightly):
    _, summary, received, _, _ = nightly
    assert summary.n_ok == len(CALLS) and summary.n_failed == 0
    assert len(received) == 1
    body = received[0]["title"] + "\n" + received[0]["message"]
    assert "2 通通话需关注" in body and "红线 1 通" in body and "客户投诉升级 1 通" in body
    first, second = body.index("1. c1 |"), body.index("2. c2 |")  # the red line first
    assert first < second
    assert "坐席 A017 王丽（金融一组）" in body and "phrase.escalation" in body
    assert "110101********4514" in body  # the masked evidence of the red line
    assert "https://qa.example.cn/calls/c1\n" in body + "\n"  # into the review workbench
    for number in PLANTED:
        assert number not in body
    # No transcript text beyond the evidence: the greeting is no finding's evidence.
    assert GREETING not in body and "c3" not in body


def test_a_failing_url_is_logged_with_its_secret_masked(nightly):
    _, _, _, lines, bad = nightly
    failed = [line for line in lines if "failed" in line and "alerts:" in line]
    assert len(failed) == 1 and masked_url(bad) in failed[0]
    assert masked_url(bad).endswith("/ho***")
    assert "hooksecret123456" not in "\n".join(lines)
    assert any("sent to json://127.0.0.1:" in line for line in lines)


def test_repeat_calls_and_first_contact_resolution(nightly):
    cfg, _, _, _, _ = nightly
    assert rows(cfg, "SELECT call_id, next_call_id FROM v_repeat_calls") == [("c1", "c3")]
    hashes = dict(rows(cfg, "SELECT call_id, caller_hash FROM calls"))
    assert hashes["c1"] == hashes["c3"] and hashes["c2"] == hashes["c5"]
    assert len({hashes["c1"], hashes["c2"], hashes["c4"]}) == 3 and hashes["c6"] is None
    per_agent = rows(
        cfg,
        "SELECT agent_id, n_calls, n_repeated, fcr_share FROM v_first_contact_resolution ORDER BY agent_id",
    )
    assert per_agent == [("A017", 2, 1, 0.5), ("A023", 2, 0, 1.0), ("A031", 1, 0, 1.0)]
    per_team = rows(
        cfg,
        "SELECT team, n_calls, n_repeated, fcr_share FROM v_team_first_contact_resolution ORDER BY team",
    )
    assert per_team == [("信用卡二组", 1, 0, 1.0), ("金融一组", 4, 1, 0.75)]


def test_abnormal_hangups_are_the_planted_ones(nightly):
    cfg, _, _, _, _ = nightly
    found = rows(
        cfg, "SELECT call_id, hangup_reason FROM calls WHERE abnormal_hangup ORDER BY call_id"
    )
    assert found == [("c4", "after_customer"), ("c6", "on_hold")]
    first = rows(cfg, "SELECT first_response_s, n_responses FROM calls WHERE call_id = 'c4'")[0]
    assert first[0] == pytest.approx(0.5, abs=0.3) and first[1] == 1  # the last turn: unanswered


def test_no_caller_number_in_the_database_the_snapshot_or_the_logs(nightly):
    cfg, summary, _, lines, _ = nightly
    warned = [line for line in summary.warnings if "caller is not a phone number" in line]
    assert len(warned) == 1 and "不详" not in warned[0]
    for path in (cfg.paths.db, cfg.paths.snapshot):
        data = path.read_bytes()
        for number in PLANTED:
            assert number.encode() not in data, f"{number} in {path.name}"
    stored = json.dumps(rows(cfg, "SELECT * FROM calls"), default=str, ensure_ascii=False)
    stored += json.dumps(rows(cfg, "SELECT * FROM runs"), default=str, ensure_ascii=False)
    logged = "\n".join(lines)
    for number in PLANTED:
        assert number not in stored and number not in logged
    assert "hooksecret123456" not in stored  # the alert URLs in the run's config are masked


def test_rescore_keeps_the_metrics_and_decides_the_hangup_again(nightly):
    cfg, _, _, _, _ = nightly
    columns = "call_id, caller_hash, first_response_s, response_latency_max_s, handling_s, hold_share, tail_s, abnormal_hangup, hangup_reason"
    before = rows(cfg, f"SELECT {columns} FROM calls ORDER BY call_id")
    rescore(cfg, cfg.paths.db, cfg.paths.snapshot, cache_dir(cfg))
    assert rows(cfg, f"SELECT {columns} FROM calls ORDER BY call_id") == before
    # A threshold below c4's tail: decided again, c4 is no longer abnormal.
    strict = replace(cfg, metrics=replace(cfg.metrics, hangup_after_customer_s=0.1))
    rescore(strict, cfg.paths.db, cfg.paths.snapshot, cache_dir(cfg))
    found = rows(cfg, "SELECT call_id FROM calls WHERE abnormal_hangup ORDER BY call_id")
    assert found == [("c6",)]


@pytest.mark.parametrize(
    "url, secrets, kept",
    [
        ("wecombot://a1b2c3d4-botkey", ["a1b2c3d4-botkey"], "wecombot://"),
        (
            "dingtalk://SECsignsecret@accesstoken123/",
            ["SECsignsecret", "accesstoken123"],
            "dingtalk://",
        ),
        ("feishu://feishutoken99/", ["feishutoken99"], "feishu://"),
        (
            "mailtos://qa:pa55word@mail.example.com?to=lead@example.com",
            ["pa55word", "lead@"],
            "mail.example.com",
        ),
        ("json://127.0.0.1:8080/hook/s3cr3tpath", ["s3cr3tpath"], "127.0.0.1:8080"),
    ],
)
def test_alert_urls_are_shown_without_their_secrets(url, secrets, kept):
    import apprise

    assert apprise.Apprise().add(url), "the documented example must be a URL Apprise accepts"
    shown = masked_url(url)
    assert kept in shown
    for secret in secrets:
        assert secret not in shown
