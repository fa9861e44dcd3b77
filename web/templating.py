"""Jinja2 with jinja2-fragments: one template per page, its blocks are the htmx fragments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks
from sqlmodel import select
from starlette.datastructures import URL

from cases.core import queries
from cases.core.db import reading
from cases.core.models import Agency, CivilServant
from cases.review.committees import may_see, may_see_committees
from cases.review.oversight_filters import may_oversee
from cases.review.printing import FILTERS, TEMPLATES
from web.views import humanize
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ, long_date
from workflows.record import eid_problem


@pass_context
def record_url(context: Any, eid: str, visible: bool = False) -> str | None:
    """A civil servant's record page, or None when there is no page to follow.

    None for an employee ID outside the format (16.3.7): a record stored before the format
    was checked may hold a '/', which no path segment can carry, so the lists show it
    without a link rather than fail for everyone. None too when the viewer may not read the
    record (16.3.3, ``queries.servant_for``): a Tribunal member sees a case under appeal but
    not the agency's register, and a link that answers 404 is no link. ``visible=True``
    skips the check for a list already drawn from what the viewer sees (the register).
    Each record is checked once per request."""
    if eid_problem(eid):
        return None
    request = context["request"]
    if not visible:
        viewer = context.get("viewer")
        if viewer is None or not _may_read_record(request, viewer.actor, eid):
            return None
    return str(request.url_for("servant", eid=eid))


def _may_read_record(request: Any, actor: Any, eid: str) -> bool:
    """``queries.servant_for`` for the templates in at most three reads per request: a page
    naming a person or two asks for each; a list (the dashboard's up to 200 rows) then
    loads the employee IDs the viewer may read (``queries.servant_visibility``) once."""
    state = request.state
    seen: dict[str, bool] | None = getattr(state, "records_seen", None)
    if seen is None:
        seen = state.records_seen = {}
    if eid in seen:
        return seen[eid]
    readable: set[str] | None = getattr(state, "records_readable", None)
    if readable is None:
        with reading(request.app.state.engine) as s:
            if len(seen) < 2:
                seen[eid] = queries.servant_for(s, actor, eid) is not None
                return seen[eid]
            where = queries.servant_visibility(actor)
            readable = state.records_readable = set(s.exec(select(CivilServant.eid).where(where)))
    seen[eid] = eid in readable
    return seen[eid]


def read_records(request: Any, actor: Any, eids: Iterable[str]) -> None:
    """Which of a list's records the viewer may read (``queries.sees_record``), in one query
    for the rows the page shows: each row's ``record_url`` is then a lookup, and the page
    does not read every record the viewer may read (100,000 at a large agency). The rows
    are read by employee ID and the rule applied to them here: with the rule in SQL, SQLite
    walked every record of the viewer's agency instead (20 ms at 100,000 records)."""
    wanted = sorted({e for e in eids if not eid_problem(e)})
    if not wanted:
        return
    with reading(request.app.state.engine) as s:
        rows = s.exec(
            select(CivilServant.eid, CivilServant.agency_code, Agency.parent_code)
            .outerjoin(Agency, Agency.code == CivilServant.agency_code)  # type: ignore[arg-type]
            .where(CivilServant.eid.in_(wanted))  # type: ignore[attr-defined]
        ).all()
    readable = {e for e, agency, parent in rows if queries.sees_record(actor, e, agency, parent)}
    seen = getattr(request.state, "records_seen", None)
    if seen is None:
        seen = request.state.records_seen = {}
    seen.update((e, e in readable) for e in wanted)


_IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def fact(value: Any) -> str:
    """A recorded value as a person reads it: yes/no, a date with its weekday, a stored
    choice in words ("career_break" -> "career break"), a list joined."""
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(fact(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k).lower()}: {fact(v)}" for k, v in value.items())
    text = str(value)
    if _ISO_DAY.fullmatch(text):
        return long_date(text)
    if _IDENTIFIER.fullmatch(text):
        return text.replace("_", " ")
    return text


def bt_when(value: datetime | str | None) -> str:
    """A time as a page shows it: with its weekday, in Bhutan time ("Mon 14 Dec 2026 10:00
    BTT"). Letters keep their own format (their bytes are hashed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(BHUTAN_TZ).strftime("%a %d %b %Y %H:%M BTT")


_SAMPLE = 7_340_000_000_000  # a path parameter no real page URL holds


@pass_context
def url_for(context: Any, name: str, /, **params: Any) -> URL:
    """``request.url_for``, from each route's path worked out once: FastAPI walks every route
    of every router on each call (about 0.3 ms; a work queue of 200 cases made 600 calls,
    three quarters of the page's time). Whole-number parameters (case and record ids) take
    the quick way; anything else the router's."""
    request = context["request"]
    if not all(type(v) is int and v >= 0 for v in params.values()):
        return request.url_for(name, **params)
    paths: dict[tuple[str, tuple[str, ...]], str] = request.app.state.__dict__.setdefault(
        "url_paths", {}
    )
    key = (name, tuple(sorted(params)))
    path = paths.get(key)
    if path is None:
        samples = {k: _SAMPLE + i for i, k in enumerate(key[1])}
        path = str(request.app.url_path_for(name, **samples))
        for k, v in samples.items():
            path = path.replace(str(v), "{" + k + "}")
        paths[key] = path
    base: str = request.scope.setdefault("drukflow.url_base", str(request.base_url).rstrip("/"))
    return URL(base + path.format(**params))


def make_templates() -> Jinja2Blocks:
    t = Jinja2Blocks(directory=str(TEMPLATES))
    t.env.filters.update(FILTERS)
    t.env.filters.update(humanize=humanize, fact=fact, bt_when=bt_when)
    t.env.globals["url_for"] = url_for
    t.env.globals["role_labels"] = R.LABELS
    t.env.globals["record_url"] = record_url
    t.env.globals["may_see_committees"] = may_see_committees
    t.env.globals["may_see_committee"] = may_see  # of one agency: link it or name it
    t.env.globals["may_oversee"] = may_oversee  # the nav shows the TAT page to whom it serves
    t.env.globals["htmx_src"] = "vendor/htmx-4.0.1/htmx.min.js"
    t.env.globals["mermaid_src"] = "vendor/mermaid-12.3.0/mermaid.min.js"
    return t
