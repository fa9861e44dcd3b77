"""The audit trail: append-only in the database, one SHA-256 chain over every event, and a
verifier that names the first broken event (what the appellate body relies on, 19.12.3).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import select

from cases.core import audit
from cases.core.db import transaction
from cases.core.models import AuditEvent


def verify(world, **kwargs) -> audit.Verification:
    with world.session() as s:
        return audit.verify(s, **kwargs)


def raw_sql(world, *statements: str) -> None:
    """Write behind the application's back, as someone with the database file could."""
    with world.engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def tamper(world, *statements: str) -> None:
    """Write behind the triggers' back too, as the database's owner could."""
    if world.engine.dialect.name == "postgresql":  # off and on again in the same transaction
        trigger = "ALTER TABLE audit_event {} TRIGGER audit_event_no_change"
        raw_sql(world, trigger.format("DISABLE"), *statements, trigger.format("ENABLE"))
    else:
        drop = ("DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete")
        raw_sql(world, *drop, *statements)


@pytest.fixture
def trail(world) -> int:
    """Two cases' worth of events; returns the number of events."""
    world.walk_to("explained")
    world.walk_to("notice_served")
    result = verify(world)
    assert result.ok
    return result.events


def test_an_empty_trail_verifies(world):
    result = verify(world)
    assert (result.ok, result.events, result.head) == (True, 0, audit.GENESIS)


def test_the_chain_verifies_and_its_head_is_the_newest_hash(world, trail):
    result = verify(world)
    with world.session() as s:
        rows = s.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert result.ok and result.broken_seq is None
    assert result.events == len(rows) == trail
    assert result.head == rows[-1].hash
    assert [r.seq for r in rows] == list(range(1, trail + 1))
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))


def test_each_hash_covers_the_exact_stored_bytes(world, trail):
    with world.session() as s:
        ev = s.get(AuditEvent, 3)
    stored = json.loads(audit.payload(ev))
    assert stored["fields"] == ev.fields  # the JSON text as stored, not re-serialised
    assert audit.digest(ev) == ev.hash


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quote " backslash \\ slash /',
        "line\nbreak\ttab\r\x00\x1f control",
        "Thimphu ཐིམ་ཕུ, emoji \U0001f3d4, \u2028 separators \u2029",
        '{"charges":["11","3"],"note":"as recorded"}',
        "",
    ],
)
@pytest.mark.parametrize("case_id", [None, 7])
def test_the_fast_payload_writes_the_same_bytes_as_canonical_json(text, case_id):
    """verify() writes each payload out in key order; its bytes must be canonical()'s, or a
    sound chain would fail (or a forged one pass)."""
    names = ("actor", "role", "trigger", "from_state", "to_state", "fields", "cite", "process")
    ev = AuditEvent(
        seq=12345,
        case_id=case_id,
        at="2026-12-14T04:00:00.000000Z",
        process_version="2023.1",
        prev_hash=audit.GENESIS,
        hash="",
        **dict.fromkeys(names, text),
    )
    as_dict = audit.canonical(
        {
            "seq": ev.seq,
            "case_id": ev.case_id,
            "at": ev.at,
            "actor": ev.actor,
            "role": ev.role,
            "trigger": ev.trigger,
            "from": ev.from_state,
            "to": ev.to_state,
            "fields": ev.fields,
            "cite": ev.cite,
            "process": ev.process,
            "process_version": ev.process_version,
            "prev_hash": ev.prev_hash,
        }
    )
    assert audit.payload(ev).encode() == as_dict.encode()


def test_canonical_json_sorts_keys_and_keeps_text_as_is():
    assert audit.canonical({"b": 1, "a": "Thimphu ཐིམ་ཕུ"}) == '{"a":"Thimphu ཐིམ་ཕུ","b":1}'


def test_times_are_hashed_as_rfc3339_utc():
    bhutan = timezone(timedelta(hours=6))
    assert audit.rfc3339(datetime(2026, 12, 14, 10, 0, tzinfo=bhutan)) == (
        "2026-12-14T04:00:00.000000Z"
    )
    assert audit.rfc3339(datetime(2026, 12, 14, 4, 0, tzinfo=UTC)) == (
        "2026-12-14T04:00:00.000000Z"
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor = 'someone else' WHERE seq = 2",
        "UPDATE audit_event SET fields = '{}'",
        "DELETE FROM audit_event WHERE seq = 1",
        "DELETE FROM audit_event",
    ],
)
def test_the_database_refuses_to_change_or_delete_audit_events(world, trail, statement):
    before = verify(world)
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        raw_sql(world, statement)
    assert verify(world) == before


