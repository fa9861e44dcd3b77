"""Path and query parameters with their bounds, declared once for every route.

A number in a URL is checked before it reaches the database: a case id beyond what an
SQL INTEGER holds used to end in a 500 (OverflowError on SQLite, "integer out of range" on
PostgreSQL) instead of an answer. FastAPI
refuses a value outside these bounds with 422 (web/errors.py renders it: the API's error
shape under /api, the HTML error page elsewhere), and the OpenAPI publishes the bounds.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from workflows import bounds

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
