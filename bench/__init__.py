"""Benchmarks of issue 10 (`make bench`, docs/benchmarks.md); not part of the test suite."""
