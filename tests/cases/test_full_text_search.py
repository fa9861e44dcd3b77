"""Full-text search (cases.core.search_index, cases.people.case_search.find): the words of
a case's facts and papers find it, on SQLite (FTS5) and PostgreSQL (tsvector) alike, only
for those who may see the case and read the words."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command

from cases.core import file_store, search_index
from cases.core.db import alembic_config, engine_for, reading, transaction
from cases.core.models import SearchText
from cases.people import case_search, register, register_import
from cases.review import case_file
from tests.conftest import World
from workflows.context import Refused


def found(world: Any, who: str, text: str, **filters: Any) -> list[int]:
    with reading(world.engine) as s:
        hits = search_index.search(
            s, world.actors[who], text, search_index.Filters(**filters) if filters else None
        )
    return [h.case_id for h in hits]


def snippet(world: Any, who: str, text: str) -> str:
    with reading(world.engine) as s:
        return search_index.search(s, world.actors[who], text)[0].snippet


def add_paper(
    world: Any,
    store: file_store.LocalStore,
    case_id: int,
    name: str = "ledger.txt",
    data: bytes = b"Stock ledger entries for March.\n",
    kind: str = "complaint_evidence",
    confidential: str = "",
) -> None:
    """A paper the committee files on the case (a stock ledger unless named)."""
    with transaction(world.engine) as s:
        case_file.add(
            s,
            store,
            case_id,
            world.actors["dc"],
            name=name,
            data=data,
            kind=kind,
            confidential=confidential,
            now=world.clock.now,
        )


def test_words_of_the_recorded_facts_find_the_case_with_them_in_context(world):
    """The complaint's narration, its complainant, and the offence charged by its words in
    Schedule 19/A ("Absence", for row 11's charge) all find the case."""
    case_id = world.walk_to("notice_served")
    other = world.open(narration="Misused the office vehicle on a Sunday.")
    assert found(world, "dc", "absent december") == [case_id]
    assert found(world, "dc", "karma wangmo") == [other, case_id]
    assert found(world, "dc", "vehic") == [other]  # the start of a word
    marked = snippet(world, "dc", "vehicle")
    assert f"{search_index.OPEN}vehicle{search_index.CLOSE}" in marked


def test_a_case_one_may_not_see_is_never_found(world):
    world.make_servant("E300", agency="MOHA")
    world.open()
    assert found(world, "dc", "absent")
    assert found(world, "tribunal", "absent") == []  # no appeal before it


def test_a_confidential_field_is_searched_only_by_its_readers(world):
    """3.2.16: the committee's deliberation notes are read by the committee, the RCSC and
    the appellate body; an administrator sees the case but finds nothing by those words."""
    case_id = world.walk_to("dc_meeting")
    today = world.today()
    world.fire(
        case_id,
        "record_decision",
        "dc",
        meeting_on=today,
        hearing="heard",
        members_present="dc, dc2, chair, secretary",
        findings=[
            {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
            {"charge": 2, "finding": "not_guilty", "penalty": None},
        ],
        decision_reasons="The evidence establishes the first charge.",
        deliberation_notes="Tshering doubted the register",
    )
    assert found(world, "dc", "tshering doubted") == [case_id]
    assert found(world, "admin", "tshering doubted") == []
    assert found(world, "admin", "absent") == [case_id]


def test_the_words_of_a_paper_find_its_case_for_its_readers(world, files_dir: Path):
    """Text extracted once on upload (plain text, DOCX, PDF); a withheld paper's words
    (19.8.2.2(xi)) find the case for the committee, never for the respondent."""
    store = file_store.LocalStore(files_dir)
    case_id = world.open()
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(
            "word/document.xml",
            "<w:document><w:p>Witness Pema Lhamo saw him leave</w:p></w:document>",
        )

    add_paper(world, store, case_id, "note.txt", b"The gatekeeper logged the exit at 10:40.\n")
    add_paper(
        world,
        store,
        case_id,
        "witness.docx",
        docx.getvalue(),
        "investigation_report",
        "19.8.2.2(xi)",
    )
    assert found(world, "respondent", "gatekeeper") == [case_id]
    assert found(world, "dc", "pema lhamo") == [case_id]
    assert found(world, "respondent", "pema lhamo") == []


@pytest.mark.parametrize(
    "text", ['"', "*", "NEAR(a b)", "a OR b", "body:x", "-x", "x AND", "'; DROP TABLE x;--", "(("]
)
def test_query_syntax_in_the_box_is_words_not_syntax(world, text: str) -> None:
    world.open()
    found(world, "dc", text)  # no error: only the words reach the database


def test_filters_narrow_by_process_state_and_the_day_opened(world):
    first = world.open()
    world.clock.advance(days=3)
    second = world.walk_to("notice_served")
    assert found(world, "dc", "absent", state="notice_served") == [second]
    today = world.clock.today
    assert found(world, "dc", "absent", opened_from=today) == [second]
    assert found(world, "dc", "absent", opened_to=today - date.resolution) == [first]
    assert found(world, "dc", "absent", process="eol") == []


def test_filters_narrow_by_offence_row_penalty_and_version(world):
    """Schedule 19/A rows charged and the penalties of 19.11.13-14 decided on a charge
    narrow a search, on either database's JSON functions, as do the rules' versions."""
    decided = world.walk_to("decided")  # charges 11 and 3: a reprimand and a demotion
    served = world.walk_to("notice_served", charges=["15"])
    assert found(world, "dc", "karma", offence=11) == [decided]
    assert found(world, "dc", "karma", offence=15) == [served]
    assert found(world, "dc", "karma", offence=1) == []
    assert found(world, "dc", "karma", penalty="demotion") == [decided]
    assert found(world, "dc", "karma", penalty="fine") == []
    assert found(world, "dc", "karma", offence=3, penalty="reprimand") == [decided]
    assert sorted(found(world, "dc", "karma", version="2023.2")) == [decided, served]
    assert found(world, "dc", "karma", version="2023.1") == []
    # The filters alone list what they keep (the search page's filters without words).
    with reading(world.engine) as s:
        only = case_search.find(s, world.actors["dc"], "", case_search.filters(offence=15))
    assert [c.id for c, _, _ in only] == [served]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"offence": 34}, "offence"),
        ({"penalty": "flogging"}, "penalty"),
        ({"version": "1999.1"}, "version"),
        ({"process": "eol", "state": "decided"}, "state"),
        ({"opened_from": date(2026, 12, 14), "opened_to": date(2026, 12, 1)}, "opened_to"),
    ],
)
def test_a_filter_no_case_could_match_is_refused_naming_it(given: Any, field: str) -> None:
    """An unknown row, penalty, version or state, or days out of order, is an error the
    searcher sees, not an empty list that reads as "no such cases"."""
    with pytest.raises(Refused) as refused:
        case_search.filters(**given)
    assert [r.field for r in refused.value.refusals] == [field]


