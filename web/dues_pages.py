"""The record page's form for the office order for repayment of a due a separation left
(BCSR 2023 7.7.7.5: the 90 days to pay run "from the issuance of the office order for
repayment"), so an HR officer records it without the API. It calls the one writer the API
calls (cases.people.repayment): the same authority check (16.3.3) and audit event."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from cases.core import queries, service
from cases.core.models import ServiceEntry
from cases.people import register, repayment
from web.deps import CsrfChecked, CurrentViewer, Viewer, now, tx
from web.forms import form_to_fields
from web.pages import render
from web.params import MAX_ROW_ID
from workflows.context import Refusal, Refused

router = APIRouter(include_in_schema=False)

EntryId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the due's history line")]
STATUS = {"authority": 403, "state": 409}  # a bad field: 422


def _ctx(
    request: Request,
    viewer: Viewer,
    eid: str,
    entry_id: int,
    errors: list[Refusal] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    with tx(request) as s:
        cs = queries.servant_for(s, viewer.actor, eid)
        row = s.get(ServiceEntry, entry_id)
        if cs is None or row is None or row.eid != eid or row.kind != "due":
            raise service.NotFound(f"no due {entry_id} of {eid}")
        may_record = not register.may_change(viewer.actor, cs.agency_code, set())
        return {
            "cs": cs,
            "due": row,
            "details": json.loads(row.details or "{}"),
            "awaits_order": repayment.awaits_order(row),
            "may_record": may_record,
            "fields": repayment.FIELDS,
            "cite": repayment.CITE,
            "errors": errors or [],
            "values": values or {},
        }


@router.get("/servants/{eid}/dues/{entry_id}/repayment-order", name="repayment_order_form")
def repayment_order_form(
    request: Request, eid: str, entry_id: EntryId, viewer: CurrentViewer
) -> Response:
    return render(request, "pages/repayment_order.html", _ctx(request, viewer, eid, entry_id))


@router.post("/servants/{eid}/dues/{entry_id}/repayment-order", name="repayment_order_record")
async def repayment_order_record(
    request: Request, eid: str, entry_id: EntryId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    """7.7.7.5: record the order; the due is then payable by the 90th day after it. A
    refusal is shown on the form, naming the field and the section; nothing is written."""
    form = form_to_fields(await request.form())
    try:
        with tx(request) as s:
            if queries.servant_for(s, viewer.actor, eid) is None:
                raise service.NotFound(f"no civil servant {eid}")
            try:
                repayment.record_repayment_order(s, eid, entry_id, form, viewer.actor, now(request))
            except LookupError as exc:
                raise service.NotFound(str(exc)) from None
    except Refused as exc:
        ctx = _ctx(request, viewer, eid, entry_id, exc.refusals, form)
        return render(request, "pages/repayment_order.html", ctx, STATUS.get(exc.kind, 422))
    url = request.url_for("servant", eid=eid).include_query_params(saved="repayment")
    return RedirectResponse(str(url), status_code=303)
