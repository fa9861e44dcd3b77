"""Turning a submitted HTML form into the plain dict the services take."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

SKIP = frozenset({"csrf_token", "version"})


def form_to_fields(form: FormData) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in form.keys():  # noqa: SIM118 (FormData is a multi-dict)
        if key in SKIP:
            continue
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = (
            values if len(values) > 1 or key.endswith("[]") else (values[0] if values else "")
        )
    return {k.removesuffix("[]"): v for k, v in out.items()}


def version_of(form: FormData) -> int | None:
    raw = form.get("version")
    try:
        return int(str(raw)) if raw not in (None, "") else None
    except ValueError:
        return -1
