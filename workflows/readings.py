"""Readings: where the words of a BCSR provision support more than one rule, said out loud.

A process version never picks one meaning silently. It declares the provision (``Reading``:
the section, its words, each way they can be read and what drukflow does under each) and
the one in force with the reason (``InForce``). Interpreting the BCSR is the RCSC's
(BCSR 2023 section 1.7: "The authority for amendment and interpretation of any provision
under the BCSR 2023 shall vest with the RCSC"), so a change of reading is a new version of
the definition: cases keep the reading they were opened under until migrated.

A guard or an eligibility rule that holds only under one reading says so with ``under``
(``(reading id, option)``); an effect asks the case's version (``Process.reading``). Every
refusal that depends on a reading names it and the day it came into force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

INTERPRETATION_CITE = "1.7"


@dataclass(frozen=True)
class Option:
    label: str  # short, stable: what versions and tests name
    does: str  # what drukflow does under this reading


@dataclass(frozen=True)
class Reading:
    id: str  # R-<section>, e.g. R-19.8.2.2-vi
    section: str
    words: str  # the provision's words, quoted from the rule text
    question: str  # what the words leave open
    options: tuple[Option, ...]

    def option(self, label: str) -> Option:
        for o in self.options:
            if o.label == label:
                return o
        known = ", ".join(o.label for o in self.options)
        raise ValueError(f"{self.id} has no reading '{label}' (one of {known})")


@dataclass(frozen=True)
class InForce:
    """The reading a version applies, why, and since when (the first version that applied
    it; ``revise`` carries it forward while the option stays the same)."""

    reading: Reading
    option: str
    why: str
    since: date | None = None

    def __post_init__(self) -> None:
        self.reading.option(self.option)  # an unknown option is a definition error

    @property
    def chosen(self) -> Option:
        return self.reading.option(self.option)

    def note(self) -> str:
        """How a refusal or a deadline names the reading it depends on."""
        since = f", in force since {self.since:%a %d %b %Y}" if self.since else ""
        return f"reading {self.reading.id}: {self.chosen.does}{since}"


# ---------------------------------------------------------------- chapter 19

INVESTIGATION_EXTENSION = Reading(
    "R-19.8.2.2-vi",
    "19.8.2.2(vi)",
    "The investigation shall be completed within 15 days from its commencement. The "
    "Disciplinary Committee may extend the investigation period if required for a maximum "
    "period of 30 days, if required.",
    "Is 30 days the whole investigation period once extended, or the most the extension "
    "itself may add to the first 15?",
    (
        Option("total", "at most 30 days in total from commencement"),
        Option("beyond", "up to 30 days beyond the first 15 (at most 45 from commencement)"),
    ),
)

SUMMARY_APPEAL_WINDOW = Reading(
    "R-19.12.2-summary",
    "19.12.2",
    '19.2.4: [the right] "To an appeal or review of a disciplinary decision." 19.3.7: '
    '"Administrative Tribunal: For appeal cases against the decision of the RCSC." 19.12.2: '
    '"A respondent civil servant may appeal against the decision of the Disciplinary Committee '
    'within 10 working days from the receipt of the decision."',
    "The RCSC's summary compulsory retirement (19.10.1) is a disciplinary decision that may be "
    "appealed (19.2.4) to the Tribunal (19.3.7), but it is not a decision of a Disciplinary "
    "Committee, and no provision sets the time to appeal it: does 19.12.2's window apply, or "
    "is there none?",
    (
        Option(
            "ten_working_days",
            "10 working days from the civil servant's receipt of the RCSC's order, as 19.12.2; "
            "the retirement is final when they lapse without an appeal",
        ),
        Option("none", "no window: the retirement never becomes final by lapse of time"),
    ),
)

OVERSIGHT_APPEAL = Reading(
    "R-19.12.1-oversight",
    "19.12.1",
    "In the event an aggrieved civil servant or oversight Agency has observed inconsistencies "
    "in the disciplinary action, the case may be appealed to the Appellate Authority.",
    '19.12.2\'s 10 working days bind "A respondent civil servant"; 19.12.1 sets no time for '
    "an oversight agency. Is its appeal held to the respondent's window, or open after it, "
    "even once the decision became final for the respondent?",
    (
        Option(
            "respondent_window",
            "an oversight agency appeals only while the respondent's 10 working days run",
        ),
        Option(
            "no_limit",
            "an oversight agency may appeal a Disciplinary Committee's decision at any time, "
            "also after the respondent's window closed and the decision became final",
        ),
    ),
)

REPEATED_MINOR = Reading(
    "R-19.11.13.4",
    "19.11.13.4",
    "Three or more reprimands or minor penalties would lead to a major penalty.",
    "Once the record holds three or more reprimands or minor penalties, must the committee "
    "impose a major penalty on a further charge it finds proven, or may it still choose a "
    "minor one?",
    (
        Option(
            "leads",
            "a decision finding a charge proven imposes a major penalty, whatever the "
            "offence's classification",
        ),
        Option(
            "permits",
            "the committee may impose a major penalty, whatever the offence's "
            "classification, or still a minor one",
        ),
    ),
)

SUSPENSION_PROCEEDINGS = Reading(
    "R-19.9.9-proceedings",
    "19.9.9, 19.9.15",
    '19.9.9: "The subsistence allowance shall be paid until the completion of Court/'
    'disciplinary proceedings." 19.9.15: "till all the administrative and/court proceedings '
    'are completed and the final decision against the incumbent is taken."',
    "A suspension lasts until the proceedings, the court's included, are complete: may it "
    "also be ordered after the committee decided, while the decision may still be appealed, "
    "is under appeal, or the Tribunal's decision is before the High Court or Supreme Court "
    "(19.12.5)?",
    (
        Option(
            "enquiry",
            "a suspension is ordered only while the committee enquires (notice to meeting); "
            "one in force runs until the case closes",
        ),
        Option(
            "until_final",
            "a suspension may be ordered, revoked and stays in force until the final "
            "decision: during the enquiry, the appeal window, the appeal and its execution, "
            "and on a closed case while an appeal of the Tribunal's decision to the High "
            "Court or Supreme Court, or criminal charges filed on the case (19.11.5), await "
            "judgement; never of a civil servant the case separated",
        ),
    ),
)

ACAB_EXCEPTION = Reading(
    "R-19.9.2-acab",
    "19.9.2",
    "The authority to suspend civil servants in ESC shall be RCSC, with the exception as "
    "provided in ACAB 2011.",
    "The chapter does not say what the Anti-Corruption Act's exception is. Who records a "
    "suspension the Act requires, of a civil servant in ESC, and does the Disciplinary "
    "Committee's pre-suspension hearing (19.9.3) come first?",
    (
        Option(
            "rcsc_only",
            "only the RCSC suspends a civil servant in ESC, after the pre-suspension hearing, "
            "whatever required the suspension",
        ),
        Option(
            "commission_order",
            "a suspension ordered by the Anti-Corruption Commission under ACAB 2011 is "
            "executed by the civil servant's agency (or the RCSC) on that order, ESC "
            "included, naming the order; the Commission ordered it, so the committee's "
            "discretion and its pre-suspension hearing (19.9.1, 19.9.3) are not asked",
        ),
    ),
)

# ---------------------------------------------------- compulsory retirement

_RETIRE_QUESTION = (
    "Must the competent authority retire, or may it condone the failure where the absence "
    'was due to unavoidable circumstances (8.15.2: "should the HRC of the Agency be '
    "convinced that the civil servant has remained absent due to unavoidable circumstances "
    'and deserves regularisation")?'
)
_RETIRE_OPTIONS = (
    Option("mandatory", "compulsory retirement is mandatory: no condonation"),
    Option("condonable", "the authority may condone the failure instead (8.15.2)"),
)

EOL_NOT_REJOINED = Reading(
    "R-8.12.15",
    "8.12.15",
    "A civil servant failing to join the service after completion of the EOL shall be "
    "compulsorily retired.",
    _RETIRE_QUESTION,
    _RETIRE_OPTIONS,
)
SECONDMENT_NOT_REJOINED = Reading(
    "R-13.10.6.4",
    "13.10.6.4",
    "Should a civil servant fail to rejoin the service on completion of the secondment "
    "period, the candidate shall be compulsorily retired from the Civil Service with effect "
    "from the date of completion of the approved secondment period",
    _RETIRE_QUESTION,
    _RETIRE_OPTIONS,
)
LTT_LATE_REPORTING = Reading(
    "R-7.7.8.1-v",
    "7.7.8.1(v)",
    "Late reporting (Failure to report as per Section 7.7.6.1): Compulsory retirement from "
    "the service.",
    _RETIRE_QUESTION,
    _RETIRE_OPTIONS,
)

# ------------------------------------------------------------------ secondment

CLEAN_RECORD = Reading(
    "R-13.10.3.1",
    "13.10.3.1",
    "Has a clean service record with no outstanding dues, audit memos, or administrative "
    "penalties, and no pending administrative disciplinary cases against them",
    "Does any administrative penalty ever imposed bar a secondment, or only one still in "
    "force (its term not yet over)?",
    (
        Option("ever", "no administrative penalty on the record, however old (unless revoked)"),
        Option("in_force", "no administrative penalty in force"),
    ),
)

RETURN_OBLIGATION_IN_BHUTAN = Reading(
    "R-13.10.6.2",
    "13.10.6.2",
    "A civil servant, upon return from secondment from International Organisations within "
    "Bhutan shall be required to serve the Civil Service equivalent to the duration of "
    "secondment period or until superannuation, whichever is earlier",
    "Does the return obligation bind only a secondment to an international organisation "
    "within Bhutan, or a secondment to any organisation within Bhutan?",
    (
        Option(
            "international_only",
            "only a secondment to an international organisation within Bhutan carries the "
            "obligation",
        ),
        Option("any", "a secondment to any organisation within Bhutan carries the obligation"),
    ),
)

# ------------------------------------------------------------------------ LTT

WITHDRAWAL_OBLIGATION = Reading(
    "R-7.7.7.6-withdrawal",
    "7.7.7.6",
    "Service Obligation: 2/3/4 times the approved duration of course ... For withdrawal "
    "from LTT with reasons beyond the candidate's control, there shall not be any LTT "
    "obligation.",
    "After a withdrawal within the candidate's control, is the service obligation 2/3/4 "
    "times the approved duration of the course, or times the period actually studied?",
    (
        Option("approved_duration", "2/3/4 times the approved duration of the course"),
        Option("period_studied", "2/3/4 times the period studied, up to the withdrawal"),
    ),
)

SEPARATED_TIME = Reading(
    "R-7.7.7.1-reinstated",
    "7.7.7.1, 19.8.3, 19.12.6",
    '7.7.7.1: "A civil servant availing LTT shall be required to serve for a specified '
    'duration to ensure return on investment." 19.12.6: "the penalty shall stand revoked." '
    '19.9.11: "The period of suspension shall be considered as part of active service for '
    "the purpose of gratuity, annual increment, and promotion only if the respondent civil "
    'servant is found innocent and acquitted of all charges and accordingly reinstated."',
    "A civil servant separated by a penalty that is later quashed (19.8.3) or revoked "
    "(19.12.6) is reinstated: does the time between the separation and the reinstatement "
    "count toward the LTT service obligation, as if the service had never been broken, or "
    "was it not served, so that the obligation runs that much longer?",
    (
        Option(
            "counted",
            "the time separated counts toward the LTT service obligation: its end and last "
            "day owed stay as recorded",
        ),
        Option(
            "not_served",
            "the time separated was not served: each LTT service obligation running on the "
            "day of separation ends later by the days from that day to the day before the "
            "reinstatement, its last day owed with it",
        ),
    ),
)

_DURATION_QUESTION = (
    "Is the multiple of a duration counted in days (the period's days multiplied), or in "
    "calendar months and years (the period in months, and days left over, each multiplied "
    "and added on the calendar, so a leap day never moves the end)?"
)
_DURATION_OPTIONS = (
    Option("days", "the period's calendar days multiplied, added as days"),
    Option(
        "calendar",
        "the period in calendar months (and days left over) multiplied, added as months on "
        "the calendar; the last day owed is the day before the end",
    ),
)
LTT_OBLIGATION_DURATION = Reading(
    "R-7.7.7.6-duration",
    "7.7.7.6",
    "Service Obligation: 2/3/4 times the approved duration of course",
    _DURATION_QUESTION,
    _DURATION_OPTIONS,
)
SECONDMENT_OBLIGATION_DURATION = Reading(
    "R-13.10.6.1-duration",
    "13.10.6.1",
    "A civil servant, upon return from secondment from the International Organisation "
    "outside Bhutan shall serve in the Civil Service double the duration of the secondment "
    "period or until superannuation, whichever is earlier",
    _DURATION_QUESTION,
    _DURATION_OPTIONS,
)
DURATION_WHY = (
    'the rules state durations in months and years ("2/3/4 times the approved duration", '
    '"double the duration"): an 18-month course at 2x is 36 months from the return, '
    "whatever leap days fall in it; the first version multiplied days"
)

# ------------------------------------------------------------------- transfer

JOINING_DEADLINE = Reading(
    "R-13.9.3",
    "13.9.3, 13.9.4",
    "13.9.3: shall assume the new responsibilities immediately on expiry of the admissible "
    "joining time unless otherwise approved by the receiving Agency; 13.9.4: A civil servant "
    "shall report to the new place of posting within the admissible joining time as per "
    "Section 13.11 failing which the relieving Agency shall withhold his salary",
    'Is the last day to report the last day of the joining time (13.9.4 "within"), or the '
    'first working day after it, when duty is assumed (13.9.3 "immediately on expiry")?',
    (
        Option("within", "report by the last day of the joining time itself"),
        Option(
            "on_expiry",
            "report by the first working day after the joining time ends; the salary is "
            "withheld from the day after that",
        ),
    ),
)

LTT_TRANSFER_SCOPE = Reading(
    "R-13.4.5.2-scope",
    "13.4.5.2, 7.7.7.7",
    "13.4.5.2: Completed a minimum duration equal to the LTT period in the same position at "
    "the time of the transfer effective date, if any, to apply to another position within "
    "or outside an Agency; 7.7.7.7: A civil servant shall have service obligation to his "
    "agency/position as per Section 13.4.5.2 to be eligible for transfer",
    'Does the period bar every transfer (7.7.7.7 "to be eligible for transfer"), or only a '
    'civil servant applying for another position (13.4.5.2 "to apply to another position"): '
    "a transfer on request or a lateral transfer, not one the agencies plan?",
    (
        Option(
            "every",
            "every transfer waits for the period, planned, OSA and foreign posting included",
        ),
        Option(
            "applied",
            "only a transfer the civil servant applies for (on request, lateral) waits for the "
            "period; one the agencies make (planned, OSA, foreign posting) does not",
        ),
    ),
)

LOWER_LEVEL_PAY = Reading(
    "R-13.4.16",
    "13.4.16",
    "13.4.16.1: When a transfer is in the public interest, the employee shall be entitled to "
    "maintain his existing salary, even if his Position Title and Position Level change. "
    "13.4.16.2: When a transfer is of the employee's personal choice, remuneration will be "
    "based on the new Position Title and Position Level.",
    "Which kinds of transfer are of the employee's personal choice: both that the civil "
    "servant applies for (on request, and lateral to an announced vacancy, 13.6), or only a "
    "transfer on request, a lateral transfer filling a vacancy the agency urgently needs "
    "(13.4.4) being in the public interest?",
    (
        Option(
            "applied",
            "on request and lateral: personal choice, pay by the new position (13.4.16.2); "
            "planned, OSA, foreign posting: public interest, salary kept (13.4.16.1)",
        ),
        Option(
            "on_request_only",
            "on request only: personal choice, pay by the new position (13.4.16.2); lateral, "
            "planned, OSA, foreign posting: public interest, salary kept (13.4.16.1)",
        ),
    ),
)

OSA_SPECIALIST = Reading(
    "R-13.7.1",
    "13.7.1",
    "13.7.1: A civil servant in PMC (up to P2) and Specialist; 2.2.6: progression to P1 "
    "specialist and ES positions shall be based on the fulfilment of relevant specialist "
    "promotion criteria",
    'Is "Specialist" the Specialist positions of the Executive & Specialist Category (ES1-ES3, '
    "2.2.2.1 ii) only, or also the P1 Specialist (2.2.6, 12.4.1, 12.6.1), who is at P1, "
    'above the PMC\'s "up to P2"?',
    (
        Option("es_only", "an OSA is open to P2-P5 and to ES1-ES3; no P1"),
        Option(
            "p1_specialist",
            "an OSA is open to P2-P5, to ES1-ES3 and to a P1 Specialist (declared on the "
            "proposal); a P1 in management is not",
        ),
    ),
)


CONDONE_WHY = (
    "8.15.2 lets the HRC regularise an absence due to unavoidable circumstances; the "
    "first version let the competent authority condone instead of retiring"
)


ALL: tuple[Reading, ...] = (
    INVESTIGATION_EXTENSION,
    SUMMARY_APPEAL_WINDOW,
    OVERSIGHT_APPEAL,
    REPEATED_MINOR,
    SUSPENSION_PROCEEDINGS,
    ACAB_EXCEPTION,
    EOL_NOT_REJOINED,
    SECONDMENT_NOT_REJOINED,
    LTT_LATE_REPORTING,
    CLEAN_RECORD,
    RETURN_OBLIGATION_IN_BHUTAN,
    WITHDRAWAL_OBLIGATION,
    SEPARATED_TIME,
    LTT_OBLIGATION_DURATION,
    SECONDMENT_OBLIGATION_DURATION,
    JOINING_DEADLINE,
    LTT_TRANSFER_SCOPE,
    LOWER_LEVEL_PAY,
    OSA_SPECIALIST,
)
