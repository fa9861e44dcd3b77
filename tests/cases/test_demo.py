"""Demo data (cases/demo/seed.py): built only through open_case/fire, complete, and built once."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from cases.core import audit
from cases.core.db import engine_for
from cases.core.models import AuditEvent, Case, Deadline, User
from cases.demo import seed
from cases.people import auth, record
from web import cli
from workflows import registry

NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)  # Monday, 10:00 in Thimphu

EXPECTED_STATES = {
    "received": "received",
    "adr": "adr",
    "overdue": "notice_served",
    "investigating": "investigating",
    "endorsement": "awaiting_endorsement",
    "decided": "decided",
    "closed": "closed",
    "suspended": "investigation_ordered",
    "executive": "dc_meeting",
    "tribunal": "appeal",  # the Administrative Tribunal's queue (19.3.7)
    "transfer_withheld_refer_for_action": "received",  # opened by a transfer's step (13.12.2)
}


@pytest.fixture
def demo_engine(db_url: str) -> Iterator[Engine]:
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


def counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as s:
        return tuple(
            s.exec(select(func.count()).select_from(model)).one()
            for model in (User, Case, AuditEvent, Deadline)
        )


def test_demo_builds_every_stage(demo_engine: Engine) -> None:
    summary = seed.build(demo_engine, NOW)
    assert summary["created"] is True
    cases = {c["key"]: c for c in summary["cases"] if c["process"] == "disciplinary"}
    assert {k: c["state"] for k, c in cases.items()} == EXPECTED_STATES
    # Every process has demo cases, and the retirement queue has proposals waiting.
    assert {c["process"] for c in summary["cases"]} == set(registry.keys())
    queued = {
        c["process"]
        for c in summary["cases"]
        if registry.latest(c["process"]).state(c["state"]).queue == "compulsory_retirement"
    }
    assert {"eol", "secondment", "ltt"} <= queued

    # Two cases are past due: the explanation (the sweep lapses it) and the investigation's
    # commencement, which has no timeout and so stays overdue on the dashboard.
    overdue = [k for k, c in cases.items() if c["next_deadline"] and c["next_deadline"]["overdue"]]
    assert sorted(overdue) == ["overdue", "suspended"]
    assert cases["suspended"]["next_deadline"]["kind"] == "investigation_commencement_due"
    assert cases["overdue"]["next_deadline"]["kind"] == "explanation_due"
    assert cases["decided"]["next_deadline"]["kind"] == "appeal_window"

    with Session(demo_engine) as s:
        assert audit.verify(s).ok
        for c in summary["cases"]:
            case = s.get(Case, c["id"])
            assert case is not None
            # Every change of state came through fire(): one audit event per version (the
            # meeting a decision was taken in is an event of its own, cases.review.meetings;
            # a paper added to the case file is an event that changes no state).
            events = [
                e
                for e in audit.events_for(s, c["id"])
                if e.trigger not in ("meeting_decision", "add_file")
            ]
            assert len(events) == case.version
            assert events[-1].to_state == case.state
            assert [e.at for e in events] == sorted(e.at for e in events)

        # Penalties on record and the Negative List (19.11.9, 19.14.3.2).
        standing = record.standing(s, "E1006", date(2026, 12, 14))
        assert standing.minor_in_force == 2 and standing.major_in_force == 1
        assert standing.on_negative_list

        suspended = json.loads(s.get(Case, cases["suspended"]["id"]).data)  # type: ignore[union-attr]
        assert suspended["suspended"] is True
        assert suspended["subsistence_allowance"] == "21750.00"  # (48,500 - 5,000) / 2

        executive = audit.events_for(s, cases["executive"]["id"])
        assert {e.actor for e in executive} == {"rcsc"}  # 19.3.6: the RCSC acts for EX

        late = s.exec(
            select(Deadline).where(
                Deadline.case_id == cases["endorsement"]["id"], Deadline.kind == "report_due"
            )
        ).one()
        assert late.status == "missed"  # submitted two working days late

        for username in seed.USERS:
            assert auth.authenticate(s, username, seed.PASSWORD) is not None, username


def test_demo_is_built_once(demo_engine: Engine) -> None:
    assert seed.build(demo_engine, NOW)["created"] is True
    before = counts(demo_engine)
    again = seed.build(demo_engine, NOW)
    assert again["created"] is False
    assert "user admin" in again["existing"]
    assert counts(demo_engine) == before


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 12, 17, 6, 0, tzinfo=UTC),  # National Day
        datetime(2027, 3, 6, 20, 30, tzinfo=UTC),  # Sunday early morning in Thimphu
        datetime(2025, 2, 28, 11, 0, tzinfo=UTC),  # around Losar
        datetime(2026, 11, 23, 18, 0, 20, tzinfo=UTC),  # 20 s into a Tuesday in Thimphu
    ],
)
def test_demo_works_on_any_day(demo_engine: Engine, now: datetime) -> None:
    summary = seed.build(demo_engine, now)
    disciplinary = [c for c in summary["cases"] if c["process"] == "disciplinary"]
    assert {c["key"]: c["state"] for c in disciplinary} == EXPECTED_STATES
    with Session(demo_engine) as s:
        assert s.exec(select(func.max(AuditEvent.at))).one() <= audit.rfc3339(now)


def test_demo_needs_an_aware_time(demo_engine: Engine) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        seed.build(demo_engine, datetime(2026, 12, 14, 10, 0))


def test_cli_demo_prints_credentials_and_is_idempotent(
    empty_db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = empty_db_url
    monkeypatch.setenv("DRUKFLOW_DATABASE_URL", url)
    try:
        assert cli.main(["demo", "--now", "2026-12-14T10:00"]) == 0
        out = capsys.readouterr().out
        assert "demo data created as of 2026-12-14" in out
        assert "11 disciplinary" in out
        printed = re.findall(r"^  case +(\d+) ", out, re.M)
        assert len(printed) == counts(engine_for(url))[1], "every case is printed"
        assert "(OVERDUE)" in out
        for username in seed.USERS:
            assert f"\n{username} " in out
        assert out.count(seed.PASSWORD) == len(seed.USERS) + 1
        before = counts(engine_for(url))

        assert cli.main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "demo data already exists; nothing changed" in out
        assert "drukflow-demo" in out
        assert counts(engine_for(url)) == before
    finally:
        engine_for(url).dispose()


README = Path(__file__).parents[2] / "README.md"


def test_the_readme_states_what_the_demo_builds(demo_engine: Engine) -> None:
    """README's Demo section: its counts, its users and its table of disciplinary cases
    are those ``drukflow demo`` creates (they drifted once: 28 cases said, 29 built)."""
    summary = seed.build(demo_engine, NOW)
    text = README.read_text().split("## Demo", 1)[1].split("\n## ", 1)[0]
    said = re.search(
        r"creates (\d+) agencies, (\d+) civil servants, (\d+) users and (\d+) cases across the\s+"
        r"five processes \((\d+) disciplinary, (\d+) EOL, (\d+) secondment, (\d+) transfer, "
        r"(\d+) LTT\)",
        text,
    )
    assert said, "README's Demo section no longer states the demo's counts"
    per_process = Counter(c["process"] for c in summary["cases"])
    built = (
        summary["agencies"],
        summary["civil_servants"],
        len(summary["users"]),
        len(summary["cases"]),
        *(per_process[p] for p in ("disciplinary", "eol", "secondment", "transfer", "ltt")),
    )
    assert tuple(int(n) for n in said.groups()) == built
    users_table = text.split("| username |", 1)[1].split("\n\n", 1)[0]
    listed = set(
        re.findall(
            r"[a-z0-9_]+", " ".join(row.split("|")[1] for row in users_table.splitlines()[2:])
        )
    )
    assert listed == set(seed.USERS)
    states_table = text.split("| state | case |", 1)[1].split("\n\n", 1)[0]
    states = [row.split("|")[1].strip() for row in states_table.splitlines()[2:]]
    disciplinary = [c["state"] for c in summary["cases"] if c["process"] == "disciplinary"]
    assert sorted(states) == sorted(disciplinary)


def test_the_tribunal_has_one_appeal_waiting_in_its_queue(demo_engine: Engine) -> None:
    """The demo gives every kind of user a queue to see: the Administrative Tribunal one
    case under appeal, whose decision it owes (19.3.7, 19.12)."""
    from cases.inbox import work_queue

    summary = seed.build(demo_engine, NOW)
    appealed = next(c for c in summary["cases"] if c["key"] == "tribunal")
    with Session(demo_engine) as s:
        user = s.exec(select(User).where(User.username == "tribunal")).one()
        queue = work_queue.work_queue(s, auth.actor_of(user), NOW, work_queue.Filters())
    (item,) = queue.mine
    assert item.case.id == appealed["id"]
    assert [st.trigger for st in item.steps] == ["decide_appeal"]
    assert item.due is not None and not item.due.overdue


def test_the_demo_cases_carry_papers_in_the_chain_and_the_search(
    demo_engine: Engine, files_dir: Path
) -> None:
    """19.5.1.2, 19.8.2.2, 19.12.2: the demo's disciplinary cases carry printed papers (the
    complaint's evidence, an investigation report, an appeal memorandum), each added by an
    audit event with its hash, stored intact, and found by the words printed in it."""
    from cases.core import file_store
    from cases.core.models import CaseFile
    from cases.people import case_search
    from cases.review import case_file

    summary = seed.build(demo_engine, NOW)
    ids = {c["key"]: c["id"] for c in summary["cases"] if c["process"] == "disciplinary"}
    store = file_store.LocalStore(files_dir)
    with Session(demo_engine) as s:
        papers = s.exec(select(CaseFile).order_by(CaseFile.id)).all()  # type: ignore[arg-type]
        assert {(p.case_id, p.kind) for p in papers} >= {
            (ids["closed"], "complaint_evidence"),
            (ids["closed"], "investigation_report"),
            (ids["closed"], "appeal"),
            (ids["received"], "complaint_evidence"),
        }
        assert {p.media_type for p in papers} == {"application/pdf"}
        assert {c.status for c in case_file.verify_files(s, store)} == {"ok"}
        for p in papers:
            event = s.get(AuditEvent, p.audit_seq)
            assert event is not None and json.loads(event.fields)["sha256"] == p.sha256
        assert audit.verify(s).ok
        rcsc = auth.actor_of(s.exec(select(User).where(User.username == "rcsc")).one())
        found = case_search.find(s, rcsc, "outreach clinics")
        assert ids["closed"] in {c.id for c, _, _ in found}