def test_the_database_refuses_changes_through_the_orm_too(world, trail):
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with transaction(world.engine) as s:
            ev = s.get(AuditEvent, 1)
            ev.actor = "someone else"
    assert verify(world).ok


def test_a_changed_byte_is_reported_at_the_exact_event(world, trail):
    with world.session() as s:
        original = s.get(AuditEvent, 4).fields
    tampered = original.replace('"', "'", 1)
    assert tampered != original
    tamper(
        world,
        f"UPDATE audit_event SET fields = '{tampered.replace(chr(39), chr(39) * 2)}' WHERE seq = 4",
    )
    result = verify(world)
    assert (result.ok, result.broken_seq, result.events) == (False, 4, 3)
    assert result.problem == "its content does not match its hash"


def test_a_rewritten_event_with_a_fresh_hash_breaks_the_link_to_the_next(world, trail):
    with world.session() as s:
        ev = s.get(AuditEvent, 2)
        s.expunge(ev)
    ev.actor = "someone else"
    forged = audit.digest(ev)
    tamper(
        world,
        f"UPDATE audit_event SET actor = 'someone else', hash = '{forged}' WHERE seq = 2",
    )
    result = verify(world)
    assert (result.ok, result.broken_seq) == (False, 3)
    assert result.problem == "does not link to the previous event"


def test_a_deleted_event_in_the_middle_is_named(world, trail):
    tamper(world, "DELETE FROM audit_event WHERE seq = 5")
    result = verify(world)
    assert (result.ok, result.broken_seq) == (False, 5)
    assert result.problem == "event 5 is missing"


def test_deleting_the_newest_events_is_caught_against_an_exported_head(world, trail):
    exported = verify(world).head
    tamper(world, f"DELETE FROM audit_event WHERE seq > {trail - 2}")

    assert verify(world).ok  # a truncated chain is still a valid chain...
    result = verify(world, expected_head=exported)  # ...but not the one exported
    assert result.ok is False
    assert result.events == trail - 2
    assert "events were removed or rewritten" in result.problem


def test_an_exported_head_from_earlier_still_verifies_as_the_chain_grows(world, trail):
    exported = verify(world).head
    world.walk_to("received")
    result = verify(world, expected_head=exported)
    assert result.ok and result.events > trail


