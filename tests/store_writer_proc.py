"""A separate writer process for the store tests: writes synthetic calls until done or killed.

    python -m tests.store_writer_proc DB N_CALLS SEGMENTS_PER_CALL PUBLISH_EVERY_S [PAUSE_S]
Prints "wrote K" after each committed call. PAUSE_S: a pause before each call, standing for the
time a real run spends transcribing it (the writes alone are too quick to watch).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipeline.config import PROJECT_ROOT
from pipeline.scoring.scorecard import load_scorecard
from pipeline.store.runs import start_run
from pipeline.store.writer import StoreWriter

from .factories import call_result, finding


def main() -> None:
    db, n_calls, n_segments, publish_every = (
        Path(sys.argv[1]),
        int(sys.argv[2]),
        int(sys.argv[3]),
        float(sys.argv[4]),
    )
    pause_s = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    scorecard = load_scorecard(str(PROJECT_ROOT / "lexicons"))
    with StoreWriter(db, db.with_name(db.stem + "-read.duckdb"), publish_every) as writer:
        run_id = start_run(
            writer.con,
            version="test",
            archive=None,
            config={},
            config_hash="t",
            asr_model="t",
            ruleset_version="t",
        )
        for i in range(n_calls):
            time.sleep(pause_s)
            call_id = f"call-{i:05d}"
            texts = [
                ("agent" if j % 2 else "customer", f"第{j}句话，内容不重要但是要有一定长度。" * 3)
                for j in range(n_segments)
            ]
            findings = [
                finding(call_id, "phrase.forbidden", start_s=float(j)) for j in range(i % 4)
            ]
            writer.write_call(call_result(call_id, findings, scorecard, texts=texts), run_id)
            print(f"wrote {i + 1}", flush=True)


if __name__ == "__main__":
    main()
