"""Full-text search over the cases a user may see: names, employee IDs, case numbers,
charges and the offences they name, recorded facts, findings, reasons, decisions, and the
text of the papers on the case file.

The words live in ``search_text`` (cases.core.models.SearchText), rewritten for a case in
the transaction of each step (a core hook), so the index never disagrees with the case;
a paper's text is extracted once, when it is added. Confidential fields and papers are
kept apart with their readers: a word of a deliberation note (3.2.16) or of a withheld
paper (19.8.2.2(xi)) finds the case only for those who may read it, and its snippet is
never shown to anyone else. One query interface over SQLite's FTS5 and PostgreSQL's
``to_tsvector('simple', ...)``: the same words match on both (no stemming on either).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from cases.core import hooks, queries
from cases.core.models import Case, SearchText
from workflows import offences, registry
from workflows.calendar import BHUTAN_TZ
from workflows.context import Actor, Context
from workflows.engine import Process

WORD = re.compile(r"\w+", re.UNICODE)
# Around each matched word of a snippet: characters no case text holds (pages mark them up).
OPEN, CLOSE = "\x02", "\x03"
MOST_WORDS = 8
TEXT_LIMIT = 200_000  # characters of a paper's text indexed (a long report's first ~60 pages)


# ---------------------------------------------------------------- what is indexed


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _flatten(v)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value)


def _charges(data: dict[str, Any]) -> Iterator[str]:
    """The offences charged, by their words in Schedule 19/A (so "absence" finds them)."""
    for charge in data.get("charges") or []:
        if isinstance(charge, dict):
            found = offences.BY_NUMBER.get(int(charge.get("offence") or 0))
            if found is not None:
                yield found.nature


def _readers(roles: Iterable[str]) -> str:
    return "," + ",".join(sorted(roles)) + "," if roles else ""


# ---------------------------------------------------------------- the documents' keys
# A document's key (search_text.id) is its place in the search's order, so a search walks the
# full-text index from the highest key down and stops once it has its page of cases, however
# many documents hold the words: first the cases whose name, employee ID, number or title
# match (NAMES_BAND), then those whose facts or papers do; in each, open cases before
# closed (OPEN_BAND), newest first (the case number), a case's documents together.
NAMES_BAND = 1 << 62
OPEN_BAND = 1 << 61
CASE_SHIFT = 30  # case numbers below 2**31 (an SQL INTEGER) fit bits 30-60
PAPER_SLOT = 1000  # a case's own documents take slots 0-999, a paper 1000 + its number
NAMES_SOURCE = "names"


def doc_key(case_id: int, slot: int, is_open: bool, names: bool = False) -> int:
    """The key of a case's document in slot ``slot`` (see NAMES_BAND, OPEN_BAND above)."""
    if not 0 <= slot < 1 << CASE_SHIFT:
        raise ValueError(f"search slot {slot} out of range")
    return (
        (NAMES_BAND if names else 0) | (OPEN_BAND if is_open else 0) | case_id << CASE_SHIFT | slot
    )


def _band(case_id: int, is_open: bool) -> tuple[int, int]:
    """The keys of a case's documents outside NAMES_BAND: [low, high)."""
    low = doc_key(case_id, 0, is_open)
    return low, low + (1 << CASE_SHIFT)


def case_documents(
    case_id: int, title: str, subject: tuple[str, str], data: dict[str, Any], process: Process
) -> list[tuple[str, str, str]]:
    """(source, readers, body) for a case: its names (number, title, subject's name and
    employee ID: what the search box finds first), its open facts in one document (the
    names too, so "dorji absent" finds the case), each confidential field in its own with
    the roles that read it."""
    hidden = process.confidential_fields()
    open_data = {k: v for k, v in data.items() if k not in hidden}
    names = [f"#{case_id}", str(case_id), title, *subject]
    words = [*names, *_flatten(open_data), *_charges(data)]
    docs = [
        (NAMES_SOURCE, "", " ".join(w for w in names if w)),
        ("case", "", " ".join(w for w in words if w)),
    ]
    for name, f in hidden.items():
        text = " ".join(_flatten(data.get(name)))
        if text:
            docs.append((f"field:{name}", _readers(f.visible_to), text))
    return docs


