"""Every process drukflow runs, by key (the API's and the database's name for it)."""

from __future__ import annotations

from workflows import disciplinary, eol, ltt, secondment, transfer
from workflows.engine import Process, Refusal, Refused

PROCESSES: dict[str, Process] = {
    p.key: p
    for p in (
        disciplinary.PROCESS,
        eol.PROCESS,
        secondment.PROCESS,
        transfer.PROCESS,
        ltt.PROCESS,
    )
}


def get(key: str) -> Process:
    return PROCESSES[key]


def requested(key: str) -> Process:
    """The process a request names (opening a case, asking eligibility): an unknown key is
    a refusal of the ``process`` field, not a lookup error."""
    try:
        return PROCESSES[key]
    except KeyError:
        raise Refused([Refusal("field", "", f"unknown process '{key}'", "process")]) from None


def check_case_filters(process: str | None, state: str | None) -> None:
    """A case list's ``process`` and ``state`` filters name a process and one of its states
    (of any process when none is named): an unknown value is refused naming the allowed
    ones, rather than answered with an empty list that reads as "no cases". The dashboard
    and GET /api/cases both call this."""
    refusals = []
    if process and process not in PROCESSES:
        allowed = ", ".join(PROCESSES)
        refusals.append(
            Refusal("field", "", f"process: no process '{process}' (one of {allowed})", "process")
        )
    elif state:
        scope = [PROCESSES[process]] if process else list(PROCESSES.values())
        names = list(dict.fromkeys(s.name for p in scope for s in p.states))
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
