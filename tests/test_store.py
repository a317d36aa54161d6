"""The DuckDB store: migrations and comments, idempotent writes, Pareto views, crash safety,
and analysts reading (from another process) while a run writes."""

from __future__ import annotations

import signal
import subprocess
import sys

import duckdb
import pytest

from pipeline.config import PROJECT_ROOT
from pipeline.reporting.charts import pareto_table
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.calls import write_call
from pipeline.store.connection import connect, migrations
from pipeline.store.reader import connect_reader
from pipeline.store.writer import StoreWriter

from .factories import blank_run, call_result, finding

SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))

# root cause -> number of findings; a long tail so that the vital few are a proper subset
PLANTED = {
    "service_attitude.refusal": 40,
    "compliance_risk.overpromise": 25,
    "process_execution.opening": 15,
    "customer_risk.escalation": 8,
    "privacy.pii_exposure": 6,
    "communication.dead_air": 4,
    "other.a": 2,
}


@pytest.fixture()
def pareto_db(tmp_path):
    con = connect(tmp_path / "p.duckdb")
    run_id = blank_run(con)
    index = 0
    for cause, n in PLANTED.items():
        for k in range(n):
            call_id = f"c{index:04d}"
            index += 1
            day = "2026-11-20" if k % 3 == 0 else "2026-11-21"
            write_call(
                con,
                call_result(
                    call_id,
                    [finding(call_id, "phrase.forbidden", rule_id=f"r.{cause}", root_cause=cause)],
                    SCORECARD,
                    day=day,
                ),
                run_id,
            )
    yield con
    con.close()


@pytest.mark.parametrize(
    ("least", "expected"),
    [
        (None, {"fix.major": 2, "fix.minor": 1}),  # the default: minor and above
        ("info", {"fact.info": 3, "fix.major": 2, "fix.minor": 1}),
        ("major", {"fix.major": 2}),
    ],
)
def test_pareto_counts_findings_at_or_above_the_least_severity(tmp_path, least, expected):
    """Info findings (a customer giving their own number, hold music) are facts, not faults:
    by default they stay out of the Pareto, in SQL and in the report's chart alike."""
    con = connect(tmp_path / "s.duckdb")
    run_id = blank_run(con)
    planted = [("fact.info", "info")] * 3 + [("fix.major", "major")] * 2 + [("fix.minor", "minor")]
    for index, (cause, severity) in enumerate(planted):
        call_id = f"s{index}"
        found = finding(call_id, "pii.phone", severity=severity, root_cause=cause)
        write_call(con, call_result(call_id, [found], SCORECARD, day="2026-11-21"), run_id)
    extra = "" if least is None else f", min_severity := '{least}'"
    sql = con.sql(
        f"SELECT root_cause, n FROM pareto_by_root_cause(DATE '2026-11-21', DATE '2026-11-21'{extra})"
    ).fetchall()
    assert dict(sql) == expected
    if least is None:
        assert dict(con.sql("SELECT root_cause, n FROM v_pareto_root_cause").fetchall()) == expected
    rows = con.sql("SELECT root_cause, severity FROM findings").pl()
    in_python = pareto_table(rows, "root_cause", least or "minor")
    assert dict(in_python.select("root_cause", "n").rows()) == expected
    con.close()


