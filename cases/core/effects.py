"""The registry of effects: what a step changes beyond the case's state.

A process's step names its effects (``Step.effects``); ``service.fire`` runs each, by name,
inside the same transaction as the step. The effects themselves live with their process in
``cases.processes`` and register here with ``@effect`` when that package is imported (the
``cases`` package imports it once), so the core runs them without importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from cases.core import profiles
from cases.core.models import Case, ServiceEntry
from workflows.context import Actor


@dataclass
class EffectContext:
    session: Session
    case: Case
    data: dict[str, Any]  # the case data being written; effects may add to it
    fields: dict[str, Any]
    now: datetime
    today: date
    actor: Actor  # who took the step; history lines record it as "by"

    def add_entry(self, kind: str, **values: Any) -> ServiceEntry:
        """A line in the subject's service history, written by this step of this case."""
        return profiles.add_entry(
            self.session,
            eid=self.case.subject_eid,
            kind=kind,
            now=self.now,
            by=self.actor.username,
            case_id=self.case.id,
            **values,
        )


Effect = Callable[[EffectContext], None]
EFFECTS: dict[str, Effect] = {}
# Effects that arm, move or settle deadline rows of their own case: after one of them the
# step re-reads the case's open deadlines; after any other it keeps the rows it read.
MOVES_DEADLINES: set[str] = set()


def effect(name: str, *, moves_deadlines: bool = False) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        EFFECTS[name] = fn
        if moves_deadlines:
            MOVES_DEADLINES.add(name)
        return fn

    return register
