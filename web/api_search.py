"""``GET /api/search``: the search box's full-text answer for programs, with its filters."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlmodel import select

from cases.core import search_index
from cases.core.models import Case, CivilServant
from web.deps import CurrentViewer, tx
from web.params import SearchText

router = APIRouter()
Word = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_.-]*$")]


@router.get("/api/search", tags=["cases"])
def search(
    request: Request,
    viewer: CurrentViewer,
    q: SearchText,
    process: Word = "",
    state: Word = "",
    agency: Word = "",
    version: Word = "",
    opened_from: date | None = None,
    opened_to: date | None = None,
) -> dict[str, Any]:
    """The cases you may see whose recorded facts or papers (those you may read) hold every
    word of ``q`` (a word or its start; no query syntax), open cases first; each with the
    words in context, the matches between ``**``."""
    filters = search_index.Filters(process, state, agency, version, opened_from, opened_to)
    with tx(request) as s:
        hits = search_index.search(s, viewer.actor, q, filters)
        cases = {
            c.id: (c, name)
            for c, name in s.exec(
                select(Case, CivilServant.name)
                .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
                .where(Case.id.in_([h.case_id for h in hits]))  # type: ignore[union-attr]
            ).all()
        }
    return {
        "results": [
            {
                "case_id": h.case_id,
                "title": cases[h.case_id][0].title,
                "subject_eid": cases[h.case_id][0].subject_eid,
                "subject_name": cases[h.case_id][1],
                "process": cases[h.case_id][0].process,
                "state": cases[h.case_id][0].state,
                "snippet": h.snippet.replace(search_index.OPEN, "**").replace(
                    search_index.CLOSE, "**"
                ),
                "source": h.source.split(":")[0],
            }
            for h in hits
            if h.case_id in cases
        ]
    }
