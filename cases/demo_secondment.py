"""Demo civil servants, history and cases for the secondment process (see cases.demo_kit)."""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.demo_kit import Day, Script

USERS: dict[str, tuple[str, tuple[str, ...], str | None, str | None]] = {}
SERVANTS: list[dict[str, Any]] = []
HISTORY: list[dict[str, Any]] = []


def scripts(d: Day, today: date) -> list[Script]:
    return []
