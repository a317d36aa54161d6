"""Operational metrics of one call: response times, handling time, hold share, abnormal hang-up.

The figures a call center manages by (首次响应时间, 平均处理时长, 挂机异常), from the speech
activity the acoustic stage measured, so they need no transcript:

- first_response_s: from the start of the recording to the agent's first speech;
- first_response_after_customer_s: from the end of the customer's first turn to the start of the
  agent's first turn after it (0 when the agent answered while the customer still spoke);
- response latencies: for each agent turn that follows a customer turn, the silence between them
  (0 when they overlap), their median and worst; backchannels (嗯, 好的 …, known when the
  transcript has the words) are neither a turn to answer nor an answer;
- handling_s: from the start to the last words (the recorder may run on after hang-up, and the
  after-call work is not in the recording); hold_share: hold_s over handling_s;
- the tail after the last words and who said them, from which `hangup` decides whether the call
  ended abnormally. That decision also needs the closing (a text finding) and is made after the
  text detectors ran, and again by `callqa rescore` from the stored tail: both call `hangup`.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import replace

from pipeline.acoustics.activity import Span, intersect, total
from pipeline.acoustics.turns import TurnMeasure
from pipeline.options import MetricsOptions
from pipeline.types import CallMetrics, Finding

CLOSING_MISSING = "script.closing_missing"


def _answered_latencies(turns: Sequence[TurnMeasure]) -> list[float]:
    """Agent turn after a customer turn: the silence between them, one per agent answer."""
    latencies = []
    previous: TurnMeasure | None = None
    for turn in sorted(turns, key=lambda t: (t.start, t.end)):
        if turn.backchannel or turn.role not in ("agent", "customer"):
            continue
        if turn.role == "agent" and previous is not None and previous.role == "customer":
            latencies.append(round(max(0.0, turn.start - previous.end), 3))
        previous = turn
    return latencies


def _first_after_customer(turns: Sequence[TurnMeasure]) -> float | None:
    spoken = sorted((t for t in turns if not t.backchannel), key=lambda t: t.start)
    customer = next((t for t in spoken if t.role == "customer"), None)
    if customer is None:
        return None
    agent = next((t for t in spoken if t.role == "agent" and t.start > customer.start), None)
    return None if agent is None else round(max(0.0, agent.start - customer.end), 3)


def timing_metrics(
    duration_s: float,
    speech: Sequence[tuple[str, Span]],
    turns: Sequence[TurnMeasure],
    music: Sequence[Span],
    hold_s: float,
) -> dict:
    """The operational fields of CallMetrics (all but the hang-up verdict) as keyword values.

    `speech`: (role, span) of every party's speech; `music`: music-like non-speech spans;
    `hold_s`: the call's hold time as the gaps measured it.
    """
    agent_starts = [span.start for role, span in speech if role == "agent"]
    latencies = _answered_latencies(turns)
    if not speech:
        return {"n_responses": 0}
    last_role, last = max(speech, key=lambda item: item[1].end)
    handling = round(last.end, 3)
    tail = Span(last.end, max(last.end, duration_s))
    return {
        "first_response_s": round(min(agent_starts), 3) if agent_starts else None,
        "first_response_after_customer_s": _first_after_customer(turns),
        "response_latency_median_s": round(statistics.median(latencies), 3) if latencies else None,
        "response_latency_max_s": max(latencies) if latencies else None,
        "n_responses": len(latencies),
        "handling_s": handling,
        "hold_share": round(min(1.0, hold_s / handling), 4) if handling > 0 else None,
        "last_role": last_role,
        "tail_s": round(tail.duration, 3),
        "tail_music_s": round(total(intersect([tail], list(music))), 3),
    }


def hangup(
    metrics: CallMetrics,
    findings: Sequence[Finding],
    options: MetricsOptions,
    hold_s: float,
    closing_checked: bool,
) -> CallMetrics:
    """`metrics` with the abnormal hang-up verdict (see [metrics] in callqa.toml).

    on_hold: the recording ends in hold — hold music of at least `hangup_hold_music_s` after the
    last words, or a silence of at least `hold_s` ([acoustics] hold_s). after_customer: the
    customer said the last words and the call ended within `hangup_after_customer_s` of them, the
    agent not having said the closing (`findings` hold script.closing_missing; when the closing
    is not checked, `closing_checked` False, the timing alone decides).
    """
    if metrics.tail_s is None or metrics.last_role is None:
        return replace(metrics, abnormal_hangup=None, hangup_reason=None)
    reason = None
    if (metrics.tail_music_s or 0.0) >= options.hangup_hold_music_s or metrics.tail_s >= hold_s:
        reason = "on_hold"
    elif metrics.last_role == "customer" and metrics.tail_s <= options.hangup_after_customer_s:
        no_closing = any(f.category == CLOSING_MISSING for f in findings)
        if no_closing or not closing_checked:
            reason = "after_customer"
    return replace(metrics, abnormal_hangup=reason is not None, hangup_reason=reason)
