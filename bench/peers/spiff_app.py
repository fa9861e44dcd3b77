"""The disciplinary flow on SpiffWorkflow 3 behind FastAPI: ``uvicorn --factory
bench.peers.spiff_app:create``.

What a Python team would build on SpiffWorkflow: the BPMN file (``disciplinary.bpmn``)
parsed once at start; each workflow kept as one row (its JSON from SpiffWorkflow's own
``BpmnWorkflowSerializer``) with a version column. A step reads the row, restores the
workflow, completes the ready user task with the request's fields (``task.run()``, then
``do_engine_steps()`` moves it to the next user task), serializes it again and writes it
back with compare-and-set on the version: one commit, nothing else (no roles, guards,
deadlines, notices or audit). The engine is drukflow's (``cases.core.db``: SQLite WAL,
BEGIN IMMEDIATE, a commit synced to disk), so the storage costs what drukflow's does.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from sqlalchemy.engine import Engine

from bench.app_factory import URL_VARIABLE
from cases.core import db

BPMN = Path(__file__).with_name("disciplinary.bpmn")
PROCESS = "disciplinary"
METADATA = sa.MetaData()
WORKFLOW = sa.Table(
    "spiff_workflow",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)
SERIALIZER = BpmnWorkflowSerializer()


class StepIn(BaseModel):
    version: int
    fields: dict[str, Any] = Field(default_factory=dict)


@lru_cache(maxsize=1)
def spec() -> BpmnProcessSpec:
    """The process spec, parsed from the BPMN file once per process."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec(PROCESS)


def waiting(workflow: BpmnWorkflow) -> list[str]:
    """The user tasks ready to be done: the workflow's queue."""
    return [t.task_spec.name for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def complete(workflow: BpmnWorkflow, task_name: str, fields: dict[str, Any]) -> bool:
    """Completes the ready user task ``task_name`` with ``fields`` as its data and runs the
    engine to the next user task; False when that task is not the one waiting."""
    task = workflow.get_next_task(state=TaskState.READY, manual=True, spec_name=task_name)
    if task is None:
        return False
    task.set_data(**fields)
    task.run()
    workflow.do_engine_steps()
    return True


def fresh(complaint: dict[str, Any], enquiry: dict[str, Any]) -> BpmnWorkflow:
    """A workflow started on a complaint with its enquiry directed: serve_notice waits."""
    workflow = BpmnWorkflow(spec())
    workflow.data.update(complaint)
    workflow.do_engine_steps()
    if not complete(workflow, "direct_enquiry", enquiry):
        raise RuntimeError(f"direct_enquiry not ready: {waiting(workflow)}")
    return workflow


def prepare(
    engine: Engine, n: int, complaint: dict[str, Any], enquiry: dict[str, Any]
) -> list[int]:
    """``n`` fresh workflows stored, each waiting at serve_notice; their ids."""
    rows = [
        {"version": 1, "body": SERIALIZER.serialize_json(fresh(complaint, enquiry))}
        for _ in range(n)
    ]
    with db.transaction(engine) as s:
        first = s.execute(sa.select(sa.func.coalesce(sa.func.max(WORKFLOW.c.id), 0))).scalar_one()
        ids = list(range(first + 1, first + 1 + n))
        s.execute(WORKFLOW.insert(), [{"id": i, **r} for i, r in zip(ids, rows, strict=True)])
    return ids


def step(engine: Engine, workflow_id: int, task_name: str, body: StepIn) -> dict[str, Any]:
    """One step: read the row, restore, complete the task, serialize, compare-and-set.

    The read takes WAL's snapshot without the write lock; the write succeeds only if the
    version is still the one read, so two clients on one workflow cannot both commit."""
    with db.reading(engine) as s:
        row = s.execute(sa.select(WORKFLOW).where(WORKFLOW.c.id == workflow_id)).one_or_none()
    if row is None:
        raise HTTPException(404, f"no workflow {workflow_id}")
    if row.version != body.version:
        raise HTTPException(409, f"version: {row.version} is current, not {body.version}")
    workflow = SERIALIZER.deserialize_json(row.body)
    if not complete(workflow, task_name, body.fields):
        raise HTTPException(409, f"{task_name} is not waiting: {waiting(workflow)}")
    text = SERIALIZER.serialize_json(workflow)
    with db.transaction(engine) as s:
        done = s.execute(
            WORKFLOW.update()
            .where(WORKFLOW.c.id == workflow_id, WORKFLOW.c.version == row.version)
            .values(version=row.version + 1, body=text)
        )
        if done.rowcount != 1:
            raise HTTPException(409, f"version: workflow {workflow_id} changed meanwhile")
    return {"id": workflow_id, "version": row.version + 1, "waiting": waiting(workflow)}


def create() -> FastAPI:
    engine = db.make_engine(os.environ[URL_VARIABLE])
    METADATA.create_all(engine)
    spec()
    app = FastAPI()

    @app.post("/prepare")
    def prepare_route(body: dict[str, Any]) -> dict[str, Any]:
        """Setup, not measured: ``n`` workflows waiting at serve_notice."""
        return {"ids": prepare(engine, int(body["n"]), body["complaint"], body["enquiry"])}

    @app.post("/workflows/{workflow_id}/{task_name}")
    def step_route(workflow_id: int, task_name: str, body: StepIn) -> dict[str, Any]:
        return step(engine, workflow_id, task_name, body)

    @app.get("/workflows/{workflow_id}")
    def show(workflow_id: int) -> dict[str, Any]:
        with db.reading(engine) as s:
            row = s.execute(sa.select(WORKFLOW).where(WORKFLOW.c.id == workflow_id)).one()
        workflow = SERIALIZER.deserialize_json(row.body)
        return {
            "id": row.id,
            "version": row.version,
            "waiting": waiting(workflow),
            "data": json.loads(json.dumps(workflow.data)),
        }

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
