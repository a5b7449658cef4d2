"""Benchmarks: how fast the project's own work runs on generated data, measured against the tools it replaces."""
