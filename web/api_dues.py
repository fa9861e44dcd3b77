"""The JSON API of dues a separation left: recording the office order for repayment
(BCSR 2023 7.7.7.5), from which the 90 days to pay are counted."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from cases.core import service
from cases.people import repayment
from web.api import _servant
from web.deps import CurrentViewer, now, tx
from web.params import MAX_ROW_ID

router = APIRouter(prefix="/api", tags=["api"])


class RepaymentOrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    order_no: str = Field(max_length=200, description="office order for repayment, number")
    issued_on: str = Field(max_length=10, description="issued on (YYYY-MM-DD)")


@router.post("/employees/{eid}/dues/{entry_id}/repayment-order")
def record_repayment_order(
    request: Request,
    eid: str,
    entry_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the due's history line")],
    body: RepaymentOrderIn,
    viewer: CurrentViewer,
) -> dict[str, Any]:
    """7.7.7.5: the LTT financial obligation is payable within 90 days of the office order
    for repayment; returns the last day to pay."""
    _servant(request, viewer, eid)
    with tx(request) as s:
        try:
            due = repayment.record_repayment_order(
                s, eid, entry_id, body.model_dump(), viewer.actor, now(request)
            )
        except LookupError as exc:
            raise service.NotFound(str(exc)) from None
    return {
        "eid": eid,
        "entry_id": entry_id,
        "order_no": body.order_no,
        "issued_on": body.issued_on,
        "payable_by": due.isoformat() if due else None,
        "cite": "7.7.7.5",
    }
