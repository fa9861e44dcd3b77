"""Turning a submitted HTML form into the plain dict the services take."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile

from workflows.fields import Upload

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


async def step_values(form: FormData) -> dict[str, Any]:
    """``form_to_fields`` with the files sent: each file part as an ``Upload``, a list per
    name (its temporary file closed once read), for a step's file fields (workflows.fields
    parses them; a part under a name no field declares is refused there, as any unknown
    field is)."""
    out = form_to_fields(form)
    for key in form.keys():  # noqa: SIM118 (FormData is a multi-dict)
        files = [v for v in form.getlist(key) if isinstance(v, UploadFile)]
        if files:
            out[key.removesuffix("[]")] = [await _read(f) for f in files]
    return out


async def _read(part: UploadFile) -> Upload:
    """The part's bytes, its spooled temporary file closed once read."""
    try:
        return Upload(part.filename or "", await part.read())
    finally:
        await part.close()


def version_of(form: FormData) -> int | None:
    raw = form.get("version")
    try:
        return int(str(raw)) if raw not in (None, "") else None
    except ValueError:
        return -1
