"""Tools for tests, samples and benchmarks: two-party calls built from real speech clips (callbuilder)."""
