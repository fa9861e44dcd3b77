"""The processes as users read them: every version of each, what each changed, the
readings in force, and the RCSC's migration of open cases to a later version.

An appellate body asks which rules governed a case; a committee asks what changed and
since when. Each version is listed with its day of coming into force and its difference
from the one before (workflows.revision), each reading with the words it reads
(workflows.readings), and a migration is planned with a dry run before anything moves
(cases.core.migration).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from cases.core import migration, service
from web import cli_migrate, views
from web.deps import CsrfChecked, CurrentViewer, now, tx
from web.pages import render
from workflows import registry, revision
from workflows.context import Refusal, Refused
from workflows.engine import Process

router = APIRouter(include_in_schema=False)


def version_of(key: str, version: str | None) -> Process:
    """One version (the newest when none is named); an unknown one is a 404."""
    if key not in registry.keys():
        raise service.NotFound(f"no process {key}")
    if not version:
        return registry.latest(key)
    try:
        return registry.version(key, version)
    except KeyError:
        raise service.NotFound(f"no version {version} of process {key}") from None


def changes_of(process: Process) -> list[revision.Change]:
    return revision.diff(process.previous, process) if process.previous else []


@router.get("/processes", name="processes")
def processes_page(request: Request, viewer: CurrentViewer) -> Response:
    rows = [(key, registry.versions(key)) for key in registry.keys()]
    return render(request, "pages/processes.html", {"rows": rows})


@router.get("/processes/{key}", name="process")
def process_page(
    request: Request, key: str, viewer: CurrentViewer, version: str | None = None
) -> Response:
    proc = version_of(key, version)
    return render(
        request,
        "pages/process.html",
        {
            "process": proc,
            "versions": registry.versions(key),
            "changes": changes_of(proc),
            "diagram": views.diagram(proc),
            "may_migrate": bool(viewer.actor.roles & migration.MAY_MIGRATE),
        },
    )


@router.get("/readings", name="readings")
def readings_page(request: Request, viewer: CurrentViewer) -> Response:
    """Every declared reading of every version: the words, the readings they allow, the
    one in force and why."""
    return render(request, "pages/readings.html", {"versions": registry.every_version()})


def plan_from(key: str, params: Any) -> migration.Plan:
    """A plan from a form or query: to, from, map (OLD=NEW, one per line), case ids."""
    version_of(key, None)
    raw_cases = str(params.get("cases") or "").replace(",", " ").split()
    bad = [c for c in raw_cases if not c.isdigit() or len(c) > 9]
    if bad:
        raise Refused(
            [
                Refusal(
                    "field", migration.CITE, f"cases: not case numbers: {', '.join(bad)}", "cases"
                )
            ]
        )
    return migration.Plan(
        process=key,
        to_version=str(params.get("to") or registry.latest(key).version),
        from_version=str(params.get("from") or ""),
        states=cli_migrate.parse_map(str(params.get("map") or "").split()),
        case_ids=tuple(int(c) for c in raw_cases),
    )


@router.get("/processes/{key}/migrate", name="migrate_plan", include_in_schema=False)
def migrate_page(request: Request, key: str, viewer: CurrentViewer) -> Response:
    """The dry run: every case the plan touches, its deadlines under both rules, refusals."""
    plan = plan_from(key, request.query_params)
    with tx(request) as s:
        outcomes = migration.dry_run(s, plan, viewer.actor, now(request))
    return render(
        request,
        "pages/migrate.html",
        {
            "process": registry.latest(key),
            "versions": registry.versions(key),
            "plan": plan,
            "outcomes": outcomes,
            "query": dict(request.query_params),
        },
    )


@router.get("/processes/{key}/migrate.csv", name="migrate_csv", include_in_schema=False)
def migrate_csv(request: Request, key: str, viewer: CurrentViewer) -> Response:
    plan = plan_from(key, request.query_params)
    with tx(request) as s:
        outcomes = migration.dry_run(s, plan, viewer.actor, now(request))
    name = f"migration-{key}-to-{plan.to_version}-{plan.digest[:12]}.csv"
    return Response(
        cli_migrate.csv_text(outcomes),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/processes/{key}/migrate", name="migrate_apply", include_in_schema=False)
async def migrate_apply(
    request: Request, key: str, viewer: CurrentViewer, _: CsrfChecked
) -> Response:
    form = await request.form()
    plan = plan_from(key, form)
    engine = request.app.state.engine
    outcomes = await run_in_threadpool(migration.apply, engine, plan, viewer.actor, now(request))
    moved = sum(1 for o in outcomes if not o.refused)
    url = request.url_for("migrate_plan", key=key).include_query_params(
        to=plan.to_version, done=f"{moved} case(s) moved to {plan.to_version}"
    )
    return RedirectResponse(str(url), status_code=303)
