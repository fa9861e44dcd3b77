"""The JSON API of process versions, readings and migrations (web.process_pages as data)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from cases.core import db, migration
from web.deps import CurrentViewer, now, tx
from web.params import MAX_ROW_ID
from web.process_pages import version_of
from workflows import registry, revision
from workflows.engine import reading_decl

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/processes/{key}/versions/{version}")
def process_version(key: str, version: str, viewer: CurrentViewer) -> dict[str, Any]:
    """One version of a process, as GET /api/processes describes the newest."""
    return version_of(key, version).describe()


@router.get("/processes/{key}/diff")
def process_diff(
    key: str,
    viewer: CurrentViewer,
    from_: str | None = Query(None, alias="from", max_length=32),
    to: str | None = Query(None, max_length=32),
) -> dict[str, Any]:
    """Steps, states, readings and eligibility rules added, changed or removed between two
    versions (default: the newest and the one before it), each with its section."""
    new = version_of(key, to)
    old = version_of(key, from_) if from_ else (new.previous or new)
    return {
        "process": key,
        "from": old.version,
        "to": new.version,
        "changes": [c.as_dict() for c in revision.diff(old, new)],
    }


@router.get("/readings")
def list_readings(viewer: CurrentViewer) -> list[dict[str, Any]]:
    """Every reading every version declares: the words, the readings, the one in force."""
    return [
        {"process": v.key, "version": v.version, **reading_decl(r)}
        for v in registry.every_version()
        for r in v.readings
    ]


class MigrationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: str = Field(max_length=32, description="the version to move cases to")
    from_version: str = Field("", max_length=32, description="only cases on this version")
    map: dict[str, str] = Field(
        default_factory=dict, max_length=200, description="old state -> new state"
    )
    cases: list[int] = Field(default_factory=list, max_length=10_000)
    dry_run: bool = True


@router.post("/processes/{key}/migrations")
def migrate(request: Request, key: str, body: MigrationIn, viewer: CurrentViewer) -> dict[str, Any]:
    """Plan (``dry_run``, the default) or apply a migration of open cases (BCSR 1.7): the
    RCSC or an administrator; each case moves in its own transaction."""
    version_of(key, None)
    plan = migration.Plan(
        process=key,
        to_version=body.to,
        from_version=body.from_version,
        states={str(k)[:64]: str(v)[:64] for k, v in body.map.items()},
        case_ids=tuple(c for c in body.cases if 0 < c <= MAX_ROW_ID),
    )
    if body.dry_run:
        with tx(request) as s:
            outcomes = migration.dry_run(s, plan, viewer.actor, now(request))
    else:
        engine: db.Engine = request.app.state.engine
        outcomes = migration.apply(engine, plan, viewer.actor, now(request))
    return {
        "plan_hash": plan.digest,
        "dry_run": body.dry_run,
        "moved": sum(1 for o in outcomes if not o.refused),
        "refused": sum(1 for o in outcomes if o.refused),
        "cases": [o.as_dict() for o in outcomes],
    }
