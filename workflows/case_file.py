"""The case file's rules: which papers a case holds, who may add them, who may read them.

A disciplinary case is a file of papers (the complaint's documentary evidence, 19.5.1.2;
the respondent's explanation, 19.8.2.1; the investigation report, 19.8.2.2; the
committee's meeting, 19.8.2.3; the appeal and the evidence on record, 19.12.2), and the
appellate body decides on that record (19.12.2.2 "not supported by the evidence on
record"). Applications carry theirs (an EOL's reasons, an LTT admission letter, a transfer's
no-objection). Pure data and checks: no database, no web.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows import roles as R
from workflows.disciplinary import DELIBERATION_READERS, WITHHELD_READERS
from workflows.engine import Actor, Process


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    cite: str  # the section that makes the paper part of the file ("" for the process's)
    processes: frozenset[str]  # the processes whose cases hold it (empty: every process)


KINDS: tuple[Kind, ...] = (
    Kind(
        "complaint_evidence",
        "Documentary evidence of the complaint",
        "19.5.1.2",
        frozenset({"disciplinary"}),
    ),
    Kind(
        "explanation", "Respondent's written explanation", "19.8.2.1", frozenset({"disciplinary"})
    ),
    Kind("investigation_report", "Investigation report", "19.8.2.2", frozenset({"disciplinary"})),
    Kind(
        "meeting_record",
        "Record of the Disciplinary Committee's meeting",
        "19.8.2.3",
        frozenset({"disciplinary"}),
    ),
    Kind(
        "appeal", "Appeal and its grounds or new evidence", "19.12.2", frozenset({"disciplinary"})
    ),
    Kind(
        "application",
        "Application and its supporting papers",
        "",
        frozenset({"eol", "ltt", "secondment", "transfer"}),
    ),
    Kind("other", "Other paper", "", frozenset()),
)
BY_KEY = {k.key: k for k in KINDS}


@dataclass(frozen=True)
class Confidentiality:
    cite: str  # "" for an open paper
    label: str
    readers: frozenset[str]  # roles that read it (empty: whoever sees the case)


CONFIDENTIALITY: tuple[Confidentiality, ...] = (
    Confidentiality("", "Open to everyone who sees the case", frozenset()),
    Confidentiality(
        "19.8.2.2(xi)",
        "Withheld from the respondent as inappropriate to disclose (19.8.2.2(xi))",
        WITHHELD_READERS,
    ),
    Confidentiality(
        "3.2.16",
        "Committee deliberation: the committee, the RCSC and the appellate body (3.2.16)",
        DELIBERATION_READERS,
    ),
)
CONFIDENTIAL_BY_CITE = {c.cite: c for c in CONFIDENTIALITY}

# What a stored paper may be, read from its bytes (never its name): type -> label.
MEDIA_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (DOCX)",
    "application/vnd.oasis.opendocument.text": "OpenDocument text (ODT)",
    "text/plain": "plain text",
}


def kinds_for(process_key: str) -> list[Kind]:
    return [k for k in KINDS if not k.processes or process_key in k.processes]


def cite_of(kind: Kind, process: Process) -> str:
    return kind.cite or process.cite


def may_read(actor: Actor, confidential: str) -> bool:
    """Whether ``actor`` (who sees the case) reads a paper of that confidentiality: the same
    rule as the confidential fields (workflows.engine.redact)."""
    rule = CONFIDENTIAL_BY_CITE.get(confidential)
    if rule is None:
        return False  # an unknown mark hides, never shows
    return not rule.readers or bool(rule.readers & actor.roles)


def acts_on(process: Process, actor: Actor, subject_eid: str) -> bool:
    """Who may add a paper: the roles that take a step of the process (the RCSC for those it
    acts as), and the respondent or applicant on their own case. Not an administrator, who
    keeps the system, not its cases."""
    if actor.employee_eid and actor.employee_eid == subject_eid:
        return True
    roles = frozenset().union(*(s.by for s in process.steps)) - R.SELF - {R.SYSTEM}
    if R.RCSC in actor.roles and roles & R.RCSC_ACTS_AS:
        return True
    return bool(roles & actor.roles)