def test_migrations_applied_once_and_everything_documented(tmp_path):
    path = tmp_path / "m.duckdb"
    connect(path).close()
    con = connect(path)  # second open applies nothing new
    versions = [
        r[0]
        for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    ]
    assert versions == [v for v, _ in migrations()]
    undocumented = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal "
        "AND table_name IN (SELECT table_name FROM duckdb_tables() WHERE table_name <> 'schema_migrations') "
        "AND comment IS NULL"
    ).fetchall()
    tables = con.execute(
        "SELECT table_name, comment FROM duckdb_tables() WHERE table_name <> 'schema_migrations'"
    ).fetchall()
    views = con.execute(
        "SELECT view_name, comment FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    con.close()
    assert all(comment for _, comment in tables + views), tables + views
    assert undocumented == []


def test_schema_reference_is_current():
    from pipeline.store.schema_doc import render

    assert (PROJECT_ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == render(), (
        "docs/schema.md is stale: python -m pipeline.store.schema_doc > docs/schema.md"
    )


def test_every_finding_category_is_documented_for_analysts():
    from pipeline.types import CATEGORIES

    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    assert sorted(c for c in CATEGORIES if f"`{c}`" not in guide) == []


def test_pareto_views_shares_and_vital_few(pareto_db):
    rows = pareto_db.execute(
        "SELECT root_cause, n, share, cumulative_share, vital_few FROM v_pareto_root_cause"
    ).fetchall()
    assert [r[0] for r in rows] == list(PLANTED)  # ordered by count
    assert sum(r[2] for r in rows) == pytest.approx(1.0)
    cumulative = [r[3] for r in rows]
    assert cumulative == sorted(cumulative) and cumulative[-1] == pytest.approx(1.0)
    # 40+25 = 65 % < 80 %, +15 = 80 %: the first three make the first 80 %
    assert [r[4] for r in rows] == [True, True, True, False, False, False, False]
    by_rule = pareto_db.execute("SELECT rule_id, n FROM v_pareto_rule").fetchall()
    assert by_rule[0] == ("r.service_attitude.refusal", 40)


def test_period_macro_and_polars_agree(pareto_db):
    sql = pareto_db.sql(
        "SELECT * FROM pareto_by_root_cause(DATE '2026-11-21', DATE '2026-11-21')"
    ).pl()
    findings = pareto_db.sql(
        "SELECT f.root_cause, f.severity FROM findings f JOIN calls c USING (call_id) WHERE c.call_date = DATE '2026-11-21'"
    ).pl()
    in_python = pareto_table(findings, "root_cause")
    assert sql["n"].sum() == sum(n - (n + 2) // 3 for n in PLANTED.values())
    assert (
        sql.select("root_cause", "n", "vital_few").rows()
        == in_python.select("root_cause", "n", "vital_few").rows()
    )
    assert sql["cumulative_share"].to_list() == pytest.approx(
        in_python["cumulative_share"].to_list()
    )


def test_rewriting_a_call_keeps_row_counts(pareto_db):
    counts = "SELECT (SELECT count(*) FROM calls), (SELECT count(*) FROM segments), (SELECT count(*) FROM findings), (SELECT count(*) FROM scores), (SELECT count(*) FROM score_items)"
    before = pareto_db.execute(counts).fetchall()
    run_id = blank_run(pareto_db)
    again = call_result(
        "c0000",
        [finding("c0000", "phrase.forbidden", root_cause="service_attitude.refusal")],
        SCORECARD,
    )
    write_call(pareto_db, again, run_id)
    write_call(pareto_db, again, run_id)
    assert pareto_db.execute(counts).fetchall() == before
    assert pareto_db.execute("SELECT run_id FROM calls WHERE call_id = 'c0000'").fetchall() == [
        (run_id,)
    ]


def test_flagged_and_daily_views(pareto_db):
    run_id = blank_run(pareto_db)
    leak = call_result(
        "leak",
        [finding("leak", "pii.id_card", severity="critical", role="agent")],
        SCORECARD,
        agent_id="A9",
    )
    write_call(pareto_db, leak, run_id)
    flagged = pareto_db.execute(
        "SELECT call_id, score, red_line_failed FROM v_flagged_calls"
    ).fetchall()
    assert flagged[0] == ("leak", 0.0, True)
    daily = pareto_db.sql("SELECT * FROM v_agent_daily WHERE agent_id = 'A9'").pl()
    assert daily.select("n_calls", "n_red_line", "min_score").rows() == [(1, 1, 0.0)]


def _committed_calls_are_whole(db_path) -> int:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        orphans = con.execute(
            "SELECT count(*) FROM segments WHERE call_id NOT IN (SELECT call_id FROM calls)"
        ).fetchall()[0][0]
        mismatched = con.execute(
            "SELECT count(*) FROM calls c WHERE n_segments <> (SELECT count(*) FROM segments s WHERE s.call_id = c.call_id) "
            "OR n_findings <> (SELECT count(*) FROM findings f WHERE f.call_id = c.call_id) "
            "OR NOT EXISTS (SELECT 1 FROM scores s WHERE s.call_id = c.call_id)"
        ).fetchall()[0][0]
        n = con.execute("SELECT count(*) FROM calls").fetchall()[0][0]
    finally:
        con.close()
    assert orphans == 0 and mismatched == 0
    return n


def test_killed_writer_leaves_no_partial_call(tmp_path):
    db = tmp_path / "k.duckdb"
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store_writer_proc", str(db), "100000", "400", "1000000"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    written = 0
    for line in writer.stdout:
        written = int(line.split()[1])
        if written >= 15:
            break
    writer.send_signal(signal.SIGKILL)  # mid-batch: it is writing call 16 now
    writer.wait()
    n = _committed_calls_are_whole(db)
    assert written <= n <= written + 1


def test_reader_process_reads_while_the_writer_runs(tmp_path):
    db = tmp_path / "w.duckdb"
    snapshot = db.with_name("w-read.duckdb")
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.store_writer_proc", str(db), "60", "300", "0.5", "0.15"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    reader_code = (
        "import sys, time\n"
        "from pipeline.store.reader import connect_reader\n"
        "seen = []\n"
        "deadline = time.time() + 120\n"
        "while time.time() < deadline and len(set(seen)) < 3:\n"
        "    try:\n"
        "        con = connect_reader(sys.argv[1])\n"
        "    except Exception:\n"
        "        time.sleep(0.1); continue\n"
        "    seen.append(con.execute('SELECT count(*) FROM calls').fetchall()[0][0]); con.close()\n"
        "    time.sleep(0.3)\n"
        "print(' '.join(map(str, seen)))\n"
    )
    reader = subprocess.run(
        [sys.executable, "-c", reader_code, str(snapshot)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=180,
    )
    still_writing = writer.poll() is None
    writer.kill()
    writer.wait()
    counts = [int(x) for x in reader.stdout.split()]
    assert reader.returncode == 0, reader.stderr
    assert still_writing, (
        "the writer finished before the reader saw three snapshots: make it slower"
    )
    assert len(set(counts)) >= 3 and counts == sorted(counts) and 0 < counts[-1] < 60


def test_reader_without_snapshot_or_db_is_a_sentence(tmp_path):
    from pipeline.errors import CallqaError

    with pytest.raises(CallqaError, match="no callqa database yet"):
        connect_reader(tmp_path / "none-read.duckdb", tmp_path / "none.duckdb")


def test_writer_publishes_on_close(tmp_path):
    db = tmp_path / "s.duckdb"
    with StoreWriter(db, tmp_path / "s-read.duckdb", publish_every_s=3600) as writer:
        run_id = blank_run(writer.con)
        writer.write_call(call_result("x", [], SCORECARD), run_id)
        assert not (tmp_path / "s-read.duckdb").exists()
    con = connect_reader(tmp_path / "s-read.duckdb")
    assert con.execute("SELECT count(*) FROM calls").fetchall() == [(1,)]
    con.close()


def test_agent_rate_baseline_needs_enough_history(tmp_path):
    from dataclasses import replace

    from pipeline.store.runs import agent_rate_baseline
    from pipeline.types import CallMetrics

    con = connect(tmp_path / "b.duckdb")
    run_id = blank_run(con)

    def metrics(cpm):
        return CallMetrics(60, 20, 20, 0, 20, 0.33, 3, 0, 0, 0, 1.0, 0, 0, cpm, cpm)

    rates = [200 + (i % 5) * 10 for i in range(25)]  # 200..240, median 220
    for i, cpm in enumerate(rates):
        write_call(
            con,
            replace(call_result(f"r{i}", [], SCORECARD, agent_id="A7"), metrics=metrics(cpm)),
            run_id,
        )
    stored = con.execute(
        "SELECT count(*), median(agent_chars_per_min) FROM calls WHERE agent_id = 'A7'"
    ).fetchall()
    assert stored == [(25, 220.0)]
    baseline = agent_rate_baseline(con, "A7", "new-call", min_calls=20)
    assert (
        baseline.n_calls == 25
        and baseline.median_cpm == 220.0
        and baseline.spread_cpm == pytest.approx(1.4826 * 10)
    )
    assert agent_rate_baseline(con, "A7", "new-call", min_calls=30) is None
    assert agent_rate_baseline(con, None, "new-call", min_calls=1) is None
    con.close()


@pytest.mark.parametrize("error", [None, ValueError, KeyboardInterrupt])
def test_one_transaction_primitive_commits_or_rolls_back(tmp_path, error):
    from pipeline.store.connection import transaction

    for through_writer in (False, True):
        db = tmp_path / f"t{through_writer}.duckdb"
        with StoreWriter(db, None, 3600) as writer:
            con = writer if through_writer else writer.con
            con.execute("CREATE TABLE t (x INTEGER)")
            try:
                with transaction(con):
                    con.execute("INSERT INTO t VALUES (1)")
                    if error:
                        raise error
            except (ValueError, KeyboardInterrupt):
                pass
            rows = con.execute("SELECT count(*) FROM t").fetchall()
        assert rows == [(0 if error else 1,)]
