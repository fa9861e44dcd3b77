"""What an operator watches (Prometheus, through /metrics): steps taken and refused, how long
they take, what the minute sweep did, and the e-mail it sent.

The counters live here, in the core, because every write path (pages, API, import, CLI,
the sweep) takes its steps through ``service.fire``: counting there counts them all once.
Figures read from the database at scrape time (open cases, the chain's length, deadlines
due) are web.health's. With several web workers, set PROMETHEUS_MULTIPROC_DIR to an empty
directory before they start: prometheus_client then keeps each worker's figures in files
there and /metrics adds them up (its multiprocess mode).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

STEPS = Counter(
    "drukflow_steps",
    "Steps asked of a case, by process and outcome (the HTTP status they answer with).",
    ["process", "outcome"],
)
STEP_SECONDS = Histogram(
    "drukflow_step_seconds",
    "Time to check and apply one step, its effects, deadlines and audit event.",
    ["process"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
DEADLINES_MISSED = Counter("drukflow_deadlines_missed", "Deadlines the sweep found missed.")
DEADLINES_FIRED = Counter(
    "drukflow_deadlines_fired", "Timeout steps the sweep took on missed deadlines."
)
SWEEPS = Counter("drukflow_sweeps", "Runs of the minute sweep, by result.", ["result"])
SWEEP_LAST_RUN = Gauge(
    "drukflow_sweep_last_run_timestamp_seconds",
    "When a sweep last finished (Unix time); the lag is time() minus this.",
    multiprocess_mode="max",
)
EMAILS = Counter("drukflow_emails", "Notification e-mails, by result.", ["result"])


def step(process: str, outcome: int, seconds: float) -> None:
    STEPS.labels(process=process, outcome=str(outcome)).inc()
    STEP_SECONDS.labels(process=process).observe(seconds)