_TEXT = SearchText.__table__  # type: ignore[attr-defined]
# Built once: every step rewrites its case's words, so the statements keep their compiled form.
_OWN = sa.not_(_TEXT.c.source.startswith("paper:"))
_CURRENT = sa.select(_TEXT.c.id, _TEXT.c.source, _TEXT.c.readers, _TEXT.c.body).where(
    _TEXT.c.case_id == sa.bindparam("b_case"), _OWN
)
_DELETE = sa.delete(_TEXT).where(_TEXT.c.id == sa.bindparam("b_id"))
_INSERT = sa.insert(_TEXT)
# A case that closes (or reopens) moves its papers' keys across the OPEN_BAND bit.
_MOVE_PAPERS = (
    sa.update(_TEXT)
    .where(_TEXT.c.id >= sa.bindparam("b_low"), _TEXT.c.id < sa.bindparam("b_high"))
    .values(id=_TEXT.c.id + sa.bindparam("b_shift", type_=sa.BigInteger))
)


def _write(
    conn: Connection,
    case_id: int,
    docs: list[tuple[str, str, str]],
    is_open: bool,
    was_open: bool | None = None,
) -> None:
    """The case's own documents as ``docs`` says, rewriting only those that changed (the
    full-text index's work is per word written: a step changes its facts, seldom its names
    or confidential fields)."""
    if was_open is not None and was_open != is_open:
        low, high = _band(case_id, was_open)
        shift = OPEN_BAND if is_open else -OPEN_BAND
        conn.execute(_MOVE_PAPERS, {"b_low": low, "b_high": high, "b_shift": shift})
    wanted = {}
    for slot, (source, readers, body) in enumerate(docs):
        names = source == NAMES_SOURCE
        wanted[doc_key(case_id, 0 if names else slot, is_open, names=names)] = (
            source,
            readers,
            body,
        )
    have = {key: tuple(rest) for key, *rest in conn.execute(_CURRENT, {"b_case": case_id})}
    stale = [{"b_id": key} for key, doc in have.items() if wanted.get(key) != doc]
    if stale:
        conn.execute(_DELETE, stale)
    fresh = [
        {"id": key, "case_id": case_id, "source": source, "readers": readers, "body": body}
        for key, (source, readers, body) in wanted.items()
        if have.get(key) != (source, readers, body)
    ]
    if fresh:
        conn.execute(_INSERT, fresh)


def index_case(
    session: Session, case: Case, subject_name: str, was_open: bool | None = None
) -> None:
    """Rewrite the case's words (as stored: the data's JSON form), in the caller's
    transaction; ``was_open``: whether it was open before, so a case that closes or reopens
    moves its papers' keys with it."""
    process = registry.for_case(case)
    docs = case_documents(
        case.id or 0,
        case.title,
        (subject_name, case.subject_eid),
        json.loads(case.data),
        process,
    )
    _write(session.connection(), case.id or 0, docs, case.closed_at is None, was_open)


def _after_step(
    session: Session, case: Case, from_state: str, _actor: Actor, _now: Any, ctx: Context
) -> None:
    was_open = not registry.for_case(case).is_final(from_state)
    index_case(session, case, ctx.subject.name, was_open)


hooks.AFTER_STEP.append(_after_step)


def index_subjects(session: Session, names: dict[str, str]) -> int:
    """Rewrite the words of every case of each employee ID in ``names`` under its new name
    (the register's edit or import renamed them), in the caller's transaction; how many
    cases."""
    eids, done = list(names), 0
    for start in range(0, len(eids), 5000):
        part = eids[start : start + 5000]
        found = session.exec(sa.select(Case).where(Case.subject_eid.in_(part)))  # type: ignore[call-overload, attr-defined]
        for case in found.scalars().all():
            index_case(session, case, names[case.subject_eid])
            done += 1
    return done


def rebuild(conn: Connection) -> int:
    """Index every case's own words from scratch (its papers' words stay: their text was
    extracted once, from the file); the migrations that made and keyed the index call it."""
    rows = conn.execute(
        sa.text(
            "SELECT c.id, c.process, c.process_version, c.title, c.data, c.subject_eid, "
            's.name, c.closed_at FROM "case" c JOIN civil_servant s ON s.eid = c.subject_eid'
        )
    ).all()
    for case_id, process, version, title, data, eid, name, closed_at in rows:
        try:
            known = registry.version(process, version)
        except KeyError:
            continue
        docs = case_documents(case_id, title, (name, eid), json.loads(data), known)
        _write(conn, case_id, docs, closed_at is None)
    return len(rows)


