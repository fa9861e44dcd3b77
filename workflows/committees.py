"""Committees and what their composition must be (BCSR 2.10.3, 2.10.6.1, 2.10.6.2, 19.3.4).

Pure rules, no database: the kinds of committee, the seats a member holds in one, the
composition 2.10.6.1 requires of an agency's HRC by the agency's kind, and the rule a
meeting applies before it decides. cases.review.committees and cases.review.meetings
apply them to the records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from workflows.declarations import Field

# The kinds of committee drukflow records.
HRC = "hrc"  # the agency's Human Resource Committee, also its Disciplinary Committee (19.3.4)
COMMISSION = "commission"  # the RCSC's Commission (19.3.6, 19.3.7)
INVESTIGATION = "investigation"  # an Investigation Committee for one case (19.8.2.2)
APPELLATE_DC = "appellate_dc"  # the appellate authority's DC executing its decision (19.8.3)
KINDS = {
    HRC: ("Human Resource Committee (sits as the Disciplinary Committee, 19.3.4)", "2.10.1"),
    COMMISSION: ("the RCSC's Commission", "19.3.6"),
    INVESTIGATION: ("Investigation Committee (one case)", "19.8.2.2"),
    APPELLATE_DC: ("appellate authority's Disciplinary Committee", "19.8.3"),
}

# The seats 2.10.6.1 names, one per membership.
CHAIR = "chair"
MEMBER_SECRETARY = "member_secretary"
SEATS = {
    CHAIR: "Chairperson",
    "director": "Director / Director General / Division Chief / Service Head",
    "specialist": "Specialist",
    "planning_officer": "(Chief) Planning Officer",
    "dzongrab": "Dzongrab",
    "sector_head": "Sector Head",
    "member": "Other relevant officer (as the Chairperson determines)",
    MEMBER_SECRETARY: "HR Officer - Member Secretary",
}
# Who records a meeting and its decisions ("the chair or the member secretary").
RECORDERS = frozenset({CHAIR, MEMBER_SECRETARY})

MINIMUM_MEMBERS = 5  # 2.10.3 "a minimum of five members including the Chairperson"


@dataclass(frozen=True)
class Seat:
    """A seat 2.10.6.1 requires: at least ``at_least`` members holding ``seat``."""

    seat: str
    at_least: int
    words: str


# 2.10.6.1, by the agency's kind (cases.core.models.Agency.kind).
COMPOSITION: dict[str, tuple[Seat, ...]] = {
    "ministry": (
        Seat(CHAIR, 1, "a. Chairperson: Secretary"),
        Seat("director", 1, "i. All Directors/Director Generals"),
        Seat("specialist", 1, "ii. A Specialist"),
        Seat("planning_officer", 1, "iii. Chief Planning Officer"),
        Seat(MEMBER_SECRETARY, 1, "v. HR Officer -Member Secretary"),
    ),
    "constitutional": (
        Seat(CHAIR, 1, "a. Chairperson: Head of Constitutional Office"),
        Seat("director", 1, "i. Director(s)"),
        Seat(MEMBER_SECRETARY, 1, "iii. HR Officer - Member Secretary"),
    ),
    "autonomous": (
        Seat(CHAIR, 1, "a. Chairperson: Head of the Agency/Executive Secretary for Thromdes"),
        Seat("director", 1, "i. All Division Chiefs/Service Heads"),
        Seat(MEMBER_SECRETARY, 1, "iv. HRO- Member Secretary"),
    ),
    "dzongkhag": (
        Seat(CHAIR, 1, "a. Chairperson: Dzongdag"),
        Seat("dzongrab", 1, "i. Dzongrab"),
        Seat("planning_officer", 1, "ii. Planning Officer"),
        Seat(MEMBER_SECRETARY, 1, "iv. HR Officer - Member Secretary"),
    ),
}
# One chair and one member secretary at a time, whatever the kind.
SINGLE_SEATS = frozenset({CHAIR, MEMBER_SECRETARY})


@dataclass(frozen=True)
class Shortfall:
    """One way a committee's current members fall short of the rule, with its section."""

    cite: str
    reason: str


def composition_shortfalls(kind: str, agency_kind: str, seats: Iterable[str]) -> list[Shortfall]:
    """What the current members (their seats) lack under 2.10.3 and 2.10.6.1.

    Only an HRC is held to chapter 2: the Commission, an Investigation Committee and the
    appellate DC have their own rules (19.3.6, 19.8.2.2, 19.8.3). A department, the RCSC or
    a tribunal has no row in 2.10.6.1's table, so only 2.10.3's size applies to it."""
    if kind != HRC:
        return []
    held = Counter(seats)
    out = []
    total = sum(held.values())
    if total < MINIMUM_MEMBERS or not held[CHAIR]:
        out.append(
            Shortfall(
                "2.10.3",
                f"HRC shall have a minimum of five members including the Chairperson "
                f"({total} member{'' if total == 1 else 's'}"
                f"{'' if held[CHAIR] else ', no Chairperson'})",
            )
        )
    for seat in COMPOSITION.get(agency_kind, ()):
        if held[seat.seat] < seat.at_least:
            out.append(
                Shortfall(
                    "2.10.6.1",
                    f"the HRC of a {agency_kind.replace('_', ' ')} has {seat.words}: "
                    f"no member holds the seat '{SEATS[seat.seat]}'",
                )
            )
    return out


