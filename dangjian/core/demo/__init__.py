"""The demo city: a deterministic, realistic data set for demos, tests and benchmarks."""
