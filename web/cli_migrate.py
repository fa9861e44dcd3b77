"""``drukflow cases migrate``: move open cases to a later version of their process.

The RCSC's (or an administrator's) plan, as on the process page: a dry run lists every
case it touches, each armed deadline under the old and the new rules, and the cases it
refuses; without ``--dry-run`` each case moves in its own transaction and the chain
records it (cases.core.migration).
"""

from __future__ import annotations

from cases.core import migration
from cases.people.csv_cells import write_csv
from workflows.context import Refusal, Refused


def parse_map(items: list[str] | None) -> dict[str, str]:
    """``--map OLD=NEW`` pairs; a malformed one is refused naming the option."""
    out: dict[str, str] = {}
    for item in items or []:
        old, sep, new = item.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise Refused(
                [Refusal("field", migration.CITE, f"map: '{item}' is not OLD=NEW", "map")]
            )
        out[old.strip()] = new.strip()
    return out


def lines(outcomes: list[migration.Outcome]) -> list[str]:
    """The plan as a reader checks it: per case, the move or the refusal, and each deadline
    under the old and the new rules with the new count."""
    out = []
    for o in outcomes:
        if o.refused:
            out.append(
                f"case {o.case_id} ({o.state_before}, {o.from_version}): REFUSED: {o.refused}"
            )
            continue
        out.append(
            f"case {o.case_id}: {o.from_version} -> {o.to_version}, "
            f"{o.state_before} -> {o.state_after}"
        )
        for m in o.deadlines:
            new = m.new_due.isoformat() if m.new_due else "cancelled"
            out.append(f"  {m.label} (BCSR {m.cite}): {m.old_due.isoformat()} -> {new}; {m.why}")
    return out


def csv_text(outcomes: list[migration.Outcome]) -> str:
    """The dry run as CSV (the web's download says the same)."""
    return write_csv([migration.CSV_HEAD, *migration.csv_rows(outcomes)])
