"""Benchmarks: each prints its figures, headline last; run them with ``python3 dev.py bench``."""
