"""`callqa review`: the web workbench for QA reviewers, seniors, leads and agents."""

from __future__ import annotations

import argparse

from rich.markup import escape

from pipeline.cli.arguments import add_db_option
from pipeline.cli.output import console
from pipeline.config import load_config


def cmd_review(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from pipeline.review.web.server import serve

    config = load_config(args.config)
    if args.db:
        paths = replace(config.paths, db=args.db, snapshot=config.snapshot_for(args.db))
        config = replace(config, paths=paths)
    host = args.host or config.review.host
    port = args.port or config.review.port
    console.print(
        f"callqa review: http://{escape(host)}:{port}/ (snapshot {escape(str(config.paths.snapshot))}); "
        "Ctrl-C stops it",
        highlight=False,
    )
    serve(config, host, port)
    return 0


def add_review(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser(
        "review",
        help="serve the review workbench (verdicts, appeals, re-checks) on the web",
        description="Serve the review workbench: the queue of flagged and sampled calls, each "
        "call with its audio, masked transcript, findings and score; reviewers' verdicts, "
        "agents' appeals (申诉), seniors' decisions, leads' sign-offs, re-checks (复检), rule "
        "precision and the access log. Reads the published snapshot ([paths] snapshot) and the "
        "review store ([review] store); users come from `callqa users`. The JSON API is "
        "described at /api/docs.",
    )
    review.add_argument("--host", help="address to listen on (default: [review] host, 127.0.0.1)")
    review.add_argument("--port", type=int, help="port to listen on (default: [review] port, 8765)")
    add_db_option(review, help="DuckDB file whose snapshot is shown (default: the config's)")
    review.set_defaults(func=cmd_review)
