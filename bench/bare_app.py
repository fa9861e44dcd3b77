"""The yardstick for transitions: a FastAPI endpoint that inserts one row and nothing more.

Same database, same engine set-up (``cases.core.db``: WAL, BEGIN IMMEDIATE), same request body
and the same kind of sync route, so the ratio transition/bare measures what a transition
adds (authority, guards, deadlines, the audit append, the answer's case view), not what
HTTP, FastAPI or a committed write cost anyway. Its table is the bench's own.
"""

from __future__ import annotations

import json
import os
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from pydantic import BaseModel, Field

from bench.app_factory import URL_VARIABLE
from cases.core import db

METADATA = sa.MetaData()
BARE = sa.Table(
    "bench_bare",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
)


class BareIn(BaseModel):
    version: int
    fields: dict[str, Any] = Field(default_factory=dict)


def create() -> FastAPI:
    engine = db.make_engine(os.environ[URL_VARIABLE])
    METADATA.create_all(engine)
    app = FastAPI()

    @app.post("/bare/{case_id}")
    def bare(case_id: int, body: BareIn) -> dict[str, Any]:
        with db.transaction(engine) as s:
            s.execute(BARE.insert().values(version=body.version, body=json.dumps(body.fields)))
        return {"id": case_id, "ok": True}

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
