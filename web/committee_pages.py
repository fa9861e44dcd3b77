"""Committees and their meetings as pages: the list, a committee (members, composition,
meetings), a meeting (members present, agenda, decisions, minutes) and a decision taken in
it (the case's own step form, less what the meeting supplies).

Thin: parse the form, call cases.review.committees or cases.review.meetings (the one
authority check and audit event of each write), redirect or re-render with the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cases.core import queries, service
from cases.review import committees, meeting_minutes, meetings
from web.api_committees import CommitteeId, MeetingId, MinutesId, readable_minutes
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.forms import form_to_fields, version_of
from web.pages import render
from web.params import CaseId
from workflows import committees as rules
from workflows import registry
from workflows.calendar import bhutan_today
from workflows.context import Refusal, Refused

router = APIRouter(include_in_schema=False)
Trigger = Annotated[str, Path(max_length=64, pattern=r"^[a-z_]+$")]
# What the meeting fills in on a step taken in it (cases.review.meetings.decide).
SUPPLIED = frozenset({"members_present", *meetings.MEETING_NUMBER_FIELDS})


def _form(form: Any) -> dict[str, Any]:
    return {k: v for k, v in form_to_fields(form).items() if k != "csrf_token"}


@router.get("/committees", name="committees")
def committees_page(request: Request, viewer: CurrentViewer) -> Response:
    return render(request, "pages/committees.html", _list_ctx(request, viewer))


def _list_ctx(
    request: Request, viewer: Any, error: Refused | None = None, entered: dict | None = None
) -> dict[str, Any]:
    today = bhutan_today(now(request))
    with tx(request) as s:
        rows = [
            {"c": c, "composition": committees.composition(s, c, today)}
            for c in committees.listed(s, viewer.actor)
        ]
    return {
        "rows": rows,
        "fields": rules.COMMITTEE_FIELDS,
        "may_create": bool(viewer.actor.agency)
        and committees.may_manage(viewer.actor, viewer.actor.agency or ""),
        "agency": viewer.actor.agency or "",
        "errors": error.refusals if error else [],
        "entered": entered or {},
    }


@router.post("/committees", name="committee_create")
async def committee_create(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    raw = _form(await request.form())
    try:
        with tx(request) as s:
            c = committees.create(s, viewer.actor, raw, now=now(request))
            cid = c.id
    except Refused as exc:
        return render(
            request, "pages/committees.html", _list_ctx(request, viewer, exc, raw), exc.status
        )
    return RedirectResponse(str(request.url_for("committee", committee_id=cid)), 303)


def _committee_ctx(
    request: Request,
    viewer: Any,
    committee_id: int,
    error: Refused | None = None,
    entered: dict | None = None,
) -> dict[str, Any]:
    today = bhutan_today(now(request))
    with tx(request) as s:
        c = committees.visible(s, viewer.actor, committee_id)
        seats = committees.members(s, committee_id)
        rows = meetings.meetings_of(s, committee_id)
        serving = {x.user.id for x in committees.members(s, committee_id, today)}
        return {
            "c": c,
            "kind_label": rules.KINDS.get(c.kind, (c.kind, ""))[0],
            "composition": committees.composition(s, c, today),
            "seats": seats,
            "serving": serving,
            "meetings": [(m, meetings.label(m, c)) for m in rows],
            "may_manage": committees.may_manage(viewer.actor, c.agency_code),
            "may_record": any(
                x.user.id == viewer.actor.user_id and x.member.seat in rules.RECORDERS
                for x in committees.members(s, committee_id, today)
            ),
            "is_rcsc": "rcsc" in viewer.actor.roles,
            "member_fields": rules.MEMBER_FIELDS,
            "exception_fields": rules.EXCEPTION_FIELDS,
            "quorum_rule": rules.QUORUM_RULE,
            "today": today.isoformat(),
            "errors": error.refusals if error else [],
            "entered": entered or {},
        }


@router.get("/committees/{committee_id}", name="committee")
def committee_page(request: Request, committee_id: CommitteeId, viewer: CurrentViewer) -> Response:
    return render(request, "pages/committee.html", _committee_ctx(request, viewer, committee_id))


async def _committee_write(
    request: Request,
    viewer: Any,
    anchor: str,
    write: Callable[..., Any],
    committee_id: int,
    *ids: int,
) -> Response:
    """One write to a committee from its page, in one transaction: ``write(session, actor,
    committee_id, *ids, form fields, now=...)`` is the service's (its authority check and
    audit event); a refusal re-renders the page with what was entered, else back to
    ``anchor``."""
    raw = _form(await request.form())
    try:
        with tx(request) as s:
            write(s, viewer.actor, committee_id, *ids, raw, now=now(request))
    except Refused as exc:
        ctx = _committee_ctx(request, viewer, committee_id, exc, raw)
        return render(request, "pages/committee.html", ctx, exc.status)
    url = request.url_for("committee", committee_id=committee_id)
    return RedirectResponse(f"{url}#{anchor}", 303)


@router.post("/committees/{committee_id}/members", name="committee_member_add")
async def member_add(
    request: Request, committee_id: CommitteeId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    return await _committee_write(request, viewer, "members", committees.add_member, committee_id)


@router.post("/committees/{committee_id}/members/{member_id}/end", name="committee_member_end")
async def member_end(
    request: Request,
    committee_id: CommitteeId,
    member_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    viewer: CurrentViewer,
    _: CsrfChecked,
) -> Response:
    return await _committee_write(
        request, viewer, "members", committees.end_member, committee_id, member_id
    )


@router.post("/committees/{committee_id}/exception", name="committee_exception")
async def exception(
    request: Request, committee_id: CommitteeId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    return await _committee_write(
        request, viewer, "composition", committees.record_exception, committee_id
    )


@router.post("/committees/{committee_id}/meetings", name="meeting_schedule")
async def meeting_schedule(
    request: Request, committee_id: CommitteeId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    raw = _form(await request.form())
    try:
        with tx(request) as s:
            mid = meetings.schedule(s, viewer.actor, committee_id, raw, now=now(request)).id
    except Refused as exc:
        ctx = _committee_ctx(request, viewer, committee_id, exc, raw)
        return render(request, "pages/committee.html", ctx, exc.status)
    return RedirectResponse(str(request.url_for("meeting", meeting_id=mid)), 303)


# ------------------------------------------------------------------ a meeting


def _meeting_ctx(
    request: Request, viewer: Any, meeting_id: int, error: Refused | None = None
) -> dict[str, Any]:
    with tx(request) as s:
        m, c = meetings.visible(s, viewer.actor, meeting_id)
        present = set(meetings.present_ids(m))
        return {
            "m": m,
            "c": c,
            "label": meetings.label(m, c),
            "serving": committees.members(s, c.id or 0, m.held_on),
            "present": present,
            "agenda": meetings.agenda(s, m, c, now(request)),
            "decisions": meetings.decisions(s, meeting_id=meeting_id),
            "minutes": meetings.minutes_of(s, meeting_id),
            "may_record": any(
                x.user.id == viewer.actor.user_id and x.member.seat in rules.RECORDERS
                for x in committees.members(s, c.id or 0, m.held_on)
            ),
            "quorum_rule": rules.QUORUM_RULE,
            "quorum_holds": len(present) >= c.min_present,
            "errors": error.refusals if error else [],
            "decided_flash": request.query_params.get("decided", ""),
        }


@router.get("/meetings/{meeting_id}", name="meeting")
def meeting_page(request: Request, meeting_id: MeetingId, viewer: CurrentViewer) -> Response:
    return render(request, "pages/meeting.html", _meeting_ctx(request, viewer, meeting_id))


async def _meeting_write(request: Request, viewer: Any, meeting_id: int, write: Any) -> Response:
    form = await request.form()
    try:
        with tx(request) as s:
            write(s, form)
    except Refused as exc:
        return render(
            request,
            "pages/meeting.html",
            _meeting_ctx(request, viewer, meeting_id, exc),
            exc.status,
        )
    return RedirectResponse(str(request.url_for("meeting", meeting_id=meeting_id)), 303)


@router.post("/meetings/{meeting_id}/present", name="meeting_present")
async def meeting_present(
    request: Request, meeting_id: MeetingId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    def write(s: Any, form: Any) -> None:
        names = [str(v) for v in form.getlist("present")]
        meetings.record_present(s, viewer.actor, meeting_id, names, now=now(request))

    return await _meeting_write(request, viewer, meeting_id, write)


@router.post("/meetings/{meeting_id}/items", name="meeting_item")
async def meeting_item(
    request: Request, meeting_id: MeetingId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    def write(s: Any, form: Any) -> None:
        raw = str(form.get("case_id") or "").strip().lstrip("#")
        if not (raw.isdigit() and 0 < int(raw) < 2**31):
            raise Refused(
                [Refusal("field", "2.10.1", f"case_id: '{raw[:20]}' is no case", "case_id")]
            )
        status = str(form.get("status") or "")
        meetings.set_item(s, viewer.actor, meeting_id, int(raw), status, now=now(request))

    return await _meeting_write(request, viewer, meeting_id, write)


@router.post("/meetings/{meeting_id}/minutes", name="meeting_minutes_issue")
async def minutes_issue(
    request: Request, meeting_id: MeetingId, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    def write(s: Any, form: Any) -> None:
        meeting_minutes.issue_minutes(s, viewer.actor, meeting_id, now=now(request))

    return await _meeting_write(request, viewer, meeting_id, write)


@router.get("/meetings/{meeting_id}/minutes/{minutes_id}.pdf", name="meeting_minutes_pdf")
def minutes_pdf(
    request: Request, meeting_id: MeetingId, minutes_id: MinutesId, viewer: CurrentViewer
) -> Response:
    with tx(request) as s:
        x = readable_minutes(s, viewer, meeting_id, minutes_id)
        return Response(x.pdf, media_type="application/pdf", headers={"X-Minutes-SHA256": x.sha256})


@router.get("/meetings/{meeting_id}/minutes/{minutes_id}", name="meeting_minutes")
def minutes_html(
    request: Request, meeting_id: MeetingId, minutes_id: MinutesId, viewer: CurrentViewer
) -> Response:
    """The minutes as issued: the stored HTML, byte for byte (hashed in the chain)."""
    with tx(request) as s:
        x = readable_minutes(s, viewer, meeting_id, minutes_id)
        return HTMLResponse(x.html, headers={"X-Minutes-SHA256": x.sha256})


# ------------------------------------------------------------------ deciding in a meeting


def _decide_ctx(
    request: Request,
    viewer: Any,
    meeting_id: int,
    case_id: int,
    trigger: str,
    error: Refused | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    with tx(request) as s:
        m, c = meetings.visible(s, viewer.actor, meeting_id)
        case = queries.can_see(s, viewer.actor, case_id)
        if case is None:
            raise service.NotFound(f"case {case_id} not found")
        steps = registry.for_case(case).steps_from(case.state, trigger)
        if not steps:
            raise service.NotFound(f"no step '{trigger}' open on case {case_id}")
        step = steps[0]
        sits = meetings.sitting(s, m, case_id)
        data = service.context(s, case, now(request)).data
        return {
            "m": m,
            "c": c,
            "label": meetings.label(m, c),
            "case": case,
            "step": step,
            "fields": [f for f in step.fields if f.name not in SUPPLIED],
            "charges": data.get("charges") or [],
            "sits": sits,
            "errors": error.refusals if error else [],
            "values": values or {"meeting_on": m.held_on.isoformat()},
        }


@router.get("/meetings/{meeting_id}/cases/{case_id}/{trigger}", name="meeting_decide")
def decide_page(
    request: Request,
    meeting_id: MeetingId,
    case_id: CaseId,
    trigger: Trigger,
    viewer: CurrentViewer,
) -> Response:
    ctx = _decide_ctx(request, viewer, meeting_id, case_id, trigger)
    return render(request, "pages/meeting_decide.html", ctx)


@router.post("/meetings/{meeting_id}/cases/{case_id}/{trigger}", name="meeting_decide_post")
async def decide_post(
    request: Request,
    meeting_id: MeetingId,
    case_id: CaseId,
    trigger: Trigger,
    viewer: CurrentViewer,
    _: CsrfChecked,
) -> Response:
    form = await request.form()
    raw = {k: v for k, v in form_to_fields(form).items() if k not in ("csrf_token", "version")}
    try:
        with tx(request) as s:
            meetings.decide(
                s,
                viewer.actor,
                meeting_id,
                case_id,
                trigger,
                raw,
                now=now(request),
                expected_version=version_of(form),
            )
    except Refused as exc:
        ctx = _decide_ctx(request, viewer, meeting_id, case_id, trigger, exc, raw)
        return render(request, "pages/meeting_decide.html", ctx, exc.status)
    url = request.url_for("meeting", meeting_id=meeting_id).include_query_params(decided=case_id)
    return RedirectResponse(str(url), 303)
