"""The due-process report an appellate authority reviews (BCSR 19.12.3): a printable page, a
PDF and JSON, each carrying the audit chain head so a copy can be checked later with
``drukflow audit verify --head <hash>``. Who may read it is decided in cases.review.due_process."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cases.core import queries, service
from cases.review import due_process
from cases.review.due_process_lines import Report
from web.deps import CurrentViewer, now, tx
from web.pages import render
from web.params import CaseId

router = APIRouter()


def _report(request: Request, viewer: CurrentViewer, case_id: int) -> Report:
    with tx(request) as s:
        return due_process.report_for(s, viewer.actor, case_id, now(request))


def _pdf(report: Report) -> Response:
    return Response(
        due_process.pdf(report),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f"attachment; filename={due_process.pdf_filename(report)}",
            "X-Audit-Head": report.chain.head_hash,
        },
    )


@router.get("/cases/{case_id}/due-process", name="due_process_page", include_in_schema=False)
def due_process_page(request: Request, case_id: CaseId, viewer: CurrentViewer) -> Response:
    return render(request, "pages/due_process.html", {"report": _report(request, viewer, case_id)})


@router.get(
    "/cases/{case_id}/due-process/summary", name="due_process_summary", include_in_schema=False
)
def due_process_summary(request: Request, case_id: CaseId, viewer: CurrentViewer) -> Response:
    """The case page's due-process panel, loaded after the page and again on each change;
    empty for a viewer who does not review the case."""
    with tx(request) as s:
        case = queries.can_see(s, viewer.actor, case_id)
        if case is None:
            raise service.NotFound(f"case {case_id} not found")
        report = due_process.for_viewer(s, case, viewer.actor, now(request))
    ctx = {"due_process": report, "case": case}
    return render(request, "partials/case_due_process.html", ctx)


@router.get("/cases/{case_id}/due-process.pdf", name="due_process_pdf", include_in_schema=False)
def due_process_pdf(request: Request, case_id: CaseId, viewer: CurrentViewer) -> Response:
    return _pdf(_report(request, viewer, case_id))


@router.get(
    "/api/cases/{case_id}/due-process",
    name="api_due_process",
    include_in_schema=True,
    tags=["api"],
    summary="Due-process report of a case (BCSR 19.12.3)",
)
def api_due_process(request: Request, case_id: CaseId, viewer: CurrentViewer) -> dict[str, Any]:
    """Each step the rules require with its required and actual date and the result, the
    committee at each decision, recusals, and the audit chain head at generation."""
    return due_process.as_json(_report(request, viewer, case_id))


@router.get(
    "/api/cases/{case_id}/due-process.pdf",
    name="api_due_process_pdf",
    include_in_schema=True,
    tags=["api"],
    summary="Due-process report of a case as PDF (BCSR 19.12.3)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def api_due_process_pdf(request: Request, case_id: CaseId, viewer: CurrentViewer) -> Response:
    return _pdf(_report(request, viewer, case_id))
