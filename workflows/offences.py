"""Schedule of offences (BCSR 2023, chapter 19, 'Rules of Administrative Disciplinary Action',
19.11.3).

BCSR 19.11.3 tells the Disciplinary Committee to refer to the "Rules for Administrative
Disciplinary Actions" (Schedule 19/A, printed at the end of chapter 19 under the heading
"RULES OF ADMINISTRATIVE DISCIPLINARY ACTION") to classify an offence.  That table is
transcribed here row by row, together with the minor and major penalties of 19.11.13 and
19.11.14, so that a disciplinary case can only record a penalty whose weight matches the
classification of the offence it is imposed for.

Transcription notes:

* The printed table numbers two consecutive rows "18" and has no row "19".  ``number`` is
  the position (1..33) and is what the application stores; ``label_no`` keeps the printed
  Sl. No. so that a form or letter can quote the rule as printed.
* Six rows carry an asterisk.  The note under the table says "The Supervisor shall be
  accountable and liable for administrative sanction for all the offences with asterisk (*)".
  The asterisk is removed from ``nature`` and recorded as ``supervisor_accountable``; the
  rest of the text (including its spelling and punctuation) is exactly as printed.
"""

from dataclasses import dataclass
from typing import Literal

MINOR = "Minor"
MAJOR = "Major"
MINOR_OR_MAJOR = "Minor/Major"

Classification = Literal["Minor", "Major", "Minor/Major"]
Severity = Literal["minor", "major"]


@dataclass(frozen=True)
class Offence:
    """One row of the schedule of offences.

    ``classification`` is "Minor", "Major" or "Minor/Major".  For "Minor/Major" rows the note
    under the table gives the HRC "the authority to determine the classification of offence
    depending upon the nature and severity of the offences".
    """

    number: int  # position in the table, 1..33 (the printed Sl. No. repeats "18")
    label_no: str  # Sl. No. as printed
    nature: str  # "Nature of offences", exactly as printed, without the asterisk
    classification: Classification
    supervisor_accountable: bool  # asterisked: the supervisor is also liable to sanction


