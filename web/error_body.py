"""The one body every error under /api has (declared as ApiError in the OpenAPI, web/api.py):

    {"detail": "a sentence", "field": "dotted.location" or null, "refusals": [...]}

``refusals`` lists each reason with its kind, section and field where there are several
(a refused step, a form with many bad fields); a client reads ``detail`` to show and
``field`` to point at the input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.responses import JSONResponse

from workflows.context import Refusal


def api_error(
    status: int,
    detail: str,
    *,
    field: str | None = None,
    refusals: Sequence[Refusal] = (),
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"detail": detail, "field": field}
    if refusals:
        body["refusals"] = [r.as_dict() for r in refusals]
        if field is None:
            body["field"] = next((r.field for r in refusals if r.field), None)
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers)
