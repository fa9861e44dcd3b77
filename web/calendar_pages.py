"""The working-day calendar: a year's public holidays and closures, and an
administrator's corrections, each listing the armed deadlines it moved
(cases.core.calendar_store)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from cases.core import calendar_store
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.pages import raise_refusal, render
from web.params import Year
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.fields import parse_values

router = APIRouter(include_in_schema=False)


@router.get("/calendar", name="calendar")
def calendar_page(request: Request, viewer: CurrentViewer, year: Year = None) -> Response:
    return render(request, "pages/calendar.html", _calendar_ctx(request, year))


def _calendar_ctx(
    request: Request,
    year: int | None,
    error: str | None = None,
    change: calendar_store.Change | None = None,
    entered: dict[str, str] | None = None,
) -> dict[str, Any]:
    """``entered``: the correction the administrator typed, shown again after a refusal."""
    year = year or bhutan_today(now(request)).year
    with tx(request) as s:
        cal = calendar_store.load(s)
        rows = calendar_store.overrides(s)
        moves = [
            {"event": e, "fields": json.loads(e.fields)}
            for e in calendar_store.recent_moves(s, request.state.viewer.actor)
        ]
    return {
        "year": year,
        "holidays": cal.holidays_in(year),
        "overrides": rows,
        "error": error,
        "change": change,
        "moves": moves,
        "note_field": calendar_store.CORRECTION_FIELDS[1],
        "entered": entered or {},
        "error_field": (error or "").split(":", 1)[0],
    }


@router.post("/calendar", name="calendar_change")
async def calendar_change(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    """An administrator's correction; every armed deadline it moves is recomputed and audited
    on its case, and the page lists them."""
    if R.ADMIN not in viewer.actor.roles:
        raise_refusal("only an administrator maintains the holiday calendar")
    form = await request.form()
    raw = {"day": str(form.get("day") or ""), "note": str(form.get("note") or "")}
    entered = {**raw, "kind": str(form.get("kind") or "")}
    values, errors = parse_values(calendar_store.CORRECTION_FIELDS, raw, {}, "")
    if errors:
        text = "; ".join(f"{e.field}: {e.reason}" for e in errors)
        ctx = _calendar_ctx(request, None, text, entered=entered)
        return render(request, "pages/calendar.html", ctx, 422)
    day = date.fromisoformat(values["day"])
    kind, note = str(form.get("kind") or ""), values.get("note") or ""
    with tx(request) as s:
        if kind == "clear":
            change = calendar_store.clear_override(
                s, day, by=viewer.user.username, now=now(request)
            )
        else:
            try:
                change = calendar_store.set_override(
                    s, day, kind, note or kind, viewer.user.username, now(request)
                )
            except calendar_store.CorrectionRefused as exc:
                s.rollback()
                ctx = _calendar_ctx(request, day.year, str(exc), entered=entered)
                return render(request, "pages/calendar.html", ctx, 422)
    if change is None:
        text = f"day: no correction on {day} to clear"
        ctx = _calendar_ctx(request, day.year, text, entered=entered)
        return render(request, "pages/calendar.html", ctx, 422)
    return render(request, "pages/calendar.html", _calendar_ctx(request, day.year, change=change))
