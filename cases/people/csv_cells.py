"""The one CSV writer for every file drukflow emits (the register export, /oversight.csv),
with cells neutralised against formula injection.

A register row or a case title is typed by one user and opened in a spreadsheet by another
(an HR officer's export, the RCSC's turnaround times). A cell starting with ``=``, ``+``,
``-`` or ``@`` (or a tab, carriage return, line feed or NUL, which spreadsheets strip before
parsing a formula) would run as a formula there: ``=HYPERLINK(...)`` can send the sheet's
other cells anywhere. OWASP's rule (CSV Injection; ASVS 1.2.10) is to prefix such a cell
with a single quote, which spreadsheets show as text. A negative number is prefixed too:
the spreadsheet shows it as text, which is the price OWASP accepts.

A cell that already starts with the quote is prefixed as well, so ``unneutralise`` is the
exact inverse and a file exported and imported again (the register) changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

QUOTE = "'"
# What a spreadsheet may read as the start of a formula (OWASP, ASVS 1.2.10), and the quote
# itself so that the prefix can be told from data.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", QUOTE)


def neutralise(cell: object) -> str:
    """The text of ``cell`` as a spreadsheet must show it: prefixed with ``'`` when it
    starts with a formula character (or with the quote itself)."""
    text = "" if cell is None else str(cell)
    return QUOTE + text if text.startswith(TRIGGERS) else text


def unneutralise(text: str) -> str:
    """The value ``neutralise`` was given: one prefix quote removed where it added one.
    A CSV import calls this on every cell, so an exported file reads back unchanged."""
    if text.startswith(QUOTE) and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """Rows as CSV text (RFC 4180 quoting), every cell neutralised: the only way drukflow
    writes a CSV, so no export can forget it."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()
