"""Jinja2 with jinja2-fragments: one template per page, its blocks are the htmx fragments."""

from __future__ import annotations

from jinja2_fragments.fastapi import Jinja2Blocks

from cases.oversight import may_oversee
from cases.printing import FILTERS, TEMPLATES


def make_templates() -> Jinja2Blocks:
    t = Jinja2Blocks(directory=str(TEMPLATES))
    t.env.filters.update(FILTERS)
    t.env.globals["may_oversee"] = may_oversee  # the nav shows the TAT page to whom it serves
    t.env.globals["htmx_src"] = "vendor/htmx-4.0.1/htmx.min.js"
    t.env.globals["mermaid_src"] = "vendor/mermaid-12.3.0/mermaid.min.js"
    return t
