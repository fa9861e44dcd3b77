"""The register's CSV import, with the authority and the audit of the record's edit form.

A file is one decision. Every line is checked first: the employee ID's format
(workflows.record.eid_problem), each column's type and width (register.checked), and who
may write it (register.may_change: the agency's HR officer for its own civil servants,
16.3.3; the RCSC alone for sensitive columns, 16.3.7). One refusal refuses the whole file,
and every refused line is listed with its employee ID, column and section; a refusal never
shows another agency's record, only the file's own lines.

Only a file with no refusal is written: in one short transaction of bulk statements, one
audit event per created or changed record in the same hash chain as the cases, carrying
each changed column's before and after, so ``drukflow audit replay`` rebuilds the
register's changed columns from the trail (cases.review.replay.register_drift). A column absent
from the file, or an empty cell, leaves that column as it is.

What exists is read before, in a read transaction, and the file is checked against it
outside the write lock, so a 100,000-line file holds the lock for its write alone and a
transition waits no longer than that. Should the chain's head have moved in between (any
audited write, a register edit or a case's effect on a record), the check is made again.
"""

from __future__ import annotations

import csv
import io
import operator
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from cases.core import audit, db, search_index, waiting
from cases.core.audit import canonical
from cases.core.models import Agency, Case, CivilServant
from cases.people.csv_cells import unneutralise
from cases.people.register import (
    EXPORT_ONLY,
    FIELD_BY_NAME,
    FIELDS,
    MAX_LENGTH,
    REQUIRED,
    audit_role,
    check_cell,
    may_change,
)
from workflows.calendar import bhutan_today
from workflows.context import Actor, Refusal
from workflows.record import EID_CITE, category_of, eid_problem

CITE = "16.3.7"
CELL_MAX = 1000  # longer than any column holds; refused before it is parsed or echoed
ERRORS_SHOWN = 500  # a wholly wrong file lists this many problems, then counts the rest
TRUE = frozenset({"yes", "y", "true", "1", "on"})
FALSE = frozenset({"no", "n", "false", "0", "off"})
CHUNK = 2000  # employee IDs per IN (...) when reading what exists
ATTEMPTS = 3  # checks against a register that moved; the last one is made under the lock

_TABLE = CivilServant.__table__  # type: ignore[attr-defined]
_FIELD_NAMES = tuple(f.name for f in FIELDS)
# A new record's columns that the file leaves out take the model's defaults.
_DEFAULTS: dict[str, Any] = {
    name: info.default
    for name, info in CivilServant.model_fields.items()
    if info.default is not PydanticUndefined
}


@dataclass(frozen=True)
class LineError:
    """One problem of the file: its line (1 is the header, 0 the file as a whole), the
    employee ID the line names, the column, and the section the rule comes from."""

    line: int
    eid: str
    field: str | None
    cite: str
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        who = f" ({self.eid})" if self.eid else ""
        column = f": column {self.field}" if self.field else ""
        cite = f" (BCSR {self.cite})" if self.cite else ""
        return f"{where}{who}{column}: {self.reason}{cite}"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    errors: list[LineError]
    unchanged: int = 0
    write_seconds: float = field(default=0.0, compare=False)  # the write transaction's time


@dataclass
class _Line:
    line: int
    eid: str
    values: dict[str, Any]  # as the audit event writes them: dates as ISO text, flags bool


@dataclass
class _Plan:
    inserts: list[tuple[Any, ...]] = field(default_factory=list)  # _INSERTED's order
    updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)  # canonical fields, one per record
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[LineError] = field(default_factory=list)

    def renamed(self) -> dict[str, str]:
        """Employee ID: the new name, of the records the file renames."""
        out: dict[str, str] = {}
        for cols, rows in self.updates.items():
            if "name" in cols:
                at = cols.index("name")
                out.update((row[-1], row[at]) for row in rows)
        return out


# ------------------------------------------------------------------ reading the file


def decode(data: bytes | str) -> tuple[str, list[LineError]]:
    """The file's text; a file that is not UTF-8 is refused naming the line of its first
    bad byte (a spreadsheet's "CSV" in a legacy code page, say)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return "", [
            LineError(
                line, "", None, CITE, "is not UTF-8 text: save the file as CSV UTF-8 and retry"
            )
        ]


def _plain(value: Any) -> Any:
    """A value as the audit event writes it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value


