"""The peers drukflow's step is compared with (issue 19): the same disciplinary flow on
SpiffWorkflow behind FastAPI (``spiff_app``) and on django-viewflow (``viewflow_site``),
each served like drukflow (a uvicorn subprocess, one worker) and driven by the bench's own
load generator (``measure``). They need the optional extra ``bench``; without it
``python -m bench`` says how to install it and measures the rest."""

from __future__ import annotations

import importlib.util

INSTALL_HINT = (
    "peer comparison (SpiffWorkflow, django-viewflow) not installed: "
    "pip install -e '.[bench]' (or bash scripts/install.sh bench), then python -m bench --peers"
)
_MODULES = ("SpiffWorkflow", "viewflow", "django")


def installed() -> bool:
    """Whether the ``bench`` extra is importable (checked without importing Django)."""
    return all(importlib.util.find_spec(m) is not None for m in _MODULES)
