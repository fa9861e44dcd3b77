"""What an agency's IT officer watches: /healthz, /metrics, and one JSON log line per request
with the id a user can quote (web.health, web.observability, cases.core.metrics)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from tests.web.web_helpers import login, opening
from web import app as web_app


def _sample(text: str, name: str, **labels: str) -> float:
    """One sample's value in Prometheus' text format (0 when absent)."""
    want = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        got_name, _, got_labels = key.partition("{")
        pairs = ",".join(sorted(p for p in got_labels.rstrip("}").split(",") if p))
        if got_name == name and pairs == want:
            return float(value)
    return 0.0


def test_metrics_count_steps_by_process_and_outcome_and_read_the_database(
    client: TestClient, token: Any
) -> None:
    """A scraper with an administrator's token sees the step counter move by one for a
    step taken and for a step refused (by its status), and the open cases and the chain
    as the database holds them."""
    admin = token("admin")
    before = client.get("/metrics", headers=admin)
    assert before.status_code == 200 and before.headers["content-type"].startswith("text/plain")
    taken = _sample(before.text, "drukflow_steps_total", process="disciplinary", outcome="200")
    refused = _sample(before.text, "drukflow_steps_total", process="disciplinary", outcome="403")

    hr = token("hr")
    opened = client.post("/api/cases", json=opening(), headers=hr)
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    # The investigator may not decide on the complaint: refused for authority, 403.
    no = client.post(
        f"/api/cases/{case_id}/actions/dismiss_complaint",
        json={"fields": {"reasons": "no case"}, "version": opened.json()["version"]},
        headers=token("investigator"),
    )
    assert no.status_code == 403, no.text

    after = client.get("/metrics", headers=admin).text
    assert (
        _sample(after, "drukflow_steps_total", process="disciplinary", outcome="200") == taken + 1
    )
    assert (
        _sample(after, "drukflow_steps_total", process="disciplinary", outcome="403") == refused + 1
    )
    assert _sample(after, "drukflow_step_seconds_count", process="disciplinary") >= 2
    state = opened.json()["state"]
    assert _sample(after, "drukflow_open_cases", process="disciplinary", state=state) == 1
    assert _sample(after, "drukflow_audit_events") >= 1
    assert 'drukflow_deadlines{status="armed"} ' in after
    assert 'drukflow_deadlines{status="armed_past_due"} ' in after


def test_metrics_are_for_administrators_only(client: TestClient, token: Any) -> None:
    anonymous = client.get("/metrics", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/login"
    refused = client.get("/metrics", headers=token("hr"))
    assert refused.status_code == 403 and "administrators" in refused.json()["detail"]


def test_healthz_names_the_failing_part(db_url: str, clock: Any, world: Any) -> None:
    """A worker that runs the sweeper is failing once no sweep has completed for two
    minutes, and well again after one; a database that does not answer fails it too."""
    app = web_app.create_app(db_url, clock=clock, run_sweeper=True)
    client = TestClient(app)  # no lifespan: the sweep runs only when the test says
    first = client.get("/healthz")
    assert first.status_code == 200 and first.json()["sweeper"] == "starting"
    clock.advance(hours=0.05)  # three minutes
    stale = client.get("/healthz")
    assert stale.status_code == 503
    assert stale.json()["failing"] == ["sweeper"] and stale.json()["database"] == "ok"

    asyncio.run(web_app.sweep_once(app))
    assert client.get("/healthz").status_code == 200
    clock.advance(hours=0.05)
    assert client.get("/healthz").json()["failing"] == ["sweeper"]

    asyncio.run(web_app.sweep_once(app))
    app.state.engine = create_engine("sqlite:////nonexistent-dir/drukflow.db")
    down = client.get("/healthz")
    assert down.status_code == 503 and down.json()["failing"] == ["database"]
    assert down.json()["database"].startswith("failing: ")


def test_a_worker_without_its_sweeper_is_not_failed_for_it(client: TestClient) -> None:
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["sweeper"].startswith("off in this worker")


def test_each_request_gets_an_id_in_its_header_its_log_line_and_its_error_page(
    client: TestClient, token: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """The id is echoed (a proxy's plain id is kept, anything else replaced), written on the
    request's one log line with user, route, status and duration, and shown on an error
    page for the user to quote."""
    caplog.set_level(logging.INFO, logger="drukflow.access")
    kept = client.get("/api/cases/999999", headers={**token("hr"), "X-Request-ID": "abc-123"})
    assert kept.status_code == 404 and kept.headers["X-Request-ID"] == "abc-123"
    line = next(r for r in caplog.records if getattr(r, "request_id", "") == "abc-123")
    assert (line.user, line.route, line.status) == ("hr", "/api/cases/{case_id}", 404)
    assert line.duration_ms >= 0

    from web.observability import JsonFormatter

    parsed = json.loads(JsonFormatter().format(line))
    assert parsed["request_id"] == "abc-123" and parsed["level"] == "info"

    forged = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert re.fullmatch(r"[0-9a-f]{16}", forged.headers["X-Request-ID"])

    login(client, "hr")
    page = client.get("/cases/999999")
    assert page.status_code == 404 and page.headers["X-Request-ID"] in page.text


def test_an_unexpected_fault_answers_500_with_the_reference_to_quote(
    db_url: str, clock: Any, world: Any, token: Any
) -> None:
    app = web_app.create_app(db_url, clock=clock, run_sweeper=False)

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("a fault")

    @app.get("/api/_fault", include_in_schema=False)
    def fault() -> None:
        broken()

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/api/_fault", headers=token("hr"))
    assert answer.status_code == 500
    rid = answer.headers["X-Request-ID"]
    assert rid and rid in answer.json()["detail"]


def test_with_several_workers_metrics_add_up_every_workers_counts(
    db_url: str, tmp_path: Any
) -> None:
    """PROMETHEUS_MULTIPROC_DIR set before the workers start: two worker processes count
    their steps in files there, and one scrape adds them up."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    shared = tmp_path / "metrics"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    root = Path(__file__).resolve().parents[2]
    worker = "from cases.core import metrics; metrics.step('eol', 200, 0.01)"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", worker], env=env, cwd=root, check=True)
    scrape = (
        "import sys, datetime\n"
        "from cases.core.db import engine_for\n"
        "from web.health import exposition\n"
        "sys.stdout.write(exposition(engine_for(sys.argv[1]), datetime.date(2026, 12, 14))"
        ".decode())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", scrape, db_url],
        env=env,
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert _sample(out, "drukflow_steps_total", process="eol", outcome="200") == 2
    assert _sample(out, "drukflow_step_seconds_count", process="eol") == 2
