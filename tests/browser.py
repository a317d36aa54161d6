"""Headless Debian chromium for the tests that render pages: one skip rule, one launch."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from pipeline.config import PROJECT_ROOT

ARTIFACTS = PROJECT_ROOT / "out" / "test-artifacts"  # screenshots a person can look at
# No sandbox (CI runs as root in a container), no GPU, and nothing fetched by the browser itself:
# a page's own request is then the only one a test sees.
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)

needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian chromium is installed by `make test`"
)


@contextmanager
def chromium(*extra_args: str) -> Iterator[Any]:
    """A launched headless chromium (playwright's Browser), closed afterwards."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=[*ARGS, *extra_args]
        )
        try:
            yield browser
        finally:
            browser.close()


def collect_errors(page: Any, errors: list[str]) -> None:
    """Script errors and console errors of `page` go to `errors` (a test expects none)."""
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
