"""Alerts (预警) after a nightly run: the run's red-line and escalation calls, sent through Apprise.

One message per run to every URL of `[alerts] urls` (WeCom, DingTalk, Feishu robots, e-mail, any
HTTP endpoint): how many calls failed a red line or had the customer escalate, and the worst of
them with their agent, score, finding categories and masked evidence (the evidence the store
keeps, numbers already masked; no other transcript text), with a link into the review workbench
when `[review] base_url` is set. No message when there is no such call.

Sending never fails the run: a URL Apprise cannot use or that does not accept the message is
logged as a warning naming the URL with its tokens and passwords masked (options.masked_url),
and Apprise's own log lines, which may hold the full webhook URL, are kept out of the logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from pipeline.options import AlertOptions, masked_url
from pipeline.store.connection import SqlConnection
from pipeline.store.operational import AlertCall, AlertCalls, alert_calls

_SEVERITY_WORDS = {"critical": "严重", "major": "重要", "minor": "一般", "info": "提示"}


@dataclass
class AlertOutcome:
    n_calls: int = 0  # red-line or escalation calls in the run
    sent: list[str] = field(default_factory=list)  # masked URLs that accepted the message
    failed: list[str] = field(default_factory=list)  # masked URLs that did not


def _call_lines(index: int, call: AlertCall, review_url: str) -> list[str]:
    agent = call.agent_id or "未知坐席"
    if call.agent_name:
        agent += f" {call.agent_name}"
    if call.team:
        agent += f"（{call.team}）"
    score = "未评分" if call.score is None else f"{call.score:g} 分"
    marks = [m for m, on in (("红线", call.red_line_failed), ("投诉升级", call.escalation)) if on]
    lines = [
        f"{index}. {call.call_id} | 坐席 {agent} | {score} | {'、'.join(marks)}",
        f"   类别: {', '.join(call.categories) or '-'}",
    ]
    for item in call.evidence:
        severity = _SEVERITY_WORDS.get(item.severity, item.severity)
        lines.append(f"   - [{severity}] {item.category} @{item.start_s:.1f}s: {item.evidence}")
    if review_url:
        lines.append(f"   复核: {review_url.rstrip('/')}/calls/{quote(call.call_id, safe='')}")
    return lines


def compose(run_id: str, calls: AlertCalls, review_url: str = "") -> tuple[str, str]:
    """(title, body) of the run's alert, in Chinese for the supervisors who receive it."""
    title = f"callqa 质检预警: {calls.n_calls} 通通话需关注 (运行 {run_id})"
    body = [
        f"本次运行 {run_id} 共 {calls.n_calls} 通通话需关注: 红线 {calls.n_red_line} 通, "
        f"客户投诉升级 {calls.n_escalation} 通。",
    ]
    if calls.worst:
        body.append(f"最需关注的 {len(calls.worst)} 通:")
        for index, call in enumerate(calls.worst, 1):
            body += _call_lines(index, call, review_url)
    return title, "\n".join(body)


def _with_timeouts(url: str, timeout_s: int) -> str:
    """Apprise's connect and read timeouts (cto, rto) unless the URL sets its own."""
    if "cto=" in url or "rto=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}cto={timeout_s}&rto={timeout_s}"


def _scrubbed(text: str, url: str) -> str:
    """`text` without any longer piece of `url` (a token, key or password may be one)."""
    for piece in re.split(r"[^A-Za-z0-9_-]+", url.partition("://")[2]):
        if len(piece) >= 6:
            text = text.replace(piece, "***")
    return text


def _notify(url: str, title: str, body: str, timeout_s: int) -> str | None:
    """Send to one URL; None when it was accepted, else why not (no secrets in it)."""
    import apprise  # late: only runs that alert pay for the import

    apprise_log = logging.getLogger("apprise")
    propagate = apprise_log.propagate
    apprise_log.propagate = False  # its lines can hold the whole URL, tokens included
    try:
        app = apprise.Apprise()
        if not app.add(_with_timeouts(url, timeout_s)):
            return "not a URL Apprise can send to (see the examples in callqa.toml)"
        with apprise.LogCapture(level=logging.WARNING) as captured:
            accepted = bool(app.notify(title=title, body=body))
        if accepted:
            return None
        # Apprise says why in its own words, naming the host; keep the words, not the URL.
        said = [line.split(" - ", 2)[-1] for line in captured.getvalue().splitlines() if line]
        return _scrubbed(said[-1] if said else "the service did not accept the message", url)
    except Exception as exc:  # a plugin's bug must not fail the run either
        return f"sending raised {type(exc).__name__}"
    finally:
        apprise_log.propagate = propagate


def send_run_alert(
    con: SqlConnection,
    run_id: str,
    options: AlertOptions,
    log: Callable[[str], None],
    warn: Callable[[str], None],
    review_url: str = "",
) -> AlertOutcome:
    """Send the run's alert to every configured URL; returns what was sent. `review_url`: the
    review workbench's address ([review] base_url), for a link per call. Never raises: the run
    is done and stored whatever happens to its alert."""
    outcome = AlertOutcome()
    if not options.urls:
        return outcome
    try:
        calls = alert_calls(con, run_id, options.max_calls, options.max_evidence)
    except Exception as exc:  # a bug, but the run's calls are stored: say so and go on
        warn(f"alerts: the calls of run {run_id} could not be read ({type(exc).__name__}: {exc})")
        return outcome
    outcome.n_calls = calls.n_calls
    if not calls.n_calls:
        log(f"alerts: no red-line or escalation call in run {run_id}; nothing sent")
        return outcome
    title, body = compose(run_id, calls, review_url)
    for url in options.urls:
        shown = masked_url(url)
        problem = _notify(url, title, body, options.timeout_s)
        if problem is None:
            outcome.sent.append(shown)
        else:
            outcome.failed.append(shown)
            warn(f"alerts: sending the alert of run {run_id} to {shown} failed: {problem}")
    if outcome.sent:
        log(
            f"alerts: {calls.n_calls} red-line/escalation call(s) of run {run_id} sent to "
            f"{', '.join(outcome.sent)}"
        )
    return outcome
