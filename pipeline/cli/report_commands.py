"""`callqa report agent` (the coaching report) and `callqa report trends` (the trend report): the
two kinds of `callqa report` beside the flagged-call list (pipeline/cli/admin_commands.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import out
from pipeline.config import load_config, parse_day
from pipeline.errors import CallqaError

KINDS_HELP = """\
kinds of report:
  callqa report -o DIR [--date D | --run RUN]   the flagged-call list (as before)
  callqa report agent AGENT_ID --from D --to D -o DIR
                                    a coaching report (个性化质检报告) for one agent
  callqa report trends --period week|month|quarter [--team T] [--from D --to D] -o DIR
                                    a trend report (质检趋势报告)
see `callqa report agent --help` and `callqa report trends --help`."""


def _open(args: argparse.Namespace):
    from pipeline.store.reader import connect_reader

    config = load_config(args.config)
    db = args.db or config.paths.db
    return config, connect_reader(config.snapshot_for(db), db, wait_s=10)


def _days(args: argparse.Namespace) -> tuple:
    if getattr(args, "date", None) or getattr(args, "run", None):
        raise CallqaError(
            f"--date and --run choose the calls of the flagged-call list; `callqa report "
            f"{args.report_kind}` takes --from and --to"
        )
    date_from = parse_day(args.date_from, "--from") if args.date_from else None
    date_to = parse_day(args.date_to, "--to") if args.date_to else None
    return date_from, date_to


def cmd_report_agent(args: argparse.Namespace) -> int:
    from pipeline.reporting.coaching import coaching_data, default_period
    from pipeline.reporting.coaching_page import write_coaching_report

    if not args.agent_id.strip():
        raise CallqaError("the agent id is empty: give the agent's id as in calls.csv (e.g. A017)")
    date_from, date_to = default_period(*_days(args))
    config, con = _open(args)
    try:
        data = coaching_data(
            con,
            args.agent_id,
            date_from,
            date_to,
            min_severity=config.review.pareto_min_severity,
            base_url=config.review.base_url,
        )
    finally:
        con.close()
    path = write_coaching_report(args.output, data, config.archive.timezone)
    return _written(
        f"coaching report of {data.agent_id}: {data.n_calls} calls {data.date_from} … {data.date_to}, "
        f"{len(data.worse)} to improve, {len(data.better)} strengths, {len(data.evidence)} snippets",
        path,
    )


def cmd_report_trends(args: argparse.Namespace) -> int:
    from pipeline.reporting.trends import trends_data
    from pipeline.reporting.trends_page import write_trends_report

    date_from, date_to = _days(args)
    config, con = _open(args)
    try:
        data = trends_data(
            con,
            args.period,
            team=args.team,
            date_from=date_from,
            date_to=date_to,
            min_severity=config.review.pareto_min_severity,
        )
    finally:
        con.close()
    path = write_trends_report(args.output, data, config.archive.timezone)
    return _written(
        f"trend report by {data.period}: {len(data.labels)} periods {data.date_from} … {data.date_to}, "
        f"{sum(data.n_calls)} calls, {len(data.changes)} version change(s)",
        path,
    )


def _written(summary: str, path: Path) -> int:
    """What a report command prints: one line of what the page holds, then where it is."""
    out.print(summary, highlight=False)
    out.print(f"  {path.resolve()}", highlight=False)
    return 0


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into"
    )
    add_db_option(parser, help="DuckDB file given to `callqa run --db` (default: the config's)")


def add_report_kinds(report: argparse.ArgumentParser) -> None:
    """`agent` and `trends` under `callqa report`; without either it writes the flagged-call list."""
    kinds = report.add_subparsers(dest="report_kind", metavar="[KIND]", required=False)
    agent = kinds.add_parser(
        "agent",
        help="a coaching report (个性化质检报告) for one agent and period",
        description="Write DIR/coaching_AGENT_FROM_TO.html: one self-contained, printable page in "
        "Chinese for the agent and the coach, in the sandwich order (亮点 → 待改进 → 鼓励): the score "
        "trend against the team median, the categories where the agent's findings per 100 calls "
        "are above and below the team median, 3–5 masked evidence snippets with times (linked to "
        "the review workbench when [review] base_url is set), and the adjusted scores after appeals "
        "and the re-check results when the snapshot holds review data.",
    )
    agent.add_argument("agent_id", metavar="AGENT_ID", help="the agent (calls.agent_id)")
    agent.add_argument(
        "--from",
        dest="date_from",
        metavar="YYYY-MM-DD",
        help="first call date (default: --to minus 27 days)",
    )
    agent.add_argument(
        "--to", dest="date_to", metavar="YYYY-MM-DD", help="last call date (default: today)"
    )
    _common(agent)
    agent.set_defaults(func=cmd_report_agent)
    trends = kinds.add_parser(
        "trends",
        help="a trend report (质检趋势报告) per week, month or quarter",
        description="Write DIR/trends_PERIOD[_TEAM]_FROM_TO.html: one self-contained, printable page: "
        "the score distribution and the flagged share per period, each category's findings per 100 "
        "calls per period with the rule-set and scorecard version changes marked, the Pareto of root "
        "causes of the latest period against the one before, and the teams side by side.",
    )
    trends.add_argument(
        "--period",
        choices=("week", "month", "quarter"),
        required=True,
        help="one point per ISO week (Monday first), calendar month or quarter",
    )
    trends.add_argument(
        "--team",
        metavar="T",
        help="only this team's calls (agents.team; 'unknown': agents not on the roster); "
        "the teams are still compared side by side",
    )
    trends.add_argument(
        "--from",
        dest="date_from",
        metavar="YYYY-MM-DD",
        help="first call date (default: 12 periods back from --to, or the first call)",
    )
    trends.add_argument(
        "--to",
        dest="date_to",
        metavar="YYYY-MM-DD",
        help="last call date (default: the latest call)",
    )
    _common(trends)
    trends.set_defaults(func=cmd_report_trends)
