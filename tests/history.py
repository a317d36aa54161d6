"""A five-week history of calls (four agents, two teams) with known trends, written by hand (no
audio, no ASR): the notebooks' database, and the coaching and trend reports' (which add calls)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from pipeline.scoring.scorecard import Scorecard
from pipeline.store.runs import write_agents

from .factories import blank_run, call_result, finding

AGENTS: list[tuple[str, str | None, str | None, str | None]] = [
    ("A1", "王丽", "金融一组", "2023-03-01"),
    ("A2", "陈强", "金融一组", "2024-05-01"),
    ("A3", "刘洋", "信用卡二组", "2022-01-10"),
    ("A4", "赵敏", "信用卡二组", "2026-10-20"),
]
# Evidence in the shapes the detectors write (masked text, the matched words in 【】).
EVIDENCE = {
    "phrase.forbidden": "这个【不归我管】，您找别的部门吧",
    "script.closing_missing": "好的那就这样",
    "silence.dead_air": "静默 14.2 秒（客户说完后）",
}
FIRST_DAY = date(2026, 10, 19)  # a Monday: the 35 days are five whole ISO weeks
N_DAYS = 35


def write_history(
    writer,
    scorecard: Scorecard,
    run_of_day: Callable[[int], str] | None = None,
    scorecard_of_day: Callable[[int], Scorecard] | None = None,
) -> None:
    """Every day one call per agent. Call n (counted over all agents) has n % 3 forbidden phrases
    and n % 2 missing closings, so A1 and A3 always miss the closing and A2 and A4 never do; A4 (a
    new hire) has three dead airs a call in the last week; every tenth call could not be inspected
    (roles undetermined, no score). `run_of_day` / `scorecard_of_day` give each day's run and
    scorecard (default: one run, `scorecard`), for histories whose rule versions change."""
    write_agents(writer.con, AGENTS)
    default_run = blank_run(writer.con) if run_of_day is None else ""
    n = 0
    for day_index in range(N_DAYS):
        day = (FIRST_DAY + timedelta(days=day_index)).isoformat()
        run_id = run_of_day(day_index) if run_of_day else default_run
        card = scorecard_of_day(day_index) if scorecard_of_day else scorecard
        for agent, *_ in AGENTS:
            n += 1
            call_id = f"{agent}-{n:04d}"
            spec = [("phrase.forbidden", "service_attitude.refusal")] * (n % 3) + [
                ("script.closing_missing", "process_execution.closing")
            ] * (n % 2)
            if agent == "A4" and day_index >= 28:
                spec += [("silence.dead_air", "communication.dead_air")] * 3
            findings = [
                finding(
                    call_id, cat, root_cause=cause, start_s=12.0 * i + 3, evidence=EVIDENCE[cat]
                )
                for i, (cat, cause) in enumerate(spec)
            ]
            if n % 10 == 0:  # a call whose roles could not be decided: no score
                findings.append(
                    finding(
                        call_id,
                        "roles.undetermined",
                        severity="major",
                        role="both",
                        root_cause="inspection_gap.roles_undetermined",
                    )
                )
            writer.write_call(call_result(call_id, findings, card, agent_id=agent, day=day), run_id)
