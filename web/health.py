"""Is drukflow well, and how busy is it: ``/healthz`` for a load balancer or a monitor's
ping, ``/metrics`` for Prometheus.

``/healthz`` answers 503 naming the part that failed: the database does not answer, or the
minute sweep (which marks missed deadlines and fires their timeouts, BCSR chapter 19's
turnaround times among them) has not completed for more than two minutes. A worker run
without its sweeper (``create_app(run_sweeper=False)``, when ``drukflow tick`` sweeps
instead) says so and is not failed for it.

``/metrics`` is for administrators (a session, or a bearer token from ``drukflow token``
for the scraper): the counters of cases.core.metrics, and what is read from the database
at the scrape (open cases by process and state, the audit chain's length, deadlines
armed and overdue).
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy.engine import Engine

from cases.core.db import reading
from web.deps import Viewer, current_viewer
from web.error_body import api_error
from workflows import roles as R
from workflows.calendar import bhutan_today

router = APIRouter()
SWEEP_STALE_AFTER = timedelta(minutes=2)


@router.get("/healthz", include_in_schema=False)
def healthz(request: Request) -> JSONResponse:
    state = request.app.state
    parts: dict[str, str] = {}
    try:
        with state.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        parts["database"] = "ok"
    except sa.exc.SQLAlchemyError as e:
        first = str(getattr(e, "orig", None) or e).splitlines()[0]
        parts["database"] = f"failing: {first}"
    parts["sweeper"] = _sweeper(state)
    failing = [name for name, said in parts.items() if said.startswith("failing")]
    body = {"status": "failing" if failing else "ok", "failing": failing, **parts}
    return JSONResponse(body, status_code=503 if failing else 200)


def _sweeper(state: Any) -> str:
    since = getattr(state, "sweeper_since", None)
    if since is None:
        return "off in this worker (sweep with drukflow tick)"
    now = state.clock()
    last = getattr(state, "swept_at", None)
    if last is None:
        if now - since <= SWEEP_STALE_AFTER:
            return "starting"
        return f"failing: no sweep has completed since the worker started at {since:%H:%M:%S}"
    if now - last > SWEEP_STALE_AFTER:
        ago = int((now - last).total_seconds())
        return f"failing: the last sweep completed {ago} s ago (more than 2 minutes)"
    return f"ok: last completed {int((now - last).total_seconds())} s ago"


class DatabaseFigures:
    """Read at each scrape: what no counter can know after a restart."""

    def __init__(self, engine: Engine, today: Any) -> None:
        self.engine = engine
        self.today = today

    def collect(self) -> Any:
        open_cases = GaugeMetricFamily(
            "drukflow_open_cases",
            "Cases not yet closed, by process and state.",
            labels=["process", "state"],
        )
        deadlines = GaugeMetricFamily(
            "drukflow_deadlines",
            "Deadlines armed (running), and armed but already due (the sweep has yet to "
            "mark them missed: its lag).",
            labels=["status"],
        )
        with reading(self.engine) as s:
            conn = s.connection()
            for process, state, n in conn.exec_driver_sql(
                'SELECT process, state, count(*) FROM "case" WHERE closed_at IS NULL '
                "GROUP BY process, state"
            ):
                open_cases.add_metric([process, state], n)
            chain = conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM audit_event")
            events = chain.scalar_one()
            armed, due = conn.execute(
                sa.text(
                    "SELECT count(*), coalesce(sum(CASE WHEN due_on < :today THEN 1 ELSE 0 "
                    "END), 0) FROM deadline WHERE status = 'armed'"
                ),
                {"today": self.today},
            ).one()
        deadlines.add_metric(["armed"], armed)
        deadlines.add_metric(["armed_past_due"], due)
        yield open_cases
        yield deadlines
        yield GaugeMetricFamily(
            "drukflow_audit_events", "Events in the audit chain (its length).", value=events
        )


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, viewer: Annotated[Viewer, Depends(current_viewer)]) -> Response:
    if R.ADMIN not in viewer.actor.roles:
        return api_error(403, "metrics are for administrators")
    today = bhutan_today(request.app.state.clock())
    return Response(exposition(request.app.state.engine, today), media_type=CONTENT_TYPE_LATEST)


def exposition(engine: Engine, today: Any) -> bytes:
    """The counters (every worker's, added up, under PROMETHEUS_MULTIPROC_DIR) and the
    figures read from the database now, in Prometheus' text format."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(DatabaseFigures(engine, today))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counters = CollectorRegistry()
        multiprocess.MultiProcessCollector(counters)  # every worker's files, added up
    else:
        counters = REGISTRY
    return generate_latest(counters) + generate_latest(scrape)
