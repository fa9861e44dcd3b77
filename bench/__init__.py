"""drukflow's benchmark: does the cost of a request grow with the work it does, or with the
size of the database? ``python -m bench`` builds its own data, serves it with uvicorn and
prints one table of medians and ratios (issue 6). It is a script that prints numbers, not a
timed test; tests/cases/test_bench_smoke.py runs it with tiny sizes so it cannot rot.
"""
