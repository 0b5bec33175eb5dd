"""Benchmarks on PostgreSQL with a city of a million members (see docs/benchmarks.md).

``bench.scale`` builds the large data set; ``bench.run`` (``make bench``) measures the pages.
"""