OFFENCES: tuple[Offence, ...] = (
    Offence(
        number=1,
        label_no="1",
        nature=(
            "Convicted by the court of law for a criminal offence of a misdemeanour and above for "
            "offences related to discharge of official functions."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=2,
        label_no="2",
        nature=(
            "Convicted by the court of law for a criminal offence of a misdemeanour and above for "
            "offences not related to discharge of official functions."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=3,
        label_no="3",
        nature="Gross misuse of government properties.",
        classification=MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=4,
        label_no="4",
        nature=(
            "Solicit or accept gratuity or gift by an employee which might reasonably be "
            "interpreted as tending to influence the performance of official duties."
        ),
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=5,
        label_no="5",
        nature="Gross misuse of office time for personal purposes.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=6,
        label_no="6",
        nature="Influence clients and staff for personal gains.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=7,
        label_no="7",
        nature="Disclose information to an inappropriate person or audience/ platform/forum.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=8,
        label_no="8",
        nature="Use official information for personal gains.",
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=9,
        label_no="9",
        nature="Support or conceal information related to corrupt practices.",
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=10,
        label_no="10",
        nature=(
            "Failure to declare conflict of interest which results in major implications for the "
            "Agency."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=11,
        label_no="11",
        nature="Failure to declare conflict of interest.",
        classification=MINOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=12,
        label_no="12",
        nature=(
            "Make fictitious claims or incur expenses such as travel and subsistence payments, "
            "either by themselves or by staff unjustified reporting to them."
        ),
        classification=MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=13,
        label_no="13",
        nature="Non-Compliance with Procurement Rules",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=14,
        label_no="14",
        nature="Execution of substandard works.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=15,
        label_no="15",
        nature=(
            "Unauthorised absence during working hours or on any scheduled day of work, including "
            "a pattern of frequent lateness for duty."
        ),
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=16,
        label_no="16",
        nature=(
            "Steal or vandalise office properties. (This can include deliberate or wilful damage "
            "to property or gross negligence that can result in substantial loss or damage to "
            "Government property)."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=17,
        label_no="17",
        nature=(
            "Acts of violence including the physical assault against a fellow employee or client."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=18,
        label_no="18",
        nature=(
            "Indulge in gambling or imbibing intoxicating substances like consuming drugs, "
            "alcoholic drinks during office hours."
        ),
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=19,
        label_no="18",
        nature="Habitual Drunkenness/Compulsive drinker/substance abuser.",
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=20,
        label_no="20",
        nature="Gross uneconomical usage of properties.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=21,
        label_no="21",
        nature=(
            "Intentionally mislead by giving false, fib or an omission/Commission of part or whole "
            "of information."
        ),
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=22,
        label_no="22",
        nature=(
            "Unjustified hiring of properties from others/Irregular hiring of properties to "
            "others. (unauthorised issue of materials, Payment of hiring charges at higher rates "
            "and Short/non-collection of hiring charges)."
        ),
        classification=MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=23,
        label_no="23",
        nature=(
            "Under utilisation of equipment. (a situation of not utilising equipment or resources "
            "to the fullest capacity or kept idle after procurement causing financial implication "
            "to the Government.)"
        ),
        classification=MAJOR,
        supervisor_accountable=True,
    ),
    Offence(
        number=24,
        label_no="24",
        nature="Gross Neglect of Duty.",
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=25,
        label_no="25",
        nature="Engage in incitement and conflicts.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=26,
        label_no="26",
        nature="Pass lewd remarks to clients and colleagues.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=27,
        label_no="27",
        nature="Discrimination in rendering public service due to preference.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=28,
        label_no="28",
        nature="Inefficiency and Incompetence in the performance of official duties.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=29,
        label_no="29",
        nature="Refusal to perform official duty.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=30,
        label_no="30",
        nature=(
            "Be a candidate for any election conducted under the electoral laws of the Kingdom of "
            "Bhutan or hold any paid or unpaid post in any political party."
        ),
        classification=MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=31,
        label_no="31",
        nature="Express any opinion on Politics/Political Parties either explicitly or implicitly.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=32,
        label_no="32",
        nature="Intentional double bookings/irregular/unauthorised payments.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
    Offence(
        number=33,
        label_no="33",
        nature="Violation of service rules.",
        classification=MINOR_OR_MAJOR,
        supervisor_accountable=False,
    ),
)

BY_NUMBER: dict[int, Offence] = {o.number: o for o in OFFENCES}


@dataclass(frozen=True)
class Penalty:
    """An administrative penalty of BCSR 19.11.13 (minor) or 19.11.14 (major).

    ``label`` is the wording of the rule.  Imprisonment is never an administrative penalty
    (19.11.5), and only one penalty is imposed per charge (19.11.2).
    """

    code: str
    label: str
    severity: Severity
    cite: str


PENALTIES: tuple[Penalty, ...] = (
    # 19.11.13: "A minor penalty shall consist of actions such as: ..."
    Penalty("reprimand", "Reprimand", "minor", "19.11.13.1"),
    Penalty(
        "fine",
        "Fine of an amount not exceeding one month's salary",
        "minor",
        "19.11.13.2",
    ),
    Penalty(
        "increment_deduction_minor",
        "Deduction of one/two increments from the current basic pay",
        "minor",
        "19.11.13.3",
    ),
    # 19.11.14: "A major penalty shall consist of: ..."
    Penalty("reassignment", "Reassignment", "major", "19.11.14.1"),
    Penalty(
        "increment_deduction_major",
        "Deduction of three to five increments from the current basic pay",
        "major",
        "19.11.14.2",
    ),
    Penalty(
        "pay_reduction",
        "Reduction of salary below the existing pay level but with entitlement to normal "
        "increments on due dates",
        "major",
        "19.11.14.3",
    ),
    Penalty("withhold_promotion", "Withholding of promotion", "major", "19.11.14.4"),
    Penalty("demotion", "Demotion to a lower Position Level/Position", "major", "19.11.14.5"),
    Penalty(
        "compulsory_retirement",
        "Compulsory retirement from service with post-retirement benefits",
        "major",
        "19.11.14.6",
    ),
    Penalty(
        "dismissal",
        "Dismissal or termination of service without post-retirement and other benefits, "
        "except one's own contribution",
        "major",
        "19.11.14.7",
    ),
)

PENALTY_BY_CODE: dict[str, Penalty] = {p.code: p for p in PENALTIES}


def penalty_allowed(offence: Offence, penalty: Penalty) -> bool:
    """Whether ``penalty`` may be imposed for ``offence``, judged by classification alone.

    Why: 19.11.3 makes the schedule the reference "for classification of offence and penalty",
    and 19.11.13/19.11.14 split the penalties into minor and major ones.  So a Major offence
    takes a major penalty (19.11.14) and a Minor offence a minor one (19.11.13).  For a
    "Minor/Major" offence the note under the schedule lets the HRC decide the classification
    "depending upon the nature and severity", so either weight is allowed here and the
    decision recorded on the case is what binds.

    Not decided here (they need the case's history or the court's finding, not just the row):
    19.11.13.4 (three or more reprimands or minor penalties lead to a major penalty),
    19.11.7 (termination on conviction for an offence related to official functions, row 1)
    and 19.11.8 (compulsory retirement on conviction for an unrelated offence, row 2).
    """
    if offence.classification == MINOR_OR_MAJOR:
        return penalty.severity in ("minor", "major")
    if offence.classification == MAJOR:
        return penalty.severity == "major"
    if offence.classification == MINOR:
        return penalty.severity == "minor"
    raise ValueError(f"unknown classification {offence.classification!r}")
