"""Path and query parameters with their bounds, declared once for every route.

A number in a URL is checked before it reaches the database: a case id beyond what an
SQL INTEGER holds used to end in a 500 (OverflowError on SQLite, "integer out of range" on
PostgreSQL) instead of an answer. FastAPI
refuses a value outside these bounds with 422 (web/errors.py renders it: the API's error
shape under /api, the HTML error page elsewhere), and the OpenAPI publishes the bounds.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Annotated

from fastapi import Path, Query

from cases.core import queries
from workflows import bounds
from workflows.context import Refusal, Refused

# The largest id (and case version) both databases store: these are SQL INTEGER columns,
# 64 bits on SQLite but 32 on PostgreSQL, where a larger value is an error of the query.
MAX_ROW_ID = 2**31 - 1
# A page number of a listing: far beyond any real log, and (page x size) stays an SQL
# BIGINT offset.
MAX_PAGE = 1_000_000
# The calendar shows the years the rules count in.
MIN_YEAR, MAX_YEAR = bounds.EARLIEST_DATE.year, bounds.HORIZON_DATE.year

CaseId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the case's number")]
DocId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the document's number")]
PaperId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the paper's number")]
NoticeId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="the notice's number")]
SearchText = Annotated[
    str, Query(max_length=200, description="case number, name, employee ID or title words")
]
EventSeq = Annotated[
    int, Query(ge=0, le=MAX_ROW_ID, description="the audit event a step just appended")
]
Limit = Annotated[int, Query(ge=1, le=500, description="at most this many rows")]
Year = Annotated[int | None, Query(ge=MIN_YEAR, le=MAX_YEAR, description="a calendar year")]


def case_list_cursor(after: queries.After) -> str:
    """The opaque cursor of a position in the case list (``queries.After``): the API's
    ``next`` and the all-cases tab's next-page link."""
    due = after.due.isoformat() if after.due else ""
    return base64.urlsafe_b64encode(f"{due}/{after.case_id}".encode()).decode().rstrip("=")


def case_list_after(cursor: str) -> queries.After:
    """The position a cursor of ``case_list_cursor`` names; anything else is refused,
    naming it."""
    try:
        due, _, case_id = (
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("/")
        )
        n = int(case_id)
        if not 0 < n < 2**63:  # what a database integer holds
            raise ValueError(case_id)
        return queries.After(date.fromisoformat(due) if due else None, n)
    except ValueError:  # bad base64, text, date or id
        raise Refused(
            [Refusal("field", "", "cursor: not a cursor this list gave (its 'next')", "cursor")]
        ) from None
