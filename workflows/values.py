"""Reading what a case or an application records, as every process definition does: a date
given as ISO text or a date (``as_date``), and a guard that a box is ticked (``checked``).
Shared by the process definitions (eol, ltt, secondment, transfer, disciplinary) so each
reads its values the same way; it imports only the engine's ``Context``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from workflows.context import Context


def as_date(value: Any) -> date | None:
    """A recorded date (ISO text or a date), or None when it is not given."""
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def checked(name: str) -> Callable[[Context], bool]:
    """A guard: the field ``name`` is ticked (holds a true value)."""
    return lambda ctx: bool(ctx.value(name))
