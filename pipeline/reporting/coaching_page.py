"""The coaching report as one self-contained, printable HTML page, in Chinese, in the sandwich
order a coach gives feedback in (三明治: 亮点 → 待改进 → 鼓励), with the numbers behind each line."""

from __future__ import annotations

from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.reporting.coaching import Coaching, Evidence
from pipeline.reporting.labels import SEVERITY_ZH
from pipeline.reporting.page_shell import html_page, made_at, safe_name, write_page
from pipeline.reporting.review_data import AdjustedScores, PassRate, Rechecks
from pipeline.reporting.trend_charts import CHART_CSS, Series, comparison_chart, line_chart

PAGE_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; margin: 2em auto;
       max-width: 820px; color: #222; line-height: 1.6; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 2px solid #eee; }
.sub { color: #555; margin-top: 0; } .empty { color: #777; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.5em 1em; min-width: 7em; }
.card b { display: block; font-size: 1.4em; } .card small { color: #666; }
section.strength h2 { border-color: #27ae60; } section.improve h2 { border-color: #e67e22; }
section.encourage h2 { border-color: #2980b9; }
table { border-collapse: collapse; margin: 0.5em 0; width: 100%; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 0.9em; }
blockquote.evidence { margin: 0.6em 0; padding: 0.4em 0.8em; border-left: 4px solid #e67e22; background: #fdf6ec; }
blockquote.evidence .meta { color: #555; font-size: 0.85em; display: block; }
.note { color: #666; font-size: 0.85em; }
@media print { body { margin: 0; max-width: none; } section, blockquote, svg, table { page-break-inside: avoid; }
               a { color: inherit; text-decoration: none; } }
"""


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _rate(value: float) -> str:
    return f"{value:.1f}"


def _clock(seconds: float) -> str:
    return f"{int(seconds) // 60:02d}:{int(seconds) % 60:02d}"


def _overview(data: Coaching) -> str:
    cards = [
        ("通话", f"{data.n_calls}", "本期已质检"),
        (
            "平均分",
            _score(data.avg_score),
            f"{data.peer_label}中位数 {_score(data.peer_median_score)}",
        ),
        ("满分通话", f"{data.n_full_marks}", "一项未扣"),
        ("被标记", f"{data.n_flagged}", f"其中红线 {data.n_red_line}"),
    ]
    if data.n_unscored:
        cards.append(("未评分", f"{data.n_unscored}", "未能完整质检"))
    card_html = "".join(
        f'<div class="card"><small>{escape(t)}</small><b>{escape(v)}</b><small>{escape(n)}</small></div>'
        for t, v, n in cards
    )
    chart = line_chart(
        data.trend_labels,
        [
            Series(f"{data.name or data.agent_id} 平均分", data.trend_agent),
            Series(f"{data.peer_label}中位数", data.trend_peer),
        ],
        css="score-trend",
        label="成绩走势",
        y_max=100.0,
    )
    return f'<div class="cards">{card_html}</div><h2>成绩走势</h2>{chart}'


def _strength(data: Coaching) -> str:
    items = [
        f"<li>「{escape(c.label)}」每百通 {_rate(c.agent_per_100)} 次，低于{escape(data.peer_label)}中位数 "
        f"{_rate(c.peer_median_per_100)} 次。</li>"
        for c in data.better
    ]
    if (
        data.avg_score is not None
        and data.peer_median_score is not None
        and data.avg_score >= data.peer_median_score
    ):
        items.insert(
            0,
            f"<li>平均分 {_score(data.avg_score)}，不低于{escape(data.peer_label)}中位数 "
            f"{_score(data.peer_median_score)}。</li>",
        )
    if data.n_full_marks:
        items.append(f"<li>{data.n_full_marks} 通电话拿到满分，一项未扣。</li>")
    if data.n_red_line == 0:
        items.append("<li>本期没有触碰红线。</li>")
    if not items:
        items.append("<li>本期每通电话都完成了服务，这是改进的基础。</li>")
    return f'<section class="strength"><h2>一、做得好的地方</h2><ul>{"".join(items)}</ul></section>'


def _evidence_html(item: Evidence, zone: ZoneInfo) -> str:
    when = (
        item.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        if item.started_at
        else str(item.call_date)
    )
    call = escape(item.call_id)
    if item.link:
        call = f'<a class="call" href="{escape(item.link)}">{call}</a>'
    return (
        f'<blockquote class="evidence" data-category="{escape(item.category)}">'
        f'<span class="meta">{escape(item.label)} · {SEVERITY_ZH.get(item.severity, item.severity)} · '
        f"通话 {call} · {escape(when)} · 第 {_clock(item.start_s)}–{_clock(item.end_s)} · "
        f"本通得分 {_score(item.score)}</span>“{escape(item.evidence)}”</blockquote>"
    )


def _improvement(data: Coaching, zone: ZoneInfo) -> str:
    if data.worse:
        items = "".join(
            f"<li>「{escape(c.label)}」每百通 {_rate(c.agent_per_100)} 次（本期 {c.agent_n} 次），"
            f"{escape(data.peer_label)}中位数 {_rate(c.peer_median_per_100)} 次。</li>"
            for c in data.worse
        )
    else:
        items = f"<li>没有哪一项明显高于{escape(data.peer_label)}中位数；下面的片段仍值得一起回听。</li>"
    rows = sorted(data.categories, key=lambda c: (-c.difference, c.category))
    chart = comparison_chart(
        [(c.label, c.agent_per_100, c.peer_median_per_100) for c in rows],
        label="各扣分类别：本人与中位数",
        agent_name=data.name or data.agent_id,
        peer_name=f"{data.peer_label}中位数",
    )
    evidence = "".join(_evidence_html(e, zone) for e in data.evidence) or (
        '<p class="empty">本期没有可展示的证据片段（没有需要改进的类别，或证据已按保留期限清除）。</p>'
    )
    return (
        f'<section class="improve"><h2>二、需要改进的地方</h2><ul>{items}</ul>'
        f"<h3>各类别每百通次数</h3>{chart}"
        f'<h3>证据片段</h3><p class="note">文字为转写后的脱敏文本，【】内为命中的词句；时间为通话内的分:秒。</p>{evidence}</section>'
    )


def _adjusted(adjusted: AdjustedScores | None) -> str:
    if adjusted is None:
        return ""
    if not adjusted.calls:
        return (
            '<h3>申诉后的调整分</h3><p class="adjusted">本期没有因申诉改判的通话，调整分与机器评分相同'
            f"（平均 {_score(adjusted.avg_machine_score)}）。</p>"
        )
    rows = "".join(
        f"<tr><td>{escape(c.call_id)}</td><td>{c.call_date}</td><td>{_score(c.machine_score)}</td>"
        f"<td><b>{_score(c.adjusted_score)}</b></td>"
        f"<td>{'整通改判' if c.whole_call_overturned else f'{c.n_overturned} 条结果改判'}</td></tr>"
        for c in adjusted.calls
    )
    return (
        f'<h3>申诉后的调整分</h3><p class="adjusted">本期机器评分平均 {_score(adjusted.avg_machine_score)}，'
        f"申诉改判后平均 <b>{_score(adjusted.avg_adjusted_score)}</b>；{len(adjusted.calls)} 通通话因申诉改判：</p>"
        '<table class="adjusted"><thead><tr><th>通话</th><th>日期</th><th>机器评分</th><th>调整分</th>'
        f"<th>改判</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _percent(rate: PassRate | None) -> str:
    return (
        "—"
        if rate is None
        else f"{100 * rate.pass_rate:.0f}%（{rate.n_passed}/{rate.n_rechecked}）"
    )


def _rechecks(recheck: Rechecks | None, zone: ZoneInfo) -> str:
    if recheck is None:
        return ""
    if recheck.agent is None:
        return '<h3>复检结果</h3><p class="recheck">还没有安排复检，或复检的通话尚未质检。</p>'
    rows = "".join(
        f"<tr><td>{c.recheck_id}</td><td>{c.seq}</td><td>{escape(c.call_id)}</td>"
        f"<td>{c.started_at.astimezone(zone).strftime('%Y-%m-%d %H:%M') if c.started_at else '—'}</td>"
        f"<td>{'合格' if c.passed else '不合格'}</td></tr>"
        for c in recheck.calls
    )
    return (
        f'<h3>复检结果</h3><p class="recheck">复检合格率 <b>{_percent(recheck.agent)}</b>，'
        f"班组 {_percent(recheck.team)}。合格：复检的通话没有被标记。</p>"
        '<table class="recheck"><thead><tr><th>复检批次</th><th>序号</th><th>通话</th><th>时间</th>'
        f"<th>结果</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _review(data: Coaching, zone: ZoneInfo) -> str:
    if data.adjusted is None and data.recheck is None:
        return ""
    return (
        '<section class="review"><h2>申诉与复检</h2>'
        f"{_adjusted(data.adjusted)}{_rechecks(data.recheck, zone)}</section>"
    )


def _encouragement(data: Coaching) -> str:
    lines = []
    scores = [s for s in data.trend_agent if s is not None]
    half = len(scores) // 2
    if half >= 2:
        # halves, not the first and last point: one call's score is not a trend
        before, after = sum(scores[:half]) / half, sum(scores[-half:]) / half
        if after - before >= 1.0:
            lines.append(
                f"成绩在往上走：后半段平均 {_score(after)} 分，比前半段高 {after - before:.1f} 分，方法是对的，继续保持。"
            )
    if data.better:
        lines.append(
            f"「{data.better[0].label}」做得比多数同事好，这是你的长处，也可以分享给大家。"
        )
    if data.worse:
        target = data.worse[0]
        lines.append(
            f"下个周期的目标：把「{target.label}」从每百通 {_rate(target.agent_per_100)} 次降到 "
            f"{_rate(target.peer_median_per_100)} 次以下。先和教练一起回听上面的片段，找出一个具体的改法。"
        )
    lines.append(
        "每一次改进都会体现在下一期的报告里。对任何一条结果有疑问，可以在质检工作台提出申诉。"
    )
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f'<section class="encourage"><h2>三、鼓励与下一步</h2><ul>{items}</ul></section>'


def coaching_html(data: Coaching, timezone_name: str) -> str:
    zone = ZoneInfo(timezone_name)
    team = f" · {data.team}" if data.team else ""
    title = f"个人质检报告 — {data.display_name} — {data.date_from} 至 {data.date_to}"
    return html_page(
        title,
        f"{PAGE_CSS}{CHART_CSS}",
        f"<h1>个人质检报告 · {escape(data.display_name)}</h1>"
        f'<p class="sub">{data.date_from} 至 {data.date_to}{escape(team)} · 对比对象：{escape(data.peer_label)}'
        f"（{data.n_peers} 位坐席）</p>"
        f"{_overview(data)}{_strength(data)}{_improvement(data, zone)}{_review(data, zone)}{_encouragement(data)}"
        f'<p class="note">统计口径：{escape(SEVERITY_ZH.get(data.min_severity, data.min_severity))}及以上、与坐席相关的质检结果；'
        f"无法判定坐席与客户的通话不计入。生成于 {made_at(timezone_name)}（callqa）。</p>",
    )


def write_coaching_report(out_dir: Path, data: Coaching, timezone: str) -> Path:
    """DIR/coaching_<agent>_<from>_<to>.html: one self-contained, printable page."""
    name = f"coaching_{safe_name(data.agent_id)}_{data.date_from}_{data.date_to}.html"
    return write_page(out_dir, name, coaching_html(data, timezone))
