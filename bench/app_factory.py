"""``uvicorn --factory bench.app_factory:create``: the real app on the bench's database.

The URL comes from BENCH_DATABASE_URL, so the server process needs no other argument. The
sweeper is off: the sweep is measured on its own, not left to run under the HTTP load.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from web.app import create_app

URL_VARIABLE = "BENCH_DATABASE_URL"


def create() -> FastAPI:
    return create_app(os.environ[URL_VARIABLE], run_sweeper=False)
