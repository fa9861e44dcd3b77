"""The small papers the demo's disciplinary cases carry on their case files: a complaint's
documentary evidence (19.5.1.2), an investigation report (19.8.2.2), an appeal memorandum
(19.12.2). Each is a PDF printed the way the letters are (cases.review.printing) and added
through the case file's service (cases.review.case_file.add), so it is in the audit chain
with its hash, searchable by its words, and listed in the due-process report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from cases.core.file_store import FileStore
from cases.review import case_file, printing
from workflows.context import Actor


@dataclass(frozen=True)
class Paper:
    """A paper added by ``by`` right after the case's step ``after`` (the opening is
    "open"), as ``name``; ``lines`` are its text."""

    after: str
    by: str
    kind: str
    name: str
    title: str
    source: str
    lines: tuple[str, ...]
    confidential: str = ""


def pdf(paper: Paper, dated: str) -> bytes:
    html = printing.render_html(
        "documents/demo_paper.html",
        {"title": paper.title, "source": paper.source, "dated": dated, "lines": paper.lines},
    )
    return printing.pdf_of(html)


def add(
    session: Session,
    store: FileStore,
    case_id: int,
    paper: Paper,
    actor: Actor,
    at: datetime,
    dated: str,
) -> None:
    case_file.add(
        session,
        store,
        case_id,
        actor,
        name=paper.name,
        data=pdf(paper, dated),
        kind=paper.kind,
        confidential=paper.confidential,
        now=at,
    )
