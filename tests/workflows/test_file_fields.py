"""A step's file fields (workflows.declarations.Field, type "file") as the definitions
declare them: each names a kind of paper its process's case file holds and a
confidentiality the case file knows, read by the same roles as the step's facts."""

from __future__ import annotations

from workflows import case_file, registry


def _file_fields() -> list[tuple[str, str, str, object]]:
    return [
        (key, v.version, s.trigger, f)
        for key in registry.keys()
        for v in registry.versions(key)
        for s in v.steps
        for f in s.fields
        if f.type == "file"
    ]


def test_every_file_field_names_a_kind_and_confidentiality_the_case_file_takes() -> None:
    found = _file_fields()
    assert {(k, t) for k, _, t, _ in found} >= {
        ("disciplinary", "open"),
        ("disciplinary", "submit_report"),
        ("disciplinary", "lodge_appeal"),
        ("eol", "open"),
    }
    for key, version, trigger, f in found:
        kind = case_file.BY_KEY[f.paper]  # type: ignore[attr-defined]
        assert kind in case_file.kinds_for(key), (key, version, trigger, f.name)  # type: ignore[attr-defined]
        rule = case_file.CONFIDENTIAL_BY_CITE[f.confidential]  # type: ignore[attr-defined]
        assert rule.readers == f.visible_to, (key, trigger, f.name)  # type: ignore[attr-defined]


def test_papers_come_with_their_steps_from_2023_2_on() -> None:
    """2023.1 stays as it was: its steps take no papers (the case file's "Add to the case
    file" remains for its cases)."""
    assert all(version != "2023.1" for _, version, _, _ in _file_fields())
