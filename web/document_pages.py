"""Letters and orders of a case: issue one, read it as printable HTML, download its PDF.

Thin routes over cases.review.documents. What is served is always the stored HTML and PDF, the very
bytes whose SHA-256 the audit event of the issue carries (never rendered again on a view).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cases.core import queries, service
from cases.review import documents
from web import security_headers
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.pages import is_htmx, render
from web.params import CaseId, DocId

router = APIRouter()

# A letter names a civil servant and their case: kept out of shared caches.
PRIVATE = {"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"}


@router.post("/cases/{case_id}/documents/{kind}", name="issue_document", include_in_schema=False)
def issue_document(
    request: Request, case_id: CaseId, kind: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    with tx(request) as s:
        doc = documents.issue(s, case_id, kind, viewer.actor, now=now(request))
        doc_id = doc.id
    if is_htmx(request):
        return render(
            request,
            "partials/case_documents.html",
            _panel(request, viewer, case_id, f"Issued: {doc.title}, ref. {doc.reference}."),
            headers={"HX-Trigger": "case-changed"},
        )
    return RedirectResponse(
        request.url_for("case_document", case_id=case_id, doc_id=doc_id), status_code=303
    )


def _panel(request: Request, viewer: Any, case_id: int, flash: str) -> dict[str, Any]:
    with tx(request) as s:
        case = queries.can_see(s, viewer.actor, case_id)
        if case is None:
            raise service.NotFound(f"case {case_id} not found")
        panel = documents.for_viewer(s, case, viewer.actor, now(request))
    return {"case": case, "documents": panel, "documents_flash": flash}


@router.get(
    "/cases/{case_id}/documents/{doc_id}.pdf",
    name="case_document_pdf",
    include_in_schema=False,
)
def document_pdf(
    request: Request, case_id: CaseId, doc_id: DocId, viewer: CurrentViewer
) -> Response:
    with tx(request) as s:
        doc = documents.visible_document(s, viewer.actor, case_id, doc_id)
    name = f"case-{case_id}-{doc.kind}-{doc.id}.pdf"
    return Response(
        doc.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": f'"{doc.sha256}"',
            **PRIVATE,
        },
    )


@router.get("/cases/{case_id}/documents/{doc_id}", name="case_document", include_in_schema=False)
def document_html(
    request: Request, case_id: CaseId, doc_id: DocId, viewer: CurrentViewer
) -> Response:
    with tx(request) as s:
        doc = documents.visible_document(s, viewer.actor, case_id, doc_id)
    csp = {"Content-Security-Policy": security_headers.DOCUMENT_CSP}
    return HTMLResponse(doc.html, headers={**PRIVATE, **csp})


@router.get("/api/cases/{case_id}/documents", tags=["api"], name="api_case_documents")
def api_documents(request: Request, case_id: CaseId, viewer: CurrentViewer) -> list[dict[str, Any]]:
    """The letters and orders issued on a case, each with the SHA-256 of its PDF and the
    sequence number of the audit event that recorded its issue."""
    with tx(request) as s:
        if queries.can_see(s, viewer.actor, case_id) is None:
            raise service.NotFound(f"case {case_id} not found")
        rows = documents.listing(s, case_id)
    return [
        {
            **{k: v for k, v in row.items() if k != "issued_at"},
            "issued_at": row["issued_at"].isoformat(),
            "html_url": str(request.url_for("case_document", case_id=case_id, doc_id=row["id"])),
            "pdf_url": str(request.url_for("case_document_pdf", case_id=case_id, doc_id=row["id"])),
        }
        for row in rows
    ]
