"""`callqa rescore` throughput: re-applying lexicons and scorecard to stored transcripts.

Stores N synthetic 5-minute calls (about 1,500 characters each, as in bench_detectors) in a
fresh DuckDB file, then times pipeline.batch.rescore.rescore over all of them (no audio, no cache:
from the stored segments) and prints calls per second and the time 100,000 stored transcripts
take at that rate. The first `--distinct` calls are made by the detectors and written by the
store as a run writes them; the rest are SQL copies of those with their own call ids (written
in call-id order, as a nightly archive fills the store), so a store of 100,000 calls is built in
seconds, not the twenty minutes and more of writing each call. Rescoring does the same work on a
copy as on the call it copies. The default is the full 100,000 (a minute and a half on this
2-core machine: 17 s to build, 70 s to rescore); `--calls 2000` is a quick check.
Run: .venv/bin/python -m bench.bench_rescore [--calls N] [--distinct N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_detectors import corpus_sentences, synthetic_call
from pipeline.batch.rescore import rescore
from pipeline.config import load_config
from pipeline.process import detect
from pipeline.scoring.scorecard import load_scorecard, score_call
from pipeline.store.runs import start_run
from pipeline.store.writer import StoreWriter
from pipeline.types import CallResult, Recording

# Copies of the distinct calls up to N: `copies` maps each new call id to the call it copies.
COPY = """
CREATE TEMP TABLE copies AS
SELECT printf('bench-%06d', i % $distinct) AS original_id, printf('bench-%06d', i) AS call_id, i
FROM range($distinct, $calls) t(i);
INSERT INTO calls
SELECT c.* REPLACE (x.call_id AS call_id, x.i || '.wav' AS audio_path, printf('%064d', x.i) AS audio_sha256)
FROM calls c JOIN copies x ON c.call_id = x.original_id ORDER BY x.i;
INSERT INTO segments SELECT s.* REPLACE (x.call_id AS call_id)
FROM segments s JOIN copies x ON s.call_id = x.original_id ORDER BY x.i, s.seg_index;
INSERT INTO findings SELECT f.* REPLACE (x.call_id AS call_id)
FROM findings f JOIN copies x ON f.call_id = x.original_id ORDER BY x.i, f.finding_index;
INSERT INTO scores SELECT s.* REPLACE (x.call_id AS call_id)
FROM scores s JOIN copies x ON s.call_id = x.original_id ORDER BY x.i;
INSERT INTO score_items SELECT s.* REPLACE (x.call_id AS call_id)
FROM score_items s JOIN copies x ON s.call_id = x.original_id ORDER BY x.i, s.item_id;
DROP TABLE copies;
CHECKPOINT;
"""


def build_store(db: Path, n_calls: int, n_distinct: int) -> None:
    config = load_config()
    scorecard = load_scorecard(str(config.paths.lexicons))
    rng = random.Random(11)
    pool = corpus_sentences()
    n_distinct = min(n_distinct, n_calls)
    with StoreWriter(db, None) as writer:
        run_id = start_run(
            writer.con,
            version="bench",
            archive=str(db.parent),
            config={},
            config_hash="b",
            asr_model="bench",
            ruleset_version="bench",
        )
        batch = []
        for i in range(n_distinct):
            transcript = synthetic_call(i, rng, pool)
            transcript = replace(
                transcript,
                call_id=f"bench-{i:06d}",
                audio=replace(transcript.audio, path=f"{i}.wav", sha256=f"{i:064d}"),
            )
            findings = detect(transcript, config)
            batch.append(
                CallResult(
                    Recording(Path(f"{i}.wav"), transcript.call_id, f"A{i % 50}", None, f"{i}.wav"),
                    "ok",
                    transcript,
                    tuple(findings),
                    score_call(findings, scorecard),
                )
            )
            if len(batch) == 100 or i == n_distinct - 1:
                writer.write_calls(batch, run_id)
                batch = []
        # the copies take a few seconds: no bar in the log
        writer.con.execute("SET enable_progress_bar = false")
        writer.con.execute(
            COPY.replace("$distinct", str(n_distinct)).replace("$calls", str(n_calls))
        )


def main(n_calls: int = 100_000, n_distinct: int = 1000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "rescore.duckdb"
        started = time.perf_counter()
        build_store(db, n_calls, n_distinct)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = rescore(load_config(), db, None, Path(tmp) / "no-cache")
        wall_s = time.perf_counter() - started
    rate = summary.n_calls / wall_s
    print(
        f"stored {n_calls} calls ({min(n_distinct, n_calls)} distinct) in {build_s:.1f} s; "
        f"rescore: {summary.n_calls} calls in {wall_s:.1f} s = {rate:.0f} calls/s ({summary.n_from_db} from stored segments); "
        f"100,000 stored transcripts ≈ {100_000 / rate / 60:.1f} min at this rate"
    )
    return {"calls": summary.n_calls, "wall_s": wall_s, "calls_per_s": rate}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100_000, help="calls stored and rescored")
    parser.add_argument(
        "--distinct",
        type=int,
        default=1000,
        help="calls made by the detectors; the rest are copies",
    )
    arguments = parser.parse_args()
    main(arguments.calls, arguments.distinct)
