"""The review workbench over real HTTP (`callqa review` in its own process): sessions, least
privilege, CSRF, throttling, range requests, and the review loop through the JSON API."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.routing import APIRoute
from starlette.routing import Mount

from pipeline.config import load_config
from pipeline.review.store import open_review_store
from pipeline.review.web.app import PUBLIC, create_app
from pipeline.review.web.sessions import SessionStore, csrf_matches
from pipeline.review.web.stats import wilson_interval

from .review_web_setup import (
    AHEAD,
    PASSWORD,
    RAW_MOBILE,
    TODAY,
    start_workbench,
    stop_workbench,
    write_calls,
)


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    running = start_workbench(tmp_path_factory.mktemp("workbench"))
    yield running
    stop_workbench(running)


def flat_routes(routes):
    """Every route, also those of included routers (FastAPI keeps them as one entry each)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            yield from flat_routes(included.routes)
        elif not isinstance(route, Mount):
            yield route


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_no_route_answers_without_a_session(bench):
    config = load_config(bench.config_path)
    store = open_review_store(config)
    app = create_app(config, store)  # the app's own routes: a new one cannot be forgotten
    routes = list(flat_routes(app.routes))
    store.close()
    assert len(routes) >= 20
    checked = 0
    with bench.client() as client:
        for route in routes:
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                if method == "HEAD" or route.path in PUBLIC:
                    continue
                answer = client.request(method, concrete(route.path), json={})
                api = route.path.startswith("/api/") or route.path.endswith("/audio")
                if api or method != "GET":
                    assert answer.status_code == 401, (method, route.path, answer.status_code)
                else:
                    assert answer.status_code == 303, (method, route.path)
                    assert answer.headers["location"].startswith("/login?next=")
                checked += 1
        # a forged or stale cookie is no session either
        client.cookies.set("callqa_session", "forged")
        assert client.get("/api/calls").status_code == 401
    assert checked >= 18
    assert any(isinstance(r, APIRoute) and r.path == "/api/calls/{call_id}" for r in routes)


def test_login_sets_a_strict_http_only_cookie_and_bad_passwords_get_401(bench):
    with bench.client() as client:
        wrong = client.post("/api/login", json={"username": "reviewer1", "password": "nope"})
        assert wrong.status_code == 401 and "callqa_session" not in wrong.cookies
        unknown = client.post("/api/login", json={"username": "nobody", "password": PASSWORD})
        assert unknown.status_code == 401
        ok = client.post("/api/login", json={"username": "reviewer1", "password": PASSWORD})
        assert ok.status_code == 200 and len(ok.json()["csrf_token"]) >= 32
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
        assert client.get("/api/me").json()["role"] == "reviewer"
        client.headers["X-CSRF-Token"] = ok.json()["csrf_token"]
        assert client.post("/api/logout").status_code == 200
        assert client.get("/api/me").status_code == 401


def test_login_throttling(bench):
    with bench.client() as client:
        for _ in range(5):
            answer = client.post("/api/login", json={"username": "victim", "password": "bad"})
            assert answer.status_code == 401
        locked = client.post("/api/login", json={"username": "victim", "password": PASSWORD})
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        # another user from the same address is not locked out
        other = client.post("/api/login", json={"username": "lead1", "password": PASSWORD})
        assert other.status_code == 200


def test_state_changes_need_the_sessions_csrf_token(bench):
    with bench.client("reviewer1") as client:
        finding = client.get("/api/calls/rv-1").json()["findings"][0]["finding_id"]
        url = f"/api/findings/{finding}/verdict"
        body = {"verdict": "confirmed", "note": ""}
        token = client.headers.pop("X-CSRF-Token")
        assert client.post(url, json=body).status_code == 403
        assert (
            client.post(url, json=body, headers={"X-CSRF-Token": token[:-1] + "x"}).status_code
            == 403
        )
        with bench.client("senior1") as other:  # another session's token is no good either
            assert (
                client.post(url, json=body, headers={"X-CSRF-Token": other.headers["X-CSRF-Token"]})
            ).status_code == 403
        assert client.post(url, json=body, headers={"X-CSRF-Token": token}).status_code == 200


