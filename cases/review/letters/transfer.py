"""The transfer order (BCSR 13, Form 14/1a of 13.9.3), and what it says."""

from __future__ import annotations

from typing import Any

from cases.review.letters.kit import Declaration, Sources, day
from workflows import transfer


def transfer_facts(src: Sources) -> dict[str, Any]:
    """Form 14/1a (13.9.3): from where to where, when, and the duties that follow the order."""
    d = src.data
    relief = src.deadline("relief_due")
    km = int(d.get("distance_km") or 0)
    preparatory = km >= transfer.PREPARATORY_MIN_KM and bool(d.get("change_of_residence"))
    authority = transfer.transfer_authority(src.ctx)
    parts: dict[str, list[str]] = {}
    for code, part in (
        (d.get("from_agency"), "relieving agency: relief within 30 days, BCSR 13.9.3"),
        (d.get("receiving_agency"), "receiving agency: joining, BCSR 13.9.4"),
        (d.get("parent_agency"), "parent agency, BCSR 13.3.1"),
    ):
        if code and part not in parts.setdefault(code, []):
            parts[code].append(part)
    return {
        "kind": d.get("kind_label") or transfer.KIND_LABEL.get(str(d.get("transfer_kind")), ""),
        "from_agency": src.agency_name(d.get("from_agency")),
        "from_station": d.get("from_station", ""),
        "from_position": d.get("from_position", ""),
        "from_level": d.get("from_level", ""),
        "to_agency": src.agency_name(d.get("receiving_agency")),
        "to_station": d.get("new_station", ""),
        "to_position": d.get("new_position", ""),
        "effective_on": day(d.get("effective_on")),
        "term_end_on": day(d.get("term_end_on"))
        if d.get("transfer_kind") in transfer.TERM_KINDS
        else "",
        "order_date": day(d.get("order_date")),
        "relief_due": day(relief.due_on) if relief else "",
        "authority": " or ".join(src.agency_name(a) for a in authority.agencies),
        "authority_cite": authority.cite,
        "preparatory": preparatory,
        "distance_km": km,
        "joining_time": d.get("joining_time", ""),
        "copies": [f"{src.agency_name(code)} ({'; '.join(p)})" for code, p in parts.items()]
        + ["Human Resource Division: service record in ZESt (BCSR 13.9.5)"],
    }


DECLARATIONS: tuple[Declaration, ...] = (
    Declaration(
        kind="transfer_order",
        title="Transfer order (Form 14/1a)",
        process="transfer",
        template="documents/transfer_order.html",
        cite="13.9.3",
        after=("issue_order",),
        after_reason="the competent authority has not issued the transfer order (13.3.1)",
        states=("ordered", "relieved", "salary_withheld", "joined", "on_assignment"),
        by=transfer.OFFICE,
        who="only the competent authority's HR office or HRC issues the transfer order (13.3.1)",
        authority=transfer.transfer_authority,
        prefix="TO",
        facts=transfer_facts,
        number_field="order_no",
    ),
)
