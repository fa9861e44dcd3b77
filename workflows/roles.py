"""Who is who in the BCSR's HR processes (2.10, 19.3).

Every agency's Human Resource Committee sits as its Disciplinary Committee (19.3.4);
the HR officer is its member secretary; the RCSC acts for executives and specialists
(19.3.6) and hears appeals from ministries and agencies (19.3.7).
"""

from __future__ import annotations

HR_OFFICER = "hr_officer"
DC_MEMBER = "dc_member"
HRC_CHAIR = "hrc_chair"
MEMBER_SECRETARY = "member_secretary"
INVESTIGATOR = "investigator"
APPELLATE = "appellate_authority"
RCSC = "rcsc"
RESPONDENT = "respondent"
CIVIL_SERVANT = "civil_servant"  # a civil servant applying for themselves (EOL, LTT, transfer)
ADMIN = "admin"
SYSTEM = "system"

LABELS = {
    HR_OFFICER: "HR officer",
    DC_MEMBER: "DC/HRC member",
    HRC_CHAIR: "HRC chairperson",
    MEMBER_SECRETARY: "member secretary",
    INVESTIGATOR: "investigator",
    APPELLATE: "appellate authority",
    RCSC: "RCSC",
    RESPONDENT: "respondent",
    CIVIL_SERVANT: "civil servant (own applications)",
    ADMIN: "administrator",
    SYSTEM: "deadline timer",
}

ALL = frozenset(LABELS) - {SYSTEM}

# The committee: members, its chairperson and its member secretary all sit on the DC.
COMMITTEE = frozenset({DC_MEMBER, HRC_CHAIR, MEMBER_SECRETARY})

# Roles that act only on the user's own record (Actor.employee_eid == the case's subject).
SELF = frozenset({RESPONDENT, CIVIL_SERVANT})

# An RCSC officer acting where the RCSC is the competent body (19.3.6, 19.3.7, 19.9.2).
RCSC_ACTS_AS = frozenset({DC_MEMBER, HRC_CHAIR, MEMBER_SECRETARY, APPELLATE, HR_OFFICER})

# Roles held by an agency's own officers (they act on their agency's cases).
AGENCY_STAFF = frozenset({HR_OFFICER, DC_MEMBER, HRC_CHAIR, MEMBER_SECRETARY, INVESTIGATOR})

# Agency codes of the bodies the rules name.
RCSC_AGENCY = "RCSC"
TRIBUNAL_AGENCY = "AT"
