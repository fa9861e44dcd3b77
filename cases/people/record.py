"""The civil servant's service record: penalties (19.11.9) and the Negative List (19.14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from cases.core.models import Penalty, ServiceEntry

# Schedule 19/A items 1 and 2: a conviction by a Court of Law.
CONVICTION_OFFENCES = (1, 2)
# 19.14.5.1: "special scrutiny for promotion to a higher Position Level or appointment to
# another Position": the processes that appoint to another position (a transfer, 13).
SPECIAL_SCRUTINY = {"transfer": "appointment to another position"}


@dataclass(frozen=True)
class Standing:
    penalties: list[Penalty]
    minor_in_force: int
    minor_total: int  # minor penalties on record and not revoked (19.11.13.4 counts these)
    major_in_force: int
    major_due_for_repeated_minor: bool  # 19.11.13.4
    on_negative_list: bool  # 19.14.3.1, 19.14.3.2
    negative_list_reason: str
    convicted: bool = False  # 19.14.3.1: a conviction lists the civil servant by itself


def _in_force(p: Penalty, today: date) -> bool:
    return p.status == "in_force" and (p.term_ends_on is None or p.term_ends_on >= today)


def standing(session: Session, eid: str, today: date) -> Standing:
    """What the rules conclude from the penalties on record, as of ``today``.

    19.11.13.4: three or more reprimands or minor penalties lead to a major penalty.
    19.14.3.1: a conviction by a Court of Law (a court case recorded as convicted, or a
    penalty for schedule items 1-2) puts a civil servant on the Negative List by itself.
    19.14.3.2: major and repeated minor penalties put a civil servant on the Negative
    List, until the term of the penalty ends (19.14.6.1; a conviction's term is the court
    case's end, where recorded).
    """
    rows = list(
        session.exec(
            select(Penalty).where(Penalty.eid == eid).order_by(Penalty.imposed_on, Penalty.id)  # type: ignore[arg-type]
        ).all()
    )
    live = [p for p in rows if _in_force(p, today)]
    minors = sum(1 for p in rows if p.status == "in_force" and p.severity == "minor")
    live_minor = sum(1 for p in live if p.severity == "minor")
    live_major = sum(1 for p in live if p.severity == "major")
    courts = session.exec(
        select(ServiceEntry).where(
            ServiceEntry.eid == eid,
            ServiceEntry.kind == "court_case",
            ServiceEntry.status == "convicted",
        )
    ).all()
    convicted = any(e.end_on is None or e.end_on >= today for e in courts) or any(
        p.offence_no in CONVICTION_OFFENCES for p in live
    )
    reasons = []
    if live_major:
        reasons.append(f"{live_major} major penalt{'y' if live_major == 1 else 'ies'} in force")
    if live_minor >= 2:
        reasons.append(f"repeated minor penalties ({live_minor})")
    return Standing(
        penalties=rows,
        minor_in_force=live_minor,
        minor_total=minors,
        major_in_force=live_major,
        major_due_for_repeated_minor=minors >= 3,
        on_negative_list=bool(reasons) or convicted,
        negative_list_reason="; ".join(
            [
                *(["convicted by a Court of Law (BCSR 19.14.3.1)"] if convicted else []),
                *(["; ".join(reasons) + " (BCSR 19.14.3.2)"] if reasons else []),
            ]
        ),
        convicted=convicted,
    )


def special_scrutiny(standing: Standing, process: str) -> str:
    """19.14.5.1: "A civil servant whose name is featured on the Negative List once will be
    subject to special scrutiny for promotion to a higher Position Level or appointment to
    another Position": what to tell the authority of ``process`` ("" where it does not
    apply)."""
    what = SPECIAL_SCRUTINY.get(process)
    if not what or not standing.on_negative_list:
        return ""
    return (
        f"On the Negative List ({standing.negative_list_reason}): subject to special scrutiny "
        f"for {what}"
    )
