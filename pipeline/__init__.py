"""callqa: quality inspection of recorded Mandarin call-center calls.

The library does the work; flows/ schedules it. Everything the CLI does, a notebook can do
by import: `from pipeline.process import process_call`.
"""

__version__ = "0.1.0"
