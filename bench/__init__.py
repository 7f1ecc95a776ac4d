"""Performance benchmark: the harness (`make bench`) and, with BENCH_BASELINE=1, the baseline app.

The baseline views measure what Django and PostgreSQL do on this machine at this moment, so every
figure the harness reports is a ratio to them. The app is never installed unless BENCH_BASELINE=1.
"""
