"""Turnaround-time oversight for HRCs and the RCSC (BCSR 2.10.1, 2.9.1): the page, its CSV and
its JSON. The numbers come from cases.review.oversight; this module parses, renders and draws."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cases.people import csv_cells
from cases.review import oversight
from web.charts import Bar, met_missed_chart
from web.deps import CurrentViewer, Viewer, now, tx
from web.error_body import api_error
from web.pages import render
from workflows import registry

router = APIRouter()


def month_label(month: str) -> str:
    """ "2026-12" → "December 2026"."""
    return date.fromisoformat(f"{month}-01").strftime("%B %Y") if month else ""


def _charts(ov: oversight.Oversight) -> dict[str, Any]:
    rep = ov.report
    many = not rep.filters.process
    steps = [
        Bar(
            f"{t.process_title}: {t.label}" if many else t.label,
            t.met,
            t.missed,
            f"{t.process_title}, BCSR {t.cite}",
        )
        for t in rep.steps
    ]
    # a timeline of outcomes: empty months shown, months with only running deadlines not
    counted = {t.month: t for t in rep.months if t.met or t.missed}
    span = oversight.months_between(min(counted), max(counted)) if counted else []
    months = [
        Bar(month_label(m), counted[m].met, counted[m].missed)
        if m in counted
        else Bar(month_label(m), 0, 0)
        for m in span
    ]
    return {
        "steps": met_missed_chart(
            "chart-steps",
            "Deadlines met on time and missed, per step",
            "For each step, the number of its deadlines met on time and the number missed "
            "(taken late or never); the table below gives the same numbers.",
            steps,
        ),
        "months": met_missed_chart(
            "chart-months",
            "Deadlines met on time and missed, per month of the due date",
            "For each month from the first to the last with a deadline met or missed, the "
            "deadlines falling due in it that were met on time and those missed; the table "
            "below gives the same numbers.",
            months,
        ),
    }


def _page_ctx(request: Request, viewer: Viewer) -> tuple[dict[str, Any], int]:
    oversight.check_access(viewer.actor)
    with tx(request) as s:
        agencies = oversight.agency_choices(s, viewer.actor)
        try:
            filters = oversight.parse_filters(request.query_params, oversight.agency_codes(s))
        except oversight.FilterError as exc:
            raw = {p: request.query_params.get(p, "") for p in oversight.FILTER_PARAMS}
            return {"error": exc, "filters": raw, "agencies": agencies, "ov": None}, 422
        ov = oversight.oversight(s, viewer.actor, filters, now(request))
    return {"error": None, "filters": filters.params(), "agencies": agencies, "ov": ov}, 200


@router.get("/oversight", name="oversight", include_in_schema=False)
def oversight_page(request: Request, viewer: CurrentViewer) -> Response:
    ctx, status = _page_ctx(request, viewer)
    if ctx["ov"] is not None:
        ctx["charts"] = _charts(ctx["ov"])
    ctx.update(
        processes=registry.newest(),
        month_label=month_label,
        fmt_days=oversight.fmt_days,
        query=ctx["filters"] if status == 200 else {},
    )
    return render(request, "pages/oversight.html", ctx, status)


@router.get("/oversight.csv", name="oversight_csv", include_in_schema=False)
def oversight_csv(request: Request, viewer: CurrentViewer) -> Response:
    """One line per process, step, agency and month, in the page's filters."""
    oversight.check_access(viewer.actor)
    with tx(request) as s:
        try:
            filters = oversight.parse_filters(request.query_params, oversight.agency_codes(s))
        except oversight.FilterError as exc:
            return Response(str(exc) + "\n", status_code=422, media_type="text/plain")
        rep = oversight.report(s, viewer.actor, filters)
    text = csv_cells.write_csv(oversight.csv_rows(rep))
    name = "turnaround-times-" + now(request).strftime("%Y%m%d") + ".csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/oversight", include_in_schema=True, tags=["api"])
def oversight_api(
    request: Request,
    viewer: CurrentViewer,
    process: str = "",
    agency: str = "",
    from_month: str = "",
    to_month: str = "",
) -> Any:
    """Turnaround times: per step, per step and agency, per step and month, per month, and per
    step, agency and month (the CSV's lines), each with met_on_time, missed,
    missed_settled_late, still_open, and the median and nearest-rank 90th percentile of the
    working days taken; then the overdue deadlines and those due in the next five working
    days, each with who must act next. Months (YYYY-MM) are those of the due date. For an
    agency's HRC and HR officers (their agency's cases, BCSR 2.10.1) and the RCSC (all)."""
    oversight.check_access(viewer.actor)
    params = {"process": process, "agency": agency, "from_month": from_month, "to_month": to_month}
    with tx(request) as s:
        try:
            filters = oversight.parse_filters(params, oversight.agency_codes(s))
        except oversight.FilterError as exc:
            return api_error(422, str(exc), field=exc.param)
        return oversight.oversight(s, viewer.actor, filters, now(request)).as_dict()
