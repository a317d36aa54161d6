"""Prefect flows: thin wrappers that schedule the library (pipeline/).

Nothing phones home, also when a notebook or script imports the flows without the `callqa`
command: Prefect's usage telemetry is switched off before Prefect is imported (a value the
environment already sets is kept).
"""

import os

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
