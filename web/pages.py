"""HTML pages. Thin: parse the form, call one service, render one template or its block."""

from __future__ import annotations

import json
import math
import secrets
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select

from cases.core import audit, calendar_store, queries, service
from cases.core.db import reading
from cases.core.models import Agency, AuditEvent, CivilServant
from cases.inbox import work_queue
from cases.people import auth, case_search, register, register_import, register_reads
from cases.people import security_log as SL
from web import security_headers, views
from web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfChecked,
    CsrfRefused,
    CurrentViewer,
    Viewer,
    check_origin,
    client_ip,
    now,
    secure_cookie,
    tx,
)
from web.forms import form_to_fields, version_of
from web.params import CaseId, EventSeq, SearchText, Year
from web.request_checks import MB
from workflows import registry
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ, bhutan_today
from workflows.engine import Refusal, Refused, parse_values

router = APIRouter(include_in_schema=False)

# A register file of every civil servant (about 30,000 rows) with its history columns.
REGISTER_UPLOAD_LIMIT = 20 * MB


def render(
    request: Request,
    name: str,
    ctx: dict[str, Any],
    status: int = 200,
    block: str | list[str] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    ctx.setdefault("viewer", getattr(request.state, "viewer", None))
    if "diagram" in ctx:  # mermaid styles what it draws inline (web/security_headers.py)
        headers = {**(headers or {}), "Content-Security-Policy": security_headers.DIAGRAM_CSP}
    kwargs: dict[str, Any] = {}
    if isinstance(block, list):
        kwargs["block_names"] = block
    elif block:
        kwargs["block_name"] = block
    resp = request.app.state.templates.TemplateResponse(
        request, name, ctx, status_code=status, headers=headers, **kwargs
    )
    resp.headers["Vary"] = "HX-Request"
    return resp


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def message_page(request: Request, status: int, title: str, text: str) -> Response:
    return render(request, "pages/message.html", {"title": title, "text": text}, status)


# ------------------------------------------------------------------ sign in / out


@router.get("/login", name="login")
def login_form(request: Request, ended: str = "") -> Response:
    notice = "Your session has ended; please sign in again." if ended else None
    return _login_page(request, notice, 200)


def _login_page(
    request: Request, error: str | None, status: int, headers: dict[str, str] | None = None
) -> Response:
    token = secrets.token_urlsafe(24)
    resp = render(
        request, "pages/login.html", {"login_csrf": token, "error": error}, status, headers=headers
    )
    resp.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure_cookie(request)
    )
    return resp


def _throttled(request: Request, until: datetime, scope: str) -> Response:
    """The 429 login page: how long to wait, and when, in Bhutan time."""
    seconds = max(1, math.ceil((until - now(request)).total_seconds()))
    minutes = math.ceil(seconds / 60)
    wait = f"{seconds} seconds" if seconds < 60 else f"{minutes} minute" + "s" * (minutes > 1)
    text = (
        f"Too many failed sign-ins {scope}. "
        f"Try again in {wait} (at {until.astimezone(BHUTAN_TZ):%H:%M:%S} Bhutan time)."
    )
    return _login_page(request, text, 429, headers={"Retry-After": str(seconds)})


@router.post("/login")
async def login(request: Request) -> Response:
    """Throttled per (username, address) and per address (cases.people.auth.login_waits); every
    attempt is in the security log. The password is checked between two short transactions
    so that argon2's deliberate slowness never holds the database's write lock."""
    form = await request.form()
    check_origin(request)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not secrets.compare_digest(cookie, str(form.get("csrf_token") or "")):
        raise CsrfRefused()
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    at, ip = now(request), client_ip(request)
    where = {"username": username, "ip": ip, "method": "POST", "path": request.url.path}
    attempt: int | None = None
    with tx(request) as s:
        waits = auth.login_waits(s, username, ip, at)
        if waits.pair is not None:
            detail = f"until {waits.pair.isoformat(timespec='seconds')}"
            SL.record(s, SL.LOGIN_THROTTLED, at=at, status=429, detail=detail, **where)
        else:
            # Counted as failed before the password is checked, in this serialised
            # transaction, so that guesses sent in parallel all count; a success is settled.
            attempt = SL.record(s, SL.LOGIN_FAILED, at=at, status=401, **where).id
        user = None if waits.pair else auth.find_user(s, username)
    if waits.pair is not None:
        return _throttled(request, waits.pair, "for this username from your address")
    ok = await run_in_threadpool(auth.password_matches, user, password)
    with tx(request) as s:
        user = auth.find_user(s, username) if ok else None
        if user is not None and user.active:
            sid, _csrf = auth.start_session(s, user, at)
            SL.settle_login(s, attempt or 0, user.id)
        else:
            user = None
    if user is None:
        if waits.address is not None:  # many usernames failed from here: wrong ones wait
            return _throttled(request, waits.address, "from your address")
        return _login_page(request, "Wrong username or password.", 401)
    resp = RedirectResponse(request.url_for("dashboard"), status_code=303)
    secure = secure_cookie(request)
    resp.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=secure)
    resp.delete_cookie(LOGIN_CSRF_COOKIE, secure=secure, httponly=True, samesite="strict")
    return resp