def test_an_agent_sees_hears_and_appeals_only_their_own_calls(bench):
    with bench.client("agent1") as agent:
        listed = agent.get("/api/calls").json()
        assert {c["call_id"] for c in listed["calls"]} == {"rv-1", "rv-3", "rv-old"}
        assert {c["agent_id"] for c in listed["calls"]} == {"A1"}
        # another agent's call: the same 404 as a call that does not exist
        for url in ("/api/calls/rv-2", "/calls/rv-2/audio", "/api/calls/rv-4"):
            assert agent.get(url).status_code == 404, url
        assert agent.get("/api/calls/no-such-call").json() == agent.get("/api/calls/rv-2").json()
        assert agent.get("/calls/rv-2").status_code == 404
        appeal = {"finding_id": None, "reason": "不是我说的"}
        assert agent.post("/api/calls/rv-2/appeals", json=appeal).status_code == 404
        with bench.client("reviewer1") as reviewer:
            others = reviewer.get("/api/calls/rv-2")
            assert others.status_code == 404  # a T1 reviewer does not see team T2 either
            foreign = reviewer.get("/api/calls/rv-4").json()["findings"][0]["finding_id"]
        # a finding id of another agent's call cannot be appealed through an own call
        own = {"finding_id": foreign, "reason": "x"}
        assert agent.post("/api/calls/rv-1/appeals", json=own).status_code == 404
        # agents give no verdicts, decide nothing, read no precision or access log
        assert (
            agent.post(f"/api/findings/{foreign}/verdict", json={"verdict": "rejected"}).status_code
            == 403
        )
        assert agent.get("/api/rules/precision").status_code == 403
        assert agent.get("/api/access-log").status_code == 403
        # past [review] appeal_days the window is closed
        late = agent.post("/api/calls/rv-old/appeals", json=appeal)
        assert late.status_code == 409 and "7 days" in late.json()["detail"]


def test_audio_range_requests_and_the_redacted_copy(bench):
    original = (bench.root / "archive" / "rv-1.wav").read_bytes()
    with bench.client("reviewer1") as reviewer:
        whole = reviewer.get("/calls/rv-1/audio")
        assert whole.status_code == 200 and whole.content == original
        part = reviewer.get("/calls/rv-1/audio", headers={"Range": "bytes=1000-1999"})
        assert part.status_code == 206
        assert part.headers["content-range"] == f"bytes 1000-1999/{len(original)}"
        assert part.content == original[1000:2000]
        tail = reviewer.get("/calls/rv-1/audio", headers={"Range": "bytes=-500"})
        assert tail.status_code == 206 and tail.content == original[-500:]
        beyond = reviewer.get(
            "/calls/rv-1/audio", headers={"Range": f"bytes={len(original) + 10}-"}
        )
        assert beyond.status_code == 416
    with bench.client("agent1") as agent:
        redacted = agent.get("/calls/rv-1/audio")
        assert redacted.status_code == 200 and redacted.content[:4] == b"RIFF"
        assert len(redacted.content) == len(original) and redacted.content != original
        part = agent.get("/calls/rv-1/audio", headers={"Range": "bytes=44-99"})
        assert part.status_code == 206 and part.content == redacted.content[44:100]


def test_the_review_loop_through_the_api(bench):
    with bench.client("reviewer1") as reviewer:
        queue = reviewer.get("/api/calls", params={"flagged": "true"}).json()
        scores = [(c["red_line_failed"], c["score"]) for c in queue["calls"]]
        assert queue["total"] >= 2 and {"rv-1", "rv-4"} <= {c["call_id"] for c in queue["calls"]}
        assert "rv-2" not in {c["call_id"] for c in queue["calls"]}  # team T2
        teams = {c["call_id"]: c["team"] for c in queue["calls"]}
        assert teams["rv-4"] == "T1"  # A3 has no agents row: the team of their user
        assert scores == sorted(scores, key=lambda s: (not s[0], s[1] if s[1] is not None else -1))
        call = reviewer.get("/api/calls/rv-1").json()
        assert RAW_MOBILE not in str(call) and "138****5678" in str(call)
        assert {s["role"] for s in call["segments"]} == {"agent", "customer"}
        assert call["score"]["deductions"] and call["call"]["audio_kind"] == "original"
        forbidden = next(f for f in call["findings"] if f["category"] == "phrase.forbidden")
        for verdict in ("rejected", "confirmed"):
            answer = reviewer.post(
                f"/api/findings/{forbidden['finding_id']}/verdict",
                json={"verdict": verdict, "note": "听录音确认"},
            )
            assert answer.status_code == 200
        bad = reviewer.post(
            f"/api/findings/{forbidden['finding_id']}/verdict", json={"verdict": "maybe"}
        )
        assert bad.status_code == 422
        with open_review_store(load_config(bench.config_path)) as store:
            stored = [v for v in store.verdicts("rv-1") if v.finding_id == forbidden["finding_id"]]
        # the rule-set version of the finding judged, as the snapshot's reviews.ruleset_version
        assert [v.ruleset_version for v in stored] == ["test", "test"]
        page = reviewer.get("/api/calls", params={"reviewed": "true"}).json()
        assert "rv-1" in {c["call_id"] for c in page["calls"]}
        assert "rv-1" not in {
            c["call_id"]
            for c in reviewer.get("/api/calls", params={"reviewed": "false"}).json()["calls"]
        }
        precision = reviewer.get("/api/rules/precision").json()["rules"]
        row = next(r for r in precision if r["rule_id"] == forbidden["rule_id"])
        assert row["confirmed"] >= 1 and row["precision"] is not None
    with bench.client("agent1") as agent:
        mine = agent.get("/api/calls/rv-1").json()
        target = next(f for f in mine["findings"] if f["scorecard_item"] and not f["overturned"])
        before = mine["score"]["adjusted"]
        filed = agent.post(
            "/api/calls/rv-1/appeals",
            json={"finding_id": target["finding_id"], "reason": "客户先骂人"},
        )
        assert filed.status_code == 200
        appeal_id = filed.json()["appeal_id"]
        decision = {"decision": "overturned", "note": "确有误判"}
        assert agent.post(f"/api/appeals/{appeal_id}/decision", json=decision).status_code == 403
    with bench.client("reviewer1") as reviewer:
        assert reviewer.post(f"/api/appeals/{appeal_id}/decision", json=decision).status_code == 403
    with bench.client("senior1") as senior:
        assert senior.post(f"/api/appeals/{appeal_id}/decision", json=decision).status_code == 200
        again = senior.post(f"/api/appeals/{appeal_id}/decision", json=decision)
        assert again.status_code == 409
    with bench.client("agent1") as agent:
        after = agent.get("/api/calls/rv-1").json()
        answered = next(a for a in after["appeals"] if a["appeal_id"] == appeal_id)
        assert answered["decision"] == "overturned" and answered["decision_note"] == "确有误判"
        assert after["score"]["machine"] == mine["score"]["machine"]
        assert after["score"]["adjusted"] > (before or 0)
        assert target["finding_id"] in after["score"]["overturned_findings"]