def test_every_case_shares_one_chain(world):
    first = world.walk_to("received")
    second = world.walk_to("received")
    world.fire(first, "direct_enquiry", "chair")
    with world.session() as s:
        seqs = [(e.case_id, e.seq) for e in s.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert seqs == [(first, 1), (second, 2), (first, 3)]
    assert verify(world).ok


# Text JSON must escape, or that PostgreSQL and SQLite might escape unlike Python: quotes,
# backslashes, control characters, Dzongkha, an emoji, separators JavaScript chokes on.
AWKWARD = [
    'quote " backslash \\ slash / and \\" together',
    "control \x01 \x1f \x7f line\nbreak\ttab\rreturn",
    "རྫོང་ཁ། ཐིམ་ཕུ་རྫོང་ཁག",
    "emoji \U0001f3d4\U0001f1e7\U0001f1f9 and \u2028 \u2029 separators",
    "",
]


@pytest.fixture
def awkward(world) -> list[int]:
    """After a real case's events, events whose every text field is awkward, with and
    without a case; returns their seqs."""
    case_id = world.walk_to("received")
    seqs = []
    with transaction(world.engine) as s:
        for i, text in enumerate(AWKWARD):
            ev = audit.append(
                s,
                case_id=None if i % 2 else case_id,
                now=world.clock.now,
                actor=text,
                role=text,
                trigger=text,
                from_state=text,
                to_state=text,
                fields={"note": text, text: [text, i]},
                cite=text,
                process=text,
                process_version=text,
            )
            seqs.append(ev.seq)
    return seqs


def python_only(monkeypatch) -> None:
    """verify() as it was: every payload written by Python."""
    monkeypatch.setattr(audit, "payload_sql", lambda dialect: None)


def test_awkward_text_verifies_without_rechecking_in_python(world, awkward, monkeypatch):
    def no_recheck(session, seq):
        raise AssertionError(f"event {seq} was checked again in Python")

    monkeypatch.setattr(audit, "_python_digest", no_recheck)
    result = verify(world)
    with world.session() as s:
        last = s.get(AuditEvent, awkward[-1])
        caseless = s.get(AuditEvent, awkward[1])
    assert caseless.case_id is None
    assert (result.ok, result.events, result.head) == (True, awkward[-1], last.hash)


def test_the_database_writes_each_payload_byte_for_byte(world, awkward):
    text = audit.payload_sql(world.engine.dialect.name)
    assert text is not None  # the suite's databases, SQLite and PostgreSQL, both can
    with world.session() as s:
        rows = s.execute(select(AuditEvent, text).order_by(AuditEvent.seq)).all()
    assert len(rows) == awkward[-1]
    for ev, written in rows:
        assert written.encode() == audit.payload(ev).encode(), ev.seq


@pytest.mark.parametrize(
    "change",
    [
        "SET actor = 'someone else'",
        "SET fields = replace(fields, 'note', 'nose')",
        "SET case_id = NULL",
        "SET cite = cite || ' '",
    ],
)
@pytest.mark.parametrize("nth", [0, 2])  # events with a case
def test_a_changed_awkward_event_is_named_as_before(world, awkward, change, nth, monkeypatch):
    seq = awkward[nth]
    tamper(world, f"UPDATE audit_event {change} WHERE seq = {seq}")
    result = verify(world)
    assert (result.ok, result.broken_seq, result.events) == (False, seq, seq - 1)
    assert result.problem == "its content does not match its hash"
    python_only(monkeypatch)
    assert verify(world) == result


def test_an_event_given_a_case_it_did_not_have_is_named(world, awkward):
    seq = awkward[1]
    tamper(world, f"UPDATE audit_event SET case_id = 1 WHERE seq = {seq}")
    result = verify(world)
    assert (result.ok, result.broken_seq) == (False, seq)
    assert result.problem == "its content does not match its hash"


@pytest.mark.parametrize("tampered", [False, True])
def test_a_database_escaping_unlike_python_changes_no_answer(world, awkward, tampered, monkeypatch):
    """Were the database to write '/' as '\\/' (JSON allows both), its text would not hash
    right for those events: Python checks them again, and the answers are the same."""
    if tampered:
        tamper(world, f"UPDATE audit_event SET role = 'chair' WHERE seq = {awkward[3]}")
    python_only(monkeypatch)
    expected = verify(world)
    monkeypatch.undo()

    sql = audit.payload_sql
    monkeypatch.setattr(audit, "payload_sql", lambda d: sa.func.replace(sql(d), "/", "\\/"))
    rechecked = []
    python_digest = audit._python_digest
    monkeypatch.setattr(
        audit, "_python_digest", lambda s, seq: rechecked.append(seq) or python_digest(s, seq)
    )
    assert verify(world) == expected
    assert expected.ok is not tampered
    assert rechecked[0] == awkward[0]  # the one with a '/'
    assert len(rechecked) == (2 if tampered else 1)


def test_a_chain_longer_than_a_batch_is_read_whole_and_in_order(world, awkward):
    with world.session() as s:
        seqs = [row[0] for row in audit._rows(s, [AuditEvent.seq], batch=3)]
        rest = [row[0] for row in audit._rows(s, [AuditEvent.seq], batch=2, after=4)]
    assert seqs == list(range(1, awkward[-1] + 1))
    assert rest == seqs[4:]


def test_a_value_the_database_cannot_write_as_json_is_named_at_its_event(world, awkward):
    """SQLite refuses to write a BLOB as JSON: the rest of the chain is read the Python way
    and the event is named as any changed event is."""
    if world.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's text columns hold no BLOB")
    seq = awkward[2]
    tamper(world, f"UPDATE audit_event SET cite = CAST(cite AS BLOB) WHERE seq = {seq}")
    result = verify(world)
    assert (result.ok, result.broken_seq, result.events) == (False, seq, seq - 1)
    assert result.problem == "its content does not match its hash"
