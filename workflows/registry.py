"""Every process drukflow runs, by key (the API's and the database's name for it)."""

from __future__ import annotations

from datetime import date

from workflows import disciplinary, eol, ltt, secondment, transfer
from workflows.context import Refusal, Refused
from workflows.engine import Process

# Every version of every process, oldest first (workflows.revision): a case runs on the
# version it was opened under (Case.process_version) until an audited migration moves it.
VERSIONS: dict[str, tuple[Process, ...]] = {
    v[0].key: v
    for v in (
        disciplinary.VERSIONS,
        eol.VERSIONS,
        secondment.VERSIONS,
        transfer.VERSIONS,
        ltt.VERSIONS,
    )
}


def keys() -> list[str]:
    """The processes drukflow runs, by key (the API's and the database's name)."""
    return list(VERSIONS)


def version(key: str, number: str) -> Process:
    """One version of one process; an unknown one is an error of the caller's data."""
    for p in VERSIONS.get(key, ()):
        if p.version == number:
            return p
    raise KeyError(f"no version {number!r} of process {key!r}")


def for_case(case: object) -> Process:
    """The version a case runs on: its guards, authorities, deadlines and effects."""
    return version(case.process, case.process_version)  # type: ignore[attr-defined]


def versions(key: str) -> tuple[Process, ...]:
    return VERSIONS[key]


def latest(key: str) -> Process:
    """The newest version: what the process pages and lists describe by default."""
    return VERSIONS[key][-1]


def in_force(key: str, on: date) -> Process:
    """The version a case opened ``on`` that day runs on: the newest in force by then (a
    day before the first version's reads the first)."""
    found = VERSIONS[key][0]
    for p in VERSIONS[key]:
        if p.effective_from <= on:
            found = p
    return found


def newest() -> dict[str, Process]:
    """Key -> the newest version: titles and descriptions for lists and filters."""
    return {key: v[-1] for key, v in VERSIONS.items()}


def every_version() -> list[Process]:
    return [p for v in VERSIONS.values() for p in v]


def requested(key: str, on: date) -> Process:
    """The process a request names (opening a case, asking eligibility), in the version in
    force ``on``: an unknown key is a refusal of the ``process`` field, not a lookup error."""
    if key not in VERSIONS:
        raise Refused([Refusal("field", "", f"unknown process '{key}'", "process")])
    return in_force(key, on)


def state_names(key: str | None = None) -> list[str]:
    """The states of a process (of every process when none is named), over all versions:
    a case list may hold cases of any version."""
    scope = VERSIONS[key] if key else every_version()
    return list(dict.fromkeys(s.name for p in scope for s in p.states))


def check_case_filters(process: str | None, state: str | None) -> None:
    """A case list's ``process`` and ``state`` filters name a process and one of its states
    (of any process when none is named): an unknown value is refused naming the allowed
    ones, rather than answered with an empty list that reads as "no cases". The dashboard
    and GET /api/cases both call this."""
    refusals = []
    if process and process not in VERSIONS:
        allowed = ", ".join(VERSIONS)
        refusals.append(
            Refusal("field", "", f"process: no process '{process}' (one of {allowed})", "process")
        )
    elif state:
        names = state_names(process or None)
        if state not in names:
            where = f" of process '{process}'" if process else ""
            refusals.append(
                Refusal(
                    "field",
                    "",
                    f"state: no state '{state}'{where} (one of {', '.join(names)})",
                    "state",
                )
            )
    if refusals:
        raise Refused(refusals)