def test_each_step_rewrites_the_index_and_the_migration_rebuilds_it(world):
    """The index follows the case in the step's own transaction; ``rebuild`` (run by the
    migration that made the index) indexes cases that were there before."""
    case_id = world.walk_to("enquiry_directed")
    assert found(world, "dc", "forged") == []
    world.fire(
        case_id,
        "serve_notice",
        "dc",
        charges=["11"],
        particulars="Forged the attendance register",
        prima_facie=True,
        notice_received_on=world.today(),
    )
    assert found(world, "dc", "forged") == [case_id]
    with transaction(world.engine) as s:
        s.connection().execute(sa.delete(SearchText))
    assert found(world, "dc", "absent") == []
    with transaction(world.engine) as s:
        assert search_index.rebuild(s.connection()) == 1
    assert found(world, "dc", "absent") == [case_id]


def test_the_search_box_puts_names_first_then_words(world):
    world.make_servant("E400", name="Sonam Dorji")
    by_name = world.open(eid="E400", narration="A quarrel with Dorji Wangchuk")
    by_words = world.open()
    with reading(world.engine) as s:
        rows = case_search.find(s, world.actors["dc"], "wangchuk")
    assert [(c.id, bool(snip)) for c, _name, snip in rows] == [(by_words, False), (by_name, True)]


