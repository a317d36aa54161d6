"""`callqa rescore` throughput: re-applying lexicons and scorecard to stored transcripts.

Stores N synthetic 5-minute calls (about 1,500 characters each, as in bench_detectors) in a
fresh DuckDB file, then times pipeline.rescore.rescore over all of them (no audio, no cache:
from the stored segments) and prints calls per second and the time 100,000 stored transcripts
would take at that rate. The default N keeps `make bench` short; `--calls 100000` measures the
full figure (about ten times longer). Run: .venv/bin/python -m bench.bench_rescore [--calls N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.bench_detectors import corpus_sentences, synthetic_call
from pipeline.config import load_config
from pipeline.process import detect
from pipeline.rescore import rescore
from pipeline.scorecard import load_scorecard, score_call
from pipeline.store import StoreWriter, start_run
from pipeline.types import CallResult, Recording


def main(n_calls: int = 1000) -> dict:
    config = load_config()
    scorecard = load_scorecard(str(config.paths.lexicons))
    rng = random.Random(11)
    pool = corpus_sentences()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "rescore.duckdb"
        started = time.perf_counter()
        with StoreWriter(db, None) as writer:
            run_id = start_run(writer.con, version="bench", archive=tmp, config={}, config_hash="b", asr_model="bench",
                               ruleset_version="bench")
            for i in range(n_calls):
                transcript = synthetic_call(i, rng, pool)
                transcript = replace(transcript, audio=replace(transcript.audio, path=f"{i}.wav", sha256=f"{i:064d}"))
                findings = detect(transcript, config)
                writer.write_call(CallResult(Recording(Path(f"{i}.wav"), transcript.call_id, f"A{i % 50}", None, f"{i}.wav"),
                                             "ok", transcript, tuple(findings), score_call(findings, scorecard)), run_id)
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        summary = rescore(config, db, None, Path(tmp) / "no-cache")
        wall_s = time.perf_counter() - started
    rate = summary.n_calls / wall_s
    print(f"stored {n_calls} calls in {build_s:.1f} s; rescore: {summary.n_calls} calls in {wall_s:.1f} s "
          f"= {rate:.0f} calls/s ({summary.n_from_db} from stored segments); "
          f"100,000 stored transcripts ≈ {100_000 / rate / 60:.1f} min at this rate")
    return {"calls": summary.n_calls, "wall_s": wall_s, "calls_per_s": rate}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    main(parser.parse_args().calls)
