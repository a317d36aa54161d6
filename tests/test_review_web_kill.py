"""`callqa review` killed with SIGKILL while verdicts stream in over HTTP: every verdict the
server acknowledged (200 with its id) is in the review store afterwards."""

from __future__ import annotations

import threading

import httpx

from pipeline.config import load_config
from pipeline.review.store import open_review_store

from .review_web_setup import start_workbench


def test_no_acknowledged_verdict_is_lost_to_sigkill(tmp_path):
    bench = start_workbench(tmp_path)
    acknowledged: dict[int, tuple[str, str]] = {}
    enough = threading.Event()
    try:
        with bench.client("reviewer1") as reviewer:
            findings = [
                f["finding_id"]
                for call_id in ("rv-1", "rv-4")
                for f in reviewer.get(f"/api/calls/{call_id}").json()["findings"]
            ]

            def post_until_refused() -> None:
                for n in range(10_000):  # bounded: the server is killed long before
                    finding_id = findings[n % len(findings)]
                    verdict = ("confirmed", "rejected", "unsure")[n % 3]
                    try:
                        answer = reviewer.post(
                            f"/api/findings/{finding_id}/verdict",
                            json={"verdict": verdict, "note": f"n{n}"},
                        )
                    except httpx.TransportError:
                        return  # the server is gone: what it acknowledged is all that counts
                    assert answer.status_code == 200, answer.text
                    acknowledged[answer.json()["verdict_id"]] = (finding_id, verdict)
                    if len(acknowledged) >= 30:
                        enough.set()

            poster = threading.Thread(target=post_until_refused)
            poster.start()
            assert enough.wait(120), "the server acknowledged too few verdicts"
            bench.process.kill()  # SIGKILL, mid-stream
            bench.process.wait(timeout=10)
            poster.join(timeout=60)
            assert not poster.is_alive()
    finally:
        if bench.process.poll() is None:
            bench.process.kill()
    with open_review_store(load_config(bench.config_path)) as store:
        stored = {v.verdict_id: (v.finding_id, v.verdict) for v in store.verdicts()}
    assert len(acknowledged) >= 30
    missing = {k: v for k, v in acknowledged.items() if stored.get(k) != v}
    assert missing == {}