def parse(text: str, agencies: set[str], today: date) -> tuple[list[_Line], list[LineError]]:
    """Every line's typed values, or every problem of the file (format, width, type)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as exc:
        return [], [LineError(1, "", None, CITE, f"not a CSV header: {exc}")]
    absent = [c for c in ("eid", *REQUIRED) if c not in header]
    if absent:
        return [], [LineError(1, "", None, CITE, f"header lacks column(s): {', '.join(absent)}")]
    unknown = [c for c in header if c not in FIELD_BY_NAME and c != "eid" and c not in EXPORT_ONLY]
    repeated = sorted({c for c in header if header.count(c) > 1})
    if unknown or repeated:
        problem = (
            f"header has unknown column(s): {', '.join(unknown)}"
            if unknown
            else f"header repeats column(s): {', '.join(repeated)}"
        )
        return [], [LineError(1, "", None, CITE, problem)]
    columns = [(i, c) for i, c in enumerate(header) if c in FIELD_BY_NAME]
    eid_at = header.index("eid")
    width = len(header)
    lines: list[_Line] = []
    errors: list[LineError] = []
    first_line: dict[str, int] = {}
    seen: dict[tuple[str, str], Cell] = {}
    check = _checker(today, agencies)
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a NUL byte, an unclosed quote: the rest cannot be read
            errors.append(LineError(reader.line_num, "", None, CITE, f"not CSV: {exc}"))
            break
        end = reader.line_num
        if not cells or all(not c.strip() for c in cells):
            continue  # a blank line (a spreadsheet's trailing rows)
        line, errs = _parse_line(start, cells, width, eid_at, columns, seen, check)
        if line is not None:
            if line.eid in first_line:  # which of the two lines is right cannot be guessed
                reason = f"employee ID repeats line {first_line[line.eid]}"
                errs.append(LineError(start, line.eid, "eid", CITE, reason))
            else:
                first_line[line.eid] = start
        if errs:
            errors += errs
        elif line is not None:
            lines.append(line)
    return lines, errors


Cell = tuple[Any, Refusal | None]


def _parse_line(
    n: int,
    cells: list[str],
    width: int,
    eid_at: int,
    columns: list[tuple[int, str]],
    seen: dict[tuple[str, str], Cell],
    check: Callable[[str, str], Cell],
) -> tuple[_Line | None, list[LineError]]:
    """A line's values; ``seen`` remembers each distinct cell's check (a file repeats its
    agencies, levels, titles and dates on most lines)."""
    # A cell the export prefixed against formula injection reads back as it was exported.
    eid = unneutralise(cells[eid_at].strip()) if eid_at < len(cells) else ""
    problem = eid_problem(eid)
    shown = "" if problem else eid
    errors: list[LineError] = []
    if problem:
        errors.append(LineError(n, shown, "eid", EID_CITE, problem))
    if len(cells) > width:
        reason = f"{len(cells)} cells, the header has {width}"
        errors.append(LineError(n, shown, None, CITE, reason))
    values: dict[str, Any] = {}
    for i, name in columns:
        cell = unneutralise(cells[i].strip()) if i < len(cells) else ""
        if not cell:
            if name in REQUIRED:
                errors.append(LineError(n, shown, name, CITE, "missing"))
            continue  # an empty cell leaves the column as it is
        key = (name, cell)
        found = seen.get(key)
        if found is None:
            found = seen[key] = check(name, cell)
        value, refusal = found
        if refusal is not None:
            errors.append(LineError(n, shown, refusal.field, refusal.cite, refusal.reason))
        else:
            values[name] = value
    if errors:
        return (_Line(n, eid, {}) if not problem else None), errors
    return _Line(n, eid, values), []


def _checker(today: date, agencies: set[str]) -> Callable[[str, str], Cell]:
    """One cell's check: its width first (a huge cell is never parsed nor echoed), flags
    as yes or no, the rest as the edit form checks them (register.check_cell)."""

    def check(name: str, cell: str) -> Cell:
        f = FIELD_BY_NAME[name]
        limit = MAX_LENGTH.get(name, CELL_MAX)
        if len(cell) > limit:
            return None, Refusal("field", CITE, f"{f.label}: at most {limit} characters", name)
        if f.type == "bool":
            word = cell.lower()
            if word in TRUE or word in FALSE:
                return word in TRUE, None
            return None, Refusal("field", CITE, f"{f.label}: yes or no", name)
        return check_cell(name, cell, today, agencies)

    return check


# ------------------------------------------------------------------ checking against the register


def _existing(session: Session, eids: list[str]) -> dict[str, dict[str, Any]]:
    """The file's records that exist, their columns as the audit event writes them."""
    cols = [_TABLE.c.eid, *(_TABLE.c[name] for name in _FIELD_NAMES)]
    out: dict[str, dict[str, Any]] = {}
    on_pg = session.get_bind().dialect.name == "postgresql"
    chunk = CHUNK * 10 if on_pg else CHUNK
    for i in range(0, len(eids), chunk):
        part = eids[i : i + chunk]
        # PostgreSQL: one array parameter (= ANY), not thousands of parameters to parse.
        among = (
            _TABLE.c.eid == sa.any_(sa.bindparam("eids", part, type_=ARRAY(sa.String)))
            if on_pg
            else _TABLE.c.eid.in_(part)
        )
        for row in session.execute(sa.select(*cols).where(among)):
            out[row[0]] = {n: _plain(v) for n, v in zip(_FIELD_NAMES, row[1:], strict=True)}
    return out


