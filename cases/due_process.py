"""The due-process report of a disciplinary case (BCSR 19.12.3): derived from the audit trail
and the deadline rows only, never typed in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from cases.models import Case
from workflows.engine import Actor


def for_viewer(session: Session, case: Case, actor: Actor, now: datetime) -> Any:
    """The report to show on the case page, or None where this viewer is not to see it."""
    return None
