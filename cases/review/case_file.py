"""The case file: papers put on a case, each stored by its hash and recorded in the chain.

Adding a paper is a write like a step: the same visibility and authority checks
(workflows.case_file.acts_on), one transaction, one audit event carrying the paper's
SHA-256, name, size, type and kind, so a downloaded file can be checked against the trail
and ``drukflow audit verify --files`` can name a stored file that is missing or altered.
A paper is never deleted or replaced: a correction is a new paper that supersedes it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime

import filetype
from sqlalchemy import func
from sqlmodel import Session, select

from cases.core import audit, search_index
from cases.core.file_store import FileStore, safe_name
from cases.core.models import AuditEvent, Case, CaseFile
from cases.core.queries import can_see
from cases.core.service import NotFound
from workflows import case_file as rules
from workflows import registry
from workflows.context import Actor, Refusal, Refused
from workflows.declarations import Field
from workflows.fields import Upload

ADD_FILE = "add_file"
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Per paper and per case, in bytes (DRUKFLOW_FILE_MAX_MB, DRUKFLOW_CASE_FILES_MAX_MB)."""

    per_file: int = 20 * MB
    per_case: int = 200 * MB

    @classmethod
    def from_env(cls) -> Limits:
        def mb(name: str, default: int) -> int:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or int(raw) < 1:
                raise ValueError(f"{name}: '{raw}' is not a whole number of megabytes")
            return int(raw) * MB

        return cls(mb("DRUKFLOW_FILE_MAX_MB", 20 * MB), mb("DRUKFLOW_CASE_FILES_MAX_MB", 200 * MB))


class TooLarge(Exception):
    """A paper over a limit (answered 413 with the limit)."""

    def __init__(self, message: str, limit: int) -> None:
        super().__init__(message)
        self.limit = limit


def _field(reason: str, field: str, cite: str = "") -> Refused:
    return Refused([Refusal("field", cite, reason, field)])


def media_type(data: bytes) -> str | None:
    """The type the bytes are, if one the case file takes: by content, never by name."""
    guess = filetype.guess(data)
    if guess is not None:
        return guess.mime if guess.mime in rules.MEDIA_TYPES else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return None
    return "text/plain"


@dataclass(frozen=True)
class Added:
    paper: CaseFile
    event: AuditEvent


