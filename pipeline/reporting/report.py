"""The QA lead's morning list: flagged calls (HTML + CSV), root-cause Pareto, heat map, review queue.

Reads the store read-only (the published snapshot), so a report can be written while a run
is still going. The HTML is one self-contained file: inline CSS and SVG, no script, no CDN.
Evidence is what the store holds: masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipeline.errors import CallqaError
from pipeline.reporting.charts import heatmap_html, pareto_svg, pareto_table
from pipeline.reporting.spreadsheet import write_csv, write_frame
from pipeline.store.connection import queries

CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 0.9em; }
tr.redline > td:first-child { border-left: 4px solid #c0392b; }
.score { font-weight: bold; } .redline-tag { color: #fff; background: #c0392b; padding: 0 4px; border-radius: 3px; }
.unscored-tag { color: #fff; background: #7f8c8d; padding: 0 4px; border-radius: 3px; } .roles { font-size: 0.85em; }
ul.findings { margin: 0; padding-left: 1.2em; }
.chart .bar { fill: #95a5a6; } .chart .bar.vital { fill: #c0392b; }
.chart .cumulative { fill: none; stroke: #2c3e50; stroke-width: 2; }
.chart .guide { stroke: #e67e22; stroke-dasharray: 4 3; } .chart .axisline { stroke: #555; }
.chart text { font-size: 11px; } .chart .count { text-anchor: middle; }
td.heat { text-align: center; min-width: 2.5em; } .empty { color: #777; }
"""


# One row per finding of a flagged call; spreadsheet-safe (pipeline.reporting.spreadsheet).
FLAGGED_COLUMNS = (
    "call_id",
    "started_at",
    "agent_id",
    "agent_name",
    "team",
    "score",
    "red_line_failed",
    "category",
    "rule_id",
    "severity",
    "role",
    "start_s",
    "evidence",
    "recording_at",
    "unscored_reason",
    "roles_method",
)


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    flagged_csv: Path
    review_csv: Path
    n_calls: int
    n_flagged: int
    n_review: int


def _rows(con, name: str, **params) -> pl.DataFrame:
    return con.sql(queries("report.sql")[name], params=params).pl()


def select_calls(con, day: date | None = None, run_id: str | None = None) -> tuple[list[str], str]:
    """The call ids a report covers and a title: a day, a run, or (default) the latest run."""
    if day is not None:
        ids = _rows(con, "calls_of_date", day=day)["call_id"].to_list()
        return ids, f"calls of {day.isoformat()}"
    if run_id is None:
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection
        latest = con.execute(queries("report.sql")["latest_run"]).fetchall()
        if not latest:
            raise CallqaError("the database holds no runs yet; run `callqa run ARCHIVE_DIR` first")
        run_id = latest[0][0]
    if not con.execute(queries("report.sql")["run_info"], {"run_id": run_id}).fetchall():
        raise CallqaError(f"no run with id {run_id!r} in the database")
    return _rows(con, "calls_of_run", run_id=run_id)["call_id"].to_list(), f"run {run_id}"


def recording_link(archive: str | None, audio_path: str, at_s: float) -> str:
    """A link that opens the recording at a second (media fragment #t=)."""
    path = Path(audio_path)
    if archive and not path.is_absolute():
        path = Path(archive) / path
    return f"{path.resolve().as_uri()}#t={at_s:.1f}"


def score_text(score: float | None) -> str:
    """A score as the lists show it: no score is a dash, never a number."""
    return "—" if score is None else f"{score:.0f}"


def roles_text(call: dict) -> str:
    """How the call's roles were decided, in one line: method, speakers, agent, confidence, cues."""
    method = call["roles_method"]
    if method is None:
        return "not recorded"
    parts = [method]
    if call["n_speakers"] is not None:
        parts.append(f"{call['n_speakers']} speaker{'' if call['n_speakers'] == 1 else 's'}")
    if call["agent_speaker"]:
        parts.append(f"agent {call['agent_speaker']}")
    if call["roles_confidence"] is not None:
        parts.append(f"confidence {call['roles_confidence']:.2f}")
    if call["role_cues"]:
        parts.append("cues " + ", ".join(call["role_cues"]))
    return " · ".join(parts)


