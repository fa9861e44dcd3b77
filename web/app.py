"""The drukflow web application: pages for people, /api for programs, one sweep timer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from cases.core import db, file_store, metrics, timers
from cases.inbox import mailer
from cases.people import auth
from cases.review import case_file
from web import (
    api,
    api_committees,
    api_docs,
    api_dues,
    api_processes,
    api_search,
    calendar_pages,
    case_file_pages,
    case_pages,
    committee_pages,
    document_pages,
    dues_pages,
    errors,
    health,
    idempotency,
    inbox_pages,
    login_pages,
    observability,
    oversight_pages,
    pages,
    penalty_pages,
    process_pages,
    register_list_pages,
    register_pages,
    review_pages,
    security_headers,
    security_pages,
    templating,
)

log = logging.getLogger("drukflow.web")
STATIC = Path(__file__).parent / "static"
SWEEP_EVERY_SECONDS = 60


def system_clock() -> datetime:
    return datetime.now(UTC)


def create_app(
    database_url: str | None = None,
    clock: Callable[[], datetime] | None = None,
    run_sweeper: bool = True,
) -> FastAPI:
    url = database_url or db.database_url()
    db.upgrade(url)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(_sweeper(app)) if run_sweeper else None
        yield
        if task:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="drukflow",
        version="0.1.0",
        lifespan=lifespan,
        description="BCSR 2023 HR processes as audited state machines.",
        docs_url=None,  # web/api_docs.py serves /docs from the app's own files
        redoc_url=None,
    )
    app.state.engine = db.engine_for(url)
    app.state.clock = clock or system_clock
    # /healthz expects a sweep every minute from a worker that runs the sweeper.
    app.state.sweeper_since = app.state.clock() if run_sweeper else None
    app.state.swept_at = None
    app.state.file_store = file_store.store_for(url)  # the case file's papers
    app.state.file_limits = case_file.Limits.from_env()
    app.state.session_policy = auth.SessionPolicy.from_env()
    app.state.templates = templating.make_templates()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """Pages link /static/favicon.svg; this answers clients that ask by the old name."""
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    # The API first: a route is found by trying each in turn, and every /api path is
    # matched only by these (they cannot shadow a page), so an API call skips the pages'.
    app.include_router(api.router)
    app.include_router(api_processes.router)
    app.include_router(api_dues.router)
    app.include_router(api_search.router)
    app.include_router(api_committees.router)
    app.include_router(pages.router)
    app.include_router(login_pages.router)
    app.include_router(case_pages.router)
    app.include_router(register_list_pages.router)
    app.include_router(calendar_pages.router)
    app.include_router(health.router)
    app.include_router(process_pages.router)
    app.include_router(register_pages.router)
    app.include_router(dues_pages.router)
    app.include_router(review_pages.router)
    app.include_router(oversight_pages.router)
    app.include_router(penalty_pages.router)
    app.include_router(document_pages.router)
    app.include_router(case_file_pages.router)
    app.include_router(inbox_pages.router)
    app.include_router(committee_pages.router)
    security_pages.install(app)
    errors.install(app)
    case_file_pages.install(app)
    api_docs.install(app)
    security_headers.install(app)
    observability.install(app)  # outermost: the request id exists before all else
    return app


def _forget_old_answers(app: FastAPI) -> None:
    """Idempotency answers are kept a day (web/idempotency.py): a client retries within
    minutes, and the table should not grow with every request ever made."""
    with db.transaction(app.state.engine) as s:
        idempotency.purge(s, app.state.clock())


async def _sweeper(app: FastAPI) -> None:
    """Every minute, ``sweep_once``."""
    while True:
        await sweep_once(app)
        await asyncio.sleep(SWEEP_EVERY_SECONDS)


async def sweep_once(app: FastAPI) -> None:
    """Mark missed deadlines and fire their timeouts (cases.core.timers), then send the
    inbox's queued e-mails when SMTP is configured (cases.inbox.mailer), outside any
    transaction. Counted for /metrics; /healthz reads when it last completed."""
    try:
        report = await asyncio.to_thread(timers.sweep, app.state.engine, app.state.clock())
        metrics.DEADLINES_MISSED.inc(len(report.missed))
        metrics.DEADLINES_FIRED.inc(len(report.fired))
        if report.missed:
            log.info("sweep: %d missed, %d fired", len(report.missed), len(report.fired))
        await asyncio.to_thread(_forget_old_answers, app)
        # The minute's counts of refused API tokens (cases.people.security_log.TokenRefusals).
        await asyncio.to_thread(app.state.token_refusals.flush, app.state.engine, app.state.clock())
        done = app.state.clock()
        app.state.swept_at = done
        metrics.SWEEPS.labels(result="ok").inc()
        metrics.SWEEP_LAST_RUN.set(done.timestamp())
    except Exception:  # the sweeper must outlive one bad run; the next minute retries
        metrics.SWEEPS.labels(result="failed").inc()
        log.exception("deadline sweep failed")
    smtp = mailer.settings_from_env()
    if smtp is not None:
        try:
            sent = await asyncio.to_thread(
                mailer.deliver_pending, app.state.engine, smtp, app.state.clock()
            )
            metrics.EMAILS.labels(result="sent").inc(len(sent.sent))
            metrics.EMAILS.labels(result="failed").inc(len(sent.failed))
            if sent.sent or sent.failed:
                log.info("e-mail: %d sent, %d failed", len(sent.sent), len(sent.failed))
        except Exception:  # e.g. the database is busy; the e-mails stay pending
            log.exception("e-mail delivery failed")
