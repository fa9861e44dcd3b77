"""The register of civil servants that cases refer to, with CSV import.

A minimal record for now: what chapter 19 needs to find the competent authorities
(position level, agency; 19.3.6, 19.3.7).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from cases.models import Agency, CivilServant
from workflows.record import LEVELS

COLUMNS = (
    "eid",
    "name",
    "date_of_birth",
    "position_title",
    "position_level",
    "agency_code",
    "appointment_date",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    errors: list[str]


def parse_row(
    n: int, row: dict[str, str], agencies: set[str]
) -> tuple[CivilServant | None, list[str]]:
    errors = []
    missing = [c for c in COLUMNS if not (row.get(c) or "").strip()]
    if missing:
        return None, [f"line {n}: missing {', '.join(missing)}"]
    values = {c: row[c].strip() for c in COLUMNS}
    level = values["position_level"].upper()
    if level not in LEVELS:
        errors.append(
            f"line {n}: position_level '{values['position_level']}' is not a BCSR position level"
        )
    if values["agency_code"] not in agencies:
        errors.append(f"line {n}: agency_code '{values['agency_code']}' is not a known agency")
    dates = {}
    for col in ("date_of_birth", "appointment_date"):
        try:
            dates[col] = date.fromisoformat(values[col])
        except ValueError:
            errors.append(f"line {n}: {col} '{values[col]}' is not a date (YYYY-MM-DD)")
    if errors:
        return None, errors
    return CivilServant(
        eid=values["eid"],
        name=values["name"],
        position_title=values["position_title"],
        position_level=level,
        agency_code=values["agency_code"],
        head_of_agency=(row.get("head_of_agency") or "").strip().lower() in ("1", "yes", "true"),
        **dates,
    ), []


def import_csv(session: Session, text: str) -> ImportResult:
    """All rows or none: a file with any bad row changes nothing and lists every problem."""
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if absent:
        return ImportResult(0, 0, [f"header lacks column(s): {', '.join(absent)}"])
    agencies = set(session.exec(select(Agency.code)).all())
    parsed, errors = [], []
    first_line: dict[str, int] = {}
    for n, row in enumerate(reader, start=2):
        cs, errs = parse_row(n, row, agencies)
        eid = (row.get("eid") or "").strip()
        if eid in first_line:  # which of the two rows is right cannot be guessed
            errs.append(f"line {n}: eid '{eid}' repeats line {first_line[eid]}")
        elif eid:
            first_line[eid] = n
        errors += errs
        if cs:
            parsed.append(cs)
    if errors:
        return ImportResult(0, 0, errors)
    created = updated = 0
    for cs in parsed:
        existing = session.get(CivilServant, cs.eid)
        if existing is None:
            session.add(cs)
            created += 1
        else:
            for col in (*COLUMNS[1:], "head_of_agency"):
                setattr(existing, col, getattr(cs, col))
            session.add(existing)
            updated += 1
    session.flush()
    return ImportResult(created, updated, [])
