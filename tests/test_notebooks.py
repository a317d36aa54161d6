"""The analyst notebooks run top to bottom (nbclient) on real databases, and on an empty one."""

from __future__ import annotations

import os
from datetime import date, timedelta

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.config import PROJECT_ROOT
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.connection import connect
from pipeline.store.runs import write_agents
from pipeline.store.writer import StoreWriter

from .factories import blank_run, call_result, finding

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))
SCORECARD = load_scorecard(str(PROJECT_ROOT / "lexicons"))


def run_notebook(path, db_path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    previous = os.environ.get("CALLQA_DB")
    os.environ["CALLQA_DB"] = str(db_path)  # the kernel inherits this process's environment
    try:
        NotebookClient(
            notebook,
            timeout=180,
            kernel_name="python3",
            resources={"metadata": {"path": str(PROJECT_ROOT)}},
        ).execute()
    finally:
        if previous is None:
            os.environ.pop("CALLQA_DB", None)
        else:
            os.environ["CALLQA_DB"] = previous
    return notebook


def printed(notebook) -> str:
    return "\n".join(
        o.get("text", "")
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


def images(notebook) -> int:
    return sum(
        "image/png" in o.get("data", {})
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )


@pytest.fixture(scope="module")
def history_db(tmp_path_factory):
    """Five weeks of calls for four agents in two teams; A4 is a new hire whose dead air jumps."""
    db = tmp_path_factory.mktemp("history") / "h.duckdb"
    with StoreWriter(db, None) as writer:
        write_agents(
            writer.con,
            [
                ("A1", "王丽", "金融一组", "2023-03-01"),
                ("A2", "陈强", "金融一组", "2024-05-01"),
                ("A3", "刘洋", "信用卡二组", "2022-01-10"),
                ("A4", "赵敏", "信用卡二组", "2026-10-20"),
            ],
        )
        run_id = blank_run(writer.con)
        first = date(2026, 10, 19)
        n = 0
        for day_index in range(35):
            day = (first + timedelta(days=day_index)).isoformat()
            for agent in ("A1", "A2", "A3", "A4"):
                n += 1
                call_id = f"{agent}-{n:04d}"
                spec = [("phrase.forbidden", "service_attitude.refusal")] * (n % 3) + [
                    ("script.closing_missing", "process_execution.closing")
                ] * (n % 2)
                if agent == "A4" and day_index >= 28:
                    spec += [("silence.dead_air", "communication.dead_air")] * 3
                findings = [
                    finding(call_id, cat, root_cause=cause, start_s=float(i))
                    for i, (cat, cause) in enumerate(spec)
                ]
                if n % 10 == 0:  # a call whose roles could not be decided: no score
                    findings.append(
                        finding(
                            call_id,
                            "roles.undetermined",
                            severity="major",
                            role="both",
                            root_cause="inspection_gap.roles_undetermined",
                        )
                    )
                writer.write_call(
                    call_result(call_id, findings, SCORECARD, agent_id=agent, day=day), run_id
                )
    return db


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("empty") / "e.duckdb"
    connect(db).close()
    return db


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_history(path, history_db):
    notebook = run_notebook(path, history_db)
    text = printed(notebook)
    assert images(notebook) >= 2
    if path.name.startswith("01"):
        assert "top root cause: service_attitude.refusal" in text
    else:
        assert "silence.dead_air: 1 agent(s) moved" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_empty_db_explains(path, empty_db):
    notebook = run_notebook(path, empty_db)
    assert "holds no processed calls yet" in printed(notebook)
    assert images(notebook) == 0


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        assert all(
            not c.get("outputs") and c.get("execution_count") is None
            for c in notebook.cells
            if c.cell_type == "code"
        )


@pytest.mark.asr
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_on_the_sample_run(path, samples_db):
    notebook = run_notebook(path, samples_db.snapshot_path)
    assert "holds no processed calls yet" not in printed(notebook)
    assert images(notebook) >= 2


def test_the_ten_guide_queries_run(history_db):
    import re

    import duckdb

    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", guide, flags=re.S)
    assert len(blocks) == 10
    con = duckdb.connect(str(history_db), read_only=True)
    try:
        results = [con.execute(block).fetchall() for block in blocks]
    finally:
        con.close()
    # data the history DB is built to have
    assert results[1] and results[2] and results[5] and results[7]
    assert all(row[0] == "A4" for row in results[6]) or results[6] == []
