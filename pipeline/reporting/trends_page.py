"""The trend report as one self-contained, printable HTML page (Chinese, with the category codes
beside their names for analysts)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from pipeline.reporting.charts import pareto_svg
from pipeline.reporting.coaching_page import PAGE_CSS
from pipeline.reporting.labels import SEVERITY_ZH
from pipeline.reporting.page_shell import html_page, made_at, safe_name, write_page
from pipeline.reporting.report import CSS as REPORT_CSS
from pipeline.reporting.trend_charts import CHART_CSS, Series, bar_chart, box_chart, line_chart
from pipeline.reporting.trends import MAX_CATEGORY_LINES, Trends

PERIOD_ZH = {"week": "周", "month": "月", "quarter": "季度"}
WIDE_CSS = "body { max-width: 1000px; } .pair { display: flex; flex-wrap: wrap; gap: 1em; } .pair > div { flex: 1 1 420px; overflow-x: auto; }"


def _num(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _changes(data: Trends) -> str:
    if not data.changes:
        return '<p class="note">这段时间内规则库和评分表的版本没有变化。</p>'
    kinds = {"ruleset": "规则库（lexicons/VERSION）", "scorecard": "评分表（scorecard.toml）"}
    items = "".join(
        f"<li>{c.first_day}：{kinds[c.kind]} {escape(c.previous)} → <b>{escape(c.version)}</b></li>"
        for c in data.changes
    )
    return f'<ul class="changes">{items}</ul>'


def _scores(data: Trends) -> str:
    marks = [c.mark for c in data.changes]
    calls = "、".join(f"{label} {n} 通" for label, n in zip(data.labels, data.n_calls))
    return (
        "<h2>一、得分分布与被标记比例</h2>"
        f'<p class="note">每{PERIOD_ZH[data.period]}的通话得分：箱体为上下四分位，粗线为中位数，须线为最低与最高分。{escape(calls)}。</p>'
        f"{box_chart(data.labels, data.boxes, label='得分分布')}"
        f"{line_chart(data.labels, [Series('平均分', data.mean_scores)], css='mean-score', label='平均分', y_max=100.0, marks=marks, height=220)}"
        "<h3>被标记通话占比</h3>"
        f"{bar_chart(data.labels, data.flagged_percent, css='flagged-share', label='被标记通话占比')}"
    )


def _categories(data: Trends) -> str:
    return (
        "<h2>二、各类问题每百通次数</h2>"
        f'<p class="note">{escape(SEVERITY_ZH.get(data.min_severity, data.min_severity))}及以上的质检结果；虚线竖标为规则库或评分表版本变化的时间，'
        "变化前后的数字按不同规则得出，比较时请留意。</p>"
        f"{line_chart(data.labels, data.categories[:MAX_CATEGORY_LINES], css='category-rates', label='各类问题每百通次数', marks=[c.mark for c in data.changes], height=340)}"
        f"{_category_table(data)}"
        f"<h3>版本变化</h3>{_changes(data)}"
    )


def _category_table(data: Trends) -> str:
    """Every category's rate per period (the chart draws the most frequent few)."""
    if not data.categories:
        return ""
    head = "".join(f"<th>{escape(label)}</th>" for label in data.labels)
    rows = "".join(
        f"<tr><td>{escape(series.name)}</td>"
        + "".join(f"<td>{_num(value)}</td>" for value in series.values)
        + "</tr>"
        for series in data.categories
    )
    return (
        '<table class="category-rates"><thead><tr><th>类别（每百通）</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _pareto(data: Trends) -> str:
    pareto = data.pareto
    rows = "".join(
        f"<tr><td>{escape(cause)}</td><td>{now}</td><td>{before}</td>"
        f'<td class="delta">{now - before:+d}</td><td>{rank_now or "—"}</td><td>{rank_before or "—"}</td></tr>'
        for cause, now, before, rank_now, rank_before in pareto.rows
    )
    table = (
        '<table class="pareto-compare"><thead><tr><th>根因</th>'
        "<th>本期</th><th>上期</th><th>变化</th>"
        f"<th>本期排名</th><th>上期排名</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else '<p class="empty">两期都没有质检结果。</p>'
    )
    return (
        "<h2>三、帕累托：本期对比上期</h2>"
        '<p class="note">深色柱为累计占 80% 的“关键少数”根因。</p>'
        f'<div class="pair"><div class="current"><h3>本期 {escape(pareto.current_label)}</h3>'
        f"{pareto_svg(pareto.current, 'root_cause', width=420, height=320)}</div>"
        f'<div class="previous"><h3>上期 {escape(pareto.previous_label)}</h3>'
        f"{pareto_svg(pareto.previous, 'root_cause', width=420, height=320)}</div></div>{table}"
    )


def _teams(data: Trends) -> str:
    rows = "".join(
        f"<tr><td>{escape(t.team)}</td><td>{t.n_agents}</td><td>{t.n_calls}</td><td>{_num(t.mean_score)}</td>"
        f"<td>{100 * t.flagged_share:.1f}%</td><td>{t.findings_per_100_calls:.1f}</td></tr>"
        for t in data.team_latest
    )
    return (
        "<h2>四、各班组并列</h2>"
        f'<div class="pair"><div><h3>平均分</h3>{line_chart(data.labels, data.team_scores, css="team-scores", label="各班组平均分", y_max=100.0, width=480, height=240)}</div>'
        f"<div><h3>被标记比例</h3>{line_chart(data.labels, data.team_flagged, css='team-flagged', label='各班组被标记比例', unit='%', width=480, height=240)}</div></div>"
        f"<h3>最近一{PERIOD_ZH[data.period]}（{escape(data.labels[-1])}）</h3>"
        '<table class="teams"><thead><tr><th>班组</th><th>坐席</th><th>通话</th><th>平均分</th><th>被标记</th>'
        f"<th>每百通问题</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def trends_html(data: Trends, timezone_name: str) -> str:
    scope = f"班组：{data.team}" if data.team else "全部班组"
    title = f"质检趋势报告（按{PERIOD_ZH[data.period]}） · {scope}"
    return html_page(
        f"{title} — {data.date_from} 至 {data.date_to}",
        f"{REPORT_CSS}{PAGE_CSS}{CHART_CSS}{WIDE_CSS}",
        f'<h1>{escape(title)}</h1><p class="sub">{data.date_from} 至 {data.date_to} · {sum(data.n_calls)} 通已质检通话</p>'
        f"{_scores(data)}{_categories(data)}{_pareto(data)}{_teams(data)}"
        f'<p class="note">生成于 {made_at(timezone_name)}（callqa）。数据来自分析快照；证据文本不出现在本报告中。</p>',
    )


def write_trends_report(out_dir: Path, data: Trends, timezone: str) -> Path:
    """DIR/trends_<period>[_<team>]_<from>_<to>.html: one self-contained, printable page."""
    team = "_" + safe_name(data.team) if data.team else ""
    name = f"trends_{data.period}{team}_{data.date_from}_{data.date_to}.html"
    return write_page(out_dir, name, trends_html(data, timezone))
