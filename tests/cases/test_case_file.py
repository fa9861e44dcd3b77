"""The case file (cases.review.case_file): papers stored by their hash and recorded in the
chain, types read from content, limits, confidentiality, corrections, verification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from cases.core import audit, file_store
from cases.core.db import reading, transaction
from cases.core.models import AuditEvent, Case, CaseFile
from cases.core.service import NotFound
from cases.review import case_file
from web import cli
from workflows.engine import Refused

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def store(files_dir: Path) -> file_store.LocalStore:
    return file_store.LocalStore(files_dir)


def add(world: Any, store: Any, case_id: int, who: str = "dc", **given: Any) -> Any:
    given = {"name": "evidence.pdf", "data": PDF, "kind": "complaint_evidence", **given}
    with transaction(world.engine) as s:
        return case_file.add(s, store, case_id, world.actors[who], now=world.clock.now, **given)


def papers(world: Any, case_id: int, who: str) -> list[str]:
    with reading(world.engine) as s:
        case = s.get(Case, case_id)
        return [p.paper.name for p in case_file.papers(s, case, world.actors[who])]


def test_a_paper_is_stored_by_its_hash_and_its_addition_is_an_audit_event(world, store):
    """19.5.1.2 "written complaint supported with sufficient documentary evidence": the
    evidence is on the case, and the trail carries its hash, name, size, type and kind."""
    case_id = world.open()
    added = add(world, store, case_id)
    assert store.read(added.paper.sha256) == PDF
    assert added.paper.sha256 == file_store.sha256_of(PDF)
    with reading(world.engine) as s:
        event = s.get(AuditEvent, added.paper.audit_seq)
        assert event.trigger == "add_file" and event.cite == "19.5.1.2"
        assert event.from_state == event.to_state == world.case(case_id).state
        fields = json.loads(event.fields)
        assert fields["sha256"] == added.paper.sha256 and fields["size"] == len(PDF)
        assert (fields["media_type"], fields["kind"]) == ("application/pdf", "complaint_evidence")
        assert audit.verify(s).ok


def test_a_type_is_read_from_the_content_never_the_name(world, store):
    """A program named like a PDF is refused naming the field; a text file named .pdf is
    stored as the text it is."""
    case_id = world.open()
    with pytest.raises(Refused) as refused:
        add(world, store, case_id, name="evidence.pdf", data=EXE)
    assert refused.value.refusals[0].field == "file" and "PDF" in str(refused.value)
    assert add(
        world, store, case_id, name="notes.pdf", data=b"seen at 10 am\n"
    ).paper.media_type == ("text/plain")
    assert add(world, store, case_id, name="photo.txt", data=PNG).paper.media_type == "image/png"


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\pema\\letter.pdf", "letter.pdf"),
        ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ("རྫོང་ཁ་.pdf", "རྫོང་ཁ་.pdf"),
        ("...", "paper"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),  # 200 characters, the type kept
    ],
)
def test_a_file_name_is_made_safe_to_show_and_download(given: str, shown: str) -> None:
    assert case_file.safe_name(given) == shown


def test_limits_refuse_the_paper_and_leave_nothing_half_written(world, store):
    case_id = world.open()
    small = case_file.Limits(per_file=len(PDF) + 10, per_case=2 * len(PDF) + 5)
    with pytest.raises(case_file.TooLarge) as big:
        add(world, store, case_id, data=PDF + b"%" * 20, limits=small)
    assert big.value.limit == small.per_file
    add(world, store, case_id, limits=small)
    add(world, store, case_id, name="copy.pdf", limits=small)
    with pytest.raises(case_file.TooLarge, match="case file would exceed"):
        add(world, store, case_id, name="third.pdf", data=PDF + b"%", limits=small)
    with reading(world.engine) as s:
        assert s.exec(select(func.count()).select_from(CaseFile)).one() == 2
        assert s.exec(select(func.count()).where(AuditEvent.trigger == "add_file")).one() == 2


def test_a_withheld_paper_is_read_by_the_committee_not_the_respondent(world, store):
    """19.8.2.2(xi): parts of the report "inappropriate to disclose" are withheld from the
    respondent; the same rule as the withheld fields."""
    case_id = world.open()
    add(world, store, case_id, name="open.pdf")
    withheld = add(
        world,
        store,
        case_id,
        name="withheld.pdf",
        kind="investigation_report",
        confidential="19.8.2.2(xi)",
    )
    assert papers(world, case_id, "dc") == ["open.pdf", "withheld.pdf"]
    assert papers(world, case_id, "respondent") == ["open.pdf"]
    with reading(world.engine) as s, pytest.raises(NotFound):
        case_file.readable(s, case_id, withheld.paper.id, world.actors["respondent"])


def test_no_one_marks_a_paper_with_a_confidentiality_they_could_not_read(world, store):
    """3.2.16 deliberation papers are the committee's: an HR officer, who does not read
    them, cannot mark one (and so lose sight of their own paper)."""
    case_id = world.open()
    with pytest.raises(Refused, match="confidentiality you could not read"):
        add(world, store, case_id, who="hr", kind="other", confidential="3.2.16")


def test_papers_are_added_by_those_who_act_on_the_case(world, store):
    """The respondent on their own case (their explanation, 19.8.2.1) and the committee;
    not an administrator, who keeps the system, not its cases."""
    case_id = world.open()
    assert add(world, store, case_id, who="respondent", kind="explanation").paper.id
    with pytest.raises(Refused) as refused:
        add(world, store, case_id, who="admin")
    assert refused.value.kind == "authority"


def test_a_correction_supersedes_the_paper_and_both_stay(world, store):
    case_id = world.open()
    first = add(world, store, case_id, name="first.pdf")
    second = add(
        world, store, case_id, name="second.pdf", data=PDF + b"%fixed\n", supersedes=first.paper.id
    )
    with reading(world.engine) as s:
        case = s.get(Case, case_id)
        shown = {p.paper.name: p for p in case_file.papers(s, case, world.actors["dc"])}
    assert shown["first.pdf"].superseded_by == second.paper.id
    assert shown["second.pdf"].paper.supersedes_id == first.paper.id
    other = world.open()
    with pytest.raises(Refused, match="supersedes: no paper"):
        add(world, store, other, supersedes=first.paper.id)


def test_audit_verify_files_names_an_altered_and_a_missing_paper(
    world, store, db_url, monkeypatch, capsys
):
    """A changed byte in a stored file is named, and so is a file gone from the store."""
    case_id = world.open()
    altered = add(world, store, case_id, name="altered.pdf")
    missing = add(world, store, case_id, name="missing.txt", data=b"a note\n")
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", db_url)
    assert cli.main(["audit", "verify", "--files"]) == 0
    assert "files: 2 of 2 match" in capsys.readouterr().out

    path = store.path(altered.paper.sha256)
    data = bytearray(path.read_bytes())
    data[3] ^= 1
    path.write_bytes(bytes(data))
    store.path(missing.paper.sha256).unlink()
    assert cli.main(["audit", "verify", "--files"]) == 1
    out = capsys.readouterr().out
    assert f"file altered: paper {altered.paper.id} of case {case_id} (altered.pdf)" in out
    assert f"file missing: paper {missing.paper.id} of case {case_id} (missing.txt)" in out
    assert "files: 0 of 2 match" in out


def test_the_due_process_report_lists_the_papers_each_reader_may_read_with_their_hashes(
    world, store
):
    """19.12.2.2 "not supported by the evidence on record": the appellate body reads which
    papers were on the file, when, and the hash that proves each; a withheld paper is
    listed only for its readers (not an administrator), in the page, the PDF's HTML and
    the JSON alike."""
    from cases.review import due_process

    case_id = world.open()
    open_paper = add(world, store, case_id, name="evidence.pdf")
    add(
        world,
        store,
        case_id,
        name="withheld.pdf",
        data=PDF + b"%w\n",
        kind="investigation_report",
        confidential="19.8.2.2(xi)",
    )
    with reading(world.engine) as s:
        for_rcsc = due_process.report_for(s, world.actors["rcsc"], case_id, world.clock.now)
        # An administrator reads the report (19.12.3 keeps it for the system's keepers) but
        # not what is withheld, as the confidential fields.
        for_admin = due_process.report_for(s, world.actors["admin"], case_id, world.clock.now)
    papers = due_process.as_json(for_rcsc)["papers"]
    assert [p["name"] for p in papers] == ["evidence.pdf", "withheld.pdf"]
    first = papers[0]
    assert first["sha256"] == open_paper.paper.sha256 and first["cite"] == "19.5.1.2"
    assert first["audit_seq"] == open_paper.event.seq
    assert open_paper.paper.sha256 in due_process.html(for_rcsc)
    assert [p["name"] for p in due_process.as_json(for_admin)["papers"]] == ["evidence.pdf"]
    assert "withheld.pdf" not in due_process.html(for_admin)
