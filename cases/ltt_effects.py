"""What the ltt process's steps change beyond the case's state (filled in with the process)."""

from __future__ import annotations

from cases.effects import EffectContext, effect  # noqa: F401
