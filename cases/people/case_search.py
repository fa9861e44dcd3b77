"""The search box on every page: the cases a user may see (queries.visibility) by case
number, respondent's or applicant's name, employee ID, or words of the case's title (its
process and subject). Every word must match, in any order. Filters narrow it (process,
state, agency, offence row, penalty, days opened, version), checked here so an unknown
value is refused naming the field, never answered with an empty list."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import queries, search_index
from cases.core.models import Case, CivilServant
from cases.core.search_index import Filters
from cases.people.register_reads import LIKE_ESCAPE, like_literal, search_words
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
    """Matching cases with their subject's name: open ones first, newest first. With
    filters and no words, every case the filters keep."""
    narrowed = narrowed or Filters()
    words = search_words(text)
    number = text.strip().lstrip("#")
    if not words and not narrowed:
        return []
    if not words:
        matches: sa.ColumnElement[bool] = sa.true()
    elif number.isdigit():  # a case number (or an all-digit employee ID), exactly
        matches: sa.ColumnElement[bool] = sa.or_(
            CivilServant.eid == number,
            Case.id == int(number) if int(number) <= MAX_CASE_NUMBER else sa.false(),  # type: ignore[arg-type]
        )
    else:
        matches = sa.and_(
            *[
                sa.or_(
                    *[
                        column.ilike(f"%{like_literal(word)}%", escape=LIKE_ESCAPE)  # type: ignore[attr-defined]
                        for column in (CivilServant.name, CivilServant.eid, Case.title)
                    ]
                )
                for word in words
            ]
        )
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
    """The search box's answer: cases by number, name, employee ID or title first, then
    those whose recorded facts or papers hold the words (search_index), each with the
    matching words in context; only what ``actor`` may see and read, and only the cases
    ``narrowed`` keeps (its filters alone list every case they keep)."""
    named = find_cases(session, actor, text, limit, narrowed)
    if text.strip().lstrip("#").isdigit() or not search_words(text):
        return [(c, name, "") for c, name in named]  # a case number or employee ID, or none
    seen = {c.id for c, _ in named}
    hits = search_index.search(session, actor, text, narrowed, limit=limit)
    hits = [h for h in hits if h.case_id not in seen]
    found = {}
    if hits:
        stmt = (
            select(Case, CivilServant.name)
            .join(CivilServant, CivilServant.eid == Case.subject_eid)  # type: ignore[arg-type]
            .where(Case.id.in_([h.case_id for h in hits]))  # type: ignore[union-attr]
        )
        found = {c.id: (c, name) for c, name in session.exec(stmt).all()}  # type: ignore[call-overload]
    out = [(c, name, "") for c, name in named]
    out += [(*found[h.case_id], h.snippet) for h in hits if h.case_id in found]
    return out[:limit]