@router.post("/logout", name="logout")
def logout(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    """The session's row is deleted now, not when the cookie expires."""
    with tx(request) as s:
        auth.end_session(s, request.cookies.get(SESSION_COOKIE, ""))
        SL.record(
            s,
            SL.LOGOUT,
            at=now(request),
            username=viewer.user.username,
            user_id=viewer.user.id,
            ip=client_ip(request),
            method="POST",
            path=request.url.path,
        )
    resp = RedirectResponse(request.url_for("login"), status_code=303)
    resp.delete_cookie(SESSION_COOKIE, secure=secure_cookie(request), httponly=True, samesite="lax")
    return resp


# ------------------------------------------------------------------ dashboard


TABS = ("mine", "others", "all")


@router.get("/", name="dashboard")
def dashboard(
    request: Request,
    viewer: CurrentViewer,
    tab: str = "mine",
    process: str | None = None,
    state: str | None = None,
    overdue: bool = False,
    agency: str | None = None,
    closed: bool = False,
) -> Response:
    """The work queue: "Waiting for you" (the steps open to this user now, most urgent
    first), "Waiting for others" (the cases they follow, with who must act) and all the
    cases they may see (cases.inbox.work_queue)."""
    registry.check_case_filters(process, state)
    tab = tab if tab in TABS else "mine"
    today = bhutan_today(now(request))
    with tx(request) as s:
        agencies = _agency_filter(s, viewer.actor, agency)
        filters = work_queue.Filters(process or None, state or None, overdue, agency or None)
        queue = work_queue.work_queue(s, viewer.actor, now(request), filters)
        rows = queries.list_cases(
            s,
            viewer.actor,
            process=process or None,
            state=state or None,
            include_closed=closed,
            overdue_on=today if overdue else None,
        )
        cal = calendar_store.load(s)
    items = []
    for r in rows:
        if agency and r.case.agency_code != agency:
            continue
        left = cal.working_days_between(today, r.next_due) if r.next_due else None
        calendar_days = r.next_term is not None and r.next_term.unit_name == "calendar_days"
        due = None
        if r.next_due is not None and left is not None:
            due = work_queue.Due(
                r.next_label or "",
                r.next_cite or "",
                r.next_due,
                (r.next_due - today).days if calendar_days else left,
                "days" if calendar_days else "working days",
            )
        items.append(
            {
                "row": r,
                "days_left": left,
                "time_left": due.phrase() if due else "—",
                "overdue": r.next_due is not None and r.next_due < today,
                "state": registry.for_case(r.case).state(r.case.state),
                "process_title": registry.for_case(r.case).title,
            }
        )
    return render(
        request,
        "pages/dashboard.html",
        {
            "tab": tab,
            "queue": queue,
            "items": items,
            "today": today,
            "processes": registry.newest(),
            "states": _state_choices(process),
            "agencies": agencies,
            "filter_process": process or "",
            "filter_state": state or "",
            "filter_overdue": overdue,
            "filter_agency": agency or "",
            "closed": closed,
            "overdue_count": sum(1 for i in items if i["overdue"]),
        },
    )


def _state_choices(process: str | None) -> list[tuple[str, str]]:
    """(state, label) for the state filter: the named process's stages, else every stage."""
    procs = list(registry.versions(process)) if process else registry.every_version()
    seen: dict[str, str] = {}
    for p in procs:
        for st in p.states:
            seen.setdefault(st.name, st.label)
    return sorted(seen.items(), key=lambda kv: kv[1])


def _agency_filter(session: Any, actor: Any, agency: str | None) -> list[Agency]:
    """The agencies the RCSC (and administrators) may filter by; an unknown code is 422."""
    if not (R.RCSC in actor.roles or R.ADMIN in actor.roles or actor.agency == R.RCSC_AGENCY):
        if agency:
            raise Refused([Refusal("field", "", "only the RCSC filters by agency", "agency")])
        return []
    known = list(session.exec(select(Agency).order_by(Agency.name)).all())
    if agency and agency not in {a.code for a in known}:
        raise Refused([Refusal("field", "", f"no agency {agency}", "agency")])
    return known


# ------------------------------------------------------------------ cases


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


@router.post("/cases", name="create_case")
async def create_case(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    form = await request.form()
    fields = form_to_fields(form)
    process, eid = str(fields.pop("process", "disciplinary")), str(fields.pop("subject_eid", ""))
    with tx(request) as s:
        fired = service.open_case(s, process, eid, viewer.actor, fields, now=now(request))
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


@router.post("/cases/{case_id}/actions/{trigger}", name="case_action")
async def case_action(
    request: Request, case_id: CaseId, trigger: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = await request.form()
    with tx(request) as s:
        if queries.can_see(s, viewer.actor, case_id) is None:
            raise service.NotFound(f"case {case_id} not found")
        fired = service.fire(
            s,
            case_id,
            trigger,
            viewer.actor,
            form_to_fields(form),
            now=now(request),
            expected_version=version_of(form),
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
def search_page(request: Request, viewer: CurrentViewer, q: SearchText = "") -> Response:
    """The search box of every page: the cases this user may see, by case number, name,
    employee ID or title, and by the words of their facts and papers (case_search.find)."""
    with tx(request) as s:
        found = case_search.find(s, viewer.actor, q)
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
    return render(request, "pages/search.html", {"q": q.strip(), "rows": rows})


# ------------------------------------------------------------------ civil servants


@router.get("/servants", name="servants")
def servants(request: Request, viewer: CurrentViewer, q: str = "") -> Response:
    with tx(request) as s:
        stmt = (
            select(CivilServant)
            .where(queries.servant_visibility(viewer.actor))
            .order_by(CivilServant.name)
        )
        if q:
            stmt = stmt.where(register_reads.servant_matches(q))
        rows = s.exec(stmt.limit(200)).all()
    return render(request, "pages/servants.html", {"servants": rows, "q": q, "result": None})


@router.post("/servants/import", name="servants_import", max_body_size=REGISTER_UPLOAD_LIMIT)
async def servants_import(request: Request, viewer: CurrentViewer, _: CsrfChecked) -> Response:
    """A CSV file of register rows, with the edit form's authority (register.may_change):
    all lines or none. A refused file's page shows its own lines and problems only, never
    the register (its rows may be other agencies')."""
    if R.HR_OFFICER not in viewer.actor.roles and not register.is_rcsc(viewer.actor):
        raise_refusal("only an HR officer or the RCSC may import the register", "16.3.3")
    async with request.form() as form:  # closes the upload's temporary file
        upload = form.get("file")
        data = await upload.read() if hasattr(upload, "read") else b""
    engine = request.app.state.engine
    result = await run_in_threadpool(
        register_import.import_csv, engine, data, viewer.actor, now(request)
    )
    rows: list[CivilServant] = []
    if not result.errors:
        with reading(engine) as s:
            stmt = select(CivilServant).where(queries.servant_visibility(viewer.actor))
            rows = list(s.exec(stmt.order_by(CivilServant.name).limit(200)).all())
    return render(
        request,
        "pages/servants.html",
        {"servants": rows, "q": "", "result": result},
        422 if result.errors else 200,
    )


def raise_refusal(reason: str, cite: str = "") -> None:
    raise Refused([Refusal("authority", cite, reason)])


# ------------------------------------------------------------------ calendar


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


# ------------------------------------------------------------------ processes


@router.get("/queues/retirement", name="retirement_queue")
def retirement_queue(request: Request, viewer: CurrentViewer) -> Response:
    """Compulsory-retirement proposals from every process (7.7.8.1 v, 8.12.15, 13.10.6.4),
    with whether this user is the authority that decides each."""
    when = now(request)
    rows = []
    with tx(request) as s:
        for case, name in queries.queue(s, viewer.actor, "compulsory_retirement"):
            data = json.loads(case.data)
            steps = service.available_steps(s, case, viewer.actor, when)
            rows.append(
                {
                    "case": case,
                    "name": name,
                    "process": registry.for_case(case),
                    "ground": data.get("retirement_ground", ""),
                    "effective_on": data.get("retirement_effective_on"),
                    "can_decide": any(st.trigger == "retire" for st in steps),
                }
            )
    return render(request, "pages/queue.html", {"rows": rows})
