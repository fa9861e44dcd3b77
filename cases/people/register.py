"""The register of civil servants: its fields, who may change them, edits and history, all
audited (the CSV import is ``register_import``; the export, search and reading of a record's
history ``register_reads``).

Every column the processes test is declared once here as a Field, so the CSV parser, the
edit form and the API validate it the same way. 16.3.7 decides who may change what:
sensitive data (name, date of birth, appointment, position, occupational group,
qualification and LTT details, working agency) only by the RCSC on the agency's request
(Form 16/1); the rest by the agency's HR officer. Each change is an audit event in the
same hash chain as the transitions.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic_core import PydanticUndefined
from sqlmodel import Session, select

from cases.core import audit, profiles, search_index
from cases.core.models import Agency, CivilServant, ServiceEntry
from cases.people.separation import separate
from workflows import roles as R
from workflows.calendar import bhutan_today
from workflows.context import Actor, Refusal, Refused
from workflows.declarations import Field
from workflows.fields import parse_values
from workflows.record import (
    CATEGORIES,
    DRUG_TESTS,
    EMPLOYMENT_TYPES,
    KINDS,
    LEVELS,
    QUALIFICATIONS,
    RATINGS,
)

REQUIRED = (
    "eid",
    "name",
    "date_of_birth",
    "position_title",
    "position_level",
    "agency_code",
    "appointment_date",
)

_LEVEL_CHOICES = tuple((lv, lv) for lv in LEVELS)

# The editable record. future_ok marks dates that may lie ahead (end of probation).
FIELDS: tuple[Field, ...] = (
    Field("name", "text", "Name"),
    Field("date_of_birth", "date", "Date of birth"),
    Field("position_title", "text", "Position title"),
    Field("position_level", "choice", "Position level", choices=_LEVEL_CHOICES),
    Field("position_category", "choice", "Position category", False, CATEGORIES),
    Field("super_structure", "text", "Super structure", False),
    Field("occupational_group", "text", "Major occupational group", False),
    Field("agency_code", "text", "Working agency"),
    Field("appointment_date", "date", "First appointment in the civil service"),
    Field("position_since", "date", "Appointed to the current position", False),
    Field("employment_type", "choice", "Employment type", False, EMPLOYMENT_TYPES),
    Field("probation_end", "date", "Probation ends", False, future_ok=True),
    Field("bcse_selected", "bool", "Selected through the BCSE"),
    Field("qualification", "choice", "Highest qualification", False, QUALIFICATIONS),
    Field("place_of_posting", "text", "Place of posting", False),
    Field("nationality", "text", "Nationality", False),
    Field("performance_rating", "choice", "Latest performance rating", False, RATINGS),
    Field("drug_test", "choice", "Drug test", False, DRUG_TESTS),
    Field("head_of_agency", "bool", "Head of agency"),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
# Columns the export adds, written by separation; the import reads past them.
EXPORT_ONLY = ("status", "separated_on")  # written by separation, not by import

# A new record's value of each column the import or a form leaves out (the model's
# defaults), as an audit event writes it: what ``cases.review.replay`` assumes a created record
# holds beyond the columns its event names.
DEFAULTS: dict[str, Any] = {
    f.name: info.default
    for f in FIELDS
    if (info := CivilServant.model_fields[f.name]).default is not PydanticUndefined
}

# 16.3.7: changed only by the RCSC upon receipt from the agency (Form 16/1).
SENSITIVE = frozenset(
    {
        "name",
        "date_of_birth",
        "position_title",
        "position_level",
        "position_category",
        "super_structure",
        "occupational_group",
        "agency_code",
        "appointment_date",
        "position_since",
        "employment_type",
        "probation_end",
        "bcse_selected",
        "qualification",
    }
)
SENSITIVE_KINDS = frozenset({"ltt"})  # "LTT and qualification details"


# The longest text each free-text column holds (16.3.7 names the columns; the widths are
# the register's): a longer value is refused by field, on a form, in the API and in the CSV
# import alike, instead of failing in the database (PostgreSQL enforces VARCHAR widths).
# Choice and date columns are bounded by their choices and format.
MAX_LENGTH: dict[str, int] = {
    "name": 200,
    "position_title": 200,
    "super_structure": 100,
    "occupational_group": 100,
    "agency_code": 32,  # Agency.code
    "place_of_posting": 100,
    "nationality": 64,
}

# Columns a process's effects also write (a transfer's reporting, a secondment's rejoining:
# cases/processes/transfer.py, cases/processes/secondment.py), under the case's own audit event.
# ``cases.review.replay`` checks them against the register's events only up to such a case event.
WRITTEN_BY_PROCESSES = frozenset(
    {"agency_code", "place_of_posting", "position_title", "position_since"}
)


# ------------------------------------------------------------------ who may change it


def is_rcsc(actor: Actor) -> bool:
    return R.RCSC in actor.roles or (
        actor.agency == R.RCSC_AGENCY and bool(actor.roles & {R.HR_OFFICER})
    )


def may_change(actor: Actor, agency_code: str, names: set[str]) -> list[Refusal]:
    """Who may write which register field: the one check every write path calls (the
    record's edit form, ``PATCH /api/employees/{eid}``, history lines and the CSV import).

    16.3.3: a record is kept by the HR officer of the civil servant's agency (``agency_code``:
    the record's agency, or the new record's for one being created) or by the RCSC.
    16.3.7: its sensitive data (``SENSITIVE``, LTT details) only by the RCSC, on the
    agency's request (Form 16/1). Returns every refusal, each naming its field.
    """
    if is_rcsc(actor):
        return []
    if R.HR_OFFICER not in actor.roles or actor.agency != agency_code:
        return [
            Refusal(
                "authority",
                "16.3.3",
                "only the HR officer of the civil servant's agency or the RCSC may change "
                "the record",
            )
        ]
    return [
        Refusal(
            "authority",
            "16.3.7",
            f"{FIELD_BY_NAME[n].label if n in FIELD_BY_NAME else n} is sensitive data: only "
            "the RCSC changes it, on the agency's request (Form 16/1)",
            n,
        )
        for n in sorted(names & (SENSITIVE | SENSITIVE_KINDS))
    ]


# ------------------------------------------------------------------ edits and history


# C0 controls, DEL and lone surrogates: no name or title holds them, and PostgreSQL refuses
# a NUL (a 500 instead of a refusal naming the field).
UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def checked(
    raw: dict[str, Any], today: date, known_agencies: set[str], *, partial: bool
) -> tuple[dict[str, Any], list[Refusal]]:
    """Typed values of the register's columns in ``raw`` (dates as ISO text) and every
    refusal, each naming its field: the one validation of the edit form, the API and the
    CSV import (which checks a cell at a time, ``check_cell``)."""
    if isinstance(raw.get("position_level"), str):
        raw = {**raw, "position_level": raw["position_level"].strip().upper()}
    values, errors = parse_values(FIELDS, raw, {}, "16.3.7", partial=partial)
    for name, value in values.items():
        refusal = _rule(FIELD_BY_NAME[name], value, today, known_agencies)
        if refusal is not None:
            errors.append(refusal)
    return values, errors


def check_cell(
    name: str, text: str, today: date, known_agencies: set[str]
) -> tuple[Any, Refusal | None]:
    """One column's value, as ``checked`` types and checks it: every rule of a register
    column looks at that column alone, so the import checks each distinct cell once."""
    f = FIELD_BY_NAME[name]
    if name == "position_level":
        text = text.strip().upper()
    values, errors = parse_values((f,), {name: text}, {}, "16.3.7", partial=True)
    if errors:
        return None, errors[0]
    value = values.get(name)
    return value, _rule(f, value, today, known_agencies)


def _rule(f: Field, v: Any, today: date, known_agencies: set[str]) -> Refusal | None:
    """The register's own rules on a parsed value: width, plain text, no future date
    (16.3.6), a known agency."""
    if isinstance(v, str):
        limit = MAX_LENGTH.get(f.name)
        if limit is not None and len(v) > limit:
            return Refusal("field", "16.3.7", f"{f.label}: at most {limit} characters", f.name)
        if UNPRINTABLE.search(v):
            reason = f"{f.label}: control characters (a NUL, a line break) are not text"
            return Refusal("field", "16.3.7", reason, f.name)
    if f.type == "date" and v and not f.future_ok and date.fromisoformat(v) > today:
        return Refusal("field", "16.3.6", f"{f.label}: cannot be after {today}", f.name)
    if f.name == "agency_code" and v is not None and v not in known_agencies:
        return Refusal(
            "field", "16.3.7", f"Working agency: '{v}' is not a known agency", "agency_code"
        )
    return None


def edit(session: Session, eid: str, raw: dict[str, Any], actor: Actor, now: datetime) -> dict:
    """Change ``raw``'s fields of ``eid``; returns {field: [old, new]} of what changed."""
    cs = session.get(CivilServant, eid)
    if cs is None:
        raise LookupError(f"no civil servant {eid}")
    agency = cs.agency_code  # whose record it is before this edit (it may move the agency)
    raw = {k: v for k, v in raw.items() if k not in ("csrf_token", "version")}
    today = bhutan_today(now)
    agencies = set(session.exec(select(Agency.code)).all())
    values, errors = checked(raw, today, agencies, partial=True)
    if errors:
        raise Refused(errors)
    changes: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(cs, name)
        old_s = old.isoformat() if isinstance(old, date) else old
        new_v = date.fromisoformat(new) if FIELD_BY_NAME[name].type == "date" and new else new
        if new_v is None and FIELD_BY_NAME[name].type in ("text", "choice"):
            new_v = ""
        if old_s == new or old == new_v:
            continue
        changes[name] = [old_s, new]
        setattr(cs, name, new_v)
    refusals = may_change(actor, agency, set(changes))
    if refusals:
        raise Refused(refusals)
    if not changes:
        return {}
    session.add(cs)
    if "name" in changes:  # the search finds their cases by the name they now have
        search_index.index_subjects(session, {eid: cs.name})
    _audit(session, actor, now, "register_edit", "16.3.7", {"eid": eid, "changes": changes})
    return changes


