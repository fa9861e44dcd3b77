"""A case's pages: opening one, its page and timeline, its steps and recusal, a refusal
shown inline where the user acted, and the search box of every page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from cases.core import audit, queries, service
from cases.core.models import Agency, AuditEvent, CivilServant
from cases.people import case_search
from web import views
from web.case_file_pages import UPLOAD_LIMIT, filing
from web.deps import CsrfChecked, CurrentViewer, Viewer, now, tx
from web.forms import form_to_fields, step_values, version_of
from web.pages import is_htmx, message_page, render
from web.params import CaseId, EventSeq, SearchText
from web.search_filters import SearchFilters
from workflows import offences, registry
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Refusal

router = APIRouter(include_in_schema=False)


@router.get("/cases/new", name="new_case")
def new_case(request: Request, viewer: CurrentViewer, process: str = "", eid: str = "") -> Response:
    if process not in registry.keys():
        return render(
            request,
            "pages/case_new.html",
            {"process": None, "processes": registry.newest().values(), "eid": eid},
        )
    return render(request, "pages/case_new.html", _new_case_ctx(request, viewer, process, eid))


def _new_case_ctx(
    request: Request,
    viewer: Viewer,
    process: str,
    eid: str,
    errors: list[Refusal] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # The version a case opened today runs on: its opening step's form and rules.
    key = process if process in registry.keys() else "disciplinary"
    proc = registry.in_force(key, bhutan_today(now(request)))
    opening = proc.steps_from(proc.initial, proc.opening)[0]
    actor = viewer.actor
    with tx(request) as s:
        stmt = select(CivilServant).order_by(CivilServant.name)
        if actor.roles <= R.SELF | {R.ADMIN} and actor.employee_eid:
            stmt = stmt.where(CivilServant.eid == actor.employee_eid)  # applying for oneself
        elif actor.agency and actor.agency != R.RCSC_AGENCY and R.ADMIN not in actor.roles:
            stmt = stmt.where(CivilServant.agency_code == actor.agency)
        servants = s.exec(stmt.limit(500)).all()
    return {
        "process": proc,
        "action": views.action_view(opening, {}),
        "servants": servants,
        "eid": eid,
        "errors": errors or [],
        "values": values or {},
        "result": None,
    }


@router.post("/cases", name="create_case", max_body_size=UPLOAD_LIMIT)
async def create_case(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    form = await request.form()
    fields = await step_values(form)
    process, eid = str(fields.pop("process", "disciplinary")), str(fields.pop("subject_eid", ""))
    with tx(request) as s:
        fired = service.open_case(
            s, process, eid, viewer.actor, fields, now=now(request), filing=filing(request)
        )
        case_id = fired.case.id
    # The case page confirms what was submitted, who decides and by when (``recorded``).
    url = request.url_for("case", case_id=case_id).include_query_params(recorded=fired.event.seq)
    return RedirectResponse(url, status_code=303)


def _case_ctx(
    request: Request, viewer: Viewer, case_id: int, *, full: bool = True, all_events: bool = False
) -> dict[str, Any]:
    """``full=False`` for an htmx fragment, which never shows the page-only panels. The
    timeline shows the newest events unless ``all_events`` (views.TIMELINE_NEWEST)."""
    with tx(request) as s:
        case = queries.can_see(s, viewer.actor, case_id)
        if case is None:
            raise service.NotFound(f"case {case_id} not found")
        ctx = views.case_view(s, case, viewer.actor, now(request))
        shown = audit.events_for(s, case_id, None if all_events else views.TIMELINE_NEWEST)
        ctx["events"] = views.timeline(shown, viewer.actor, case.process)
        ctx["events_total"] = audit.count_for(s, case_id)
        if full:
            ctx.update(views.page_panels(s, case, viewer.actor, now(request)))
    ctx["diagram"] = views.diagram(ctx["process"], case.state)
    ctx["anywhere"] = ctx["process"].anywhere_steps()
    ctx.setdefault("errors", {})
    ctx.setdefault("values", {})
    return ctx


@router.get("/cases/{case_id}", name="case")
def case_page(
    request: Request,
    case_id: CaseId,
    viewer: CurrentViewer,
    events: str = "",
    recorded: EventSeq = 0,
) -> Response:
    """``recorded``: the audit event a plain form's step just appended (its redirect names
    it), so the page confirms what was recorded and what comes next, as the htmx answer does."""
    ctx = _case_ctx(request, viewer, case_id, all_events=events == "all")
    if recorded:
        ctx["flash"] = _recorded_flash(request, viewer, ctx["case"], recorded)
    return render(request, "pages/case.html", ctx)


def _recorded_flash(request: Request, viewer: Viewer, case: Any, seq: int) -> str | None:
    with tx(request) as s:
        event = s.get(AuditEvent, seq)
        if event is None or event.case_id != case.id:
            return None
        process = registry.for_case(case)
        step = next(iter(process.steps_from(event.from_state, event.trigger)), None)
        if step is None:
            return None
        return views.confirmation(s, case, step, viewer.actor, now(request))


@router.get("/cases/{case_id}/timeline", name="case_timeline")
def case_timeline(
    request: Request, case_id: CaseId, viewer: CurrentViewer, events: str = ""
) -> Response:
    ctx = _case_ctx(request, viewer, case_id, full=False, all_events=events == "all")
    return render(request, "pages/case.html", ctx, block="timeline")


@router.post("/cases/{case_id}/actions/{trigger}", name="case_action", max_body_size=UPLOAD_LIMIT)
async def case_action(
    request: Request, case_id: CaseId, trigger: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = await request.form()
    given = await step_values(form)
    with tx(request) as s:
        seen = queries.can_see(s, viewer.actor, case_id)  # held: the step takes it (api._act)
        if seen is None:
            raise service.NotFound(f"case {case_id} not found")
        fired = service.fire(
            s,
            case_id,
            trigger,
            viewer.actor,
            given,
            now=now(request),
            expected_version=version_of(form),
            filing=filing(request),
        )
        flash = views.confirmation(
            s, fired.case, fired.step, viewer.actor, now(request), fired.context
        )
        seq = fired.event.seq
    if is_htmx(request):
        # Every part of the page the step may have changed: the panels (state, actions,
        # deadlines) in place, the recorded facts, the letters and the diagram out of band;
        # the timeline and the due-process summary reload on "case-changed".
        ctx = _case_ctx(request, viewer, case_id, full=True)
        ctx["flash"] = flash
        ctx["oob"] = True
        return render(
            request,
            "pages/case.html",
            ctx,
            block=["panels", "record", "documents", "diagram"],
            headers={"HX-Trigger": "case-changed"},
        )
    url = request.url_for("case", case_id=case_id).include_query_params(recorded=seq)
    return RedirectResponse(url, status_code=303)


@router.post("/cases/{case_id}/recusal", name="case_recusal")
async def case_recusal(
    request: Request, case_id: CaseId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = await request.form()
    with tx(request) as s:
        if queries.can_see(s, viewer.actor, case_id) is None:
            raise service.NotFound(f"case {case_id} not found")
        service.declare_recusal(
            s, case_id, viewer.actor, str(form.get("reason") or ""), now=now(request)
        )
    return RedirectResponse(request.url_for("case", case_id=case_id), status_code=303)


async def render_refusal(
    request: Request, status: int, refusals: list[Refusal], message: str | None = None
) -> Response:
    """Show a refusal where the user acted: inline in the form, each reason with its section."""
    viewer = getattr(request.state, "viewer", None)
    params = request.path_params
    if viewer is None:
        return message_page(
            request,
            status,
            "Refused",
            message or "; ".join(r.text for r in refusals),
        )
    form = await request.form()
    values = form_to_fields(form)
    if request.url.path == "/cases" and request.method == "POST":
        ctx = _new_case_ctx(
            request,
            viewer,
            str(values.get("process", "disciplinary")),
            str(values.get("subject_eid", "")),
            refusals,
            values,
        )
        return render(request, "pages/case_new.html", ctx, status)
    if "case_id" in params and "trigger" in params:
        try:
            ctx = _case_ctx(request, viewer, int(params["case_id"]), full=not is_htmx(request))
        except service.NotFound:
            return message_page(request, 404, "Not found", "no such case")
        ctx["errors"] = {params["trigger"]: refusals}
        ctx["values"] = {params["trigger"]: values}
        if status == 409:  # a stale tab: the case as it is now, with what the user entered
            ctx["stale"] = (
                f"This case moved on to \u201c{ctx['state'].label}\u201d while you were "
                "working. It is shown below as it is now, with what you entered: check it and "
                "submit again if the step still applies."
            )
        else:
            ctx["stale"] = message
        ctx["failed_trigger"] = params["trigger"]
        if is_htmx(request):
            return render(request, "pages/case.html", ctx, status, block="panels")
        return render(request, "pages/case.html", ctx, status)
    text = message or "; ".join(r.text for r in refusals)
    return message_page(request, status, "Refused", text)


@router.get("/search", name="search")
def search_page(
    request: Request, viewer: CurrentViewer, filters: SearchFilters, q: SearchText = ""
) -> Response:
    """The search box of every page: the cases this user may see, by case number, name,
    employee ID or title, and by the words of their facts and papers (case_search.find),
    narrowed by the filters (process, state, agency, offence row, penalty, days opened,
    version); the filters alone list the cases they keep."""
    with tx(request) as s:
        found = case_search.find(s, viewer.actor, q, filters)
        agencies = s.exec(select(Agency.code, Agency.name).order_by(Agency.code)).all()
    rows = [
        {
            "case": case,
            "name": name,
            "process": registry.for_case(case),
            "state": registry.for_case(case).state(case.state),
            "snippet": views.marked(snippet),
        }
        for case, name, snippet in found
    ]
    return render(
        request,
        "pages/search.html",
        {
            "q": q.strip(),
            "rows": rows,
            "f": filters,
            "filtered": bool(filters),
            "choices": _search_choices(filters, agencies),
        },
    )


def _search_choices(filters: Any, agencies: Any) -> dict[str, Any]:
    """What each filter offers: the processes, the states of the one chosen (else every
    state by name), the agencies, the versions, the schedule's rows, the penalties."""
    processes = [(k, registry.latest(k).title) for k in registry.keys()]
    chosen = [filters.process] if filters.process else registry.keys()
    states = {st.name: st.label for k in chosen for v in registry.versions(k) for st in v.states}
    versions = sorted({v.version for k in chosen for v in registry.versions(k)})
    return {
        "processes": processes,
        "states": sorted(states.items(), key=lambda kv: kv[1]),
        "agencies": [(code, name) for code, name in agencies],
        "versions": [(v, v) for v in versions],
        "offences": [(0, "Another offence, not in the schedule (19.11.11)")]
        + [(o.number, f"{o.number}. {o.nature}") for o in offences.OFFENCES],
        "penalties": [(p.code, p.label) for p in offences.PENALTIES],
    }
