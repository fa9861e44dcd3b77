"""The schedule of offences (BCSR 2023 ch. 19) and the penalty/classification rule."""

from pathlib import Path

import pytest

from workflows.offences import (
    BY_NUMBER,
    OFFENCES,
    PENALTIES,
    PENALTY_BY_CODE,
    Offence,
    penalty_allowed,
)

# The BCSR text this module was transcribed from; shared/ sits beside the repository.
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "003_34378565ee00ef61.txt"
HEADING = "## RULES OF ADMINISTRATIVE DISCIPLINARY ACTION"

MINOR_CODES = {"reprimand", "fine", "increment_deduction_minor"}
MAJOR_CODES = {
    "reassignment",
    "increment_deduction_major",
    "pay_reduction",
    "withhold_promotion",
    "demotion",
    "compulsory_retirement",
    "dismissal",
}


def test_thirty_three_offences_numbered_by_position():
    assert len(OFFENCES) == 33
    assert [o.number for o in OFFENCES] == list(range(1, 34))
    assert set(BY_NUMBER) == set(range(1, 34))
    assert all(BY_NUMBER[o.number] is o for o in OFFENCES)


def test_printed_label_repeats_18_and_skips_19():
    labels = [o.label_no for o in OFFENCES]
    assert labels.count("18") == 2
    assert "19" not in labels
    assert BY_NUMBER[18].label_no == "18"
    assert BY_NUMBER[19].label_no == "18"
    assert BY_NUMBER[19].nature == "Habitual Drunkenness/Compulsive drinker/substance abuser."
    assert BY_NUMBER[20].label_no == "20"


def test_known_classifications():
    gross_misuse = BY_NUMBER[3]
    assert gross_misuse.nature == "Gross misuse of government properties."
    assert gross_misuse.classification == "Major"
    assert gross_misuse.supervisor_accountable

    assert BY_NUMBER[11].nature == "Failure to declare conflict of interest."
    assert BY_NUMBER[11].classification == "Minor"
    assert not BY_NUMBER[11].supervisor_accountable

    assert BY_NUMBER[15].classification == "Minor/Major"
    assert BY_NUMBER[15].nature.startswith("Unauthorised absence during working hours")

    assert BY_NUMBER[1].classification == "Major"
    assert BY_NUMBER[33].nature == "Violation of service rules."
    assert BY_NUMBER[33].classification == "Minor/Major"


def test_classification_values_and_asterisks():
    assert {o.classification for o in OFFENCES} == {"Minor", "Major", "Minor/Major"}
    assert [o.number for o in OFFENCES if o.classification == "Minor"] == [11]
    assert [o.number for o in OFFENCES if o.supervisor_accountable] == [3, 12, 14, 20, 22, 23]
    assert not any("*" in o.nature for o in OFFENCES)


@pytest.mark.skipif(not SEED.exists(), reason="BCSR seed text not beside the repository")
def test_transcription_matches_source_text():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADING)
    assert lines[start + 2].split("\t") == [
        "Sl. No.",
        "Nature of offences",
        "Classification of offence",
    ]
    rows = []
    for line in lines[start + 3 :]:
        if line.startswith("**Note"):
            break
        if line.strip():
            rows.append(line.split("\t"))
    assert len(rows) == len(OFFENCES)
    for offence, (label, nature, classification) in zip(OFFENCES, rows, strict=True):
        assert offence.label_no == label
        assert offence.classification == classification
        assert offence.supervisor_accountable == ("*" in nature)
        assert offence.nature == nature.replace(" *", "").replace("*", "")


def test_penalties_codes_and_citations():
    assert {p.code for p in PENALTIES} == MINOR_CODES | MAJOR_CODES
    assert len(PENALTIES) == 10
    assert {p.code for p in PENALTIES if p.severity == "minor"} == MINOR_CODES
    assert {p.code for p in PENALTIES if p.severity == "major"} == MAJOR_CODES
    assert all(PENALTY_BY_CODE[p.code] is p for p in PENALTIES)
    assert PENALTY_BY_CODE["reprimand"].cite == "19.11.13.1"
    assert PENALTY_BY_CODE["fine"].cite == "19.11.13.2"
    assert "one month's salary" in PENALTY_BY_CODE["fine"].label
    assert PENALTY_BY_CODE["increment_deduction_minor"].cite == "19.11.13.3"
    assert PENALTY_BY_CODE["reassignment"].cite == "19.11.14.1"
    assert PENALTY_BY_CODE["increment_deduction_major"].cite == "19.11.14.2"
    assert PENALTY_BY_CODE["dismissal"].cite == "19.11.14.7"
    for p in PENALTIES:
        expected = "19.11.13." if p.severity == "minor" else "19.11.14."
        assert p.cite.startswith(expected)


@pytest.mark.parametrize("code", sorted(MAJOR_CODES))
def test_major_offence_takes_only_major_penalties(code):
    assert penalty_allowed(BY_NUMBER[3], PENALTY_BY_CODE[code])


@pytest.mark.parametrize("code", sorted(MINOR_CODES))
def test_major_offence_refuses_minor_penalties(code):
    assert not penalty_allowed(BY_NUMBER[3], PENALTY_BY_CODE[code])


def test_minor_offence_takes_only_minor_penalties():
    offence = BY_NUMBER[11]
    for p in PENALTIES:
        assert penalty_allowed(offence, p) is (p.severity == "minor"), p.code


def test_minor_or_major_offence_takes_either():
    offence = BY_NUMBER[15]
    assert all(penalty_allowed(offence, p) for p in PENALTIES)


def test_unknown_classification_is_an_error():
    bogus = Offence(99, "99", "x", "Serious", False)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        penalty_allowed(bogus, PENALTY_BY_CODE["reprimand"])
