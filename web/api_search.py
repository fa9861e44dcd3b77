"""``GET /api/search``: the search box's full-text answer for programs, with its filters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import select

from cases.core import search_index
from cases.core.models import Case, CivilServant
from web.deps import CurrentViewer, tx
from web.params import SearchText
from web.search_filters import SearchFilters

router = APIRouter()


@router.get("/api/search", tags=["cases"], name="api_search")
def search(
    request: Request, viewer: CurrentViewer, q: SearchText, filters: SearchFilters
) -> dict[str, Any]:
    """The cases you may see whose recorded facts or papers (those you may read) hold every
    word of ``q`` (a word or its start; no query syntax), open cases first; each with the
    words in context, the matches between ``**``. Filters: ``process``, ``state``,
    ``agency``, ``version``, ``opened_from``/``opened_to`` (Bhutan days), ``offence`` (a
    Schedule 19/A row charged; 0 another offence, 19.11.11) and ``penalty`` (decided on a
    charge, as it stands after any appeal)."""
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