def test_stale_verdicts_are_counted_apart(bench):
    """A verdict on a finding a rescore no longer finds, or whose rule changed, is kept but not
    counted in the precision (as v_rule_precision)."""
    with bench.client("reviewer1") as reviewer:
        call = reviewer.get("/api/calls/rv-4").json()
        found = next(f for f in call["findings"] if f["rule_id"] == "forbidden.refusal")
        with open_review_store(load_config(bench.config_path)) as store:
            user = store.get_user("reviewer1")
            store.add_verdict(
                "gone0000", "rv-4", "forbidden.rude", "phrase.forbidden", "rejected", "", user
            )
            store.add_verdict(
                found["finding_id"],
                "rv-4",
                "forbidden.old",
                "phrase.forbidden",
                "rejected",
                "",
                user,
            )
        rules = {r["rule_id"]: r for r in reviewer.get("/api/rules/precision").json()["rules"]}
        assert rules["forbidden.old"]["n_stale"] == 1 and rules["forbidden.old"]["rejected"] == 0
        assert rules["forbidden.rude"]["n_stale"] == 1
        assert all(
            e["finding_id"] != "gone0000" for e in rules["forbidden.rude"]["rejected_examples"]
        )


def test_signoff_recheck_and_the_access_log(bench):
    with bench.client("reviewer1") as reviewer:
        assert reviewer.post("/api/batches/2026-12-05/signoff", json={}).status_code == 403
    with bench.client("lead1") as lead:
        done = lead.post("/api/batches/2026-12-05/signoff", json={"note": "ok"})
        assert done.status_code == 200 and done.json()["user_name"] == "lead1"
        order = lead.post("/api/agents/A2/recheck", json={"n_calls": 2})
        assert order.status_code == 200 and order.json()["n_calls"] == 2
        summary = lead.get("/api/recheck").json()
        assert summary["orders"][0]["agent_id"] == "A2"
    with bench.client("admin1") as admin:
        log = admin.get("/api/access-log").json()["entries"]
        actions = {(e["user_name"], e["action"], e["call_id"]) for e in log}
        assert ("agent1", "view", "rv-1") in actions and ("agent1", "play", "rv-1") in actions
        assert ("reviewer1", "play", "rv-1") in actions and (
            "victim",
            "login_failed",
            None,
        ) in actions
        assert admin.get("/api/access-log", params={"user": "agent1"}).json()["entries"]
    with bench.client("senior1") as senior:
        assert senior.get("/api/access-log").status_code == 403


def test_passwords_never_reach_the_log_or_the_store(bench):
    text = bench.log_text()
    assert "POST /api/login" in text  # the server does log requests
    assert PASSWORD not in text
    store_bytes = (bench.root / "review.sqlite3").read_bytes()
    wal = bench.root / "review.sqlite3-wal"
    if wal.exists():
        store_bytes += wal.read_bytes()
    assert PASSWORD.encode() not in store_bytes
    with bench.client() as client:  # a malformed login does not echo what was sent
        answer = client.post("/api/login", json={"username": "x", "password": ["secret-value"]})
        assert answer.status_code == 422 and "secret-value" not in answer.text


