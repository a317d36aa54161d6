"""The analyst notebooks run top to bottom (nbclient) on real databases, and on an empty one."""

from __future__ import annotations

import os

import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.config import PROJECT_ROOT
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.connection import connect
from pipeline.store.writer import StoreWriter

from .history import write_history

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
        write_history(writer, SCORECARD)
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
    """The ten queries of the guide's "Ten queries" section give what the history holds; every
    other query of the guide (the later sections' views) runs too."""
    import re

    import duckdb

    guide = (PROJECT_ROOT / "docs" / "analysts.md").read_text(encoding="utf-8")
    ten = guide.split("## Ten queries", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", ten, flags=re.S)
    assert len(blocks) == 10
    con = duckdb.connect(str(history_db), read_only=True)
    try:
        results = [con.execute(block).fetchall() for block in blocks]
        others = [b for b in re.findall(r"```sql\n(.*?)```", guide, flags=re.S) if b not in blocks]
        for block in others:
            con.execute(block).fetchall()
    finally:
        con.close()
    # data the history DB is built to have
    assert results[1] and results[2] and results[5] and results[7]
    assert all(row[0] == "A4" for row in results[6]) or results[6] == []