# The rule a meeting applies before it decides. The BCSR sets no quorum for an HRC
# meeting: 2.10.3 sizes the committee ("a minimum of five members including the
# Chairperson"), not a sitting. So the agency sets its own minimum on the committee
# (``Committee.min_present``) and drukflow counts only members present who are not
# recused on the item (19.3.5: a related or prejudiced person "shall not be a member of
# Disciplinary Committee" for that case).
QUORUM_CITE = "2.10.3, 19.3.5"
DEFAULT_MIN_PRESENT = 3
QUORUM_RULE = (
    "The BCSR sets no quorum for an HRC meeting (2.10.3 sets the committee's size, five "
    "members including the Chairperson); the agency sets the minimum present for a decision, "
    "counting only members not recused on the case (19.3.5)"
)


@dataclass(frozen=True)
class Pool:
    """Where a step's users field (``Field.users_from``) takes its accounts from: the members
    of a committee of ``kinds`` where the agency recorded one (serving on the step's day),
    otherwise the competent agency's active users; ``cite`` is the section that names them.
    Never the respondent nor a member recused on the case (19.3.5)."""

    kinds: tuple[str, ...]
    on_case: bool  # the committee is formed on the case itself (an Investigation Committee)
    cite: str
    words: str
    # Those named make the committee's decision, so the agency's minimum present for a
    # decision (``Committee.min_present``, QUORUM_RULE) applies, as in a meeting.
    decides: bool = False


INVESTIGATORS = "investigators"
PRESENT = "present"
POOLS = {
    # 19.8.2.2(iii)-(v): the Member Secretary or the Investigation Committee investigates.
    INVESTIGATORS: Pool((INVESTIGATION,), True, "19.8.2.2", "the case's Investigation Committee"),
    # 19.3.4: the HRC "shall function as the Disciplinary Committee" (the Commission, 19.3.6).
    PRESENT: Pool(
        (HRC, COMMISSION), False, "19.3.4, 2.10.6.1", "the deciding committee", decides=True
    ),
}


def meeting_label(code: str, number: int, year: int) -> str:
    """ "MOH HRC 7/2026": the committee's short name, the number in the year, the year."""
    return f"{code} {number}/{year}"


# The forms (page, API, CLI): one declaration each, so every path validates alike.
COMMITTEE_FIELDS = (
    Field(
        "agency_code",
        "text",
        "Agency (an Investigation Committee: its case's)",
        required=False,
        max_length=32,
    ),
    Field("kind", "choice", "Kind", choices=tuple((k, label) for k, (label, _c) in KINDS.items())),
    Field("code", "text", "Short name meetings are numbered under (e.g. MOH HRC)", max_length=64),
    Field("name", "text", "Name"),
    Field(
        "min_present",
        "int",
        "Minimum members present to decide (set by the agency; the BCSR sets none)",
        required=False,
    ),
    Field("case_id", "int", "Case (an Investigation Committee's only)", required=False),
)
MEMBER_FIELDS = (
    Field("username", "text", "Member (a user)", max_length=64),
    Field("seat", "choice", "Seat", choices=tuple(SEATS.items())),
    Field("start_on", "date", "Member from", future_ok=True),
    Field("end_on", "date", "Member until (empty: still serving)", required=False, future_ok=True),
)
END_FIELDS = (Field("end_on", "date", "Member until", future_ok=True),)
EXCEPTION_FIELDS = (
    Field("exception_ref", "text", "RCSC approval (letter or decision number)"),
    Field("exception_on", "date", "Approved by the RCSC on"),
)
SETTINGS_FIELDS = (COMMITTEE_FIELDS[4],)


# Who may do what with committees and meetings (docs/access-matrix.md; the services in
# cases.review.committees and cases.review.meetings enforce it; tests/web/test_web_committees.py
# walks it through the API): (action, API, who, BCSR).
ACCESS = (
    (
        "See a committee, its members, meetings, agenda and minutes",
        "`GET /api/committees`, `GET /api/committees/{id}`, `GET /api/committees/{id}/meetings`, "
        "`GET /api/meetings/{id}`, `GET /api/meetings/{id}/minutes/{n}.pdf`",
        "the agency's officers (HR officer, DC/HRC member, HRC chairperson, member secretary, "
        "investigator), the RCSC, an administrator; anyone else 404",
        "2.10.1",
    ),
    (
        "Institute a committee; add or end a membership; set the minimum present",
        "`POST /api/committees`, `POST /api/committees/{id}/members`, "
        "`POST /api/committees/{id}/members/{m}/end`, `POST /api/committees/{id}/minimum`",
        "the agency's HR officer or HRC chairperson, the RCSC, an administrator",
        "2.10.1, 2.10.3, 2.10.6.1",
    ),
    (
        "Record the RCSC's approval of another composition",
        "`POST /api/committees/{id}/exception`",
        "the RCSC",
        "2.10.6.2",
    ),
    (
        "Open a meeting; record members present; add or defer agenda items; issue minutes",
        "`POST /api/committees/{id}/meetings`, `POST /api/meetings/{id}/present`, "
        "`POST /api/meetings/{id}/items`, `POST /api/meetings/{id}/minutes`",
        "the committee's Chairperson or Member Secretary serving on the meeting's day (by "
        "seat on the committee, not by role)",
        "2.10.6.1",
    ),
    (
        "Decide an agenda item in a meeting",
        "`POST /api/meetings/{id}/decisions`",
        "the Chairperson or Member Secretary (seat), who must also hold the step in the "
        "process's matrix below; members present come from the meeting, less those recused "
        "on the case, and at least the committee's minimum must sit",
        "19.3.4, 19.3.5",
    ),
    (
        "Make meetings of the free-text meeting numbers already recorded",
        "`drukflow meetings migrate --as USER [--dry-run]`",
        "the RCSC, an administrator",
        "1.7",
    ),
)
