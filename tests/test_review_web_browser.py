"""The review workbench in real headless Chromium: a reviewer plays a finding and gives a
verdict; an agent sees only their calls and appeals; a senior overturns; the agent's adjusted
score changes. Screenshots go to out/test-artifacts/."""

from __future__ import annotations

import pytest

from .browser import ARTIFACTS, chromium, collect_errors, needs_chromium
from .review_web_setup import PASSWORD, start_workbench, stop_workbench

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    running = start_workbench(tmp_path_factory.mktemp("workbench-browser"))
    yield running
    stop_workbench(running)


@pytest.fixture(scope="module")
def browser():
    with chromium("--autoplay-policy=no-user-gesture-required", "--mute-audio") as launched:
        yield launched


def log_in(browser, bench, user: str, errors: list[str]):
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    collect_errors(page, errors)
    page.goto(bench.url + "/queue")
    assert page.url.startswith(bench.url + "/login?next=")  # no session: the login page
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("form#login button[type=submit]")
    page.wait_for_url(bench.url + "/queue")
    return page


def test_reviewer_plays_a_finding_and_gives_a_verdict(bench, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    page = log_in(browser, bench, "reviewer1", errors)
    rows = page.locator("table.queue tbody tr[data-call]")
    assert rows.count() >= 2
    assert rows.first.get_attribute("data-call") in ("rv-1", "rv-4")
    page.screenshot(path=str(ARTIFACTS / "review-queue.png"), full_page=True)
    page.click("a.call-link:text('rv-1')")
    page.wait_for_url(bench.url + "/calls/rv-1")
    finding = page.locator("article.finding").nth(1)
    start = float(finding.get_attribute("data-start"))
    assert start > 1.0
    finding.locator("button.seek").click()
    page.wait_for_function(
        "s => { const a = document.getElementById('player');"
        " return a.readyState >= 1 && a.currentTime > s - 0.3 && a.currentTime < s + 1.5; }",
        arg=start,
        timeout=15000,
    )
    assert page.evaluate("document.getElementById('player').duration") == pytest.approx(
        18.36, abs=0.1
    )
    assert page.locator("p.seg mark").count() >= 1  # the evidence is highlighted
    finding_id = finding.get_attribute("data-finding")
    finding.locator("input[name=note]").fill("误报：客户先说的")
    finding.locator("button[data-verdict=rejected]").click()
    page.wait_for_selector(f"#finding-{finding_id} .verdict-now.rejected")
    page.screenshot(path=str(ARTIFACTS / "review-call-reviewer.png"), full_page=True)
    page.goto(bench.url + "/rules")
    assert page.locator("table.precision tbody tr").count() >= 1
    assert page.locator("table.precision a[href^='/calls/rv-1#finding-']").count() >= 1
    page.goto(bench.url + "/api/docs")  # the OpenAPI description, rendered without a CDN
    page.wait_for_selector(".api-route")
    routes = page.locator(".api-route code").all_inner_texts()
    assert "POST /api/login" in routes and "GET /api/calls/{call_id}" in routes
    assert len(routes) >= 15
    page.context.close()
    assert errors == []


def test_agent_appeals_senior_overturns_adjusted_score_changes(bench, browser):
    errors: list[str] = []
    agent = log_in(browser, bench, "agent1", errors)
    listed = agent.locator("table.queue tbody tr[data-call]")
    calls = {listed.nth(i).get_attribute("data-call") for i in range(listed.count())}
    assert calls == {"rv-1", "rv-3", "rv-old"}
    agent.goto(bench.url + "/calls/rv-2")  # another agent's call, by its URL
    assert "not found" in agent.content().lower()
    assert [e for e in errors if "404" in e] == [errors.pop()]  # that page's own 404, no other
    agent.goto(bench.url + "/calls/rv-1")
    machine = agent.inner_text("#machine-score")
    adjusted_before = agent.inner_text("#adjusted-score")
    assert adjusted_before == machine
    assert "Redacted" in agent.inner_text("section.player")
    target = agent.locator("article.finding:has(form.appeal-form):has(span.tag)").first
    finding_id = target.get_attribute("data-finding")
    target.locator("input[name=reason]").fill("客户先辱骂，我只是重复")
    target.locator("form.appeal-form button[type=submit]").click()
    agent.wait_for_selector(f"#finding-{finding_id} .decision.pending")

    senior = log_in(browser, bench, "senior1", errors)
    waiting = senior.locator("section.appeals tr[data-appeal]")  # open appeals on the queue page
    assert waiting.count() == 1 and "pending" in waiting.first.inner_text()
    waiting.first.locator("a").click()
    senior.wait_for_url(bench.url + f"/calls/rv-1#finding-{finding_id}")
    form = senior.locator(f"#finding-{finding_id} form.decide")
    form.locator("input[name=note]").fill("复听确认不扣分")
    form.locator("button[data-decision=overturned]").click()
    senior.wait_for_selector(f"#finding-{finding_id} .decision.overturned")

    agent.reload()
    assert agent.inner_text("#machine-score") == machine
    adjusted_after = agent.inner_text("#adjusted-score")
    assert float(adjusted_after) > float(adjusted_before)
    assert "复听确认不扣分" in agent.inner_text(f"#finding-{finding_id}")
    agent.screenshot(path=str(ARTIFACTS / "review-call.png"), full_page=True)
    agent.goto(bench.url + "/queue")
    assert "复听确认不扣分" in agent.inner_text("section.appeals")  # the answer, on the list too
    agent.context.close()
    senior.context.close()
    assert errors == []
