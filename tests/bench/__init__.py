"""Tests of the benchmark scripts' own logic (reports, readings), not of the figures they print."""
