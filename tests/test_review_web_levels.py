"""A site that uses only the reviewers' level ([review] levels = ["verdict"]): no appeals, no
decisions, no sign-offs — refused by the API and not offered on the pages."""

from __future__ import annotations

from .review_web_setup import start_workbench, stop_workbench


def test_levels_a_site_does_not_use_are_refused(tmp_path):
    bench = start_workbench(tmp_path, levels=("verdict",))
    try:
        with bench.client("agent1") as agent:
            call = agent.get("/api/calls/rv-1").json()
            assert call["permissions"]["appeal"] is False
            assert 'class="appeal-form"' not in agent.get("/calls/rv-1").text
            refused = agent.post(
                "/api/calls/rv-1/appeals", json={"finding_id": None, "reason": "x"}
            )
            assert refused.status_code == 409 and "decision level" in refused.json()["detail"]
        with bench.client("lead1") as lead:
            assert lead.post("/api/batches/b1/signoff", json={}).status_code == 409
            assert (
                lead.post("/api/appeals/1/decision", json={"decision": "upheld"}).status_code == 409
            )
            assert 'id="signoff"' not in lead.get("/queue").text
        with bench.client("reviewer1") as reviewer:
            finding = reviewer.get("/api/calls/rv-1").json()["findings"][0]["finding_id"]
            verdict = {"verdict": "confirmed", "note": ""}
            assert (
                reviewer.post(f"/api/findings/{finding}/verdict", json=verdict).status_code == 200
            )
    finally:
        stop_workbench(bench)
