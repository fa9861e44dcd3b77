"""Jinja2 with jinja2-fragments: one template per page, its blocks are the htmx fragments."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from jinja2_fragments.fastapi import Jinja2Blocks

from workflows.calendar import BHUTAN_TZ

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def bt_time(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.astimezone(BHUTAN_TZ).strftime("%Y-%m-%d %H:%M BTT")


def long_date(value: date | None) -> str:
    return value.strftime("%a %d %b %Y") if value else ""


def make_templates() -> Jinja2Blocks:
    t = Jinja2Blocks(directory=str(TEMPLATES))
    t.env.filters["bt_time"] = bt_time
    t.env.filters["long_date"] = long_date
    t.env.globals["htmx_src"] = "vendor/htmx-4.0.1/htmx.min.js"
    t.env.globals["mermaid_src"] = "vendor/mermaid-12.3.0/mermaid.min.js"
    return t
