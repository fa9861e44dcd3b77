"""The JSON API of committees and their meetings: members, composition (2.10.3, 2.10.6.1,
2.10.6.2), meetings, agenda, decisions taken in a meeting and minutes.

Thin routes over cases.review.committees and cases.review.meetings, which hold the one
authority check of each write and append its audit event; a decision in a meeting is the
case's own step (the same checks as ``POST /api/cases/{id}/actions/{trigger}``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from cases.core import service
from cases.core.models import Committee, Meeting, MeetingMinutes
from cases.review import committees, meeting_minutes, meetings
from web import views
from web.deps import CurrentViewer, now, tx
from web.idempotency import Idempotency, IdempotentRoute
from web.params import MAX_ROW_ID
from workflows import committees as rules
from workflows.calendar import bhutan_today

router = APIRouter(prefix="/api", tags=["committees"], route_class=IdempotentRoute)

CommitteeId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the committee's number")]
MeetingId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the meeting's number")]
MemberId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the membership's number")]
MinutesId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the minutes' number")]
Text = Annotated[str, Field(max_length=200)]
Day = Annotated[str, Field(max_length=10, description="YYYY-MM-DD")]


class CommitteeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency_code: Annotated[str, Field(max_length=32)] = ""
    kind: Annotated[str, Field(max_length=32, description=", ".join(rules.KINDS))]
    code: Annotated[str, Field(max_length=64, description="short name, e.g. MOH HRC")]
    name: Text
    min_present: int | None = Field(default=None, ge=1, le=100)
    case_id: int | None = Field(
        default=None, ge=1, le=MAX_ROW_ID, description="an Investigation Committee's case"
    )


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, Field(max_length=64)]
    seat: Annotated[str, Field(max_length=32, description=", ".join(rules.SEATS))]
    start_on: Day
    end_on: Day | None = None


class EndIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    end_on: Day


class ExceptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exception_ref: Text
    exception_on: Day


class MinimumIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_present: int = Field(ge=1, le=100)


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    held_on: Day
    note: Text = ""


class PresentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    present: list[Annotated[str, Field(max_length=64)]] = Field(max_length=100)


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_id: int = Field(ge=1, le=MAX_ROW_ID)
    status: Annotated[str, Field(max_length=16, description="added or deferred")]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_id: int = Field(ge=1, le=MAX_ROW_ID)
    trigger: Annotated[str, Field(max_length=64)]
    version: int = Field(ge=0, le=MAX_ROW_ID, description="the case version last seen")
    fields: dict[str, Any] = Field(default_factory=dict)


def committee_json(s: Any, c: Committee, request: Request) -> dict[str, Any]:
    today = bhutan_today(now(request))
    comp = committees.composition(s, c, today)
    return {
        "id": c.id,
        "agency": c.agency_code,
        "kind": c.kind,
        "code": c.code,
        "name": c.name,
        "case_id": c.case_id,
        "min_present": c.min_present,
        "quorum_rule": rules.QUORUM_RULE,
        "composition": {
            "meets": comp.meets,
            "summary": comp.summary(),
            "shortfalls": [{"cite": x.cite, "reason": x.reason} for x in comp.shortfalls],
            "exception": {"ref": c.exception_ref, "approved_on": c.exception_on.isoformat()}
            if c.exception_ref and c.exception_on
            else None,
        },
        "members": [
            {
                "id": m.member.id,
                "username": m.user.username,
                "name": m.user.display_name,
                "seat": m.member.seat,
                "start_on": m.member.start_on.isoformat(),
                "end_on": m.member.end_on.isoformat() if m.member.end_on else None,
            }
            for m in committees.members(s, c.id or 0)
        ],
    }


def meeting_json(s: Any, m: Meeting, c: Committee, request: Request) -> dict[str, Any]:
    found = meetings.agenda(s, m, c, now(request))
    present = [
        u.username
        for u in (s.get(committees.User, i) for i in meetings.present_ids(m))
        if u is not None
    ]

    def item(i: meetings.AgendaItem) -> dict[str, Any]:
        return {
            "case_id": i.case.id,
            "subject": i.subject_name,
            "version": i.case.version,
            "steps": [
                {"trigger": st.trigger, "label": st.label, "cite": st.cite} for st in i.steps
            ],
            "due_on": i.due.due_on.isoformat() if i.due else None,
            "due": i.due.phrase() if i.due else None,
            "status": i.status,
        }

    return {
        "id": m.id,
        "committee_id": c.id,
        "label": meetings.label(m, c),
        "held_on": m.held_on.isoformat(),
        "note": m.note,
        "present": present,
        "min_present": c.min_present,
        "quorum": {
            "rule": rules.QUORUM_RULE,
            "cite": rules.QUORUM_CITE,
            "present": len(present),
            "holds": len(present) >= c.min_present,
        },
        "agenda": [item(i) for i in found.waiting],
        "deferred": [item(i) for i in found.deferred],
        "decisions": [decided_json(d) for d in meetings.decisions(s, meeting_id=m.id)],
        "minutes": [minutes_json(x) for x in meetings.minutes_of(s, m.id or 0)],
    }


def decided_json(d: meetings.Decided) -> dict[str, Any]:
    return {
        "meeting_id": d.meeting_id,
        "meeting": d.meeting,
        "held_on": d.held_on.isoformat(),
        "case_id": d.case_id,
        "step": d.step,
        "label": d.step_label,
        "cite": d.cite,
        "seq": d.step_seq,
        "present": list(d.present),
        "recused": list(d.recused),
    }


def minutes_json(x: MeetingMinutes) -> dict[str, Any]:
    return {
        "id": x.id,
        "sha256": x.sha256,
        "audit_seq": x.audit_seq,
        "supersedes": x.supersedes_id,
        "issued_by": x.issued_by,
        "issued_at": x.issued_at.isoformat(),
    }


@router.get("/committees")
def list_committees(request: Request, viewer: CurrentViewer) -> dict[str, Any]:
    """The committees you may read: your agency's (its officers), all (the RCSC, admin)."""
    with tx(request) as s:
        return {
            "committees": [
                committee_json(s, c, request) for c in committees.listed(s, viewer.actor)
            ]
        }


