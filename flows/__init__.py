"""Prefect flows: thin wrappers that schedule the library (pipeline/).

nightly: the nightly and backfill flows and their task; runners: thread pool or Dask, and the
bounded submit loop; serve: the deployments on a cron schedule; server: the Prefect server they need.
Telemetry is off whoever imports them: importing pipeline sets pipeline.OFFLINE_ENVIRONMENT.
"""