def _flagged_section(flagged: pl.DataFrame, findings: pl.DataFrame, zone: ZoneInfo) -> str:
    if flagged.is_empty():
        return '<p class="empty">No call was flagged.</p>'
    by_call = findings.partition_by("call_id", as_dict=True) if not findings.is_empty() else {}
    rows = []
    for call in flagged.iter_rows(named=True):
        items = []
        call_findings = by_call.get((call["call_id"],))
        for f in call_findings.iter_rows(named=True) if call_findings is not None else ():
            link = recording_link(call["archive"], call["audio_path"], f["start_s"])
            items.append(
                f'<li><a class="at" href="{escape(link)}" data-t="{f["start_s"]:.1f}">{f["start_s"]:.1f}s</a> '
                f"<b>{escape(f['category'])}</b> ({escape(f['severity'])}, {escape(f['role'])}) {escape(f['evidence'])}</li>"
            )
        tag = ' <span class="redline-tag">红线</span>' if call["red_line_failed"] else ""
        if call["unscored_reason"]:
            tag += f' <span class="unscored-tag" title="{escape(call["unscored_reason"])}">未评分</span>'
        started = (
            call["started_at"].astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if call["started_at"]
            else str(call["call_date"])
        )
        rows.append(
            f'<tr class="{"redline" if call["red_line_failed"] else ""}" id="call-{escape(call["call_id"])}">'
            f'<td class="score">{score_text(call["score"])}{tag}</td><td>{escape(call["call_id"])}</td>'
            f"<td>{escape(call['agent_name'] or call['agent_id'] or '')}<br><small>{escape(call['team'] or '')}</small></td>"
            f'<td>{escape(started)}</td><td class="roles">{escape(roles_text(call))}</td>'
            f'<td><ul class="findings">{"".join(items)}</ul></td></tr>'
        )
    return (
        '<table class="flagged"><thead><tr><th>score</th><th>call</th><th>agent</th><th>time</th>'
        f"<th>roles</th><th>findings</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _roles_section(roles: pl.DataFrame) -> str:
    """How agent and customer were told apart in the report's calls (see calls.roles_method)."""
    if roles.is_empty():
        return '<p class="empty">No call was processed.</p>'
    rows = "".join(
        f"<tr><td>{escape(method)}</td><td>{n_calls}</td>"
        f"<td>{'' if confidence is None else format(confidence, '.2f')}</td></tr>"
        for method, n_calls, confidence in roles.iter_rows()
    )
    return (
        '<table class="roles"><thead><tr><th>roles decided by</th><th>calls</th>'
        f"<th>mean confidence</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _review_section(queue: pl.DataFrame) -> str:
    if queue.is_empty():
        return '<p class="empty">No call selected for review.</p>'
    rows = "".join(
        f"<tr><td>{escape(r['call_id'])}</td><td>{escape(r['agent_name'] or r['agent_id'] or '')}</td>"
        f"<td>{score_text(r['score'])}</td><td>{escape(r['reason'])}</td></tr>"
        for r in queue.iter_rows(named=True)
    )
    return f'<table class="review"><thead><tr><th>call</th><th>agent</th><th>score</th><th>reason</th></tr></thead><tbody>{rows}</tbody></table>'


def write_report(
    con,
    out_dir: Path,
    day: date | None = None,
    run_id: str | None = None,
    new_hire_days: int = 90,
    sample_percent: int = 20,
    timezone: str = "Asia/Shanghai",
    pareto_min_severity: str = "minor",
) -> ReportFiles:
    """Write the report of a day (`day`), a run (`run_id`) or, by default, the latest run.

    Times are shown in the site's `timezone`, as the QA lead lives them.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    call_ids, title = select_calls(con, day, run_id)
    flagged = _rows(con, "flagged_calls", call_ids=call_ids)
    findings = _rows(con, "findings_of_calls", call_ids=call_ids)
    flagged_findings = findings.filter(pl.col("call_id").is_in(flagged["call_id"].to_list()))
    heat = _rows(con, "agent_category_of_calls", call_ids=call_ids)
    queue = _rows(
        con,
        "review_queue_of_calls",
        call_ids=call_ids,
        new_hire_days=new_hire_days,
        sample_percent=sample_percent,
    )
    pareto = pareto_table(findings, "root_cause", pareto_min_severity)
    roles = _rows(con, "roles_of_calls", call_ids=call_ids)

    zone = ZoneInfo(timezone)
    html_path = out_dir / "flagged_calls.html"
    html_path.write_text(
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>callqa — flagged calls, {escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>Flagged calls — {escape(title)}</h1>"
        f"<p>{len(call_ids)} calls, {flagged.height} flagged (red line, score under the threshold, or not fully inspected), "
        f"{queue.height} in the review queue.</p>"
        f"<h2>Flagged calls, worst first</h2>{_flagged_section(flagged, flagged_findings, zone)}"
        f'<h2>Root causes (Pareto)</h2><p class="note">Findings of severity '
        f"{escape(pareto_min_severity)} and above.</p>{pareto_svg(pareto, 'root_cause')}"
        f"<h2>Agents × categories</h2>{heatmap_html(heat, 'agent_id', 'category')}"
        f"<h2>Review queue (sampling policy)</h2>{_review_section(queue)}"
        f"<h2>Roles (how agent and customer were told apart)</h2>{_roles_section(roles)}"
        "</body></html>\n",
        encoding="utf-8",
    )
    flagged_rows = [
        [
            call["call_id"],
            call["started_at"].astimezone(zone).isoformat() if call["started_at"] else "",
            call["agent_id"],
            call["agent_name"],
            call["team"],
            call["score"],
            call["red_line_failed"],
            f["category"],
            f["rule_id"],
            f["severity"],
            f["role"],
            f["start_s"],
            f["evidence"],
            recording_link(call["archive"], call["audio_path"], f["start_s"]),
            call["unscored_reason"],
            call["roles_method"],
        ]
        for call in flagged.iter_rows(named=True)
        for f in flagged_findings.filter(pl.col("call_id") == call["call_id"]).iter_rows(named=True)
    ]
    flagged_csv = write_csv(out_dir / "flagged_calls.csv", FLAGGED_COLUMNS, flagged_rows)
    review = queue.select(
        "call_id", "call_date", "agent_id", "agent_name", "team", "score", "reason"
    )
    review_csv = write_frame(review, out_dir / "review_queue.csv")
    return ReportFiles(
        html_path, flagged_csv, review_csv, len(call_ids), flagged.height, queue.height
    )