@router.post("/committees", status_code=201)
def create_committee(
    request: Request, body: CommitteeIn, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    """2.10.1: an agency institutes its HRC (its HR officer or chairperson, the RCSC)."""
    with idem.transaction() as s:
        c = committees.create(s, viewer.actor, body.model_dump(), now=now(request))
        return idem.save(s, committee_json(s, c, request), 201)


@router.get("/committees/{committee_id}")
def get_committee(request: Request, committee_id: CommitteeId, viewer: CurrentViewer) -> Any:
    with tx(request) as s:
        return committee_json(s, committees.visible(s, viewer.actor, committee_id), request)


def _committee_write(
    request: Request,
    viewer: Any,
    idem: Any,
    write: Callable[..., Any],
    committee_id: int,
    *ids: int,
    body: BaseModel,
    status: int = 200,
) -> Response:
    """One write to a committee, in one transaction: ``write(session, actor, committee_id,
    *ids, fields, now=...)`` is the service's (its authority check, refusal and audit
    event); the answer is the committee as it then stands."""
    with idem.transaction() as s:
        write(s, viewer.actor, committee_id, *ids, body.model_dump(), now=now(request))
        c = committees.visible(s, viewer.actor, committee_id)
        return idem.save(s, committee_json(s, c, request), status)


def _committee_setting(
    name: str,
    path: str,
    write: Callable[..., Any],
    body_type: type[BaseModel],
    doc: str,
    status: int = 200,
) -> None:
    """A route ``POST /api/committees/{committee_id}/<path>`` taking a ``body_type`` and
    making one write to the committee (``_committee_write``): the settings differ only in
    their body, their service and their words, so one helper declares them all (``name``:
    the route's, one path each)."""

    def route(
        request: Request,
        committee_id: CommitteeId,
        body: BaseModel,
        viewer: CurrentViewer,
        idem: Idempotency,
    ) -> Response:
        return _committee_write(
            request, viewer, idem, write, committee_id, body=body, status=status
        )

    route.__annotations__["body"] = body_type  # the model FastAPI reads and documents
    route.__name__ = route.__qualname__ = name
    route.__doc__ = doc
    router.post(f"/committees/{{committee_id}}/{path}", status_code=status)(route)


_committee_setting(
    "add_member",
    "members",
    committees.add_member,
    MemberIn,
    "A user takes a seat (2.10.6.1) from ``start_on``; audited.",
    status=201,
)
_committee_setting(
    "record_exception",
    "exception",
    committees.record_exception,
    ExceptionIn,
    "2.10.6.2: the RCSC's prior approval of a composition other than 2.10.6.1's.",
)
_committee_setting(
    "set_minimum",
    "minimum",
    committees.set_min_present,
    MinimumIn,
    "The minimum present for a decision, set by the agency (the BCSR sets no quorum).",
)


@router.post("/committees/{committee_id}/members/{member_id}/end")
def end_member(
    request: Request,
    committee_id: CommitteeId,
    member_id: MemberId,
    body: EndIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    return _committee_write(
        request, viewer, idem, committees.end_member, committee_id, member_id, body=body
    )


@router.get("/committees/{committee_id}/meetings")
def list_meetings(request: Request, committee_id: CommitteeId, viewer: CurrentViewer) -> Any:
    with tx(request) as s:
        c = committees.visible(s, viewer.actor, committee_id)
        return {
            "meetings": [
                {"id": m.id, "label": meetings.label(m, c), "held_on": m.held_on.isoformat()}
                for m in meetings.meetings_of(s, committee_id)
            ]
        }


@router.post("/committees/{committee_id}/meetings", status_code=201)
def schedule(
    request: Request,
    committee_id: CommitteeId,
    body: MeetingIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    """The committee's next meeting, numbered after the last of its year (the chair or the
    member secretary)."""
    with idem.transaction() as s:
        m = meetings.schedule(s, viewer.actor, committee_id, body.model_dump(), now=now(request))
        c = committees.visible(s, viewer.actor, committee_id)
        return idem.save(s, meeting_json(s, m, c, request), 201)


@router.get("/meetings/{meeting_id}")
def get_meeting(request: Request, meeting_id: MeetingId, viewer: CurrentViewer) -> Any:
    """The meeting: members present, agenda (most urgent first), decisions, minutes."""
    with tx(request) as s:
        m, c = meetings.visible(s, viewer.actor, meeting_id)
        return meeting_json(s, m, c, request)


@router.post("/meetings/{meeting_id}/present")
def record_present(
    request: Request,
    meeting_id: MeetingId,
    body: PresentIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    """Members present, by username, from the committee's members serving that day."""
    with idem.transaction() as s:
        m = meetings.record_present(s, viewer.actor, meeting_id, body.present, now=now(request))
        _m, c = meetings.visible(s, viewer.actor, meeting_id)
        return idem.save(s, meeting_json(s, m, c, request))


@router.post("/meetings/{meeting_id}/items")
def set_item(
    request: Request,
    meeting_id: MeetingId,
    body: ItemIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    """The chair adds a case to the agenda (``added``) or defers one (``deferred``)."""
    with idem.transaction() as s:
        meetings.set_item(s, viewer.actor, meeting_id, body.case_id, body.status, now=now(request))
        m, c = meetings.visible(s, viewer.actor, meeting_id)
        return idem.save(s, meeting_json(s, m, c, request))


@router.post("/meetings/{meeting_id}/decisions")
def decide(
    request: Request,
    meeting_id: MeetingId,
    body: DecisionIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    """The case's step taken in the meeting: its members present (those recused on the case
    left out, 19.3.5) and meeting number come from the meeting."""
    with idem.transaction() as s:
        fired = meetings.decide(
            s,
            viewer.actor,
            meeting_id,
            body.case_id,
            body.trigger,
            body.fields,
            now=now(request),
            expected_version=body.version,
        )
        out = views.api_case(s, fired.case, viewer.actor, now(request), fired.context)
        out["event"] = {"seq": fired.event.seq, "hash": fired.event.hash, "cite": fired.event.cite}
        return idem.save(s, out)


@router.post("/meetings/{meeting_id}/minutes", status_code=201)
def issue_minutes(
    request: Request, meeting_id: MeetingId, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    """Issue the minutes (HTML and PDF; the PDF's SHA-256 in the audit chain). A second
    issue is a correction that supersedes the first."""
    with idem.transaction() as s:
        x = meeting_minutes.issue_minutes(s, viewer.actor, meeting_id, now=now(request))
        return idem.save(s, minutes_json(x), 201)


@router.get(
    "/meetings/{meeting_id}/minutes/{minutes_id}.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def minutes_pdf(
    request: Request, meeting_id: MeetingId, minutes_id: MinutesId, viewer: CurrentViewer
) -> Response:
    with tx(request) as s:
        x = readable_minutes(s, viewer, meeting_id, minutes_id)
        return Response(
            x.pdf,
            media_type="application/pdf",
            headers={"X-Minutes-SHA256": x.sha256, "Cache-Control": "private, no-store"},
        )


def readable_minutes(s: Any, viewer: Any, meeting_id: int, minutes_id: int) -> MeetingMinutes:
    meetings.visible(s, viewer.actor, meeting_id)
    x = s.get(MeetingMinutes, minutes_id)
    if x is None or x.meeting_id != meeting_id:
        raise service.NotFound(f"no minutes {minutes_id} of meeting {meeting_id}")
    return x
