"""The search box on every page: the cases a user may see (queries.visibility) by case
number, respondent's or applicant's name, employee ID, or words of the case's title (its
process and subject). Every word must match, in any order."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from cases.core import queries, search_index
from cases.core.models import Case, CivilServant
from cases.people.register_reads import LIKE_ESCAPE, like_literal, search_words
from workflows.engine import Actor

LIMIT = 50
MAX_CASE_NUMBER = 2**31 - 1  # an SQL INTEGER on both databases


def find_cases(
    session: Session, actor: Actor, text: str, limit: int = LIMIT
) -> list[tuple[Case, str]]:
    """Matching cases with their subject's name: open ones first, newest first."""
    words = search_words(text)
    if not words:
        return []
    number = text.strip().lstrip("#")
    if number.isdigit():  # a case number (or an all-digit employee ID), exactly
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
        .where(queries.visibility(actor), matches)
        .order_by(Case.closed_at.is_not(None), Case.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    )
    return list(session.exec(stmt).all())  # type: ignore[call-overload]


def find(
    session: Session, actor: Actor, text: str, limit: int = LIMIT
) -> list[tuple[Case, str, str]]:
    """The search box's answer: cases by number, name, employee ID or title first, then
    those whose recorded facts or papers hold the words (search_index), each with the
    matching words in context; only what ``actor`` may see and read."""
    named = find_cases(session, actor, text, limit)
    if text.strip().lstrip("#").isdigit():  # a case number or employee ID: that one only
        return [(c, name, "") for c, name in named]
    seen = {c.id for c, _ in named}
    hits = search_index.search(session, actor, text, limit=limit)
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
