"""Every process drukflow runs, by key (the API's and the database's name for it)."""

from __future__ import annotations

from workflows import disciplinary, eol, ltt, secondment, transfer
from workflows.engine import Process

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