def _agencies(session: Session) -> set[str]:
    return set(session.exec(select(Agency.code)).all())


# Every column of a new record, in the INSERT's order.
_INSERTED = ("eid", *(n for n in _DEFAULTS if n != "eid"), *(
    n for n in _FIELD_NAMES if n not in _DEFAULTS
))  # fmt: skip
_inserted = operator.itemgetter(*_INSERTED)
_DATES = frozenset(c.name for c in _TABLE.columns if isinstance(c.type, sa.Date))


def prepare(
    lines: Iterable[_Line], existing: dict[str, dict[str, Any]], actor: Actor, dialect: str
) -> _Plan:
    """What the file does to the register, every line's authority checked
    (register.may_change); refusals instead when any line is refused. The statements'
    parameters and the events' texts are made here, outside the write lock."""
    plan = _Plan()
    as_date = dialect != "sqlite"  # SQLite keeps a date as its ISO text, as given
    for ln in lines:
        values = ln.values
        old = existing.get(ln.eid)
        if old is None:
            refusals = may_change(actor, values["agency_code"], set())
            if refusals:
                plan.errors += [
                    LineError(ln.line, ln.eid, r.field, r.cite, r.reason) for r in refusals
                ]
                continue
            given = dict(values)
            if "position_category" not in given:
                given["position_category"] = category_of(given["position_level"])
            row = {**_DEFAULTS, **given, "eid": ln.eid}
            if as_date:
                row.update({n: date.fromisoformat(row[n]) for n in _DATES if row.get(n)})
            plan.inserts.append(_inserted(row))
            # What the file gave; the rest is register.DEFAULTS, as replay assumes.
            changes = {n: [None, v] for n, v in given.items()}
            plan.events.append(
                canonical({"eid": ln.eid, "line": ln.line, "created": True, "changes": changes})
            )
            plan.created += 1
            continue
        new = dict(values)
        if new.get("position_level", old["position_level"]) != old["position_level"] and (
            "position_category" not in new
        ):
            new["position_category"] = category_of(new["position_level"])
        changes = {n: [old[n], v] for n, v in new.items() if old[n] != v}
        refusals = may_change(actor, old["agency_code"], set(changes))
        if refusals:
            plan.errors += [LineError(ln.line, ln.eid, r.field, r.cite, r.reason) for r in refusals]
            continue
        if not changes:
            plan.unchanged += 1
            continue
        cols = tuple(sorted(changes))
        if as_date:
            new.update({n: date.fromisoformat(new[n]) for n in _DATES if new.get(n)})
        params = (*(new[n] for n in cols), ln.eid)
        plan.updates.setdefault(cols, []).append(params)
        plan.events.append(
            canonical({"eid": ln.eid, "line": ln.line, "created": False, "changes": changes})
        )
        plan.updated += 1
    return plan


