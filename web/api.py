"""The JSON API under /api: the same services as the pages, with bearer tokens."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from cases.core import audit, queries, service
from cases.core.models import CivilServant
from cases.people import register, register_reads
from cases.processes import applications
from web import case_file_pages, views
from web.api_schema import ActedOut, CaseOut, CasePage
from web.case_file_pages import UPLOAD_LIMIT
from web.deps import CurrentViewer, now, tx
from web.forms import step_values
from web.idempotency import Idempotency, IdempotentRoute
from web.params import MAX_ROW_ID, CaseId, case_list_after, case_list_cursor
from workflows import registry
from workflows.calendar import bhutan_today
from workflows.context import Refusal, Refused
from workflows.record import LEVELS

router = APIRouter(prefix="/api", tags=["api"], route_class=IdempotentRoute)


# What every refusal under /api looks like (web/error_body.py, web/errors.py): FastAPI's own
# validation errors are converted into it too.
API_ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["detail", "field"],
    "properties": {
        "detail": {"type": "string", "description": "what was refused and why, as a sentence"},
        "field": {
            "type": ["string", "null"],
            "description": "the input refused, as a dotted location (e.g. fields.reasons)",
        },
        "refusals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind", "reason"],
                "properties": {
                    "kind": {"type": "string"},
                    "cite": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                },
            },
        },
        "current_version": {"type": ["integer", "null"]},
    },
}
ERROR_RESPONSES: dict[str, str] = {
    "400": "the body is not well-formed JSON",
    "401": "no valid bearer token",
    "403": "role, agency or recusal (19.3.5) refuses it",
    "404": "no such case or record, or not yours to see",
    "409": "not open in the case's state, or a stale version",
    "413": "the body is larger than the operation accepts (1 MB)",
    "422": "a field is bad, unknown or missing, or a rule is unmet",
}


def declare_errors(app: Any) -> None:
    """The OpenAPI of every /api operation lists the refusals web.errors answers, so a client
    (and the schema fuzzing in tests/web/test_api_fuzz.py) knows them."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {})["ApiError"] = API_ERROR
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}}
        for path, item in schema["paths"].items():
            if path.startswith("/api/"):
                for operation in item.values():
                    for code, text in ERROR_RESPONSES.items():
                        operation["responses"][code] = {"description": text, "content": body}
        return schema

    app.openapi = openapi


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    process: str = Field(description="disciplinary, eol, secondment, transfer or ltt")
    subject_eid: str = Field(description="employee ID of the civil servant the case is about")
    fields: dict[str, Any] = Field(default_factory=dict)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(
        ge=0, le=MAX_ROW_ID, description="the case version the caller last saw (else 409)"
    )
    fields: dict[str, Any] = Field(default_factory=dict)


def _view(request: Request, viewer: Any, case_id: int) -> dict[str, Any]:
    with tx(request) as s:
        return _view_in(s, request, viewer, case_id)


def _view_in(
    s: Any, request: Request, viewer: Any, case_id: int, fired: service.Fired | None = None
) -> dict[str, Any]:
    """The case as this viewer sees it, read in the caller's transaction (a write route
    keeps its answer with its effect, web/idempotency.py)."""
    case = queries.can_see(s, viewer.actor, case_id)
    if case is None:
        raise service.NotFound(f"case {case_id} not found")
    ctx = fired.context if fired is not None else None
    return views.api_case(s, case, viewer.actor, now(request), ctx)


@router.get("/processes")
def list_processes(viewer: CurrentViewer) -> list[dict[str, Any]]:
    """The newest version of each process, with the list of all its versions (a case runs
    on its own: ``process_version`` on the case)."""
    return [
        {
            **registry.latest(key).describe(),
            "versions": [
                {
                    "version": v.version,
                    "effective_from": v.effective_from.isoformat(),
                    "changes": v.changes,
                }
                for v in registry.versions(key)
            ],
        }
        for key in registry.keys()
    ]


# A page of the case list: 50 cases unless asked, at most 200 (a longer list is paged).
PAGE_DEFAULT, PAGE_MAX = 50, 200


