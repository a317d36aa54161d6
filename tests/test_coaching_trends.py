"""The coaching report (callqa report agent) and the trend report (callqa report trends) on the
notebooks' five-week history (tests/history.py), with rule versions that change and two calls
inspected by the real detectors with raw numbers planted: content against the history's known
truth, the CLI, and both pages in real headless Chromium (no console error, charts drawn, no raw PII)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date

import pytest

from pipeline.cli.main import main
from pipeline.config import PROJECT_ROOT
from pipeline.process import detect
from pipeline.reporting.coaching import coaching_data
from pipeline.reporting.coaching_page import write_coaching_report
from pipeline.reporting.trends import trends_data
from pipeline.reporting.trends_page import write_trends_report
from pipeline.review.publish import publish_review_state
from pipeline.review.store import open_review_store
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store.connection import connect
from pipeline.store.reader import connect_reader
from pipeline.store.runs import start_run
from pipeline.store.writer import StoreWriter

from .browser import ARTIFACTS, chromium, collect_errors, needs_chromium
from .factories import call_result
from .history import write_history

SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))
OLD_SCORECARD = replace(SCORECARD, version="2026.10-1")
PERIOD = (date(2026, 11, 2), date(2026, 11, 22))  # the last three weeks of the history

# Planted raw numbers (synthetic): none may reach the store or a report.
PASSWORD = "correct-horse-7"
RAW_MOBILE = "13812345678"
RAW_CARD = "6222020200112233445"
RAW_FORMS = [RAW_MOBILE, RAW_CARD, "幺三八幺二三四五六七八", "一三八一二三四五六七八"]
EXTRA_CALLS = {  # A4's, inspected by the real detectors
    "A4-x1": (
        "2026-11-20",
        [
            ("agent", "您好，很高兴为您服务"),
            ("customer", "我手机号是幺三八幺二三四五六七八"),
            ("agent", f"好的，您的手机号是{RAW_MOBILE}对吧"),
            ("agent", "这不归我管，你找别的部门吧"),
        ],
    ),
    "A4-x2": (
        "2026-11-21",
        [("customer", f"我的银行卡号是{RAW_CARD}"), ("agent", "你听不懂吗，我说了多少遍了")],
    ),
}


@pytest.fixture(scope="module")
def history(tmp_path_factory, config):
    """The history with the rule set changed on 2026-11-02 and the scorecard on 2026-11-09."""
    root = tmp_path_factory.mktemp("coaching")
    # The PII detector is what masks the planted numbers; the phrase rules' first compile would
    # cost tens of seconds on a busy machine and add nothing here.
    pii_only = replace(config, detectors=replace(config.detectors, enabled=("pii",)))
    db = root / "h.duckdb"
    with StoreWriter(db, root / "h-read.duckdb", 3600) as writer:
        runs = {
            version: start_run(
                writer.con,
                version="t",
                archive=None,
                config={},
                config_hash="t",
                asr_model="t",
                ruleset_version=version,
            )
            for version in ("2026.10.01-1", "2026.11.02-1")
        }
        write_history(
            writer,
            SCORECARD,
            run_of_day=lambda i: runs["2026.10.01-1" if i < 14 else "2026.11.02-1"],
            scorecard_of_day=lambda i: OLD_SCORECARD if i < 21 else SCORECARD,
        )
        for call_id, (day, texts) in EXTRA_CALLS.items():
            skeleton = call_result(call_id, [], SCORECARD, agent_id="A4", day=day, texts=texts)
            findings = detect(skeleton.transcript, pii_only)
            writer.write_call(
                replace(skeleton, findings=tuple(findings), score=score_call(findings, SCORECARD)),
                runs["2026.11.02-1"],
            )
    return root


@pytest.fixture(scope="module")
def con(history):
    connection = connect_reader(history / "h-read.duckdb")
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def coaching(con):
    return coaching_data(con, "A4", *PERIOD, base_url="http://qa.example.cn/")


@pytest.fixture(scope="module")
def pages(history, reviewed, con):
    """The coaching page of the history with review data (every section shown), the trend page."""
    out = history / "pages"
    reviewed_con = connect_reader(reviewed)
    try:
        coaching = coaching_data(reviewed_con, "A4", *PERIOD, base_url="http://qa.example.cn/")
    finally:
        reviewed_con.close()
    return (
        write_coaching_report(out, coaching, "Asia/Shanghai"),
        write_trends_report(out, trends_data(con, "week"), "Asia/Shanghai"),
    )


def test_coaching_finds_what_the_history_makes_a4_worse_and_better_at(coaching):
    # A4: 21 history calls in the three weeks, 7 of them (the last week) with 3 dead airs each,
    # plus the two inspected calls; A3, the only teammate, has none and always misses the closing.
    assert coaching.peer_label == "信用卡二组" and coaching.n_peers == 2
    assert coaching.n_calls == 23
    dead_air = coaching.worse[0]
    assert dead_air.category == "silence.dead_air" and dead_air.agent_n == 21
    assert dead_air.agent_per_100 == pytest.approx(2100 / 23)
    assert dead_air.peer_median_per_100 == pytest.approx(2100 / 23 / 2)  # median of A4 and A3 (0)
    assert "script.closing_missing" in [c.category for c in coaching.better]
    assert "pii.phone" in [c.category for c in coaching.worse]  # the read-back number
    assert 3 <= len(coaching.evidence) <= 5
    assert not {e.category for e in coaching.evidence} & {c.category for c in coaching.better}
    assert coaching.evidence[0].category == "silence.dead_air"
    assert len({(e.call_id, e.category) for e in coaching.evidence}) == len(coaching.evidence)
    assert all(e.link == f"http://qa.example.cn/calls/{e.call_id}" for e in coaching.evidence)
    # no review data published: nothing adjusted, nobody re-checked
    assert coaching.adjusted is None or coaching.adjusted.calls == []
    assert coaching.recheck is None or coaching.recheck.agent is None
    # a point a day (three weeks: daily); an unscored day's call leaves a gap (None), not a 0
    assert len(coaching.trend_labels) == len(coaching.trend_agent) == len(coaching.trend_peer) == 21
    assert None in coaching.trend_agent and 0 not in coaching.trend_agent
    assert coaching.trend_labels[0] == "11-02" and coaching.trend_labels[-1] == "11-22"


def test_coaching_page_sandwich_and_masked_evidence(pages):
    html = pages[0].read_text(encoding="utf-8")
    strength, improve, encourage = (
        html.index("一、做得好的地方"),
        html.index("二、需要改进的地方"),
        html.index("三、鼓励与下一步"),
    )
    assert strength < improve < encourage
    assert "结束语缺失" in html[strength:improve]
    assert "静默时间过长" in html[improve:encourage]
    assert "138****5678" in html[improve:encourage]  # the read-back, masked
    assert 'href="http://qa.example.cn/calls/A4-x1"' in html


def test_trends_mark_versions_and_the_new_dead_air(con):
    trends = trends_data(con, "week")
    assert trends.labels == ["10-19周", "10-26周", "11-02周", "11-09周", "11-16周"]
    assert trends.n_calls == [28, 28, 28, 28, 30]
    changes = {(c.kind, c.version, c.first_day, c.mark.at) for c in trends.changes}
    assert changes == {
        ("ruleset", "2026.11.02-1", date(2026, 11, 2), 1.5),
        ("scorecard", SCORECARD.version, date(2026, 11, 9), 2.5),
    }
    dead_air = next(s for s in trends.categories if "silence.dead_air" in s.name)
    assert dead_air.values == [0, 0, 0, 0, pytest.approx(2100 / 30)]
    pareto = {cause: (now, before) for cause, now, before, *_ in trends.pareto.rows}
    assert pareto["communication.dead_air"] == (21, 0)
    assert trends.pareto.current_label == "11-16周（11-16 至 11-22）"
    assert trends.pareto.previous_label == "11-09周（11-09 至 11-15）"
    # a range that starts inside its one week: that part of the week against the whole week before
    part = trends_data(con, "week", date_from=date(2026, 11, 10), date_to=date(2026, 11, 12))
    assert part.labels == ["11-09周"] and part.n_calls == [12]
    assert part.pareto.current_label == "11-09周（11-10 至 11-12）"
    assert part.pareto.previous_label == "11-02周（11-02 至 11-08）"
    assert sum(now for _, now, *_ in part.pareto.rows) < sum(b for _, _, b, *_ in part.pareto.rows)
    assert [t.team for t in trends.team_latest] == ["信用卡二组", "金融一组"]
    # 信用卡二组's last week: A3 (calls 115 … 139) 7 forbidden + 7 closings; A4 (116 … 140) 8
    # forbidden, 21 dead airs, 2 undetermined; A4-x1's read-back number (the customers' own
    # numbers are info): 46 findings in 16 calls
    card_team = trends.team_latest[0]
    assert (card_team.n_agents, card_team.n_calls) == (2, 16)
    assert card_team.findings_per_100_calls == pytest.approx(4600 / 16)
    team = trends_data(con, "month", team="信用卡二组")
    assert team.labels == ["2026-10", "2026-11"] and sum(team.n_calls) == 72
    pareto = {cause: (now, before) for cause, now, before, *_ in team.pareto.rows}
    assert pareto["communication.dead_air"] == (21, 0)


@pytest.fixture(scope="module")
def reviewed(history, tmp_path_factory, config):
    """A copy of the history with review state published as the nightly run publishes it: A4
    appealed the read-back number of A4-x1 in the review store (SQLite) and a senior overturned it;
    a re-check of A4's next five calls ordered on 2026-11-15 at noon (written into the published
    table: the store stamps a re-check with the present time, after every call of the history)."""
    root = tmp_path_factory.mktemp("reviewed")
    db = root / "r.duckdb"
    shutil.copyfile(history / "h.duckdb", db)
    site = replace(
        config, review=replace(config.review, store=str(root / "review.sqlite3"), appeal_days=3650)
    )
    store = open_review_store(site)
    try:
        agent = store.add_user("zm", "agent", PASSWORD, agent_id="A4", team="信用卡二组")
        senior = store.add_user("sen", "senior", PASSWORD, team="信用卡二组")
        con = connect(db)  # applies the migrations: the review tables
        try:
            [(finding_id,)] = con.execute(
                "SELECT finding_id FROM findings WHERE call_id = 'A4-x1' AND role = 'agent' "
                "AND category = 'pii.phone'"
            ).fetchall()
            appeal = store.add_appeal("A4-x1", finding_id, "我是在和客户核对号码", agent)
            store.decide_appeal(appeal.appeal_id, "overturned", "核对号码属于必要操作", senior)
            publication = publish_review_state(con, site)
            assert publication.problem is None and publication.n_appeals == 1
            con.execute(
                "INSERT INTO rechecks VALUES (1, 'A4', 5, 'sen', TIMESTAMPTZ '2026-11-15 12:00:00+08')"
            )
        finally:
            con.close()
    finally:
        store.close()
    return db


def test_coaching_shows_appeals_and_rechecks(reviewed, tmp_path):
    con = connect_reader(reviewed)
    try:
        data = coaching_data(con, "A4", *PERIOD)
        machine = con.execute("SELECT score FROM scores WHERE call_id = 'A4-x1'").fetchall()[0][0]
    finally:
        con.close()
    assert data.adjusted is not None and data.recheck is not None
    [call] = data.adjusted.calls
    assert (call.call_id, call.machine_score, call.adjusted_score) == ("A4-x1", machine, 100.0)
    assert data.adjusted.avg_adjusted_score - data.adjusted.avg_machine_score == pytest.approx(
        (100.0 - machine) / (data.n_calls - data.n_unscored)
    )
    # A4's calls of 11-16 … 11-20: 71 (flagged), unscored (flagged), 81, 71 (flagged), 91
    assert data.recheck.agent is not None and data.recheck.team is not None
    assert (data.recheck.agent.n_rechecked, data.recheck.agent.n_passed) == (5, 2)
    assert [c.passed for c in data.recheck.calls] == [False, False, True, False, True]
    html = write_coaching_report(tmp_path, data, "Asia/Shanghai").read_text(encoding="utf-8")
    review = html[html.index("申诉与复检") : html.index("三、鼓励与下一步")]
    assert "申诉改判后平均" in review and "<td><b>100.0</b></td>" in review
    assert "复检合格率 <b>40%（2/5）</b>" in review


def test_no_raw_number_in_store_or_pages(history, pages):
    for path in [history / "h.duckdb", history / "h-read.duckdb", *pages]:
        data = path.read_bytes()
        for raw in RAW_FORMS:
            assert raw.encode() not in data, f"{raw} found in {path.name}"


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main(["report", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_cli_errors_are_sentences(history, tmp_path, capsys):
    db = str(history / "h.duckdb")
    code, text = _cli(
        capsys,
        "agent",
        "ZZ9",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--db",
        db,
        "-o",
        str(tmp_path),
    )
    assert code == 2 and "no agent 'ZZ9' in the database" in text
    code, text = _cli(
        capsys,
        "agent",
        "A4",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
        "--db",
        db,
        "-o",
        str(tmp_path),
    )
    assert code == 2 and "agent 'A4' has no inspected calls dated 2026-12-01 … 2026-12-31" in text
    assert "their calls are dated 2026-10-19 … 2026-11-22" in text
    code, text = _cli(
        capsys,
        "agent",
        "A4",
        "--from",
        "2026-12-01",
        "--to",
        "2026-11-01",
        "--db",
        db,
        "-o",
        str(tmp_path),
    )
    assert code == 2 and "is after --to" in text
    code, text = _cli(
        capsys, "trends", "--period", "week", "--team", "三组", "--db", db, "-o", str(tmp_path)
    )
    assert code == 2 and "no team '三组'" in text and "金融一组" in text
    code, text = _cli(
        capsys,
        "trends",
        "--period",
        "month",
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-31",
        "--db",
        db,
        "-o",
        str(tmp_path),
    )
    assert code == 2 and "no inspected calls dated 2025-01-01 … 2025-03-31" in text
    code, text = _cli(
        capsys, "--date", "2026-11-20", "agent", "A4", "--db", db, "-o", str(tmp_path)
    )
    assert code == 2 and "`callqa report agent` takes --from and --to" in text
    code, text = _cli(capsys, "--db", db)
    assert code == 2 and "callqa report needs -o DIR" in text
    assert list(tmp_path.iterdir()) == []


def test_cli_help_describes_the_three_reports(capsys):
    helps = {
        ("report",): ("flagged_calls.html", "--date", "--run", "agent", "trends", "AGENT_ID",
                      "--period"),
        ("report", "agent"): ("AGENT_ID", "--from", "--to", "--output", "--db", "median",
                              "base_url", "appeals"),
        ("report", "trends"): ("--period", "{week,month,quarter}", "--team", "--from", "--to",
                               "Pareto", "version"),
    }  # fmt: skip
    for command, needles in helps.items():
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        text = capsys.readouterr().out
        missing = [needle for needle in needles if needle not in text]
        assert missing == [], (command, missing)


def test_cli_writes_both_reports(history, tmp_path):
    db = str(history / "h.duckdb")

    def report(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pipeline.cli", "report", *args, "--db", db]
        return subprocess.run([*command, "-o", str(tmp_path)], capture_output=True, text=True)

    agent = report("agent", "A4", "--from", "2026-11-02", "--to", "2026-11-22")
    assert agent.returncode == 0, agent.stderr
    assert "coaching report of A4: 23 calls" in agent.stdout
    assert (tmp_path / "coaching_A4_2026-11-02_2026-11-22.html").is_file()
    trends = report("trends", "--period", "quarter", "--team", "金融一组")
    assert trends.returncode == 0, trends.stderr
    assert (tmp_path / "trends_quarter_金融一组_2026-10-19_2026-11-22.html").is_file()


@needs_chromium
def test_pages_render_in_headless_chromium(pages, tmp_path):
    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        collect_errors(page, errors)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for path, name in zip(pages, ("coaching", "trends")):
            page.goto(path.as_uri())
            page.wait_for_load_state("load")
            if name == "coaching":
                points = page.locator("svg.score-trend circle.point")
                assert points.count() >= 10
                assert page.locator("svg.score-trend polyline.line").count() == 2
                assert page.locator("svg.comparison rect.bar.agent").count() >= 3
                assert page.locator("blockquote.evidence").count() >= 3
            else:
                assert page.locator("svg.boxes rect.box").count() == 5
                assert page.locator("svg.category-rates polyline.line").count() >= 3
                assert page.locator("svg.category-rates line.mark").count() == 2
                assert page.locator("table.category-rates tbody tr").count() >= 4
                assert page.locator("svg.flagged-share rect.bar").count() == 5
                assert page.locator("svg.pareto rect.bar").count() >= 3
                assert page.locator("svg.team-scores polyline.line").count() == 2
            box = page.locator("svg").first.bounding_box()
            assert box and box["height"] > 100  # drawn, not just present
            text = page.content()
            assert not any(raw in text for raw in RAW_FORMS)
            for folder in (tmp_path, ARTIFACTS):
                page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert errors == []
    assert all(url.startswith("file://") for url in requests)  # nothing fetched from anywhere
