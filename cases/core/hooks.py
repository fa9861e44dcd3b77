"""What the core tells the rest of ``cases`` without importing it: after a step, before a
deadline sweep, after a deadline is missed.

``service.fire`` and the sweep (``timers``) call these hooks; the inbox
(``cases.inbox.notifications``) subscribes to them when it is imported (the ``cases``
package imports it once). So the core never imports the notice code, which reads the core
back (who must act next is worked out with ``service.context``), and the import graph stays
a line: inbox -> core, never core -> inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from cases.core.models import Case, Deadline
from workflows.context import Actor, Context

# (session, case, from_state, actor, now, context after the step), inside fire's transaction.
AfterStep = Callable[[Session, Case, str, Actor, datetime, Context], Any]
# (engine, now), before the sweep claims missed deadlines; each in its own transactions.
BeforeSweep = Callable[[Engine, datetime], Any]
# (session, deadline row, now), in the transaction that marks it missed, after its timeout.
DeadlineMissed = Callable[[Session, Deadline, datetime], Any]

AFTER_STEP: list[AfterStep] = []
BEFORE_SWEEP: list[BeforeSweep] = []
DEADLINE_MISSED: list[DeadlineMissed] = []


def after_step(
    session: Session, case: Case, from_state: str, actor: Actor, now: datetime, ctx: Context
) -> None:
    for listener in AFTER_STEP:
        listener(session, case, from_state, actor, now, ctx)


def before_sweep(engine: Engine, now: datetime) -> None:
    for listener in BEFORE_SWEEP:
        listener(engine, now)


def deadline_missed(session: Session, row: Deadline, now: datetime) -> None:
    for listener in DEADLINE_MISSED:
        listener(session, row, now)
