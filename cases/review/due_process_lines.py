"""What a due-process report (19.12.3) holds: its lines, checks, decisions, recusals and
the audit chain head, and the verdicts a line can carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

CITE = "19.12.3"
TEMPLATE = "documents/due_process_report.html"

MET, MISSED, OVERDUE, PENDING, LAPSED, RETURNED, NOT_APPLICABLE = (
    "met",
    "missed",
    "overdue",
    "pending",
    "lapsed",
    "returned",
    "not_applicable",
)


@dataclass(frozen=True)
class Line:
    """One occurrence of one required step: what the rule required and what the trail shows.

    ``verdict`` is one of met, missed, overdue (not done, past its date), pending, lapsed (a
    period given to the respondent or applicant ran out and the process took its declared
    course), returned (HRC sent the decision back, 19.8.2.4(i)) and not_applicable.
    """

    verdict: str
    status: str
    required_on: date | None = None
    required: str = ""
    original_required_on: date | None = None
    actual_on: date | None = None
    actual: str = ""
    late_by: int | None = None  # working days past the required date
    note: str = ""
    seq: int | None = None  # the audit event that shows the step
    cite: str = ""  # when one occurrence turns on another clause than the check's


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    cite: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Decision:
    """A decision taken on the case, by whom, in what capacity, and who had stepped aside."""

    seq: int
    at: str
    on: date
    label: str
    trigger: str
    cite: str
    actor: str
    name: str
    role: str
    detail: str
    recused_before: tuple[str, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RecusalLine:
    username: str
    name: str
    role: str
    reason: str
    declared_at: str
    seq: int | None
    acted_before: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    head_seq: int
    head_hash: str
    case_seq: int | None
    case_hash: str | None

    @property
    def command(self) -> str:
        return f"drukflow audit verify --head {self.head_hash}"


@dataclass(frozen=True)
class RulesPeriod:
    """A run of the case's events taken under one version of its process, with the
    readings in force for them (workflows.readings): which rules governed each step."""

    version: str
    effective_from: date
    changes: str
    first_seq: int
    last_seq: int
    first_at: str
    steps: int
    readings: tuple[tuple[str, str, str, date | None], ...]  # id, section, does, since
    migrated_by: str = ""  # the plan hash when a migration began this period


@dataclass(frozen=True)
class PaperLine:
    """A paper on the case file as the report lists it: what the committee or the
    appellate body had before it, and the hash that proves the bytes (19.12.2.2 "the
    evidence on record")."""

    seq: int
    added_at: datetime
    added_by: str
    state_label: str  # the stage of the case when it was added
    kind: str
    cite: str
    name: str
    media_type: str
    size: int
    sha256: str
    confidential: str
    supersedes: int | None
    superseded_by: int | None
    paper_id: int


@dataclass(frozen=True)
class Report:
    case_id: int
    title: str
    process: str
    process_title: str
    process_version: str
    subject_eid: str
    subject_name: str
    subject_level: str
    agency: str
    state: str
    state_label: str
    final: bool
    generated_at: datetime
    today: date
    checks: tuple[Check, ...]
    decisions: tuple[Decision, ...]
    recusals: tuple[RecusalLine, ...]
    chain: Chain
    rules: tuple[RulesPeriod, ...] = ()
    papers: tuple[PaperLine, ...] = ()
    cite: str = CITE

    @property
    def counts(self) -> dict[str, int]:
        out = {v: 0 for v in (MET, MISSED, OVERDUE, PENDING, LAPSED, RETURNED, NOT_APPLICABLE)}
        for check in self.checks:
            for line in check.lines:
                out[line.verdict] += 1
        return out

    @property
    def problems(self) -> list[tuple[Check, Line]]:
        """The lines an appellate reviewer must look at first: missed or overdue."""
        return [(c, x) for c in self.checks for x in c.lines if x.verdict in (MISSED, OVERDUE)]
