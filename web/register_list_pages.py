"""The register as a list: /servants (searched by name or employee ID) and its CSV
import. One civil servant's record, its edits and history are web.register_pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlmodel import select

from cases.core import queries
from cases.core.db import reading
from cases.core.models import CivilServant
from cases.people import register, register_import, register_reads
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.pages import raise_refusal, render
from web.request_checks import MB
from workflows import roles as R

router = APIRouter(include_in_schema=False)

# A register file of every civil servant (about 30,000 rows) with its history columns.
REGISTER_UPLOAD_LIMIT = 20 * MB


@router.get("/servants", name="servants")
def servants(request: Request, viewer: CurrentViewer, q: str = "") -> Response:
    with tx(request) as s:
        stmt = (
            select(CivilServant)
            .where(queries.servant_visibility(viewer.actor))
            .order_by(CivilServant.name)
        )
        if q:
            stmt = stmt.where(register_reads.servant_matches(q))
        rows = s.exec(stmt.limit(200)).all()
    return render(request, "pages/servants.html", {"servants": rows, "q": q, "result": None})


@router.post("/servants/import", name="servants_import", max_body_size=REGISTER_UPLOAD_LIMIT)
async def servants_import(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    """A CSV file of register rows, with the edit form's authority (register.may_change):
    all lines or none. A refused file's page shows its own lines and problems only, never
    the register (its rows may be other agencies')."""
    if R.HR_OFFICER not in viewer.actor.roles and not register.is_rcsc(viewer.actor):
        raise_refusal("only an HR officer or the RCSC may import the register", "16.3.3")
    async with request.form() as form:  # closes the upload's temporary file
        upload = form.get("file")
        data = await upload.read() if hasattr(upload, "read") else b""
    engine = request.app.state.engine
    result = await run_in_threadpool(
        register_import.import_csv, engine, data, viewer.actor, now(request)
    )
    rows: list[CivilServant] = []
    if not result.errors:
        with reading(engine) as s:
            stmt = select(CivilServant).where(queries.servant_visibility(viewer.actor))
            rows = list(s.exec(stmt.order_by(CivilServant.name).limit(200)).all())
    return render(
        request,
        "pages/servants.html",
        {"servants": rows, "q": "", "result": result},
        422 if result.errors else 200,
    )
