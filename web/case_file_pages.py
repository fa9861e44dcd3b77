"""The case file over HTTP: add a paper (page form or API), list them, download one.

Thin routes over cases.review.case_file. A download is the stored bytes, whose SHA-256 the
audit event of the addition carries (also sent as ``X-Paper-SHA256``), always as an
attachment with the type read from its content and ``nosniff``: a browser never renders
an uploaded file as a page of drukflow's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from cases.core import queries, service
from cases.core.db import transaction
from cases.review import case_file
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.error_body import api_error
from web.pages import message_page
from web.params import CaseId, PaperId
from workflows.context import Refusal, Refused

router = APIRouter()
# The request may carry one paper at the largest size allowed, and the form around it.
UPLOAD_LIMIT = case_file.Limits.from_env().per_file + case_file.MB


def filing(request: Request) -> case_file.StepPapers:
    """What files a step's papers (its file fields) on the case file, in the step's
    transaction: the app's store and limits (service.fire's ``filing``)."""
    return case_file.StepPapers(request.app.state.file_store, request.app.state.file_limits)


async def _upload(request: Request) -> dict[str, Any]:
    async with request.form() as form:  # closes the upload's temporary file
        upload = form.get("file")
        data = await upload.read() if hasattr(upload, "read") else b""
        name = getattr(upload, "filename", "") or ""
        supersedes = str(form.get("supersedes") or "").strip()
        if supersedes and not (supersedes.isdigit() and 0 < int(supersedes) < 2**31):
            raise Refused(
                [Refusal("field", "", f"supersedes: '{supersedes[:20]}' is no paper", "supersedes")]
            )
        return {
            "name": name,
            "data": data,
            "kind": str(form.get("kind") or ""),
            "confidential": str(form.get("confidential") or ""),
            "supersedes": int(supersedes) if supersedes else None,
        }


def _add(request: Request, viewer: Any, case_id: int, given: dict[str, Any]) -> Any:
    with transaction(request.app.state.engine) as s:
        added = case_file.add(
            s,
            request.app.state.file_store,
            case_id,
            viewer.actor,
            now=now(request),
            limits=request.app.state.file_limits,
            **given,
        )
        return added


@router.post(
    "/cases/{case_id}/files",
    name="case_file_add",
    include_in_schema=False,
    max_body_size=UPLOAD_LIMIT,
)
async def add_page(
    request: Request, case_id: CaseId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    given = await _upload(request)
    added = await run_in_threadpool(_add, request, viewer, case_id, given)
    url = request.url_for("case", case_id=case_id).include_query_params(added=added.paper.id)
    return RedirectResponse(f"{url}#case-file", status_code=303)


@router.get("/cases/{case_id}/files/{paper_id}", name="case_file_download", include_in_schema=False)
def download_page(
    request: Request, case_id: CaseId, paper_id: PaperId, viewer: CurrentViewer
) -> Response:
    return _download(request, viewer, case_id, paper_id)


def _download(request: Request, viewer: Any, case_id: int, paper_id: int) -> Response:
    with tx(request) as s:
        paper = case_file.readable(s, case_id, paper_id, viewer.actor)
    try:
        data = request.app.state.file_store.read(paper.sha256)
    except FileNotFoundError:
        detail = (
            f"the stored file of paper {paper_id} is missing: tell an administrator "
            "(drukflow audit verify --files)"
        )
        if request.url.path.startswith("/api/"):
            return api_error(410, detail)
        return message_page(request, 410, "Missing", detail)
    return Response(
        data,
        media_type=paper.media_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(paper.name)}",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
            "Cache-Control": "private, no-store",
            "X-Paper-SHA256": paper.sha256,
        },
    )


def _paper_json(shown: case_file.Shown) -> dict[str, Any]:
    p = shown.paper
    return {
        "id": p.id,
        "name": p.name,
        "kind": p.kind,
        "kind_label": shown.kind_label,
        "size": p.size,
        "media_type": p.media_type,
        "sha256": p.sha256,
        "confidential": p.confidential,
        "supersedes": p.supersedes_id,
        "superseded_by": shown.superseded_by,
        "added_by": p.added_by,
        "added_at": p.added_at.isoformat(),
        "audit_seq": p.audit_seq,
    }


@router.get("/api/cases/{case_id}/files", tags=["cases"])
def api_list(request: Request, case_id: CaseId, viewer: CurrentViewer) -> dict[str, Any]:
    """The papers on the case's file that you may read (withheld and deliberation papers
    only for their readers), oldest first."""
    with tx(request) as s:
        case = queries.can_see(s, viewer.actor, case_id)
        if case is None:
            raise service.NotFound(f"case {case_id} not found")
        shown = case_file.papers(s, case, viewer.actor)
    return {"files": [_paper_json(p) for p in shown]}


@router.post(
    "/api/cases/{case_id}/files",
    tags=["cases"],
    status_code=201,
    max_body_size=UPLOAD_LIMIT,
)
async def api_add(request: Request, case_id: CaseId, viewer: CurrentViewer) -> dict[str, Any]:
    """Add a paper: multipart form with ``file``, ``kind``, ``confidential`` ("" open,
    "19.8.2.2(xi)" withheld from the respondent, "3.2.16" deliberation) and optionally
    ``supersedes`` (the paper it corrects). 413 over the size limits, 422 for a type not
    taken (PDF, PNG, JPEG, DOCX, ODT, plain text: read from the content)."""
    given = await _upload(request)
    added = await run_in_threadpool(_add, request, viewer, case_id, given)
    shown = case_file.Shown(added.paper, case_file.rules.BY_KEY[added.paper.kind].label, None)
    return {"file": _paper_json(shown), "event": {"seq": added.event.seq, "hash": added.event.hash}}


@router.get("/api/cases/{case_id}/files/{paper_id}", tags=["cases"])
def api_download(
    request: Request, case_id: CaseId, paper_id: PaperId, viewer: CurrentViewer
) -> Response:
    """The paper's stored bytes (``X-Paper-SHA256`` is their hash, as in the audit event)."""
    return _download(request, viewer, case_id, paper_id)


def install(app: FastAPI) -> None:
    @app.exception_handler(case_file.TooLarge)
    async def too_large(request: Request, exc: case_file.TooLarge) -> Response:
        if request.url.path.startswith("/api/"):
            return api_error(413, str(exc), field="file", limit=exc.limit)
        return message_page(request, 413, "Too large", str(exc))
