"""Penalty consistency (BCSR 19.12.1) as a page with share bars, a CSV and JSON: thin routes
over cases.review.penalty_consistency, which decides who sees which case named."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from cases.people import csv_cells
from cases.review import penalty_consistency as pc
from web.deps import CurrentViewer, now, tx
from web.pages import render
from web.params import MAX_YEAR, MIN_YEAR
from workflows import offences

router = APIRouter()

AgencyCode = Annotated[str, Query(max_length=32, pattern=r"^[A-Za-z0-9_-]*$")]
YearFrom = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="from this year")]
YearTo = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="to this year")]
OffenceNo = Annotated[
    int | None, Query(ge=1, le=len(offences.OFFENCES), description="a Schedule 19/A row")
]


def penalty_filters(
    agency: AgencyCode = "",
    year_from: YearFrom = None,
    year_to: YearTo = None,
    offence: OffenceNo = None,
) -> dict[str, Any]:
    """The table's filters, the same on the page, its CSV and the API (pc.table's keywords)."""
    return {"agency": agency, "year_from": year_from, "year_to": year_to, "offence": offence}


PenaltyFilters = Annotated[dict[str, Any], Depends(penalty_filters)]


def _lines(request: Request, viewer: Any, filters: dict[str, Any]) -> list[pc.OffenceLine]:
    with tx(request) as s:
        return pc.table(s, viewer.actor, **filters)


@router.get("/oversight/penalties", name="penalties", include_in_schema=False)
def penalties_page(request: Request, viewer: CurrentViewer, filters: PenaltyFilters) -> Response:
    lines = _lines(request, viewer, filters)
    ctx = {
        "lines": lines,
        "filters": filters,
        "named_all": pc.names_all(viewer.actor),
        "penalty_label": lambda c: (
            offences.PENALTY_BY_CODE[c].label if c in offences.PENALTY_BY_CODE else c
        ),
        "cite": pc.CITE,
    }
    return render(request, "pages/penalties.html", ctx)


@router.get("/oversight/penalties.csv", name="penalties_csv", include_in_schema=False)
def penalties_csv(request: Request, viewer: CurrentViewer, filters: PenaltyFilters) -> Response:
    lines = _lines(request, viewer, filters)
    name = "penalty-consistency-" + now(request).strftime("%Y%m%d") + ".csv"
    return Response(
        csv_cells.write_csv([pc.CSV_HEADER, *pc.csv_rows(lines)]),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/oversight/penalties", tags=["api"])
def penalties_api(
    request: Request, viewer: CurrentViewer, filters: PenaltyFilters
) -> dict[str, Any]:
    """Per offence of Schedule 19/A: the penalties decided (counts and shares), how many
    were revoked on appeal, the appellate outcomes, and each decision (case named for the
    RCSC, appellate bodies and administrators, and for a committee its own agency's; other
    agencies' counted only). BCSR 19.12.1."""
    lines = _lines(request, viewer, filters)
    return {
        "cite": pc.CITE,
        "offences": [
            {
                "offence": line.offence,
                "nature": line.nature,
                "classification": line.classification,
                "decided": line.total,
                "penalties": {
                    c: {"count": n, "share": round(line.share(c), 4)}
                    for c, n in line.penalties.most_common()
                },
                "revoked_on_appeal": line.revoked,
                "appealed": line.appealed,
                "appeal_outcomes": dict(line.appeal_outcomes),
                "decisions": [d.__dict__ for d in line.decided],
            }
            for line in lines
        ],
    }
