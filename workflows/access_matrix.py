"""The access matrix, generated from the process definitions: who may take which step in
which state, on whose authority, and what each role may see.

``python -m workflows.access_matrix > docs/access-matrix.md`` writes docs/access-matrix.md;
a test compares the two, so the document cannot drift from the rules the engine enforces.
Every row comes from a ``Step``: its roles (``by``), its competent body (``authority``,
probed for an officer of a ministry and for an executive) and its section.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from workflows import case_file, committees, registry
from workflows import roles as R
from workflows.context import Context, Subject
from workflows.declarations import Authority, Step
from workflows.engine import Process

# Columns of the matrix, in the order a case meets them.
ROLE_COLUMNS: tuple[tuple[str, str], ...] = (
    (R.HR_OFFICER, "HR"),
    (R.DC_MEMBER, "DC"),
    (R.HRC_CHAIR, "Chair"),
    (R.MEMBER_SECRETARY, "MS"),
    (R.INVESTIGATOR, "Inv"),
    (R.APPELLATE, "Appellate"),
    (R.RCSC, "RCSC"),
    (R.RESPONDENT, "Respondent"),
    (R.CIVIL_SERVANT, "Applicant"),
    (R.ADMIN, "Admin"),
    (R.SYSTEM, "Timer"),
)

# Two subjects the competent body is probed for: 19.3.6 splits on them.
OFFICER = Subject("P", "an officer", "P3", "AGENCY", "ministry")
EXECUTIVE = Subject("E", "an executive", "EX3", "AGENCY", "ministry")
BODY_WORDS = {
    "AGENCY": "own agency",
    R.RCSC_AGENCY: "RCSC",
    R.TRIBUNAL_AGENCY: "Administrative Tribunal",
}

OBJECT_RULES: tuple[tuple[str, str, str], ...] = (
    (
        "Respondent, applicant (civil servant)",
        "only the cases about themselves (their employee ID)",
        "19.3.5, 3.2.16",
    ),
    (
        "HR officer, DC member, HRC chair, member secretary, investigator",
        "the cases of their own agency, and those where their agency is a party "
        "(e.g. the receiving agency of a transfer)",
        "19.3.4, 13.6.5",
    ),
    (
        "Appellate authority",
        "the cases appealed to it, once the appeal is lodged: a ministry those of its "
        "departments and dzongkhags; the Administrative Tribunal those of executives and "
        "specialists",
        "19.12.2, 19.3.7",
    ),
    (
        "RCSC",
        "every case: it is the disciplinary body for executives and specialists "
        "(their cases are seen by no other agency's appellate body) and the appellate "
        "authority of ministries and agencies",
        "19.3.6, 19.3.7",
    ),
    ("Administrator", "every case, to support the system; takes no step", "-"),
)

STATUS_RULES: tuple[tuple[str, str], ...] = (
    ("404", "the case is outside the user's reach (case, events, due process, documents, actions)"),
    (
        "403",
        "a visible case, but the user's role, agency or recusal (19.3.5) does not allow the step",
    ),
    ("409", "the step is not open in the case's state, or the case changed since it was read"),
    ("422", "a field is missing, malformed or unknown to the step, or a rule of the step is unmet"),
)


@dataclass(frozen=True)
class Row:
    """One cell row: ``trigger`` from ``state`` of ``process``, taken by ``roles``."""

    process: str
    state: str
    trigger: str
    label: str
    dests: tuple[str, ...]
    roles: frozenset[str]
    authority: Callable[[Context], Authority] | None
    cite: str
    # The competent bodies of the action's other branches, where they differ (19.9.2: the
    # suspension ordered on the Anti-Corruption Commission's order).
    other_authorities: tuple[Callable[[Context], Authority], ...] = ()

    def mark(self, role: str) -> str:
        """How a role column reads: yes, own case only, as the competent body, or not."""
        if role in self.roles:
            return "own case" if role in R.SELF else "yes"
        if role == R.RCSC and self.roles & R.RCSC_ACTS_AS:
            return "as body"
        return "·"


def rows(process: Process) -> Iterator[Row]:
    """Every (state, action) pair the definition opens, in declaration order."""
    for state in process.states:
        by_trigger: dict[str, list[Step]] = {}
        for step in process.steps_from(state.name):
            by_trigger.setdefault(step.trigger, []).append(step)
        for trigger, steps in by_trigger.items():
            first = steps[0]
            yield Row(
                process=process.key,
                state=state.name,
                trigger=trigger,
                label=first.label,
                dests=tuple(dict.fromkeys(s.dest for s in steps)),
                roles=frozenset().union(*(s.by for s in steps)),
                authority=first.authority,
                cite=first.cite,
                other_authorities=tuple(
                    dict.fromkeys(
                        s.authority
                        for s in steps[1:]
                        if s.authority is not None and s.authority is not first.authority
                    )
                ),
            )


def body_for(fn: Callable[[Context], Authority] | None, subject: Subject) -> str:
    """The competent body for ``subject``, in words, with the section it cites."""
    if fn is None:
        return "role alone"
    try:
        found = fn(Context(subject=subject, data={}, fields={}, today=date(2026, 1, 1)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return "depends on the case"
    names = " or ".join(BODY_WORDS.get(a, a) for a in found.agencies)
    return f"{names} ({found.cite})"


def _bodies(fn: Callable[[Context], Authority] | None) -> str:
    """The competent body for an officer (P1-O4) and, where it differs, an executive."""
    officer, executive = body_for(fn, OFFICER), body_for(fn, EXECUTIVE)
    return officer if officer == executive else f"{officer} / {executive}"


def _docline(fn: Callable[..., object] | None) -> str:
    return " ".join((inspect.getdoc(fn) or "").split()) if fn else ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def process_section(process: Process) -> list[str]:
    heads = [label for _, label in ROLE_COLUMNS]
    out = [
        f"## {process.title} (`{process.key}`, BCSR {process.cite}, version {process.version})",
        "",
        f"The newest version, in force for cases opened from "
        f"{process.effective_from:%d %B %Y}; a case opened earlier runs on the version it "
        f"was opened under until migrated (`/processes/{process.key}` lists them).",
        "",
        "| State | Action | → | " + " | ".join(heads) + " | Competent body: P1-O4 / EX-ES | BCSR |",
        "|" + "---|" * (len(heads) + 5),
    ]
    for row in rows(process):
        marks = " | ".join(row.mark(role) for role, _ in ROLE_COLUMNS)
        body = "; on another branch ".join(
            _bodies(fn) for fn in (row.authority, *row.other_authorities)
        )
        out.append(
            f"| {row.state} | `{row.trigger}` {_cell(row.label)} | {', '.join(row.dests)} | "
            f"{marks} | {_cell(body)} | {row.cite} |"
        )
    finals = [s.name for s in process.states if s.final]
    out += ["", f"Final states accept no action: {', '.join(finals)}.", ""]
    bodies = {
        fn for r in rows(process) for fn in (r.authority, *r.other_authorities) if fn is not None
    }
    explained = sorted((fn.__name__, _docline(fn)) for fn in bodies if _docline(fn))
    if explained:
        out += ["Competent bodies:", ""]
        out += [f"- `{name}`: {_cell(text)}" for name, text in explained]
        out.append("")
    return out


def confidential_section() -> list[str]:
    out = [
        "## Confidential fields",
        "",
        "Hidden from everyone else (administrators included) on the case page, its "
        "timeline, `GET /api/cases/{id}`, `GET /api/cases/{id}/events` and the due-process "
        "report as page, PDF and JSON (one rule: `workflows.engine.redact`).",
        "",
        "| Process | Field | Read by | BCSR |",
        "|---|---|---|---|",
    ]
    for process in registry.newest().values():
        for name, f in process.confidential_fields().items():
            readers = ", ".join(R.LABELS.get(r, r) for r in sorted(f.visible_to))
            out.append(f"| {process.key} | `{name}` ({f.label}) | {readers} | {f.confidential} |")
    return [*out, ""]


def case_file_section() -> list[str]:
    """Who adds papers to a case's file and who reads them (workflows.case_file)."""
    out = [
        "## Case file",
        "",
        "Papers are added by the roles that take a step of the case's process (the RCSC where "
        "it acts as the competent body) and by the civil servant on their own case; never by "
        "an administrator. Each is read by whoever sees the case unless marked:",
        "",
        "| Mark | Read by |",
        "|---|---|",
    ]
    for c in case_file.CONFIDENTIALITY:
        readers = (
            ", ".join(R.LABELS.get(r, r) for r in sorted(c.readers)) or "whoever sees the case"
        )
        out.append(f"| {c.cite or 'open'} | {readers} |")
    out += [
        "",
        "A paper one may not read answers 404, as an unseen case does; nobody marks a paper "
        "with a confidentiality they could not read themselves.",
        "",
    ]
    return out


