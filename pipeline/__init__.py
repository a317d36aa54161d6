"""callqa: quality inspection of recorded Mandarin call-center calls.

The library does the work; flows/ schedules it. Everything the CLI does, a notebook can do
by import: `from pipeline.process import process_call`.

Nothing phones home: importing any part of the library sets these before pyannote, the Hugging
Face hub client or Prefect can read them (a value the environment already sets is kept), and
the processes callqa starts (Dask workers, the Prefect server) get them too.
"""

import os

__version__ = "0.1.0"

OFFLINE_ENVIRONMENT: dict[str, str] = {
    # A config naming a hub model fails at once instead of downloading.
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}

for _name, _value in OFFLINE_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