def _write(session: Session, plan: _Plan, events: list[tuple[Any, ...]], now: datetime) -> None:
    """The file's one write: the new records and the chain's rows (made before the lock)
    in bulk (db.bulk_insert), an executemany per set of changed columns. Who the changed
    servants' open cases wait for is worked out again before the commit (a new agency or
    level may move the competent authority, 19.3.6-19.3.7)."""
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    db.bulk_insert(session, "civil_servant", _INSERTED, plan.inserts)
    for cols, rows in plan.updates.items():
        sets = ", ".join(f"{n} = {mark}" for n in cols)
        conn.exec_driver_sql(f"UPDATE civil_servant SET {sets} WHERE eid = {mark}", rows)
    renamed = plan.renamed()
    if renamed:  # the search finds their cases by the names they now have
        search_index.index_subjects(session, renamed)
    waiting.mark_servants(session, [row[-1] for rows in plan.updates.values() for row in rows], now)
    audit.insert_rows(session, events)


def _lock_cases(session: Session, renamed: dict[str, str]) -> None:
    """Hold the cases of the servants the file renames, before the chain's head, in the
    order a step takes them: a step holds its case, writes its words, then waits for the
    head, and the import rewrites those cases' words while it holds the head. Taken the
    other way round, on PostgreSQL each waited for the other. (A file prepared under the
    head, on its last attempt, takes them after it: it is refused with "try again" if a
    step on one of them waits for the head meanwhile.)"""
    eids = sorted(renamed)
    cases = Case.__table__  # type: ignore[attr-defined]
    for start in range(0, len(eids), 5000):  # within any database's limit of parameters
        session.connection().execute(
            sa.select(cases.c.id)
            .where(cases.c.subject_eid.in_(eids[start : start + 5000]))
            .order_by(cases.c.id)
            .with_for_update()
        ).all()


def _shown(errors: list[LineError]) -> list[LineError]:
    if len(errors) <= ERRORS_SHOWN:
        return errors
    more = len(errors) - ERRORS_SHOWN
    return [*errors[:ERRORS_SHOWN], LineError(0, "", None, "", f"and {more:,} more problem(s)")]


def import_csv(engine: Engine, data: bytes | str, actor: Actor, now: datetime) -> ImportResult:
    """All lines or none: a file with any problem or refusal changes nothing and lists
    every refused line; else one transaction writes it, with one audit event per created
    or changed record."""
    text, errors = decode(data)
    if errors:
        return ImportResult(0, 0, errors)
    today = bhutan_today(now)
    with db.reading(engine) as s:
        agencies = _agencies(s)
    lines, errors = parse(text, agencies, today)
    if errors:
        return ImportResult(0, 0, _shown(errors))
    eids = [ln.eid for ln in lines]
    dialect = engine.dialect.name
    event = {
        "now": now,
        "actor": actor.username,
        "role": audit_role(actor),
        "trigger": "register_import",
        "cite": CITE,
        "process": "register",
        "process_version": "2023.1",
    }
    for attempt in range(1, ATTEMPTS + 1):
        plan, rows, seen = None, [], None
        if attempt < ATTEMPTS:
            with db.reading(engine) as s:
                seen = audit.head(s)  # first: any later audited write moves it
                plan = prepare(lines, _existing(s, eids), actor, dialect)
            if plan.errors:
                return ImportResult(0, 0, _shown(plan.errors))
            rows = audit.chained(plan.events, seen, **event)
        with db.transaction(engine) as s:
            started = time.perf_counter()
            if plan is not None:
                _lock_cases(s, plan.renamed())
            audit.lock_head(s)
            if plan is None:  # the register kept moving: check it under the lock
                plan = prepare(lines, _existing(s, eids), actor, dialect)
                if plan.errors:
                    return ImportResult(0, 0, _shown(plan.errors))
                rows = audit.chained(plan.events, audit.head(s), **event)
            elif audit.head(s) != seen:
                continue
            _write(s, plan, rows, now)
        took = time.perf_counter() - started  # the commit is in the lock's time too
        return ImportResult(plan.created, plan.updated, [], plan.unchanged, took)
    raise AssertionError("unreachable: the last attempt writes under the lock")