def named(world: Any, who: str, text: str) -> list[tuple[int, bool]]:
    """The search box's cases, each with whether it shows words in context (a case found by
    its names shows none)."""
    with reading(world.engine) as s:
        rows = case_search.find(s, world.actors[who], text)
    return [(c.id, bool(snip)) for c, _name, snip in rows]


def test_a_name_is_found_by_the_start_of_its_words_not_their_middle(world):
    """Names, employee IDs, case numbers and titles are in the full-text index: each word
    typed matches a word or its start, in any order; the middle of a word need not match."""
    world.make_servant("E400", name="Pelden Tshomo")
    case_id = world.open(eid="E400")
    assert named(world, "dc", "tsho pel") == [(case_id, False)]
    assert named(world, "dc", "e40") == [(case_id, False)]
    assert named(world, "dc", "shomo") == []


def _edit_name(world: Any, eid: str, name: str) -> None:
    with transaction(world.engine) as s:
        register.edit(s, eid, {"name": name}, world.actors["rcsc"], world.clock.now)


def _import_name(world: Any, eid: str, name: str) -> None:
    text = (
        "eid,name,date_of_birth,position_title,position_level,agency_code,appointment_date\n"
        f"{eid},{name},1990-01-01,Officer,P3,MOH,2015-01-01\n"
    )
    result = register_import.import_csv(world.engine, text, world.actors["rcsc"], world.clock.now)
    assert (result.updated, result.errors) == (1, [])


@pytest.mark.parametrize("rename", [_edit_name, _import_name], ids=["edit", "import"])
def test_a_renamed_servants_cases_are_found_by_the_new_name(world, rename: Any) -> None:
    """The register's edit and its CSV import rewrite the words of the renamed servant's
    cases in their own transaction (a name is the RCSC's to change, 16.3.7)."""
    world.make_servant("E400", name="Pelden Tshomo")
    case_id = world.open(eid="E400")
    rename(world, "E400", "Pelden Yangzom")
    assert named(world, "dc", "yangzom") == [(case_id, False)]


def test_open_cases_come_first_newest_first_and_a_closing_case_takes_its_papers(
    world, files_dir: Path
):
    """The search walks the index in its order (open cases, then closed, newest first) and
    stops at its page; a case that closes takes its papers' words with it to the closed."""
    store = file_store.LocalStore(files_dir)
    still_open = world.open()
    add_paper(world, store, still_open)
    closing = world.open()
    add_paper(world, store, closing)
    world.drive(closing, "closed")
    newer = [world.open() for _ in range(3)]
    assert found(world, "dc", "ledger") == [still_open, closing]
    assert found(world, "dc", "absent") == [*reversed(newer), still_open, closing]
    with reading(world.engine) as s:
        two = search_index.search(s, world.actors["dc"], "absent", limit=2)
    assert [h.case_id for h in two] == [newer[2], newer[1]]


def test_the_migration_keys_the_words_already_there(fresh_db_url, clock, password_hash, files_dir):
    """Migration 0011 keys the words written before it in the search's order: a case's
    names document is written, its papers' words (extracted once, from the file) kept."""
    engine = engine_for(fresh_db_url)
    try:
        world = World(engine, clock, password_hash)
        closed = world.open()  # Dorji Wangchuk's
        add_paper(world, file_store.LocalStore(files_dir), closed)
        world.drive(closed, "closed")
        still_open = world.open()
        cfg = alembic_config(fresh_db_url)
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0010")
            command.upgrade(cfg, "head")
            conn.commit()
        assert named(world, "dc", "wangchuk") == [(still_open, False), (closed, False)]
        assert found(world, "dc", "ledger") == [closed]
        assert found(world, "dc", "absent") == [still_open, closed]
    finally:
        engine.dispose()
