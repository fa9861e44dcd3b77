"""Jinja2 with jinja2-fragments: one template per page, its blocks are the htmx fragments."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks

from cases.review.oversight import may_oversee
from cases.review.printing import FILTERS, TEMPLATES
from web.views import humanize
from workflows import roles as R
from workflows.calendar import BHUTAN_TZ, long_date
from workflows.record import eid_problem


@pass_context
def record_url(context: Any, eid: str) -> str | None:
    """A civil servant's record page, or None for an employee ID outside the format
    (16.3.7). A record stored before the format was checked may hold a '/', which no path
    segment can carry: the lists show it without a link rather than fail for everyone."""
    if eid_problem(eid):
        return None
    return str(context["request"].url_for("servant", eid=eid))


_IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def fact(value: Any) -> str:
    """A recorded value as a person reads it: yes/no, a date with its weekday, a stored
    choice in words ("career_break" -> "career break"), a list joined."""
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(fact(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanize(k).lower()}: {fact(v)}" for k, v in value.items())
    text = str(value)
    if _ISO_DAY.fullmatch(text):
        return long_date(text)
    if _IDENTIFIER.fullmatch(text):
        return text.replace("_", " ")
    return text


def bt_when(value: datetime | str | None) -> str:
    """A time as a page shows it: with its weekday, in Bhutan time ("Mon 14 Dec 2026 10:00
    BTT"). Letters keep their own format (their bytes are hashed)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(BHUTAN_TZ).strftime("%a %d %b %Y %H:%M BTT")


def make_templates() -> Jinja2Blocks:
    t = Jinja2Blocks(directory=str(TEMPLATES))
    t.env.filters.update(FILTERS)
    t.env.filters.update(humanize=humanize, fact=fact, bt_when=bt_when)
    t.env.globals["role_labels"] = R.LABELS
    t.env.globals["record_url"] = record_url
    t.env.globals["may_oversee"] = may_oversee  # the nav shows the TAT page to whom it serves
    t.env.globals["htmx_src"] = "vendor/htmx-4.0.1/htmx.min.js"
    t.env.globals["mermaid_src"] = "vendor/mermaid-12.3.0/mermaid.min.js"
    return t