def paper_text(data: bytes, media_type: str) -> str:
    """The words of a paper: a PDF's text (pypdf), a DOCX's or ODT's paragraphs, plain
    text; none from an image. A paper whose text cannot be read is still on the file."""
    try:
        if media_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            out = []
            for page in reader.pages:
                out.append(page.extract_text() or "")
                if sum(map(len, out)) > TEXT_LIMIT:
                    break
            return " ".join(out)[:TEXT_LIMIT]
        if media_type.endswith((".document", ".text")):  # DOCX, ODT: zipped XML
            member = "word/document.xml" if media_type.endswith(".document") else "content.xml"
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                xml = z.read(member).decode("utf-8", "replace")
            return re.sub(r"<[^>]+>", " ", xml)[:TEXT_LIMIT]
        if media_type == "text/plain":
            return data.decode("utf-8", "replace")[:TEXT_LIMIT]
    except Exception:  # noqa: BLE001 - a damaged file is refused by nobody: it has no words
        return ""
    return ""


def index_paper(
    session: Session, case_id: int, paper_id: int, name: str, text: str, readers: Iterable[str]
) -> None:
    case = session.get(Case, case_id)
    is_open = case is None or case.closed_at is None
    session.add(
        SearchText(
            id=doc_key(case_id, PAPER_SLOT + paper_id, is_open),
            case_id=case_id,
            source=f"paper:{paper_id}",
            readers=_readers(readers),
            body=f"{name} {text}",
        )
    )