def add(
    session: Session,
    store: FileStore,
    case_id: int,
    actor: Actor,
    *,
    name: str,
    data: bytes,
    kind: str,
    confidential: str = "",
    supersedes: int | None = None,
    now: datetime,
    limits: Limits | None = None,
) -> Added:
    """Put one paper on a case's file, in the caller's transaction."""
    limits = limits or Limits()
    case = can_see(session, actor, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    process = registry.for_case(case)
    if not rules.acts_on(process, actor, case.subject_eid):
        raise Refused(
            [
                Refusal(
                    "authority",
                    process.cite,
                    "papers are added by those who act on the case, and by the civil "
                    "servant on their own case",
                )
            ]
        )
    found = rules.BY_KEY.get(kind)
    if found is None or found not in rules.kinds_for(case.process):
        allowed = ", ".join(k.key for k in rules.kinds_for(case.process))
        raise _field(f"kind: '{kind[:40]}' is not one of {allowed}", "kind")
    secrecy = rules.CONFIDENTIAL_BY_CITE.get(confidential)
    if secrecy is None:
        allowed = ", ".join(c.cite or "(open)" for c in rules.CONFIDENTIALITY)
        raise _field(f"confidential: '{confidential[:40]}' is not one of {allowed}", "confidential")
    if not rules.may_read(actor, confidential):
        raise _field(
            "you may not mark a paper with a confidentiality you could not read yourself",
            "confidential",
            secrecy.cite,
        )
    if supersedes is not None:
        old = session.get(CaseFile, supersedes)
        if old is None or old.case_id != case_id or not rules.may_read(actor, old.confidential):
            raise _field(f"supersedes: no paper {supersedes} on this case", "supersedes")
    return _record(
        session,
        store,
        case,
        actor,
        name=name,
        data=data,
        kind=found,
        secrecy=secrecy,
        supersedes=supersedes,
        now=now,
        limits=limits,
    )


def _record(
    session: Session,
    store: FileStore,
    case: Case,
    actor: Actor,
    *,
    name: str,
    data: bytes,
    kind: rules.Kind,
    secrecy: rules.Confidentiality,
    supersedes: int | None,
    now: datetime,
    limits: Limits,
    field: str = "file",
    step: AuditEvent | None = None,
) -> Added:
    """Checks the bytes (empty, size, type by content), stores them and records the paper:
    its event, its row, its words for the search. ``step`` is the event of the step the
    paper was sent with (a step's file field, named ``field``)."""
    case_id = case.id or 0
    process = registry.for_case(case)
    if not data:
        raise _field(f"{field}: the file is empty", field)
    if len(data) > limits.per_file:
        raise TooLarge(
            f"{field}: the file is larger than a paper may be ({limits.per_file // MB} MB)",
            limits.per_file,
        )
    held = session.exec(
        select(func.coalesce(func.sum(CaseFile.size), 0)).where(CaseFile.case_id == case_id)
    ).one()
    if held + len(data) > limits.per_case:
        raise TooLarge(
            f"the case file would exceed its limit ({limits.per_case // MB} MB; it holds "
            f"{held / MB:.1f} MB)",
            limits.per_case,
        )
    mtype = media_type(data)
    if mtype is None:
        kinds = ", ".join(rules.MEDIA_TYPES.values())
        raise _field(f"{field}: its content is not one of the types taken ({kinds})", field)

    sha = store.put(data)  # before the row: a stored file with no row is harmless
    shown = safe_name(name)
    cite = rules.cite_of(kind, process)
    event = audit.append(
        session,
        case_id=case_id,
        now=now,
        actor=actor.username,
        role=step.role if step is not None else next(iter(sorted(actor.roles)), ""),
        trigger=ADD_FILE,
        from_state=case.state,
        to_state=case.state,
        fields={
            "sha256": sha,
            "name": shown,
            "size": len(data),
            "media_type": mtype,
            "kind": kind.key,
            "confidential": secrecy.cite,
            "supersedes": supersedes,
            **({"step": step.trigger, "step_seq": step.seq} if step is not None else {}),
        },
        cite=cite,
        process=case.process,
        process_version=case.process_version,
    )
    paper = CaseFile(
        case_id=case_id,
        sha256=sha,
        name=shown,
        size=len(data),
        media_type=mtype,
        kind=kind.key,
        confidential=secrecy.cite,
        supersedes_id=supersedes,
        audit_seq=event.seq,
        added_by=actor.username,
        added_at=now,
    )
    session.add(paper)
    session.flush()
    # Its words, for the search of those who may read it (extracted once, here).
    text = search_index.paper_text(data, mtype)
    search_index.index_paper(session, case_id, paper.id or 0, shown, text, secrecy.readers)
    return Added(paper, event)


@dataclass(frozen=True)
class StepPapers:
    """Files the papers sent for a step's file field (``cases.core.service.Filing``): the
    field's kind and confidentiality are the definition's, the step's authority check is
    the paper's (whoever may take the step may send its papers), and the paper's event
    names the step's. Anything refused here refuses the step: one transaction."""

    store: FileStore
    limits: Limits

    def __call__(
        self,
        session: Session,
        case: Case,
        step_event: AuditEvent,
        field: Field,
        uploads: list[Upload],
        actor: Actor,
        now: datetime,
    ) -> None:
        kind = rules.BY_KEY[field.paper]
        secrecy = rules.CONFIDENTIAL_BY_CITE[field.confidential]
        for upload in uploads:
            _record(
                session,
                self.store,
                case,
                actor,
                name=upload.name,
                data=upload.data,
                kind=kind,
                secrecy=secrecy,
                supersedes=None,
                now=now,
                limits=self.limits,
                field=field.name,
                step=step_event,
            )


@dataclass(frozen=True)
class Shown:
    """A paper as a reader sees it on the case file."""

    paper: CaseFile
    kind_label: str
    superseded_by: int | None


def papers(session: Session, case: Case, actor: Actor) -> list[Shown]:
    """The case's papers ``actor`` may read, oldest first, each with what supersedes it."""
    rows = session.exec(
        select(CaseFile).where(CaseFile.case_id == case.id).order_by(CaseFile.id)  # type: ignore[arg-type]
    ).all()
    later = {r.supersedes_id: r.id for r in rows if r.supersedes_id is not None}
    return [
        Shown(r, rules.BY_KEY[r.kind].label if r.kind in rules.BY_KEY else r.kind, later.get(r.id))
        for r in rows
        if rules.may_read(actor, r.confidential)
    ]


def readable(session: Session, case_id: int, paper_id: int, actor: Actor) -> CaseFile:
    """The paper, if ``actor`` sees its case and may read it; else NotFound (a paper one may
    not read is not shown to exist)."""
    case = can_see(session, actor, case_id)
    paper = session.get(CaseFile, paper_id) if case is not None else None
    if paper is None or paper.case_id != case_id or not rules.may_read(actor, paper.confidential):
        raise NotFound(f"no paper {paper_id} on case {case_id}")
    return paper


@dataclass(frozen=True)
class FileCheck:
    paper_id: int
    case_id: int
    sha256: str
    name: str
    status: str  # ok, missing, altered, unrecorded (the row's hash is not its event's)


def verify_files(session: Session, store: FileStore) -> list[FileCheck]:
    """Every paper's stored bytes against its hash, and its hash against its audit event."""
    out = []
    rows = session.exec(
        select(CaseFile, AuditEvent.fields).join(
            AuditEvent,
            AuditEvent.seq == CaseFile.audit_seq,  # type: ignore[arg-type]
        )
    ).all()
    for paper, fields in rows:
        recorded = json.loads(fields).get("sha256")
        status = "unrecorded" if recorded != paper.sha256 else store.check(paper.sha256)
        out.append(FileCheck(paper.id or 0, paper.case_id, paper.sha256, paper.name, status))
    return out
