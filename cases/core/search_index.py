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


def case_documents(
    case_id: int, title: str, subject: tuple[str, str], data: dict[str, Any], process: Process
) -> list[tuple[str, str, str]]:
    """(source, readers, body) for a case: its open facts in one document, each
    confidential field in its own with the roles that read it."""
    hidden = process.confidential_fields()
    open_data = {k: v for k, v in data.items() if k not in hidden}
    words = [f"#{case_id}", str(case_id), title, *subject, *_flatten(open_data), *_charges(data)]
    docs = [("case", "", " ".join(w for w in words if w))]
    for name, f in hidden.items():
        text = " ".join(_flatten(data.get(name)))
        if text:
            docs.append((f"field:{name}", _readers(f.visible_to), text))
    return docs


_TEXT = SearchText.__table__  # type: ignore[attr-defined]
# Built once: every step rewrites its case's words, so both statements keep their compiled form.
_DELETE = sa.delete(_TEXT).where(
    _TEXT.c.case_id == sa.bindparam("b_case"), sa.not_(_TEXT.c.source.startswith("paper:"))
)
_INSERT = sa.insert(_TEXT)


def _write(conn: Connection, case_id: int, docs: list[tuple[str, str, str]]) -> None:
    conn.execute(_DELETE, {"b_case": case_id})
    if docs:
        conn.execute(
            _INSERT,
            [{"case_id": case_id, "source": s, "readers": r, "body": b} for s, r, b in docs],
        )


def index_case(session: Session, case: Case, subject_name: str) -> None:
    """Rewrite the case's words (as stored: the data's JSON form), in the caller's
    transaction."""
    process = registry.for_case(case)
    docs = case_documents(
        case.id or 0,
        case.title,
        (subject_name, case.subject_eid),
        json.loads(case.data),
        process,
    )
    _write(session.connection(), case.id or 0, docs)


def _after_step(
    session: Session, case: Case, _from: str, _actor: Actor, _now: Any, ctx: Context
) -> None:
    index_case(session, case, ctx.subject.name)


hooks.AFTER_STEP.append(_after_step)


def rebuild(conn: Connection) -> int:
    """Index every case from scratch (the migration that made the index calls it)."""
    rows = conn.execute(
        sa.text(
            "SELECT c.id, c.process, c.process_version, c.title, c.data, c.subject_eid, s.name "
            'FROM "case" c JOIN civil_servant s ON s.eid = c.subject_eid'
        )
    ).all()
    for case_id, process, version, title, data, eid, name in rows:
        try:
            known = registry.version(process, version)
        except KeyError:
            continue
        _write(conn, case_id, case_documents(case_id, title, (name, eid), json.loads(data), known))
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
    session.add(
        SearchText(
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
    ``text``; one hit per case, the best match's snippet, open cases first, newest first."""
    terms = words(text)
    if not terms:
        return []
    conn = session.connection()
    where = [
        queries.visibility(actor),
        _reader_filter(actor),
        *case_filters(filters or Filters(), conn.dialect.name),
    ]
    if conn.dialect.name == "postgresql":
        query = " & ".join(f"{t}:*" for t in terms)
        tsv = sa.func.to_tsvector(sa.literal_column("'simple'"), SearchText.body)
        tsq = sa.func.to_tsquery(sa.literal_column("'simple'"), query)
        match = tsv.op("@@")(tsq)
        snippet = sa.func.ts_headline(
            sa.literal_column("'simple'"),
            SearchText.body,
            tsq,
            f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=18, MinWords=6, MaxFragments=1",
        )
        rank = sa.func.ts_rank(tsv, tsq)
        stmt = (
            sa.select(SearchText.case_id, snippet, SearchText.source, Case.closed_at, rank)
            .join(Case, Case.id == SearchText.case_id)  # type: ignore[arg-type]
            .where(match, *where)
        )
    else:
        query = " ".join(f'"{t}"*' for t in terms)
        fts = sa.table("search_fts", sa.column("rowid"), sa.column("body"))
        snippet = sa.func.snippet(sa.literal_column("search_fts"), 0, OPEN, CLOSE, "…", 12)
        rank = sa.literal_column("-search_fts.rank")
        stmt = (
            sa.select(SearchText.case_id, snippet, SearchText.source, Case.closed_at, rank)
            .select_from(fts)
            .join(SearchText, SearchText.id == fts.c.rowid)  # type: ignore[arg-type]
            .join(Case, Case.id == SearchText.case_id)  # type: ignore[arg-type]
            .where(sa.literal_column("search_fts").op("MATCH")(query), *where)
        )
    rows = conn.execute(stmt.limit(limit * 8)).all()
    best: dict[int, tuple[Any, ...]] = {}
    for case_id, snip, source, closed_at, score in rows:
        if case_id not in best or score > best[case_id][3]:
            best[case_id] = (snip, source, closed_at, score)
    ordered = sorted(best.items(), key=lambda kv: (kv[1][2] is not None, -kv[0]))
    return [Hit(case_id, snip, source) for case_id, (snip, source, _c, _s) in ordered[:limit]]
