"""The commands that run the Prefect flows: nightly and backfill once, serve on a schedule.

Prefect is imported by each command once its arguments are checked, never at import: `callqa
--help` stays fast, a bad argument is a sentence rather than a traceback from a flow run, and
PREFECT_LOGGING_LEVEL (--quiet) is set before Prefect reads it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import console, print_flow_summary
from pipeline.config import (
    Config,
    check_date_range,
    cron_problem,
    load_config,
    parse_day,
    timezone_problem,
)
from pipeline.errors import CallqaError


def _check_archive_and_setup(args: argparse.Namespace) -> Config:
    """Clear one-sentence errors before Prefect starts (inside a flow they would come with a traceback)."""
    from pipeline.provision.check import check_setup

    config = load_config(args.config)
    if not Path(args.archive).is_dir():
        raise CallqaError(f"{args.archive}: archive folder not found")
    check_setup(config)
    return config


def _flow_parameters(args: argparse.Namespace, config: Config) -> dict:
    """The parameters nightly and backfill share, from the flow options."""
    if args.quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"  # read when Prefect is imported, just after
    return {
        "archive": str(Path(args.archive).resolve()),
        "db": str(args.db.resolve()) if args.db else None,
        "refresh": args.refresh,
        "retry_failed": args.retry_failed,
        "config_path": str(config.source) if config.source else None,
        "dask_address": args.dask_address,
        "dask_workers": args.dask_workers,
        "max_in_flight": args.max_in_flight,
    }


def cmd_nightly(args: argparse.Namespace) -> int:
    config = _check_archive_and_setup(args)
    parameters = _flow_parameters(args, config)
    from flows.nightly import nightly

    print_flow_summary(nightly(**parameters), "callqa nightly", config)
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    date_from, date_to = parse_day(args.date_from, "--from"), parse_day(args.date_to, "--to")
    check_date_range(date_from, date_to)
    config = _check_archive_and_setup(args)
    parameters = _flow_parameters(args, config)
    from flows.nightly import backfill

    print_flow_summary(
        backfill(date_from=date_from, date_to=date_to, **parameters), "callqa backfill", config
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    config = _check_archive_and_setup(args)
    cron = args.cron or config.nightly.cron
    timezone = args.timezone or config.nightly.timezone
    if problem := cron_problem(cron):
        raise CallqaError(f"--cron {cron!r} {problem}")
    if problem := timezone_problem(timezone):
        raise CallqaError(f"--timezone {timezone!r} {problem}")
    from flows.serve import serve_nightly

    serve_nightly(
        str(Path(args.archive).resolve()),
        config_path=str(config.source) if config.source else None,
        db=str(args.db.resolve()) if args.db else None,
        cron=cron,
        timezone=timezone,
        dask_address=args.dask_address,
        dask_workers=args.dask_workers,
        port=args.port,
        output_dir=config.paths.output_dir,
        announce=lambda message: console.print(message, highlight=False),
    )
    return 0


def _add_flow_options(command: argparse.ArgumentParser) -> None:
    """The arguments of nightly and backfill, which run the same flow body."""
    command.add_argument(
        "archive", metavar="ARCHIVE_DIR", help="folder of recordings (searched recursively)"
    )
    add_db_option(command)
    command.add_argument(
        "--refresh",
        action="store_true",
        help="process every recording again, unchanged or not, and re-transcribe instead of using cached transcripts",
    )
    command.add_argument(
        "--retry-failed",
        action="store_true",
        help="also process again the unchanged recordings that failed last time",
    )
    command.add_argument(
        "--max-in-flight",
        type=int,
        metavar="N",
        help="calls submitted and not yet written, bounding memory (default: [nightly] max_in_flight, 2 x workers)",
    )
    dask = command.add_mutually_exclusive_group()
    dask.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="run the per-call tasks on an existing Dask cluster (scheduler address, e.g. tcp://10.0.0.5:8786; needs prefect-dask)",
    )
    dask.add_argument(
        "--dask-workers",
        type=int,
        metavar="N",
        help="run the per-call tasks on a Dask cluster of N worker processes on this machine (default: the thread pool, [nightly] workers)",
    )
    command.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="only warnings and the summary, no per-call log lines",
    )


def add_nightly(sub: argparse._SubParsersAction) -> None:
    nightly = sub.add_parser(
        "nightly",
        help="the nightly run once: process new and changed recordings (Prefect flow)",
        description="Run the nightly Prefect flow once over ARCHIVE_DIR: find the recordings that are "
        "new or changed since they were last processed (identity: path + sha256, kept in DuckDB), "
        "process each as its own task (transcripts cached under [paths] output_dir/cache, numbers "
        "masked), write each call to DuckDB as it finishes, then the flagged-call report of the run "
        "under output_dir/reports/RUN_ID/ and a summary: calls ok / failed / skipped, audio hours, "
        "wall time, real-time factor, findings by category. Unchanged recordings are skipped; a "
        "killed run is resumed by running again. Metadata: calls.csv and agents.csv at the archive "
        "root, and a sidecar JSON next to a recording (call.wav.json or call.json: call_id, agent_id, "
        "started_at). Transient failures (I/O errors, out of memory) are retried ([nightly] retries); "
        "bad audio is recorded as a failed call with its reason and never retried.",
    )
    _add_flow_options(nightly)
    nightly.set_defaults(func=cmd_nightly)


def add_backfill(sub: argparse._SubParsersAction) -> None:
    back = sub.add_parser(
        "backfill",
        help="process the calls of a date range (Prefect flow)",
        description="Run the backfill Prefect flow: like `callqa nightly`, limited to the calls of the "
        "local days FROM..TO (inclusive) by started_at (calls.csv or sidecar JSON), or else by the date "
        "folder a recording is filed under (2026/11/21/, 2026-11-21/ or 20261121/). Recordings with no "
        "date are left out. Already processed, unchanged calls are skipped unless --refresh.",
    )
    _add_flow_options(back)
    back.add_argument(
        "--from",
        dest="date_from",
        required=True,
        metavar="YYYY-MM-DD",
        help="first day of the range",
    )
    back.add_argument(
        "--to",
        dest="date_to",
        required=True,
        metavar="YYYY-MM-DD",
        help="last day of the range (inclusive)",
    )
    back.set_defaults(func=cmd_backfill)


def add_serve(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser(
        "serve",
        help="run the nightly flow on a cron schedule (Prefect deployment)",
        description="Serve the nightly flow as the Prefect deployment callqa-nightly/nightly on a cron "
        "schedule over ARCHIVE_DIR, and callqa-backfill/backfill (no schedule; start it from the Prefect "
        "UI with date_from and date_to). Uses the Prefect server named by PREFECT_API_URL; when it is "
        "not set, starts one on 127.0.0.1 (--port) with its data under [paths] output_dir/prefect-server "
        "and stops it on exit. Runs until Ctrl-C or SIGTERM (systemd: see the README). One flow run at a time.",
    )
    serve.add_argument(
        "archive", metavar="ARCHIVE_DIR", help="folder of recordings the scheduled runs process"
    )
    serve.add_argument(
        "--cron",
        metavar="EXPR",
        help='when to run, five cron fields (default: [nightly] cron, "0 2 * * *")',
    )
    serve.add_argument(
        "--timezone",
        metavar="ZONE",
        help="IANA time zone of the cron expression (default: [nightly] timezone, Asia/Shanghai)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=4200,
        metavar="N",
        help="port of the Prefect server started on 127.0.0.1 when PREFECT_API_URL is not set (default: 4200)",
    )
    add_db_option(serve, help="DuckDB file (default: [paths] db in the config)")
    dask = serve.add_mutually_exclusive_group()
    dask.add_argument(
        "--dask-address",
        metavar="ADDR",
        help="run the scheduled runs' tasks on this Dask scheduler",
    )
    dask.add_argument(
        "--dask-workers", type=int, metavar="N", help="run them on N local Dask worker processes"
    )
    serve.set_defaults(func=cmd_serve)