def add_history(
    session: Session, eid: str, kind: str, raw: dict[str, Any], actor: Actor, now: datetime
) -> ServiceEntry:
    """A history line from before drukflow (a past EOL, an STT, a court case, a due)."""
    cs = session.get(CivilServant, eid)
    if cs is None:
        raise LookupError(f"no civil servant {eid}")
    spec = KINDS.get(kind)
    if spec is None:
        raise Refused([Refusal("field", "16.3.7", f"unknown kind of record '{kind}'", "kind")])
    refusals = may_change(actor, cs.agency_code, {kind})
    if refusals:
        raise Refused(refusals)
    raw = {k: v for k, v in raw.items() if k not in ("csrf_token", "kind")}
    frame = (
        Field("start_on", "date", "From", spec.dated),
        Field("end_on", "date", "To", False, future_ok=True),
        Field("status", "choice", "Status", True, spec.statuses),
    )
    values, errors = parse_values(frame + spec.fields, raw, {}, spec.cite)
    start, end = values.get("start_on"), values.get("end_on")
    if start and date.fromisoformat(start) > bhutan_today(now):
        errors.append(Refusal("field", spec.cite, "From: cannot be later than today", "start_on"))
    if start and end and end < start:
        errors.append(Refusal("field", spec.cite, "To: cannot be before From", "end_on"))
    if errors:
        raise Refused(errors)
    details = {k: v for k, v in values.items() if k not in ("start_on", "end_on", "status")}
    row = profiles.add_entry(
        session,
        eid=eid,
        kind=kind,
        now=now,
        by=actor.username,
        start_on=start,
        end_on=end,
        status=values["status"],
        **{k: v for k, v in details.items() if v not in (None, "")},
    )
    _audit(
        session,
        actor,
        now,
        "register_history",
        spec.cite,
        {"eid": eid, "entry": row.id, "kind": kind, **values},
    )
    return row


