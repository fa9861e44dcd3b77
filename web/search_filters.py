"""The search's filters as query parameters, one dependency for the search page and
``GET /api/search``: process, state, agency, offence row, penalty, days opened, version.

A form's empty choice ("any") arrives as an empty string, so every parameter is read as
text and an empty one means no filter; a bad one is refused naming its field
(cases.people.case_search.filters checks the values against the rules)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query

from cases.core.search_index import Filters
from cases.people import case_search
from workflows import bounds
from workflows.context import Refusal, Refused

Word = Annotated[str, Query(max_length=64, pattern=r"^[A-Za-z0-9_.-]*$")]
Day = Annotated[str, Query(max_length=10, description="YYYY-MM-DD (a Bhutan day)")]


def _day(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        return bounds.check_date(date.fromisoformat(value))
    except ValueError:
        raise Refused([Refusal("field", "", f"{name}: not a date (YYYY-MM-DD)", name)]) from None


def search_filters(
    process: Word = "",
    state: Word = "",
    agency: Word = "",
    version: Word = "",
    opened_from: Day = "",
    opened_to: Day = "",
    offence: Annotated[
        str, Query(max_length=3, pattern=r"^[0-9]*$", description="Schedule 19/A row charged")
    ] = "",
    penalty: Annotated[Word, Query(description="a penalty decided on a charge")] = "",
) -> Filters:
    return case_search.filters(
        process=process,
        state=state,
        agency=agency,
        version=version,
        opened_from=_day("opened_from", opened_from),
        opened_to=_day("opened_to", opened_to),
        offence=int(offence) if offence else None,
        penalty=penalty,
    )


SearchFilters = Annotated[Filters, Depends(search_filters)]