@router.get("/cases", response_model=CasePage)
def list_cases(
    request: Request,
    viewer: CurrentViewer,
    process: str | None = None,
    state: str | None = None,
    overdue: bool = False,
    closed: bool = Query(
        False, description="also list closed cases (those in a final state), as the page does"
    ),
    limit: int = Query(
        PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"cases per page, at most {PAGE_MAX}"
    ),
    cursor: str | None = Query(
        None, max_length=100, description="where to go on: the previous page's `next`"
    ),
) -> dict[str, Any]:
    """The cases you may see, most urgent first (by the first deadline still owed), then
    those owing nothing, newest first; a page at a time. Closed cases only with
    ``closed=true`` or a ``state`` filter."""
    registry.check_case_filters(process, state)
    today = bhutan_today(now(request))
    after = case_list_after(cursor) if cursor else None
    with tx(request) as s:
        rows, following = queries.page(
            s,
            viewer.actor,
            process=process,
            state=state,
            overdue_on=today if overdue else None,
            include_closed=closed or state is not None,
            limit=limit,
            after=after,
        )
    nxt = case_list_cursor(following) if following else None
    url = request.url.include_query_params(cursor=nxt) if nxt else None
    return {
        "cases": [
            {
                "id": r.case.id,
                "process": r.case.process,
                "state": r.case.state,
                "version": r.case.version,
                "subject_eid": r.case.subject_eid,
                "subject_name": r.subject_name,
                "next_deadline": None
                if r.next_due is None or r.next_term is None
                else {
                    "kind": r.next_kind,
                    "label": r.next_label,
                    **r.next_term.as_json(),
                    "cite": r.next_cite,
                    "overdue": r.next_due < today,
                },
            }
            for r in rows
        ],
        "limit": limit,
        "next": nxt,
        "next_url": url and f"{url.path}?{url.query}",
    }


@router.post("/cases", status_code=201, response_model=CaseOut, name="api_create_case")
def create_case(
    request: Request, body: CaseIn, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    with idem.transaction() as s:
        fired = service.open_case(
            s, body.process, body.subject_eid, viewer.actor, body.fields, now=now(request)
        )
        return idem.save(s, _view_in(s, request, viewer, fired.case.id, fired), 201)  # type: ignore[arg-type]


@router.get("/cases/{case_id}", response_model=CaseOut)
def get_case(request: Request, case_id: CaseId, viewer: CurrentViewer) -> dict[str, Any]:
    return _view(request, viewer, case_id)


@router.post("/cases/{case_id}/actions/{trigger}", response_model=ActedOut)
def act(
    request: Request,
    case_id: CaseId,
    trigger: str,
    body: ActionIn,
    viewer: CurrentViewer,
    idem: Idempotency,
) -> Response:
    return _act(request, case_id, trigger, viewer, idem, body.fields, body.version)


# The multipart body of a step with its papers, as the OpenAPI declares it: FastAPI does not
# read it (the idempotency key hashes the raw body first); the route reads the form itself.
WITH_PAPERS_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["version"],
                "properties": {
                    "version": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": MAX_ROW_ID,
                        "description": "the case version the caller last saw (else 409)",
                    },
                    "fields": {
                        "type": "string",
                        "description": "the step's other fields, as a JSON object",
                    },
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "a paper for the step's file field of this name",
                },
            }
        }
    },
}


@router.post(
    "/cases/{case_id}/actions/{trigger}/with-papers",
    response_model=ActedOut,
    max_body_size=UPLOAD_LIMIT,
    openapi_extra={"requestBody": WITH_PAPERS_BODY},
)
async def act_with_papers(
    request: Request, case_id: CaseId, trigger: str, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    """The step with its papers: a multipart form with ``version``, ``fields`` (a JSON
    object, as in the JSON call) and a file part for each file field the step declares
    (GET /api/processes: type "file"; several parts of one name for several papers). The
    papers go on the case file in the step's transaction (a refused paper refuses the
    step); the step's facts keep each one's name, SHA-256 and size."""
    form, fields = await _with_papers(request)
    version = str(form.get("version") or "").strip()
    if not (version.isdigit() and int(version) <= MAX_ROW_ID):
        reason = "version: the case version last seen, a whole number"
        raise Refused([Refusal("field", "", reason, "version")])
    filing = case_file_pages.filing(request)
    return await run_in_threadpool(
        _act, request, case_id, trigger, viewer, idem, fields, int(version), filing
    )


async def _with_papers(request: Request) -> tuple[Any, dict[str, Any]]:
    """The multipart form of a step with its papers, and the step's fields: ``fields`` (a
    JSON object) with each file part (and any other part) beside it, none given twice."""
    form = await request.form()
    sent = await step_values(form)
    for key in ("version", "process", "subject_eid"):
        sent.pop(key, None)
    try:
        given = json.loads(str(sent.pop("fields", None) or "{}"))
    except ValueError:
        given = None
    if not isinstance(given, dict):
        raise Refused([Refusal("field", "", "fields: not a JSON object", "fields")])
    clash = sorted(sent.keys() & given.keys())
    if clash:
        reason = f"{clash[0]}: given both in fields and as a form part"
        raise Refused([Refusal("field", "", reason, clash[0])])
    return form, {**given, **sent}


OPEN_WITH_PAPERS_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["process", "subject_eid"],
                "properties": {
                    "process": {"type": "string", "description": "disciplinary, eol, ..."},
                    "subject_eid": {"type": "string", "description": "the civil servant"},
                    "fields": {
                        "type": "string",
                        "description": "the opening step's other fields, as a JSON object",
                    },
                },
                "additionalProperties": {
                    "type": "string",
                    "format": "binary",
                    "description": "a paper for the opening step's file field of this name",
                },
            }
        }
    },
}


