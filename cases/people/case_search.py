"""The search box on every page: the cases a user may see (queries.visibility) by case
number, respondent's or applicant's name, employee ID, or words of the case's title (its
process and subject), then by the words of their facts and papers. Every word must match,
in any order, as a word or the start of one (the full-text index, cases.core.search_index).
Filters narrow it (process, state, agency, offence row, penalty, days opened, version),
checked here so an unknown value is refused naming the field, never an empty list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import queries, search_index
from cases.core.models import Case, CivilServant
from cases.core.search_index import Filters
from workflows import offences, registry
from workflows.context import Actor, Refusal, Refused

LIMIT = 50
MAX_CASE_NUMBER = 2**31 - 1  # an SQL INTEGER on both databases


PENALTY_CODES = {p.code: p for p in offences.PENALTIES}
OTHER_OFFENCE = 0  # a charge of an offence outside the schedule (19.11.11)


def filters(
    *,
    process: str = "",
    state: str = "",
    agency: str = "",
    version: str = "",
    opened_from: date | None = None,
    opened_to: date | None = None,
    offence: int | None = None,
    penalty: str = "",
) -> Filters:
    """The search's filters, each checked: a process and one of its states, a version of
    it, a row of Schedule 19/A (0: another offence, 19.11.11), a penalty of 19.11.13-14,
    a range of days in order. Every bad one refused at once, naming its field."""
    refusals: list[Refusal] = []
    try:
        registry.check_case_filters(process or None, state or None)
    except Refused as exc:
        refusals += exc.refusals
    known = {v.version for key in registry.keys() for v in registry.versions(key)}
    if process in registry.keys():
        known = {v.version for v in registry.versions(process)}
    if version and version not in known:
        reason = f"version: no version '{version}' (one of {', '.join(sorted(known))})"
        refusals.append(Refusal("field", "", reason, "version"))
    if offence is not None and offence != OTHER_OFFENCE and offence not in offences.BY_NUMBER:
        rows = f"1 to {max(offences.BY_NUMBER)}, or 0 for another offence (19.11.11)"
        reason = f"offence: no row {offence} in Schedule 19/A ({rows})"
        refusals.append(Refusal("field", "Schedule 19/A", reason, "offence"))
    if penalty and penalty not in PENALTY_CODES:
        reason = f"penalty: no penalty '{penalty}' (one of {', '.join(PENALTY_CODES)})"
        refusals.append(Refusal("field", "19.11.13, 19.11.14", reason, "penalty"))
    if opened_from and opened_to and opened_from > opened_to:
        reason = f"opened_to: {opened_to} is before opened_from {opened_from}"
        refusals.append(Refusal("field", "", reason, "opened_to"))
    if refusals:
        raise Refused(refusals)
    return Filters(process, state, agency, version, opened_from, opened_to, offence, penalty or "")


def find_cases(
    session: Session,
    actor: Actor,
    text: str,
    limit: int = LIMIT,
    narrowed: Filters | None = None,
) -> list[tuple[Case, str]]:
    """The cases ``text`` names by number or all-digit employee ID, exactly; with no text,
    every case the filters keep. Open ones first, newest first, with their subject's name.
    (Words are the full-text index's: ``find``.)"""
    narrowed = narrowed or Filters()
    number = text.strip().lstrip("#")
    if number.isdigit():
        matches: sa.ColumnElement[bool] = sa.or_(
            CivilServant.eid == number,
            Case.id == int(number) if int(number) <= MAX_CASE_NUMBER else sa.false(),  # type: ignore[arg-type]
        )
    elif not text.strip() and narrowed:
        matches = sa.true()
    else:
        return []
    stmt = (
        select(Case, CivilServant.name)
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(
            queries.visibility(actor),
            matches,
            *search_index.case_filters(narrowed, session.connection().dialect.name),
        )
        .order_by(Case.closed_at.is_not(None), Case.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list(session.exec(stmt).all())  # type: ignore[call-overload]


def find(
    session: Session,
    actor: Actor,
    text: str,
    narrowed: Filters | None = None,
    limit: int = LIMIT,
) -> list[tuple[Case, str, str]]:
    """The search box's answer: a case number or employee ID exactly; else the cases whose
    number, name, employee ID or title hold every word (each word or the start of one:
    "wang" finds Wangchuk, "angchuk" does not), then those whose recorded facts or papers
    do, each of these with the matching words in context (search_index.search, one walk of
    the full-text index); only what ``actor`` may see and read, and only the cases
    ``narrowed`` keeps (its filters alone list every case they keep)."""
    number = text.strip().lstrip("#")
    if number.isdigit() or not text.strip():
        return [(c, name, "") for c, name in find_cases(session, actor, text, limit, narrowed)]
    hits = search_index.search(session, actor, text, narrowed, limit=limit)
    if not hits:
        return []
    stmt = (
        select(Case, CivilServant.name)
        .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
        .where(Case.id.in_([h.case_id for h in hits]))  # type: ignore[union-attr]
    )
    found = {c.id: (c, name) for c, name in session.exec(stmt).all()}  # type: ignore[call-overload]
    return [
        (*found[h.case_id], "" if h.source == search_index.NAMES_SOURCE else h.snippet)
        for h in hits
        if h.case_id in found
    ]