# ---------------------------------------------------------------- searching


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to, besides its words (cases.people.case_search checks the
    values): the case's process, state, agency, rule version, the day it was opened (a
    Bhutan day), a Schedule 19/A row charged, a penalty decided on a charge."""

    process: str = ""
    state: str = ""
    agency: str = ""
    version: str = ""
    opened_from: date | None = None
    opened_to: date | None = None
    offence: int | None = None
    penalty: str = ""

    def __bool__(self) -> bool:
        return any(v not in ("", None) for v in vars(self).values())


@dataclass(frozen=True)
class Hit:
    case_id: int
    snippet: str  # the matching words in context, each between OPEN and CLOSE
    source: str


def words(text: str) -> list[str]:
    """The words searched for: letters and digits only (no query syntax reaches the
    database), at most eight, each matched as a word or the start of one."""
    return WORD.findall(text.lower())[:MOST_WORDS]


def _reader_filter(actor: Actor) -> sa.ColumnElement[bool]:
    rules: list[sa.ColumnElement[bool]] = [SearchText.readers == ""]  # type: ignore[list-item]
    rules += [SearchText.readers.contains(f",{role},") for role in sorted(actor.roles)]  # type: ignore[attr-defined]
    return sa.or_(*rules)


# A charge's Schedule 19/A row and a finding's penalty, read from the case's recorded data
# (its ``charges`` and ``findings`` lists: a decision varied on appeal rewrites the findings,
# so the penalty is the one standing). One condition per database's JSON functions.
_IN_LIST = {
    "sqlite": "EXISTS (SELECT 1 FROM json_tree(\"case\".data, '$.{list}') AS j "
    "WHERE j.key = '{key}' AND CAST(j.atom AS TEXT) = :{param})",
    "postgresql": "EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN "
    "jsonb_typeof(CAST(\"case\".data AS jsonb) -> '{list}') = 'array' "
    "THEN CAST(\"case\".data AS jsonb) -> '{list}' ELSE '[]'::jsonb END) AS j(v) "
    "WHERE j.v ->> '{key}' = :{param})",
}


def _in_list(dialect: str, list_name: str, key: str, value: str) -> sa.ColumnElement[bool]:
    param = f"{list_name}_{key}"
    sql = _IN_LIST[dialect].format(list=list_name, key=key, param=param)
    return sa.text(sql).bindparams(**{param: value})  # type: ignore[return-value]


def case_filters(f: Filters, dialect: str) -> list[sa.ColumnElement[bool]]:
    """The conditions on ``Case`` (joined as "case") that ``f`` sets."""
    out: list[sa.ColumnElement[bool]] = []
    for column, value in (
        (Case.process, f.process),
        (Case.state, f.state),
        (Case.agency_code, f.agency),
        (Case.process_version, f.version),
    ):
        if value:
            out.append(column == value)  # type: ignore[arg-type]
    # Days are Bhutan's: a case opened at 23:30 on the 5th (UTC) was opened on the 6th.
    if f.opened_from:
        out.append(Case.opened_at >= _bhutan_midnight(f.opened_from))  # type: ignore[operator]
    if f.opened_to:
        out.append(Case.opened_at < _bhutan_midnight(f.opened_to + timedelta(days=1)))  # type: ignore[operator]
    if f.offence is not None:
        out.append(_in_list(dialect, "charges", "offence", str(f.offence)))
    if f.penalty:
        out.append(_in_list(dialect, "findings", "penalty", f.penalty))
    return out


def _bhutan_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), BHUTAN_TZ).astimezone(UTC)


def search(
    session: Session, actor: Actor, text: str, filters: Filters | None = None, limit: int = 50
) -> list[Hit]:
    """The cases ``actor`` may see whose words (those they may read) match every word of
    ``text``, each word as a word or the start of one: first those whose name, employee ID,
    number or title match (source NAMES_SOURCE), then those whose facts or papers do; open
    cases first, newest first in each; one hit per case. Its snippet is from its names, else
    its own facts, else its confidential fields, else its first paper holding the words
    (the document with the lowest slot; not a relevance score, whose figures FTS5 gathers
    over every matching document).

    The index is walked from the highest document key down (see NAMES_BAND, OPEN_BAND) a
    page at a time, and the walk stops at the first document of the case after the
    ``limit``-th: the work is the page of cases shown, not every document holding the
    words."""
    terms = words(text)
    if not terms:
        return []
    conn = session.connection()
    where = [
        queries.visibility(actor),
        _reader_filter(actor),
        *case_filters(filters or Filters(), conn.dialect.name),
    ]
    # SQLite steps the statement only as far as the rows read (a row's snippet is made when
    # it is read), so its page is long; PostgreSQL answers a whole page (each row's snippet
    # made), so its first page is just enough for one row a case, each next one twice that.
    page = limit * 16 if conn.dialect.name == "sqlite" else limit + 1
    best: dict[int, tuple[str, str]] = {}  # case: snippet, source; in the walk's order
    below: int | None = None
    while True:
        read = 0
        with conn.execute(_walk(conn.dialect.name, terms, where, below, page)) as rows:
            for key, case_id, snip, source in rows:
                had = best.get(case_id)
                if had is None and len(best) == limit:
                    return _hits(best)
                if had is None or had[1] != NAMES_SOURCE:  # a case's later rows: lower slots
                    best[case_id] = (snip, source)
                below, read = key, read + 1
        if read < page:
            return _hits(best)
        page *= 2


def _hits(best: dict[int, tuple[str, str]]) -> list[Hit]:
    return [Hit(case_id, snip, source) for case_id, (snip, source) in best.items()]


def _walk(
    dialect: str, terms: list[str], where: list[Any], below: int | None, page: int
) -> sa.Select[Any]:
    """One page of the walk: the matching documents' keys, cases, snippets and sources,
    highest key first, below ``below``. SQLite: FTS5 gives its matches in key order (ORDER
    BY rowid DESC is its own; its prefix indexes give a word's start in that order too), so
    the LIMIT ends the walk. PostgreSQL: the primary key's index gives the order, the GIN
    index the matches; the planner takes the one that reads less for these words."""
    if dialect == "postgresql":
        query = " & ".join(f"{t}:*" for t in terms)
        tsv = sa.func.to_tsvector(sa.literal_column("'simple'"), SearchText.body)
        tsq = sa.func.to_tsquery(sa.literal_column("'simple'"), query)
        snippet = sa.func.ts_headline(
            sa.literal_column("'simple'"),
            SearchText.body,
            tsq,
            f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=18, MinWords=6, MaxFragments=1",
        )
        key = SearchText.id
        stmt = (
            sa.select(key, SearchText.case_id, snippet, SearchText.source)
            .join(Case, Case.id == SearchText.case_id)  # type: ignore[arg-type]
            .where(tsv.op("@@")(tsq), *where)
        )
    else:
        query = " ".join(f'"{t}"*' for t in terms)
        fts = sa.table("search_fts", sa.column("rowid"), sa.column("body"))
        snippet = sa.func.snippet(sa.literal_column("search_fts"), 0, OPEN, CLOSE, "…", 12)
        key = fts.c.rowid
        stmt = (
            sa.select(key, SearchText.case_id, snippet, SearchText.source)
            .select_from(fts)
            .join(SearchText, SearchText.id == fts.c.rowid)  # type: ignore[arg-type]
            .join(Case, Case.id == SearchText.case_id)  # type: ignore[arg-type]
            .where(sa.literal_column("search_fts").op("MATCH")(query), *where)
        )
    if below is not None:
        stmt = stmt.where(key < below)
    return stmt.order_by(key.desc()).limit(page)
