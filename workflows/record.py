"""The civil servant's record as the rules read it: levels, categories, ages, history kinds.

Pure data, no database: the register (cases.people.register), the forms and the eligibility
rules of every process share these definitions, so a position level or an LTT level
means the same thing everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflows.declarations import Field

# The employee ID: one format wherever an ID enters (the CSV import, the API, the CLI, a
# case's subject). Letters, digits and hyphens only, so an ID is safe in a URL path, a LIKE
# pattern and a CSV cell; 20 characters hold every RCSC-issued ID (E1004, E13409).
EID_MAX = 20
# A leading hyphen is refused: it would read as an option on the command line and as a
# formula in a spreadsheet (cases.people.csv_cells).
EID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,19}$"
EID_CITE = "16.3.7"
EID_RULE = (
    f"letters, digits and hyphens only, not starting with a hyphen, 1 to {EID_MAX} characters"
)
_EID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")


def eid_problem(eid: object) -> str | None:
    """Why ``eid`` is not an employee ID (None when it is one): the one check of the format."""
    if not isinstance(eid, str) or not eid:
        return f"Employee ID is required ({EID_RULE})"
    if len(eid) > EID_MAX or not _EID_CHARS.issuperset(eid) or eid.startswith("-"):
        shown = eid if len(eid) <= 40 else eid[:40] + "…"
        return f"Employee ID {shown!r}: {EID_RULE}"
    return None


LEVELS = (
    "EX1", "EX2", "EX3", "ES1", "ES2", "ES3",
    "P1", "P2", "P3", "P4", "P5",
    "SSS", "SS1", "SS2", "SS3", "SS4",
    "S1", "S2", "S3", "S4", "S5",
    "O1", "O2", "O3", "O4",
)  # fmt: skip

CATEGORIES = (
    ("ESC", "Executive & Specialist Category"),
    ("PMC", "Professional & Management Category"),
    ("SSC", "Supervisory & Support Category"),
    ("OC", "Operational Category"),
    ("GSP_ESP", "GSP/ESP"),
)


def category_of(level: str) -> str:
    """The position category a level belongs to (2.x, Schedule 2/A)."""
    level = level.upper()
    if level.startswith(("EX", "ES")):
        return "ESC"
    if level.startswith("P"):
        return "PMC"
    if level.startswith("S"):
        return "SSC"
    return "OC"


def superannuation_age(level: str, category: str = "") -> int:
    """15.3.1: 63 ESC, 60 PMC, 59 SS4-SSS, 57 S5-S1, OC and GSP/ESP."""
    category = category or category_of(level)
    if category == "ESC":
        return 63
    if category == "PMC":
        return 60
    if category == "SSC" and level.upper().startswith("SS"):
        return 59
    return 57


EMPLOYMENT_TYPES = (("regular", "Regular"), ("contract", "Contract"))

# 10.x performance ratings; 7.7.4.8 asks for at least "Good" / "Meeting Expectation".
RATINGS = (
    ("outstanding", "Outstanding"),
    ("very_good", "Very Good"),
    ("good", "Good"),
    ("meeting_expectation", "Meeting Expectation"),
    ("needs_improvement", "Needs Improvement"),
    ("poor", "Poor"),
)
RATINGS_AT_LEAST_GOOD = frozenset({"outstanding", "very_good", "good", "meeting_expectation"})

DRUG_TESTS = (("cleared", "Cleared"), ("not_cleared", "Not cleared"))

# Highest qualification, lowest first (7.7.4.11, 7.7.4.12 compare them).
QUALIFICATIONS = (
    ("class_x", "Class X"),
    ("class_xii", "Class XII"),
    ("certificate", "Certificate"),
    ("diploma", "Diploma"),
    ("bachelors", "Bachelor's degree"),
    ("pg_diploma", "PG Diploma/PG Certificate"),
    ("masters", "Master's degree"),
    ("phd", "Ph.D"),
)
QUALIFICATION_RANK = {code: n for n, (code, _label) in enumerate(QUALIFICATIONS)}

# 7.3.3: the levels of long-term training.
LTT_LEVELS = (
    ("phd", "Ph.D"),
    ("specialisation", "Specialisation/Fellowship/Residency"),
    ("masters", "Master's degree"),
    ("fellowship", "Non-degree Fellowship/Attachment"),
    ("pg_diploma", "PG Diploma/PG Certificate"),
    ("bachelors", "Bachelor's degree"),
    ("diploma", "Diploma"),
    ("class_xii", "Class XII"),
    ("class_x", "Class X"),
)
POSTGRADUATE = frozenset({"phd", "specialisation", "masters", "fellowship", "pg_diploma"})
LTT_MODES = (  # 7.7.1
    ("full_time", "Full-time"),
    ("mixed_mode", "Mixed mode"),
    ("continuing_education", "In-country continuing education"),
)
LTT_FUNDING = (  # 7.7.2
    ("rgob", "RGoB funded (partial or full) scholarship"),
    ("private", "Private funded / open scholarship"),
)
LTT_STATUSES = (
    ("approved", "Approved, not yet commenced"),
    ("ongoing", "On study leave"),
    ("completed", "Completed"),
    ("failed", "Failed"),
    ("pending_completion", "Reported but pending completion (7.7.8.1 iii)"),
    ("withdrawn", "Withdrawn"),
    ("cancelled", "Cancelled"),
)

LEAVE_TYPES = (
    ("earned", "Earned leave"),
    ("casual", "Casual leave"),
    ("maternity", "Maternity leave"),
    ("paternity", "Paternity leave"),
    ("medical", "Medical leave"),
    ("medical_escort", "Medical escort leave"),
    ("bereavement", "Bereavement leave"),
    ("preparatory", "Preparatory leave"),
    ("study", "Study leave"),
)

TRANSFER_KINDS = (
    ("planned", "Planned transfer (13.4.2, 13.9.2)"),
    ("on_request", "Transfer on request (13.4.10)"),
    ("lateral", "Lateral transfer to an announced vacancy (13.6)"),
    ("osa", "Officer on special assignment (13.7)"),
    ("foreign", "Foreign posting (13.8)"),
)


@dataclass(frozen=True)
class EntryKind:
    """A kind of history line: its label, statuses, and the fields its details hold."""

    key: str
    label: str
    cite: str
    statuses: tuple[tuple[str, str], ...]
    fields: tuple[Field, ...] = ()
    dated: bool = True  # has a start and (perhaps) an end


def _f(name: str, type_: str, label: str, **kw: object) -> Field:
    return Field(name, type_, label, required=bool(kw.pop("required", False)), **kw)  # type: ignore[arg-type]


KINDS: dict[str, EntryKind] = {
    k.key: k
    for k in (
        EntryKind(
            "eol",
            "Extraordinary leave",
            "8.12",
            (
                ("approved", "Approved"),
                ("on_leave", "On leave"),
                ("completed", "Rejoined"),
                ("revoked", "Revoked"),
                ("not_rejoined", "Not rejoined"),
            ),
            (_f("purpose", "text", "Purpose"),),
        ),
        EntryKind(
            "ltt",
            "Long-term training",
            "7.7",
            LTT_STATUSES,
            (
                _f("level", "choice", "Level", choices=LTT_LEVELS, required=True),
                _f("mode", "choice", "Mode", choices=LTT_MODES, required=True),
                _f("funding", "choice", "Funding", choices=LTT_FUNDING, required=True),
                _f("course", "text", "Course"),
                _f("institute", "text", "Institute and country"),
                _f("ordinal", "int", "Progressive number (1st, 2nd, 3rd LTT)"),
                _f("obligation_end", "date", "Service obligation ends", future_ok=True),
                _f("employment_cost", "decimal", "Employment-related cost (Nu)"),
                _f("scholarship_cost", "decimal", "Scholarship-related cost (Nu)"),
            ),
        ),
        EntryKind(
            "stt",
            "Short-term training",
            "7.6",
            (("completed", "Completed"),),
            (_f("course", "text", "Course"),),
        ),
        EntryKind(
            "secondment",
            "Secondment",
            "13.10",
            (
                ("approved", "Approved"),
                ("on_secondment", "On secondment"),
                ("returned", "Returned"),
                ("not_rejoined", "Not rejoined"),
                ("resigned", "Resigned while on secondment (13.10.8.2)"),
            ),
            (
                _f("organisation", "text", "Organisation"),
                _f(
                    "location",
                    "choice",
                    "Where",
                    choices=(("outside", "Outside Bhutan"), ("inside", "Inside Bhutan")),
                ),
                _f("obligation_end", "date", "Return service obligation ends", future_ok=True),
            ),
        ),
        EntryKind(
            "transfer",
            "Transfer",
            "13",
            (("ordered", "Ordered"), ("completed", "Joined"), ("cancelled", "Cancelled")),
            (
                _f("transfer_kind", "choice", "Kind", choices=TRANSFER_KINDS, required=True),
                _f("from_agency", "text", "From agency"),
                _f("to_agency", "text", "To agency"),
                _f("from_station", "text", "From station"),
                _f("to_station", "text", "To station"),
            ),
        ),
        EntryKind(
            "leave",
            "Leave",
            "8",
            (("taken", "Taken"),),
            (_f("leave_type", "choice", "Type", choices=LEAVE_TYPES, required=True),),
        ),
        EntryKind(
            "court_case",
            "Court case",
            "8.12.4.4",
            (
                ("pending", "Pending"),
                ("closed", "Closed"),
                ("convicted", "Convicted (on the Negative List, 19.14.3.1)"),
            ),
            (
                _f("official_functions", "bool", "Related to official functions"),
                _f("note", "text", "Particulars"),
            ),
        ),
        EntryKind(
            "suspension",
            "Suspension",
            "19.9",
            (
                (
                    "in_force",
                    "In force: the position is not filled by recruitment until the final "
                    "decision (19.9.15)",
                ),
                ("revoked", "Revoked (19.9.12)"),
                ("ended", "Ended with the proceedings (19.9.9, 19.9.10)"),
            ),
            (
                _f("position", "text", "Position held for the incumbent"),
                _f("order", "text", "Order"),
                _f("no_recruitment", "text", "No recruitment in place (19.9.15)"),
            ),
        ),
        EntryKind(
            "audit_memo",
            "Audit memo",
            "13.10.3.1",
            (("pending", "Pending"), ("settled", "Settled")),
            (_f("note", "text", "Particulars"),),
            dated=False,
        ),
        EntryKind(
            "due",
            "Outstanding dues",
            "13.10.3.1",
            (("outstanding", "Outstanding"), ("cleared", "Cleared"), ("revoked", "Revoked")),
            (_f("amount", "decimal", "Amount (Nu)"), _f("note", "text", "Particulars")),
        ),
        EntryKind(
            "service_obligation",
            "Service obligation",
            "7.7.7, 13.10.6",
            (("running", "Running"), ("served", "Served")),
            (_f("source", "text", "Arising from"),),
        ),
    )
}