def committees_section() -> list[str]:
    """Committees and their meetings (workflows.committees.ACCESS)."""
    return [
        "## Committees and meetings",
        "",
        "| Action | API | Who | BCSR |",
        "|---|---|---|---|",
        *[f"| {what} | {api} | {who} | {cite} |" for what, api, who, cite in committees.ACCESS],
        "",
        f"Quorum: {committees.QUORUM_RULE}.",
        "",
    ]


def render() -> str:
    """The whole of docs/access-matrix.md."""
    out = [
        "# Access matrix",
        "",
        "Generated by `python -m workflows.access_matrix` from the process definitions "
        "(`workflows/*.py`), the newest version of each; do not edit by hand. "
        "tests/web/test_access_matrix.py checks this file against the generator and drives "
        "every cell through the JSON API.",
        "",
        "Marks: **yes** the role takes the step, subject to the competent body (the user's "
        "agency must be one the rule names) and recusal (19.3.5: a user who declared a "
        "relation or prejudice, the respondent and the complainant never act on the case); "
        "**own case** the civil servant on their own case only; **as body** an RCSC officer "
        "acting where the RCSC is the competent body (19.3.6, 19.3.7, 19.9.2); · never. "
        "Administrators take no step. The timer takes the steps a missed deadline fires.",
        "",
        "## Who sees which case",
        "",
        "| Who | Sees | BCSR |",
        "|---|---|---|",
        *[f"| {who} | {what} | {cite} |" for who, what, cite in OBJECT_RULES],
        "",
        "## How a refusal answers",
        "",
        "| Status | When |",
        "|---|---|",
        *[f"| {code} | {when} |" for code, when in STATUS_RULES],
        "",
        *confidential_section(),
        *case_file_section(),
        *committees_section(),
    ]
    for process in registry.newest().values():
        out += process_section(process)
    return "\n".join(out).rstrip() + "\n"


def main() -> int:
    sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
