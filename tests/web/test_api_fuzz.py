"""Schemathesis over every /api operation of the OpenAPI the app publishes, in-process over
ASGI, as four users: an administrator, an HRC chairperson (MOH), a respondent and an HR
officer of another agency (MOE). No request may end in a 5xx, and every answer must be one
the schema declares, in the shape it declares (401/403/404/409/422 included).

The world is the demo, so the generated ids and employee IDs hit real cases and records
now and then. Each operation sees EXAMPLES generated requests, each sent as every one of the
four users, on the suite's database (SQLite, or PostgreSQL under DRUKFLOW_TEST_DATABASE_URL).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import select

from cases.core.db import engine_for, transaction
from cases.core.models import User
from cases.demo import seed as demo
from cases.people import auth
from web.app import create_app

pytestmark = pytest.mark.long  # minutes: started first (tests/conftest.py)

NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)
AS = ("admin", "chair", "respondent", "eol_moe_hr")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


EXAMPLES = 300
# Examples generated per operation in this run (each sent as the four users): an operation
# whose inputs allow fewer distinct requests (GET /api/processes has none) sees them all.
SEEN: Counter[str] = Counter()


@pytest.fixture(scope="module")
def fuzz_db_url(tmp_path_factory: pytest.TempPathFactory, own_databases: Any) -> Iterator[str]:
    """A database of this module's own, on the server the suite runs on (tests/conftest.py)."""
    with own_databases(tmp_path_factory.mktemp("fuzz")) as url:
        yield url


@pytest.fixture(scope="module")
def fuzzed(fuzz_db_url: str) -> dict[str, Any]:
    url = fuzz_db_url
    engine = engine_for(url)
    demo.build(engine, NOW)
    with transaction(engine) as s:
        users = s.exec(select(User).where(User.username.in_(AS))).all()  # type: ignore[attr-defined]
        tokens = {u.username: auth.issue_token(s, u, NOW) for u in users}
    engine.dispose()
    app = create_app(url, clock=lambda: NOW, run_sweeper=False)
    return {"app": app, "tokens": tokens}


@pytest.fixture(scope="module")
def api_schema(fuzzed: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzzed["app"]).include(
        path_regex="^/api/"
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_api_operation_answers_within_its_schema(case: Any, fuzzed: dict[str, Any]) -> None:
    SEEN[f"{case.method} {case.path}"] += 1
    for username in AS:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {fuzzed['tokens'][username]}"},
            checks=CHECKS,
        )


def test_the_schema_declares_the_refusals(api_schema: Any) -> None:
    """Every /api operation names 401, 403, 404, 409 and 422 with the refusal body."""
    raw = api_schema.raw_schema
    for path, item in raw["paths"].items():
        if path.startswith("/api/"):
            for method, op in item.items():
                assert {"401", "403", "404", "409", "422"} <= set(op["responses"]), (method, path)


def test_each_operation_saw_its_examples(api_schema: Any) -> None:
    """Run after the fuzzing above (file order): every operation with inputs to vary got
    EXAMPLES requests. Printed with -s for the record."""
    if not SEEN:
        pytest.skip("the fuzzing test did not run in this session")
    print("\nexamples per operation:", dict(sorted(SEEN.items())))
    # Operations with inputs to vary (a list without parameters is asked a few times only).
    declared = {
        f"{method.upper()} {path}"
        for path, item in api_schema.raw_schema["paths"].items()
        for method, op in item.items()
        if op.get("parameters") or op.get("requestBody")
    }
    # Schemathesis also tries each path once with a method it does not declare (405).
    varied = {op: n for op, n in SEEN.items() if op in declared}
    assert len(varied) >= 12
    assert min(varied.values()) >= EXAMPLES, varied
