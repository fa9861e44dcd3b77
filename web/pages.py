"""HTML pages: what every page module renders with (``render``, ``is_htmx``,
``message_page``, ``raise_refusal``), and the lists a user starts from: the work queue
(the dashboard) and the compulsory-retirement queue. Thin: parse the form, call one
service, render one template or its block.

The other pages are in the modules named for what they show: sign in and out
(web.login_pages), a case and its steps (web.case_pages), the register's list and its CSV
import (web.register_list_pages), the holiday calendar (web.calendar_pages), and
web.process_pages, web.register_pages, web.review_pages, web.oversight_pages,
web.document_pages, web.inbox_pages, web.security_pages.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import select

from cases.core import calendar_store, queries, service
from cases.core.models import Agency
from cases.inbox import work_queue
from web import security_headers, templating
from web.deps import CurrentViewer, now, tx
from web.params import case_list_after, case_list_cursor
from workflows import registry
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Refusal, Refused

router = APIRouter(include_in_schema=False)


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


def raise_refusal(reason: str, cite: str = "") -> None:
    raise Refused([Refusal("authority", cite, reason)])


# ------------------------------------------------------------------ dashboard


TABS = ("mine", "others", "all")


# The queue's tabs are numbered pages (a list is at most COUNT_CAP cases); "All cases" goes
# on from where its page ended (the API's cursor), as the list has no end to count to.
QueuePage = Annotated[
    int, Query(ge=1, le=work_queue.LAST_PAGE, description="the page of the tab's list")
]
Cursor = Annotated[str | None, Query(max_length=100, description="where the last page ended")]


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
    page: QueuePage = 1,
    cursor: Cursor = None,
) -> Response:
    """The work queue: "Waiting for you" (the steps open to this user now, most urgent
    first), "Waiting for others" (the cases they follow, with who must act) and all the
    cases they may see (cases.inbox.work_queue), a page at a time."""
    registry.check_case_filters(process, state)
    tab = tab if tab in TABS else "mine"
    today = bhutan_today(now(request))
    after = case_list_after(cursor) if cursor and tab == "all" else None
    rows: list[queries.CaseRow] = []
    following = None
    with tx(request) as s:
        agencies = _agency_filter(s, viewer.actor, agency)
        filters = work_queue.Filters(process or None, state or None, overdue, agency or None)
        queue = work_queue.work_queue(
            s,
            viewer.actor,
            now(request),
            filters,
            others=tab == "others",
            page=page if tab != "all" else 1,
        )
        # The all-cases list is read only on its own tab: it would double what the queue's
        # tabs cost.
        if tab == "all":
            rows, following = queries.page(
                s,
                viewer.actor,
                process=process or None,
                state=state or None,
                include_closed=closed,
                overdue_on=today if overdue else None,
                limit=work_queue.PAGE,
                after=after,
            )
        cal = calendar_store.load(s)
    templating.read_records(request, viewer.actor, [r.case.subject_eid for r in rows])
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
    kept = {k: request.query_params[k] for k in KEPT if request.query_params.get(k)}
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
            "all_count": _all_count(tab, items, after, following),
            "overdue_count": sum(1 for i in items if i["overdue"]),
            "page_url": lambda **more: "/?" + urlencode({"tab": tab, **kept, **more}),
            "next_cursor": case_list_cursor(following) if following else None,
            "cursor": after is not None,
        },
    )


# The filters a page link keeps (the tab and the page are its own).
KEPT = ("process", "state", "overdue", "agency", "closed")


def _all_count(tab: str, items: list[Any], after: Any, following: Any) -> str:
    """The all-cases tab's count: its first page's cases, "50+" when more pages follow;
    nothing on a later page or another tab (it has no total without reading every case)."""
    if tab != "all" or after is not None:
        return ""
    return f"{len(items)}+" if following else str(len(items))


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
