""" "Still owed" is written three times: the query (``queries.outstanding``), the partial
indexes' WHERE (``models.OUTSTANDING_SQL``) and each migration's frozen copy of it. If they
drifted apart the dashboard's walk would read an index that leaves out a deadline it lists,
or lists one it should not: these tests hold them to one meaning."""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from cases.core import models, queries
from cases.core.db import transaction
from cases.core.models import Deadline

MIGRATIONS = Path(models.__file__).parent / "migrations" / "versions"


def test_the_query_and_the_index_predicate_agree_on_every_kind_of_row(world, clock) -> None:
    case_id = world.walk_to("notice_served")
    now = clock()
    with transaction(world.engine) as s:
        template = s.exec(select(Deadline).where(Deadline.case_id == case_id)).first()
        assert template is not None
        for status, settled, fired in itertools.product(
            ("armed", "met", "missed", "cancelled"), (None, now), (None, now)
        ):
            s.add(
                Deadline(
                    **template.model_dump(exclude={"id", "status", "settled_at", "fired_at"}),
                    status=status,
                    settled_at=settled,
                    fired_at=fired,
                )
            )
    with world.session() as s:
        rows = s.exec(select(Deadline).where(Deadline.case_id == case_id)).all()
        by_query = set(s.exec(select(Deadline.id).where(queries.outstanding())).all())
        by_index = set(s.exec(select(Deadline.id).where(sa.text(models.OUTSTANDING_SQL))).all())
    owed = {
        d.id
        for d in rows
        if d.status == "armed"
        or (d.status == "missed" and d.settled_at is None and d.fired_at is None)
    }
    assert len(rows) == 17 and owed  # the template and the sixteen kinds of row
    assert by_query == by_index == owed


def test_each_migration_indexes_what_the_models_call_owed() -> None:
    copies = {}
    for path in sorted(MIGRATIONS.glob("0*.py")):
        spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "_OUTSTANDING"):
            copies[path.stem] = module._OUTSTANDING
    assert set(copies) >= {"0004_indexes_security", "0005_deadline_process"}
    assert all(text == models.OUTSTANDING_SQL for text in copies.values()), copies
