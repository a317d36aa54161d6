"""Serve the workbench with uvicorn: `callqa review` (pipeline.cli.review_server_commands)."""

from __future__ import annotations

import logging

import uvicorn

from pipeline.config import Config
from pipeline.review.store import open_review_store
from pipeline.review.web.app import create_app


def serve(config: Config, host: str, port: int) -> None:
    """Run until interrupted. uvicorn's access log names method, path and status only: request
    bodies (passwords, notes) never reach a log."""
    store = open_review_store(config)
    if not store.list_users():
        logging.getLogger(__name__).warning(
            "the review store %s has no users yet: add one with `callqa users add NAME --role admin`",
            store.where,
        )
    app = create_app(config, store)
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=True, server_header=False)