SEPARATION_TYPES = (  # 15.2
    ("superannuation", "Superannuation (15.2.1, 15.3)"),
    ("voluntary_resignation", "Voluntary resignation (15.2.2, 15.4)"),
    ("early_retirement", "Early Retirement Scheme (15.2.3)"),
    ("special_retirement", "Special Retirement Scheme (15.2.4)"),
    ("termination", "Termination (15.2.6)"),
    ("agency_severance", "Agency severance (15.2.7)"),
    ("death", "Death in service"),
)
SEPARATION_FIELDS = (
    Field("separation_type", "choice", "Type of separation", choices=SEPARATION_TYPES),
    Field("separated_on", "date", "Separated on (office order date)", future_ok=True),
    Field("order_no", "text", "Office order no.", False),
    Field(
        "gross_pay",
        "decimal",
        "Gross pay, Nu per month (a resignation within six months of an STT owes a month's "
        "gross pay per month remaining, 7.6.3.3)",
        False,
    ),
)


def record_separation(
    session: Session, eid: str, raw: dict[str, Any], actor: Actor, now: datetime
) -> list[Any]:
    """The office order that ends a career; unserved LTT obligations become dues.

    Compulsory retirement is decided in the retirement queue of the process that proposed
    it; this records the other separations of 15.2. A death voids the financial
    obligation (7.7.7.10), so none is computed for it.
    """
    cs = session.get(CivilServant, eid)
    if cs is None:
        raise LookupError(f"no civil servant {eid}")
    refusals = may_change(actor, cs.agency_code, set())  # 15.4.1: the agency's HR records it
    if cs.status != "in_service":
        refusals.append(
            Refusal("state", "15.2", f"already separated on {cs.separated_on}", "separated_on")
        )
    if refusals:
        raise Refused(refusals)
    raw = {k: v for k, v in raw.items() if k != "csrf_token"}
    values, errors = parse_values(SEPARATION_FIELDS, raw, {}, "15.2")
    if errors:
        raise Refused(errors)
    on = date.fromisoformat(values["separated_on"])
    label = dict(SEPARATION_TYPES)[values["separation_type"]]
    owed = separate(
        session,
        eid,
        on=on,
        reason=label + (f", office order {values['order_no']}" if values.get("order_no") else ""),
        now=now,
        by=actor.username,
        dues=values["separation_type"] != "death",
        resignation=values["separation_type"] == "voluntary_resignation",
        gross_pay=Decimal(str(values["gross_pay"])) if values.get("gross_pay") else None,
    )
    _audit(
        session,
        actor,
        now,
        "register_separation",
        "15.2, 7.7.7.2",
        {
            "eid": eid,
            **values,
            "financial_obligations": [o.as_dict() for o in owed],
        },
    )
    return owed


def history_fields(kind: str) -> tuple[Field, ...]:
    spec = KINDS[kind]
    return (
        Field("start_on", "date", "From", spec.dated),
        Field("end_on", "date", "To", False, future_ok=True),
        Field("status", "choice", "Status", True, spec.statuses),
        *spec.fields,
    )


def audit_role(actor: Actor) -> str:
    """The role a register event records: the RCSC's or the agency HR officer's (16.3.7)."""
    return "rcsc" if is_rcsc(actor) else R.HR_OFFICER


def _audit(
    session: Session, actor: Actor, now: datetime, trigger: str, cite: str, fields: dict
) -> None:
    role = audit_role(actor)
    audit.append(
        session,
        case_id=None,
        now=now,
        actor=actor.username,
        role=role,
        trigger=trigger,
        from_state="",
        to_state="",
        fields=fields,
        cite=cite,
        process="register",
        process_version="2023.1",
    )
