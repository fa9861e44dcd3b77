"""Register pages: a civil servant's record, its edits and history, eligibility, CSV export.

Each change goes through cases.people.register (16.3.7 decides who may change what) and is
audited there; a refusal is shown inline, naming the field and the section.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from cases.core import profiles, queries, service
from cases.core.models import Case
from cases.people import record, register, register_reads, repayment
from cases.processes import applications
from web.deps import CsrfChecked, CurrentViewer, Viewer, now, tx
from web.forms import form_to_fields
from web.pages import render
from workflows import registry
from workflows.calendar import bhutan_today
from workflows.context import Refusal, Refused
from workflows.offences import PENALTY_BY_CODE
from workflows.record import KINDS

router = APIRouter(include_in_schema=False)


@router.get("/servants.csv", name="servants_csv")
def servants_csv(request: Request, viewer: CurrentViewer) -> Response:
    """The register as CSV; an agency's officers export their agency's civil servants."""
    agency = (
        None
        if register.is_rcsc(viewer.actor) or "admin" in viewer.actor.roles
        else (viewer.actor.agency or "-")
    )
    with tx(request) as s:
        text = register_reads.export_csv(s, agency)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="register.csv"'},
    )


def _servant_ctx(
    request: Request,
    viewer: Viewer,
    eid: str,
    errors: list[Refusal] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    today = bhutan_today(now(request))
    with tx(request) as s:
        cs = queries.servant_for(s, viewer.actor, eid)
        if cs is None:
            raise service.NotFound(f"no civil servant {eid}")
        standing = record.standing(s, eid, today)
        cases = s.exec(
            select(Case)
            .where(Case.subject_eid == eid, queries.visibility(viewer.actor))
            .order_by(Case.id.desc())  # type: ignore[union-attr]
        ).all()
        profile = profiles.profile_of(s, eid, today)  # read once for every process
        eligibility = [
            applications.eligibility(s, key, eid, {}, today, profile)
            for key in registry.keys()
            if registry.in_force(key, today).rules
        ]
        history = register_reads.history_rows(s, eid, today)
        edits = register_reads.record_events(s, eid)
    may_edit = not register.may_change(viewer.actor, cs.agency_code, set())
    return {
        "cs": cs,
        "standing": standing,
        "cases": cases,
        "penalty_by_code": PENALTY_BY_CODE,
        "registry": registry,
        "eligibility": eligibility,
        "history": history,
        "edits": edits,
        "may_edit": may_edit,
        "awaits_order": repayment.awaits_order,  # web.dues_pages records it (7.7.7.5)
        "fields": register.FIELDS,
        "sensitive": register.SENSITIVE,
        "rcsc": register.is_rcsc(viewer.actor),
        "kinds": KINDS,
        "errors": errors or [],
        "values": values if values is not None else _current(cs),
        "separation_fields": register.SEPARATION_FIELDS,
        "separation_errors": [],
        "separation_values": {},
    }


def _current(cs: Any) -> dict[str, Any]:
    out = {}
    for f in register.FIELDS:
        v = getattr(cs, f.name)
        out[f.name] = v.isoformat() if hasattr(v, "isoformat") else v
    return out


# What the record page confirms after a save (the redirect names one of these, never text).
SAVED = {
    "record": "Saved: the record's changes are in its history below, under your name.",
    "unchanged": "Nothing changed: the record already held these values.",
    "separation": "Saved: the separation is recorded on the record and in its history.",
    "history": "Saved: the line is added to the service history.",
    "repayment": "Saved: the office order for repayment is on the due; the 90 days to pay run "
    "from it (BCSR 7.7.7.5).",
}


def _saved(request: Request, eid: str, what: str) -> Response:
    url = request.url_for("servant", eid=eid).include_query_params(saved=what)
    return RedirectResponse(str(url), status_code=303)


@router.get("/servants/{eid}", name="servant")
def servant_page(
    request: Request, eid: str, viewer: CurrentViewer, saved: str = Query("", max_length=16)
) -> Response:
    ctx = _servant_ctx(request, viewer, eid)
    ctx["saved"] = SAVED.get(saved, "")
    return render(request, "pages/servant.html", ctx)


@router.post("/servants/{eid}/edit", name="servant_edit")
async def servant_edit(
    request: Request, eid: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = form_to_fields(await request.form())
    rcsc = register.is_rcsc(viewer.actor)
    for f in register.FIELDS:  # an unticked checkbox is absent from the form
        if f.type == "bool" and (rcsc or f.name not in register.SENSITIVE):
            form.setdefault(f.name, "")  # sensitive ones are shown disabled to the agency
    try:
        with tx(request) as s:
            if queries.servant_for(s, viewer.actor, eid) is None:
                raise service.NotFound(f"no civil servant {eid}")
            changed = register.edit(s, eid, form, viewer.actor, now(request))
    except Refused as exc:
        ctx = _servant_ctx(request, viewer, eid, exc.refusals, form)
        return render(request, "pages/servant.html", ctx, 403 if exc.kind == "authority" else 422)
    return _saved(request, eid, "record" if changed else "unchanged")


@router.post("/servants/{eid}/separation", name="servant_separation")
async def servant_separation(
    request: Request, eid: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = form_to_fields(await request.form())
    try:
        with tx(request) as s:
            if queries.servant_for(s, viewer.actor, eid) is None:
                raise service.NotFound(f"no civil servant {eid}")
            register.record_separation(s, eid, form, viewer.actor, now(request))
    except Refused as exc:
        ctx = _servant_ctx(request, viewer, eid)
        ctx["separation_errors"] = exc.refusals
        ctx["separation_values"] = form
        status = {"authority": 403, "state": 409}.get(exc.kind, 422)
        return render(request, "pages/servant.html", ctx, status)
    return _saved(request, eid, "separation")


@router.get("/servants/{eid}/history/new", name="history_new")
def history_new(request: Request, eid: str, viewer: CurrentViewer, kind: str = "eol") -> Response:
    return render(request, "pages/history_new.html", _history_ctx(request, viewer, eid, kind))


def _history_ctx(
    request: Request,
    viewer: Viewer,
    eid: str,
    kind: str,
    errors: list[Refusal] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    with tx(request) as s:
        cs = queries.servant_for(s, viewer.actor, eid)
        if cs is None:
            raise service.NotFound(f"no civil servant {eid}")
    kind = kind if kind in KINDS else "eol"
    return {
        "cs": cs,
        "kind": KINDS[kind],
        "kinds": KINDS,
        "fields": register.history_fields(kind),
        "errors": errors or [],
        "values": values or {},
    }


@router.post("/servants/{eid}/history", name="history_add")
async def history_add(
    request: Request, eid: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = form_to_fields(await request.form())
    kind = str(form.get("kind") or "")
    try:
        with tx(request) as s:
            if queries.servant_for(s, viewer.actor, eid) is None:
                raise service.NotFound(f"no civil servant {eid}")
            register.add_history(s, eid, kind, form, viewer.actor, now(request))
    except Refused as exc:
        ctx = _history_ctx(request, viewer, eid, kind, exc.refusals, form)
        status = 403 if exc.kind == "authority" else 422
        return render(request, "pages/history_new.html", ctx, status)
    return _saved(request, eid, "history")


@router.get("/eligibility", name="eligibility_panel")
def eligibility_panel(request: Request, viewer: CurrentViewer) -> Response:
    """The application form's eligibility panel, refreshed as the applicant fills it in."""
    params = dict(request.query_params)
    key, eid = params.get("process", ""), params.get("subject_eid", "")
    today = bhutan_today(now(request))
    proc = registry.in_force(key, today) if key in registry.keys() else None
    result, errors, missing = None, [], []
    if proc is not None and eid:
        wanted = {f.name for f in proc.proposal_fields}
        proposal = {k: v for k, v in params.items() if k in wanted and v != ""}
        # "Eligible" only once the rules have what they read: until then, say what to enter.
        missing = [
            f.label for f in proc.proposal_fields if f.type != "bool" and f.name not in proposal
        ]
        with tx(request) as s:
            if queries.servant_for(s, viewer.actor, eid) is None:
                raise service.NotFound(f"no civil servant {eid}")
            try:
                result = applications.eligibility(s, key, eid, proposal, today)
            except Refused as exc:
                errors = exc.refusals
    return render(
        request,
        "pages/case_new.html",
        {"result": result, "errors": errors, "process": proc, "missing": missing},
        block="eligibility",
    )
