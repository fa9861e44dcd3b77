"""Applications the tests open, each with every particular its rule asks for, so a test
names only what it changes."""

from __future__ import annotations

from typing import Any


def eol_application(**changes: Any) -> dict[str, Any]:
    """An EOL application (BCSR 8.12): a career break of about eight months, the undertaking
    signed and no conflicting employment; a change to None leaves that particular out."""
    raw = {
        "purpose": "career_break",
        "specific_reasons": "A sabbatical to write a history of the health service.",
        "start_on": "2027-01-04",
        "end_on": "2027-08-31",
        "undertaking_signed": True,
        "no_conflicting_employment": True,
        **changes,
    }
    return {k: v for k, v in raw.items() if v is not None}


def ltt_application(**changes: Any) -> dict[str, Any]:
    """An LTT application (BCSR 7.7): a two-year master's in Australia funded by the RGoB,
    relevant to the work, with the documents 7.7.2 asks for."""
    return {
        "course": "Master of Public Health",
        "institute": "University of Queensland, Brisbane",
        "country": "australia",
        "level": "masters",
        "mode": "full_time",
        "funding": "rgob",
        "start_on": "2027-02-01",
        "end_on": "2029-01-31",
        "employment_cost": "1200000",
        "scholarship_cost": "3000000",
        "gross_pay": "60000",
        "documents": [
            "admission",
            "course_details",
            "security_clearance",
            "audit_clearance",
            "medical_fitness",
        ],
        "relevant_to_work": True,
        **changes,
    }
