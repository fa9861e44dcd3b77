"""Jinja2 with jinja2-fragments: one template per page, its blocks are the htmx fragments."""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2_fragments.fastapi import Jinja2Blocks

from cases.review.oversight import may_oversee
from cases.review.printing import FILTERS, TEMPLATES
from workflows.record import eid_problem


@pass_context
def record_url(context: Any, eid: str) -> str | None:
    """A civil servant's record page, or None for an employee ID outside the format
    (16.3.7). A record stored before the format was checked may hold a '/', which no path
    segment can carry: the lists show it without a link rather than fail for everyone."""
    if eid_problem(eid):
        return None
    return str(context["request"].url_for("servant", eid=eid))


def humanize(name: object) -> str:
    """A stored name as a person reads it: "notice_received_on" -> "Notice received on"
    (no snake_case where a person reads: recorded facts, entered values, filters)."""
    text = str(name).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def make_templates() -> Jinja2Blocks:
    t = Jinja2Blocks(directory=str(TEMPLATES))
    t.env.filters.update(FILTERS)
    t.env.filters["humanize"] = humanize
    t.env.globals["record_url"] = record_url
    t.env.globals["may_oversee"] = may_oversee  # the nav shows the TAT page to whom it serves
    t.env.globals["htmx_src"] = "vendor/htmx-4.0.1/htmx.min.js"
    t.env.globals["mermaid_src"] = "vendor/mermaid-12.3.0/mermaid.min.js"
    return t
