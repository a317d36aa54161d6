"""Prefect flows: thin wrappers that schedule the library (pipeline/)."""
