"""The review state in the analysts' snapshot: stable finding ids, stale verdicts, precision,
adjusted scores, re-checks; empty tables without a store; the last copy kept when the store is
unreachable."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil

import duckdb
import pytest

from pipeline.config import PROJECT_ROOT, load_config
from pipeline.review.publish import publish_review_state, review_publisher
from pipeline.review.store import open_review_store
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store import connection
from pipeline.store.finding_ids import finding_id
from pipeline.store.writer import StoreWriter

from .factories import blank_run, call_result, finding

PASSWORD = "correct-horse-7"


def _config(tmp_path, store: str | None = None):
    config = load_config()
    review = dataclasses.replace(config.review, store=store or str(tmp_path / "review.sqlite3"))
    return dataclasses.replace(config, review=review)


def _snapshot(path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=True)


def _rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def world(tmp_path):
    """A DuckDB with four calls of two agents, a review store with its users, a writer that
    publishes the review state into each snapshot."""
    config = _config(tmp_path)
    scorecard = load_scorecard(str(config.paths.lexicons))
    db, snapshot = tmp_path / "callqa.duckdb", tmp_path / "callqa-read.duckdb"
    writer = StoreWriter(db, snapshot, 3600, before_publish=review_publisher(config))
    run_id = blank_run(writer)
    calls = {
        "c1": [finding("c1", "silence.dead_air", "dead_air.long", start_s=4.0, role="both")],
        "c2": [finding("c2", "silence.dead_air", "dead_air.long", start_s=7.25, role="both")],
        "c3": [
            finding("c3", "pii.id_card", "pii.id_card", "critical", "agent", start_s=3.0),
            finding("c3", "silence.dead_air", "dead_air.long", start_s=9.0, role="both"),
        ],
        "c4": [finding("c4", "silence.dead_air", "dead_air.long", start_s=2.0, role="both")],
    }
    for call_id, findings in calls.items():
        agent, day = ("A1", "2026-11-21") if call_id < "c3" else ("A2", "2027-01-05")
        writer.write_call(call_result(call_id, findings, scorecard, agent, day), run_id)
    store = open_review_store(config)
    users = {
        "rui": store.add_user("rui", "reviewer", PASSWORD),
        "sen": store.add_user("sen", "senior", PASSWORD),
        "bo": store.add_user("bo", "agent", PASSWORD, agent_id="A2"),
    }
    yield dict(
        config=config, writer=writer, store=store, users=users, calls=calls,
        scorecard=scorecard, run_id=run_id, snapshot=snapshot, db=db,
    )  # fmt: skip
    store.close()
    writer.close()


def _fid(f) -> str:
    return finding_id(f.call_id, f.category, f.role, f.start_s)


def test_stored_finding_ids_are_the_python_ones(world):
    world["writer"].publish()
    with _snapshot(world["snapshot"]) as con:
        stored = dict(
            _rows(con, "SELECT call_id || '/' || finding_index, finding_id FROM findings")
        )
    expected = {
        f"{call_id}/{i}": _fid(f)
        for call_id, findings in world["calls"].items()
        for i, f in enumerate(sorted(findings, key=lambda f: f.start_s))
    }
    assert stored == expected and len(set(stored.values())) == 5


def test_verdicts_precision_and_stale_marks(world):
    store, rui, calls = world["store"], world["users"]["rui"], world["calls"]
    f1, f2, f4 = calls["c1"][0], calls["c2"][0], calls["c4"][0]
    store.add_verdict(_fid(f1), "c1", f1.rule_id, f1.category, "confirmed", "", rui)
    store.add_verdict(_fid(f2), "c2", f2.rule_id, f2.category, "confirmed", "", rui)
    store.add_verdict(
        _fid(f2), "c2", f2.rule_id, f2.category, "rejected", "客户电话13812345678", rui
    )
    store.add_verdict(_fid(f4), "c4", f4.rule_id, f4.category, "unsure", "", rui)
    world["writer"].publish()
    with _snapshot(world["snapshot"]) as con:
        reviews = _rows(con, "SELECT verdict_id, latest, stale, note FROM reviews ORDER BY 1")
        precision = _rows(con, "SELECT * FROM v_rule_precision")
    assert [(v, latest, stale) for v, latest, stale, _ in reviews] == [
        (1, True, False), (2, False, False), (3, True, False), (4, True, False),
    ]  # fmt: skip
    assert "13812345678" not in reviews[2][3] and "138" in reviews[2][3]  # masked
    rule, category, confirmed, rejected, unsure, share, low, high, _ = precision[0]
    assert (rule, category, confirmed, rejected, unsure, share) == (
        "dead_air.long", "silence.dead_air", 1, 1, 1, 0.5,
    )  # fmt: skip
    # Wilson 95 % interval of 1 in 2, by its formula.
    z, n, p = 1.96, 2, 0.5
    centre, half = p + z * z / (2 * n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert low == pytest.approx((centre - half) / (1 + z * z / n))
    assert high == pytest.approx((centre + half) / (1 + z * z / n))

    # A rescore: c1's finding now comes from a renamed rule, c2's finding is gone.
    writer, scorecard = world["writer"], world["scorecard"]
    renamed = dataclasses.replace(f1, rule_id="dead_air.longer")
    writer.write_call(call_result("c1", [renamed], scorecard, "A1"), world["run_id"])
    writer.write_call(call_result("c2", [], scorecard, "A1"), world["run_id"])
    writer.publish()
    with _snapshot(world["snapshot"]) as con:
        stale = _rows(con, "SELECT verdict_id, stale, stale_reason FROM reviews ORDER BY 1")
        precision = _rows(con, "SELECT confirmed, rejected, unsure FROM v_rule_precision")
    assert stale == [
        (1, True, "rule changed (dead_air.long -> dead_air.longer)"),
        (2, True, "finding gone"),
        (3, True, "finding gone"),
        (4, False, None),
    ]
    assert precision == [(0, 0, 1)]


def test_overturned_appeals_adjust_the_score(world):
    store, users, calls, scorecard = (
        world["store"],
        world["users"],
        world["calls"],
        world["scorecard"],
    )
    red_line = calls["c3"][0]
    appeal = store.add_appeal("c3", _fid(red_line), "读的是客户自己的号码", users["bo"])
    store.decide_appeal(appeal.appeal_id, "overturned", "同意", users["sen"])
    whole = store.add_appeal("c4", None, "整通电话评分有误", users["bo"])
    store.decide_appeal(whole.appeal_id, "overturned", "", users["sen"])
    store.add_appeal("c1", _fid(calls["c1"][0]), "不同意", users["bo"])  # open: no effect
    world["writer"].publish()
    with _snapshot(world["snapshot"]) as con:
        scores = {
            row[0]: row[1:]
            for row in _rows(
                con,
                "SELECT call_id, machine_score, adjusted_score, n_overturned, whole_call_overturned "
                "FROM v_agent_adjusted_scores",
            )
        }
        appeals = _rows(con, "SELECT appeal_id, decision FROM appeals ORDER BY 1")
        daily = _rows(con, "SELECT agent_id, n_calls, n_calls_adjusted FROM v_agent_adjusted_daily "
                           "WHERE agent_id = 'A2'")  # fmt: skip
    machine_c3 = score_call(calls["c3"], scorecard).score
    assert machine_c3 == 0.0  # the red line failed it
    assert scores["c3"] == (0.0, score_call(calls["c3"][1:], scorecard).score, 1, False)
    assert scores["c4"] == (score_call(calls["c4"], scorecard).score, 100.0, 0, True)
    assert scores["c1"][0] == scores["c1"][1]
    assert appeals == [(1, "overturned"), (2, "overturned"), (3, None)]
    assert daily == [("A2", 2, 2)]


def test_recheck_pass_rate(world):
    world["store"].add_recheck("A2", 1, world["users"]["sen"])
    world["writer"].publish()
    with _snapshot(world["snapshot"]) as con:
        taken = _rows(con, "SELECT agent_id, call_id, seq, passed FROM v_recheck_calls")
        rates = _rows(con, "SELECT level, agent_id, n_rechecked, n_passed, pass_rate "
                           "FROM v_recheck_pass_rate ORDER BY level")  # fmt: skip
    # A2's calls (c3, c4) are dated after the re-check was ordered; c3 is first and failed.
    assert taken == [("A2", "c3", 1, False)]
    assert rates == [("agent", "A2", 1, 0, 0.0), ("team", None, 1, 0, 0.0)]


def test_a_rescore_publishes_the_review_state(tmp_path):
    """`callqa rescore` writes through a StoreWriter of its own: its snapshot must carry the
    review state too (the verdicts, and the adjusted score of an overturned appeal)."""
    from pipeline.batch.rescore import rescore

    # No detector and no phrase list: the set-up check of a rescore compiles every phrase list
    # present (half a minute on a busy machine); what is published does not depend on them.
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    for name in ("VERSION", "scorecard.toml", "root_causes.txt"):
        shutil.copy(PROJECT_ROOT / "lexicons" / name, lexicons / name)
    config = _config(tmp_path)
    config = dataclasses.replace(
        config,
        paths=dataclasses.replace(config.paths, lexicons=lexicons),
        detectors=dataclasses.replace(config.detectors, enabled=()),
    )
    scorecard = load_scorecard(str(config.paths.lexicons))
    db, snapshot = tmp_path / "callqa.duckdb", tmp_path / "callqa-read.duckdb"
    dead_air = finding("r1", "silence.dead_air", "dead_air.long", start_s=2.0, role="both")
    with StoreWriter(db, None) as writer:
        writer.write_call(call_result("r1", [dead_air], scorecard, "A1"), blank_run(writer))
    with open_review_store(config) as store:
        rui = store.add_user("rui", "reviewer", PASSWORD)
        sen = store.add_user("sen", "senior", PASSWORD)
        bo = store.add_user("bo", "agent", PASSWORD, agent_id="A1")
        store.add_verdict(_fid(dead_air), "r1", "dead_air.long", "silence.dead_air", "confirmed",
                          "", rui)  # fmt: skip
        whole = store.add_appeal("r1", None, "整通电话评分有误", bo)
        store.decide_appeal(whole.appeal_id, "overturned", "", sen)
    rescore(config, db, snapshot, tmp_path / "no-cache")
    with _snapshot(snapshot) as con:
        reviews = _rows(con, "SELECT call_id, verdict FROM reviews")
        adjusted = _rows(con, "SELECT call_id, whole_call_overturned FROM adjusted_scores")
        published = _rows(con, "SELECT store, n_verdicts, n_appeals FROM review_publication")
    assert reviews == [("r1", "confirmed")]
    assert adjusted == [("r1", True)]
    assert published == [(config.review.store, 1, 1)]


def test_no_store_gives_empty_tables_and_no_file(tmp_path):
    config = _config(tmp_path)
    with StoreWriter(tmp_path / "x.duckdb", tmp_path / "x-read.duckdb", 3600,
                     before_publish=review_publisher(config)) as writer:  # fmt: skip
        blank_run(writer)
    assert not (tmp_path / "review.sqlite3").exists()
    with _snapshot(tmp_path / "x-read.duckdb") as con:
        for table in ("reviews", "appeals", "rechecks", "signoffs", "adjusted_scores"):
            assert _rows(con, f"SELECT count(*) FROM {table}") == [(0,)]
        for view in ("v_rule_precision", "v_agent_adjusted_scores", "v_recheck_pass_rate"):
            assert _rows(con, f"SELECT count(*) FROM {view}") == [(0,)]
        assert _rows(con, "SELECT n_verdicts, problem FROM review_publication") == [(0, None)]


def test_an_unreachable_store_keeps_the_last_copy(world, tmp_path):
    f1 = world["calls"]["c1"][0]
    world["store"].add_verdict(_fid(f1), "c1", f1.rule_id, f1.category, "confirmed", "",
                               world["users"]["rui"])  # fmt: skip
    con = world["writer"].con
    assert publish_review_state(con, world["config"]).n_verdicts == 1
    down = _config(tmp_path, "postgresql://qa:pw-42@127.0.0.1:1/review")
    result = publish_review_state(con, down)
    assert result.problem and "pw-42" not in result.problem
    assert _rows(con, "SELECT count(*) FROM reviews") == [(1,)]
    assert _rows(con, "SELECT n_verdicts, problem FROM review_publication") == [(1, result.problem)]


def test_no_password_hash_reaches_the_snapshot(world):
    world["writer"].publish()
    with _snapshot(world["snapshot"]) as con:
        columns = _rows(con, "SELECT table_name, column_name FROM duckdb_columns() "
                             "WHERE column_name ILIKE '%password%'")  # fmt: skip
    assert columns == []
    hashes = [world["store"].backend.rows("get_user", {"name": n})[0][5] for n in world["users"]]
    raw = world["snapshot"].read_bytes()
    assert b"scrypt$" not in raw and not any(h.encode() in raw for h in hashes)


def test_the_migration_backfills_finding_ids(tmp_path, monkeypatch):
    db = tmp_path / "old.duckdb"
    every = connection.migrations()
    monkeypatch.setattr(connection, "migrations", lambda: [m for m in every if m[0] < 10])
    con = connection.connect(db)
    con.execute(
        "INSERT INTO findings (call_id, finding_index, category, rule_id, severity, role, start_s, "
        "end_s, evidence) VALUES ('old', 0, 'pii.phone', 'pii.phone', 'info', 'customer', 12.25, 13, '')"
    )
    monkeypatch.setattr(connection, "migrations", lambda: every)
    assert 10 in connection.migrate(con)
    assert _rows(con, "SELECT finding_id FROM findings") == [
        (finding_id("old", "pii.phone", "customer", 12.25),)
    ]
    con.close()


def test_the_analysts_guide_review_queries_run(world):
    f1 = world["calls"]["c1"][0]
    world["store"].add_verdict(_fid(f1), "c1", f1.rule_id, f1.category, "rejected", "",
                               world["users"]["rui"])  # fmt: skip
    appeal = world["store"].add_appeal("c3", None, "评分有误", world["users"]["bo"])
    world["store"].decide_appeal(appeal.appeal_id, "upheld", "维持", world["users"]["sen"])
    world["writer"].publish()
    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    section = guide.split("## Review results", 1)[1].split("\n## ", 1)[0]
    statements = [
        statement
        for block in re.findall(r"```sql\n(.*?)```", section, flags=re.S)
        for statement in block.split(";")
        if statement.strip()
    ]
    assert len(statements) == 6
    with _snapshot(world["snapshot"]) as con:
        results = [con.execute(statement).fetchall() for statement in statements]
    assert results[3][0][1:4] == (1, 0, 0)  # one appeal, not overturned, answered
