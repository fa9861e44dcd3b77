"""Printed matter: letters, orders and reports rendered from ``templates/`` to HTML and PDF.

A paper copy leaves the system, so what is printed must be the same text whether it is shown
in the browser or downloaded: one Jinja2 environment renders the HTML and WeasyPrint turns
that very HTML into the PDF. Times print in Bhutan time (UTC+6), as the rules count days.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from workflows.calendar import bt_time, long_date

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Stylesheets a page links and a printed copy includes inline (the due-process report's).
STYLESHEETS = TEMPLATES.parent / "web" / "static"


FILTERS = {"bt_time": bt_time, "long_date": long_date}


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader([str(TEMPLATES), str(STYLESHEETS)]),
        autoescape=select_autoescape(("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


def render_html(template: str, context: dict[str, Any]) -> str:
    """Render ``template`` (a path under templates/, e.g. "documents/notice_of_charges.html")."""
    return environment().get_template(template).render(**context)


def pdf_of(html: str) -> bytes:
    """The PDF of an HTML page, laid out by WeasyPrint (its own CSS @page rules apply)."""
    from weasyprint import HTML  # imported here: loading pango costs ~0.3 s, only when printing

    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
