"""Letters and orders issued from a case, each recorded in the audit trail with its hash."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from cases.models import Case
from workflows.engine import Actor


def for_viewer(session: Session, case: Case, actor: Actor, now: datetime) -> Any:
    """What the case page's documents panel shows this viewer (issued and issuable)."""
    return None