@router.post(
    "/cases/with-papers",
    status_code=201,
    response_model=CaseOut,
    max_body_size=UPLOAD_LIMIT,
    openapi_extra={"requestBody": OPEN_WITH_PAPERS_BODY},
)
async def create_case_with_papers(
    request: Request, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    """Open a case with the papers of its opening step (the complaint's evidence, 19.5.1.2;
    EOL's Form 8/B, 8.12.10): ``process``, ``subject_eid``, ``fields`` (a JSON object) and a
    file part per file field, filed on the case file in the opening's transaction."""
    form, fields = await _with_papers(request)
    process, eid = str(form.get("process") or ""), str(form.get("subject_eid") or "")
    filing = case_file_pages.filing(request)

    def run() -> Response:
        with idem.transaction() as s:
            fired = service.open_case(
                s, process, eid, viewer.actor, fields, now=now(request), filing=filing
            )
            return idem.save(s, _view_in(s, request, viewer, fired.case.id, fired), 201)  # type: ignore[arg-type]

    return await run_in_threadpool(run)


def _act(
    request: Request,
    case_id: int,
    trigger: str,
    viewer: Any,
    idem: Any,
    fields: dict[str, Any],
    version: int,
    filing: service.Filing | None = None,
) -> Response:
    with idem.transaction() as s:
        # Held while the step runs: the session keeps a loaded case only while it is
        # referenced, and the step takes this one instead of reading it again.
        seen = queries.can_see(s, viewer.actor, case_id)
        if seen is None:
            raise service.NotFound(f"case {case_id} not found")
        fired = service.fire(
            s,
            case_id,
            trigger,
            viewer.actor,
            fields,
            now=now(request),
            expected_version=version,
            filing=filing,
        )
        event = {"seq": fired.event.seq, "hash": fired.event.hash, "cite": fired.event.cite}
        # The answer shows the step's author the case as the step left it (redacted for
        # their roles), even where the step moved it out of their sight.
        out = views.api_case(s, fired.case, viewer.actor, now(request), fired.context)
        out["event"] = event
        return idem.save(s, out)


@router.get("/cases/{case_id}/events")
def events(request: Request, case_id: CaseId, viewer: CurrentViewer) -> list[dict[str, Any]]:
    with tx(request) as s:
        if queries.can_see(s, viewer.actor, case_id) is None:
            raise service.NotFound(f"case {case_id} not found")
        return [
            {
                "seq": e.seq,
                "at": e.at,
                "actor": e.actor,
                "role": e.role,
                "trigger": e.trigger,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "cite": e.cite,
                "fields": views.event_fields(
                    e.trigger, json.loads(e.fields), viewer.actor, e.process, e.process_version
                ),
                "process_version": e.process_version,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in audit.events_for(s, case_id)
        ]


# ------------------------------------------------------------------ the register


def _servant(request: Request, viewer: Any, eid: str) -> Any:
    with tx(request) as s:
        cs = queries.servant_for(s, viewer.actor, eid)
        if cs is None:
            raise service.NotFound(f"no civil servant {eid}")
        return cs


class EmployeeSummary(BaseModel):
    """A line of the register, as a list shows it (GET /api/employees/{eid} has the rest)."""

    eid: str
    name: str
    position_title: str
    position_level: str
    position_category: str
    agency_code: str
    appointment_date: str
    status: str


class EmployeePage(BaseModel):
    items: list[EmployeeSummary]
    limit: int = Field(description="the most items a page holds")
    next_after: str | None = Field(
        description="pass as ?after= for the next page; null on the last page"
    )


EMPLOYEES_MAX = 500


@router.get("/employees", response_model=EmployeePage)
def list_employees(
    request: Request,
    viewer: CurrentViewer,
    agency: str | None = Query(None, max_length=32, description="working agency code"),
    level: str | None = Query(None, max_length=8, description="position level, e.g. P3"),
    name: str | None = Query(
        None, max_length=200, description="name or employee ID contains (any case)"
    ),
    after: str | None = Query(
        None, max_length=64, description="the previous page's next_after (employee ID order)"
    ),
    limit: int = Query(100, ge=1, le=EMPLOYEES_MAX, description=f"at most {EMPLOYEES_MAX}"),
) -> dict[str, Any]:
    """The register's records the caller may read (16.3.3: an agency's officers their
    agency's and its departments', the RCSC all, a civil servant their own), in employee ID
    order, a page at a time."""
    for key, value in (("agency", agency), ("name", name), ("after", after)):
        if value and register.UNPRINTABLE.search(value):
            reason = f"{key}: control characters are not text"
            raise Refused([Refusal("field", "16.3.7", reason, key)])
    if level is not None and level.upper() not in LEVELS:
        reason = f"level: '{level}' is not a position level; one of {', '.join(LEVELS)}"
        raise Refused([Refusal("field", "16.3.7", reason, "level")])
    stmt = select(CivilServant).where(queries.servant_visibility(viewer.actor))
    if agency:
        stmt = stmt.where(CivilServant.agency_code == agency)
    if level:
        stmt = stmt.where(CivilServant.position_level == level.upper())
    if name:
        stmt = stmt.where(register_reads.servant_matches(name))
    if after:
        stmt = stmt.where(CivilServant.eid > after)
    with tx(request) as s:
        rows = s.exec(stmt.order_by(CivilServant.eid).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [
            {
                "eid": cs.eid,
                "name": cs.name,
                "position_title": cs.position_title,
                "position_level": cs.position_level,
                "position_category": cs.position_category,
                "agency_code": cs.agency_code,
                "appointment_date": cs.appointment_date.isoformat(),
                "status": cs.status,
            }
            for cs in rows
        ],
        "limit": limit,
        "next_after": rows[-1].eid if more else None,
    }


@router.get("/employees/{eid}/eligibility/{process}")
def eligibility(request: Request, eid: str, process: str, viewer: CurrentViewer) -> dict[str, Any]:
    """Whether ``eid`` may apply now: {eligible, unmet: [{cite, reason}], warnings}.

    Query parameters are what the application proposes (the process's proposal fields,
    listed under "proposal_fields" in GET /api/processes), e.g. ?start_on=&end_on= for EOL.
    """
    _servant(request, viewer, eid)
    if process not in registry.keys():
        raise service.NotFound(f"no process {process}")
    with tx(request) as s:
        result = applications.eligibility(
            s, process, eid, dict(request.query_params), bhutan_today(now(request))
        )
    return result.as_dict()


@router.get("/employees/{eid}")
def employee(request: Request, eid: str, viewer: CurrentViewer) -> dict[str, Any]:
    """The civil servant's record: the register's columns and the service history."""
    cs = _servant(request, viewer, eid)
    with tx(request) as s:
        history = register_reads.history_rows(s, eid)
    return {
        **{c: _plain(getattr(cs, c)) for c in register_reads.EXPORT_COLUMNS},
        "history": [
            {
                "id": h["row"].id,
                "kind": h["row"].kind,
                "start_on": _plain(h["row"].start_on),
                "end_on": _plain(h["row"].end_on),
                "status": h["row"].status,
                "case_id": h["row"].case_id,
                "details": h["details"],
            }
            for h in history
        ],
    }


class RecordEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fields: dict[str, Any] = Field(description="register columns to change (16.3.7)")


@router.patch("/employees/{eid}")
def edit_employee(
    request: Request, eid: str, body: RecordEdit, viewer: CurrentViewer, idem: Idempotency
) -> Response:
    _servant(request, viewer, eid)
    with idem.transaction() as s:
        changes = register.edit(s, eid, body.fields, viewer.actor, now(request))
        return idem.save(s, {"eid": eid, "changes": changes})


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
