"""The QA lead's report: content, no raw PII anywhere, and a real headless Chromium render."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.process import detect
from pipeline.reporting.report import write_report
from pipeline.reporting.spreadsheet import read_csv
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store.reader import connect_reader
from pipeline.store.runs import start_run
from pipeline.store.writer import StoreWriter
from pipeline.types import PartyRoles

from .browser import ARTIFACTS, chromium, collect_errors, needs_chromium
from .factories import call_result

SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))

# Planted raw numbers (synthetic, valid check digits): none may appear in any report file.
RAW_ID = "110101199003074514"
RAW_CARD = "6222020200112233445"
RAW_MOBILE = "13812345678"
RAW_FORMS = [
    RAW_ID,
    RAW_CARD,
    RAW_MOBILE,
    "一三八一二三四五六七八",
    "幺三八幺二三四五六七八",
    "6222 0202 0011 2233 445",
    "幺三九幺二三",
]

CALLS = {
    # call_id: (agent_id, day, segments)
    "leak-1": (
        "A1",
        "2026-11-21",
        [
            ("agent", "您好，请问您的身份证号是多少"),
            ("customer", f"我的身份证号是{RAW_ID}"),
            ("agent", f"好的，您的身份证号{RAW_ID}，我记下了"),
        ],
    ),
    "card-2": (
        "A2",
        "2026-11-21",
        [
            ("agent", "您好"),
            ("customer", f"我的银行卡号是{RAW_CARD}"),
            ("agent", "这不归我管，你找别的部门吧"),
            ("agent", "没办法"),
        ],
    ),
    "phone-3": (
        "A2",
        "2026-11-21",
        [
            ("customer", "我手机号是幺三八幺二三四五六七八"),
            ("agent", "你听不懂吗，我说了多少遍了"),
            ("customer", "我要投诉你们"),
        ],
    ),
    "fine-4": ("A1", "2026-11-21", [("agent", "您好，很高兴为您服务"), ("customer", "谢谢")]),
    "otherday-5": ("A3", "2026-11-20", [("agent", "废话"), ("customer", "嗯")]),
    # a mobile read back in two pieces, the first beside a forbidden phrase (its evidence)
    "pieces-6": (
        "A3",
        "2026-11-21",
        [
            ("customer", "我的手机号码"),
            ("agent", "没办法，您的手机号是幺三九幺二三"),
            ("agent", "四五六七八对吧"),
        ],
    ),
    # a mono call whose agent could not be named: nothing of the agent's was inspected
    "mono-7": ("A3", "2026-11-21", [("unknown", "设定二十九度"), ("unknown", "明天会下雨吗")]),
}
ROLES = {"mono-7": PartyRoles("undetermined", n_speakers=2, confidence=0.41, cues=("closing",))}


@pytest.fixture(scope="module")
def report_db(tmp_path_factory, config):
    root = tmp_path_factory.mktemp("reportdb")
    db = root / "r.duckdb"
    with StoreWriter(db, root / "r-read.duckdb", 3600) as writer:
        run_id = start_run(
            writer.con,
            version="t",
            archive=str(root / "archive"),
            config={},
            config_hash="t",
            asr_model="t",
            ruleset_version="t",
        )
        for call_id, (agent_id, day, texts) in CALLS.items():
            skeleton = call_result(
                call_id,
                [],
                SCORECARD,
                agent_id=agent_id,
                day=day,
                texts=texts,
                roles=ROLES.get(call_id),
            )
            findings = detect(skeleton.transcript, config)  # the real detectors on the planted text
            writer.write_call(
                replace(skeleton, findings=tuple(findings), score=score_call(findings, SCORECARD)),
                run_id,
            )
    return root, run_id


@pytest.fixture(scope="module")
def report(report_db, tmp_path_factory):
    root, run_id = report_db
    con = connect_reader(root / "r-read.duckdb")
    out = tmp_path_factory.mktemp("report")
    files = write_report(con, out, run_id=run_id)
    con.close()
    return files


def test_flagged_calls_worst_first(report):
    assert report.n_calls == 7 and report.n_flagged >= 4
    html = report.html.read_text(encoding="utf-8")
    # red line (score 0) first
    assert html.index('id="call-leak-1"') < html.index('id="call-card-2"')
    assert "fine-4" not in html.split("Root causes")[0]
    csv_text = report.flagged_csv.read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("call_id,started_at,agent_id")
    assert "leak-1" in csv_text and "phrase.escalation" in csv_text


def test_undetermined_roles_are_shown_unscored_and_queued(report):
    html = report.html.read_text(encoding="utf-8")
    flagged = html.split("<h2>Root causes")[0]
    row = flagged[flagged.index('id="call-mono-7"') :].split("</tr>")[0]
    assert "未评分" in row and "—" in row
    assert "undetermined · 2 speakers · confidence 0.41 · cues closing" in row
    assert "roles.undetermined" in row and "无法判定坐席与客户（2 位说话人，置信度 0.41）" in row
    # after the red line, before every scored call
    assert html.index('id="call-leak-1"') < html.index('id="call-mono-7"')
    assert html.index('id="call-mono-7"') < html.index('id="call-card-2"')
    roles = html.split("<h2>Roles")[1]
    assert "<td>undetermined</td><td>1</td>" in roles and "<td>channels</td>" not in roles
    queue = read_csv(report.review_csv)
    assert queue.filter(pl.col("call_id") == "mono-7")["reason"].to_list() == ["roles_undetermined"]
    assert queue.filter(pl.col("call_id") == "mono-7")["score"].to_list() == [None]
    rows = read_csv(report.flagged_csv).filter(pl.col("call_id") == "mono-7")
    assert set(rows["category"]) == {"roles.undetermined"} and set(rows["roles_method"]) == {
        "undetermined"
    }
    assert all("did not run" in reason for reason in rows["unscored_reason"])


def test_no_raw_pii_in_any_report_file(report, report_db):
    root, _ = report_db
    files = [
        report.html,
        report.flagged_csv,
        report.review_csv,
        root / "r.duckdb",
        root / "r-read.duckdb",
    ]
    for path in files:
        data = path.read_bytes()
        for raw in RAW_FORMS:
            assert raw.encode() not in data, f"{raw} found in {path.name}"
    assert "110101********4514" in report.html.read_text(encoding="utf-8")  # masked 6 + 4


def test_report_by_date_and_cli(report_db, tmp_path):
    root, _ = report_db
    con = connect_reader(root / "r-read.duckdb")
    files = write_report(con, tmp_path / "d", day=date(2026, 11, 20))
    con.close()
    assert files.n_calls == 1
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline.cli",
            "report",
            "--db",
            str(root / "r.duckdb"),
            "--run",
            "nope",
            "-o",
            str(tmp_path / "x"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "no run with id 'nope'" in result.stderr


@needs_chromium
def test_report_renders_in_headless_chromium(report):
    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        collect_errors(page, errors)
        page.goto(report.html.as_uri())
        page.wait_for_load_state("load")
        bars = page.locator("svg.pareto rect.bar")
        assert bars.count() >= 3
        assert page.locator("svg.pareto rect.bar.vital").count() >= 1
        assert page.locator("svg.pareto polyline.cumulative").count() == 1
        box = bars.first.bounding_box()
        assert box and box["height"] > 10  # drawn, not just present
        links = page.locator("#call-leak-1 a.at")
        assert links.count() >= 1
        for i in range(links.count()):
            href, t = links.nth(i).get_attribute("href"), links.nth(i).get_attribute("data-t")
            assert (
                href.startswith("file://") and "leak-1.wav#t=" in href and href.endswith(f"#t={t}")
            )
        assert page.locator("table.heatmap td.heat").count() >= 3
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert errors == []