def test_wilson_interval():
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.490, abs=0.001) and high == pytest.approx(0.943, abs=0.001)
    assert wilson_interval(0, 0) is None
    assert wilson_interval(5, 5)[1] == pytest.approx(1.0)


def test_every_page_renders_for_those_who_may_see_it(bench):
    pages = ["/queue", "/queue?flagged=&sampled=true", "/calls/rv-1", "/rules", "/recheck"]
    with bench.client("admin1") as admin:
        for path in [*pages, "/access-log", "/api/docs"]:
            answer = admin.get(path)
            assert answer.status_code == 200, path
            assert answer.headers["content-type"].startswith("text/html")
            assert '<meta name="csrf-token" content="' in answer.text
            assert "http://" not in answer.text and "https://" not in answer.text  # no CDN
        assert admin.get("/").status_code == 303
    with bench.client() as anyone:
        login = anyone.get("/login", params={"next": "/\\evil.example/x"})
        assert "script-src 'self'" in login.headers["content-security-policy"]
        assert 'data-next="/queue"' in login.text  # never a redirect off the site
        assert 'data-next="/calls/rv-1"' in anyone.get("/login?next=/calls/rv-1").text
    with bench.client("agent1") as agent:
        assert agent.get("/queue").status_code == 200
        assert agent.get("/calls/rv-1").status_code == 200
        for path in ("/rules", "/recheck", "/access-log"):
            assert agent.get(path).status_code == 403, path
        other, unknown = agent.get("/calls/rv-2"), agent.get("/calls/no-such-call")
        assert other.status_code == unknown.status_code == 404
        assert other.text == unknown.text and "text/html" in other.headers["content-type"]


def test_a_new_snapshot_is_served_once_published(bench):
    """The run publishes while the server runs: the next requests start building the new queue
    in the background and go on answering from the old one; then the new call is listed."""
    config = load_config(bench.config_path)
    new_call = {
        "rv-new": ("A1", TODAY, [("agent", "废话"), ("agent", "没办法"), ("agent", "废话")]),
        # A2's next call after the re-check ordered in test_signoff_recheck_and_the_access_log
        "rv-next": ("A2", AHEAD, [("agent", "您好，很高兴为您服务"), ("customer", "谢谢")]),
    }
    found = [
        ("rv-new", "phrase.forbidden", "forbidden.rude", "major", "agent", s, "【废话】")
        for s in (0.0, 2.0, 4.0)
    ]
    write_calls(bench.root, config, new_call, found)
    with bench.client("reviewer1") as reviewer:
        deadline = time.monotonic() + 60
        while True:
            listed = reviewer.get("/api/calls", params={"flagged": "true"})
            assert listed.status_code == 200  # never an error while the new queue is built
            if "rv-new" in {c["call_id"] for c in listed.json()["calls"]}:
                break
            assert time.monotonic() < deadline, "the new snapshot was never served"
            time.sleep(0.2)
        assert reviewer.get("/api/calls/rv-new").status_code == 200
    with bench.client("lead1") as lead:
        sampled = lead.get("/api/calls", params={"sampled": "true", "agent": "A2"}).json()
        reasons = {c["call_id"]: c["sample_reason"] for c in sampled["calls"]}
        assert reasons.get("rv-next") == "recheck"
        summary = lead.get("/api/recheck").json()
        order = next(o for o in summary["orders"] if o["agent_id"] == "A2")
        assert [c["call_id"] for c in order["calls"]] == ["rv-next"] and order["n_passed"] == 1
        assert {"team": "T2", "n_checked": 1, "n_passed": 1, "pass_rate": 1.0} in summary["teams"]


def test_a_disabled_user_is_logged_out_at_once(bench):
    with bench.client("agent2") as agent:
        assert agent.get("/api/calls").status_code == 200
        with open_review_store(load_config(bench.config_path)) as store:
            store.disable_user("agent2")
        assert agent.get("/api/calls").status_code == 401
        again = agent.post("/api/login", json={"username": "agent2", "password": PASSWORD})
        assert again.status_code == 401


def test_sessions_end_after_the_idle_time():
    sessions = SessionStore(idle_s=0.2)
    session = sessions.create("someone")
    assert sessions.get(session.token) is session
    time.sleep(0.1)
    assert sessions.get(session.token) is session  # a request restarts the idle clock
    time.sleep(0.3)
    assert sessions.get(session.token) is None
    assert sessions.get("forged") is None
    assert not csrf_matches(sessions.create("x"), None)
