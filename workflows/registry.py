"""Every process drukflow runs, by key (the API's and the database's name for it)."""

from __future__ import annotations

from workflows import disciplinary
from workflows.engine import Process

PROCESSES: dict[str, Process] = {p.key: p for p in (disciplinary.PROCESS,)}


def get(key: str) -> Process:
    return PROCESSES[key]
