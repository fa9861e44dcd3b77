"""What happens to a disciplinary decision after it is taken (BCSR 2023 chapter 19): the
appeal (19.12, executed by the appellate authority's committee, 19.8.3), the forwarding for
prosecution (19.11.5, 19.11.6, 19.13) and the court's judgement on the Tribunal's decision
(19.12.5, 19.12.6). An appellate body and a court change the committee's findings the same
way (``redecide``), and a separation the case recorded stands only while a penalty that
ends service does (``reinstate_unless_separating``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cases.core import audit, service
from cases.core.effects import EffectContext, effect
from cases.core.models import CaseAgency
from cases.people.separation import (
    extend_ltt_obligations,
    reinstate,
    restore_secondment_obligations,
)
from cases.processes.disciplinary import (
    SEPARATING,
    close_suspension,
    enter_penalty,
    in_force,
    revoke_penalties,
    separate_on_penalty,
)
from workflows import disciplinary, readings, registry
from workflows import roles as R
from workflows.context import Context
from workflows.values import as_date


@effect("apply_appeal_outcome")
def apply_appeal_outcome(ec: EffectContext) -> None:
    """A quashed or remanded decision revokes its penalties; the DC decides again (19.8.3)."""
    if ec.fields.get("appeal_outcome") in ("quashed", "remanded"):
        revoke_penalties(ec)
    if ec.fields.get("appeal_outcome") == "quashed":
        ec.data["findings"] = [
            {**r, "finding": "not_guilty", "penalty": None} for r in ec.data.get("findings") or []
        ]
    if ec.fields.get("appeal_outcome") in ("upheld", "quashed"):
        close_suspension(ec)  # the case ends here: settle the suspension (19.9.9, 19.9.10)


@effect("record_appellate_body")
def record_appellate_body(ec: EffectContext) -> None:
    """19.3.7: the appellate body named when the appeal is lodged (by who decided) sees the
    case from then on (cases.core.queries.visibility), whichever body that is."""
    subject = service.subject_of(ec.session, ec.case.subject_eid)
    ctx = Context(subject=subject, data=ec.data, fields=ec.fields, today=ec.today)
    body = disciplinary.appellate_authority(registry.for_case(ec.case), ctx)
    for code in body.agencies:
        if ec.session.get(CaseAgency, (ec.case.id, code)) is None:
            ec.session.add(CaseAgency(case_id=ec.case.id, agency_code=code, part="appellate"))  # type: ignore[arg-type]
    ec.data["appellate_body"] = {"agencies": list(body.agencies), "cite": body.cite}


@effect("summary_decided_by_rcsc")
def summary_decided_by_rcsc(ec: EffectContext) -> None:
    """19.10.1: the RCSC itself decided the summary retirement, so its appeal goes to the
    Administrative Tribunal ("For appeal cases against the decision of the RCSC", 19.3.7)."""
    ec.data["decided_by"] = {"agencies": [R.RCSC_AGENCY], "cite": "19.10.1"}


def _apply_findings(
    ec: EffectContext, before: dict[int, dict], rows: list[dict], how: str
) -> list[str]:
    """A later body's findings over the committee's: on each charge whose finding or penalty
    changed, the penalty in force is revoked and the new one entered in the service record
    (19.11.9). Returns what changed, charge by charge."""
    changes: list[str] = []
    for row in rows:
        was = before.get(row["charge"], {})
        if (was.get("finding"), was.get("penalty")) == (row["finding"], row["penalty"]):
            continue
        revoke_penalties(ec, row["charge"])
        if row["finding"] == "not_guilty":
            changes.append(f"charge {row['charge']}: acquitted {how}")
            continue
        pen = enter_penalty(ec, row["charge"], row["penalty"])
        old = (was.get("penalty") or "none").replace("_", " ")
        changes.append(
            f"charge {row['charge']}: penalty varied {how} from {old} to "
            f"{pen.code.replace('_', ' ')}"
        )
    return changes


def redecide(
    ec: EffectContext,
    record: str,
    cite: str,
    outcome: str | None,
    on: object,
    *,
    how: str,
    acquit: str = "",
    revoke: bool = False,
    rows: list[dict] | None = None,
) -> None:
    """A later body's decision over the committee's, on the findings and the service record,
    kept on the case as ``record`` (``outcome``, its day ``on``, what changed, ``cite``).
    ``acquit`` (what to say of it): acquitted on every charge, every penalty and fine revoked
    (19.12.4 quashed; 19.12.6 "the penalty shall stand revoked"). ``revoke``: every penalty
    revoked, the findings kept (a remand, 19.8.3). ``rows``: the finding and penalty on each
    charge (varied on appeal, 19.12.4; guilty on some charges, 19.12.6)."""
    before = {r["charge"]: r for r in ec.data.get("findings") or []}
    changes: list[str] = []
    if acquit or revoke:
        revoke_penalties(ec)
    if acquit:
        ec.data["findings"] = [
            {**r, "finding": "not_guilty", "penalty": None} for r in before.values()
        ]
        changes = [acquit]
    elif rows is not None:
        ec.data["findings"] = rows
        changes = _apply_findings(ec, before, rows, how)
    ec.data[record] = {"outcome": outcome, "on": on, "changes": changes, "cite": cite}


@effect("execute_appeal_decision")
def execute_appeal_decision(ec: EffectContext) -> None:
    """19.8.3: "the Disciplinary Committee of the Appellate Authority shall execute the
    decision rendered by the Appellate Authority". Upheld: the penalties stand. Varied: on
    each charge whose finding or penalty changed, the committee's penalty is revoked and the
    appellate body's entered in the service record (19.11.9). Quashed: every charge acquitted,
    every penalty revoked. Remanded: the penalties are revoked until the deciding body decides
    again. A civil servant this case separated is reinstated on the register when no
    penalty that ends service stands; one the appellate body dismisses or retires is
    separated (19.11.14)."""
    outcome = ec.data.get("appeal_outcome")
    redecide(
        ec,
        "appeal_executed",
        "19.8.3",
        outcome,
        ec.fields.get("executed_on"),
        how="on appeal",
        acquit="acquitted on every charge; every penalty revoked" if outcome == "quashed" else "",
        revoke=outcome == "remanded",
        rows=ec.data.get("appellate_findings") or [] if outcome == "varied" else None,
    )
    reinstate_unless_separating(ec)
    if outcome == "remanded":
        return
    if not ec.data.get("separation"):
        separate_on_penalty(ec)
    close_suspension(ec)  # the case ends here: settle the suspension (19.9.9, 19.9.10)


def reinstate_unless_separating(ec: EffectContext, cite: str = "19.8.3") -> None:
    """A separation this case recorded stands only while a penalty that ends service does;
    without one the civil servant is reinstated (cases.people.separation.reinstate), and the
    dues the separation wrote are revoked."""
    if not ec.data.get("separation"):
        return
    if {p.code for p in in_force(ec)} & set(SEPARATING):
        return
    how = "quashed on appeal" if cite == "19.8.3" else "revoked by the court"
    separated_on = as_date(ec.data.get("separated_on"))
    revoked = reinstate(
        ec.session,
        ec.case.subject_eid,
        case_id=ec.case.id,  # type: ignore[arg-type]
        reason=f"reinstated on {ec.today.isoformat()}: the penalty that separated the civil "
        f"servant was {how} (BCSR {cite}); the service obligation runs on, so no financial "
        "obligation arises (BCSR 7.7.7.2)",
    )
    ec.data["reinstated"] = {
        "on": ec.today.isoformat(),
        "cite": cite,
        "dues_revoked": [r.id for r in revoked],
    }
    if separated_on is not None:
        _obligations_resumed(ec, separated_on, how, cite)
    ec.data["separation"] = None
    ec.data["separated_on"] = None


def _obligations_resumed(ec: EffectContext, separated_on: date, how: str, cite: str) -> None:
    """On reinstatement the service obligations the separation cut short run again: each
    LTT obligation ends later by the days separated (7.7.7.1, under the case's reading
    R-7.7.7.1-reinstated), and a secondment's gratuity deduction is undone (13.10.6.5);
    each change is an audit event on the case citing its section."""
    eid, why = ec.case.subject_eid, f"reinstated: the separating penalty was {how}, {cite}"
    reading = registry.for_case(ec.case).in_force(readings.SEPARATED_TIME.id)
    if reading.option == "not_served":
        moved = extend_ltt_obligations(
            ec.session, eid, separated_on=separated_on, reinstated_on=ec.today, why=why
        )
        ec.data["reinstated"]["ltt_obligations"] = moved
        if moved:
            _event(ec, "ltt_obligation_extended", f"7.7.7.1, {cite}", moved, reading.note())
    restored = restore_secondment_obligations(
        ec.session, eid, separated_on=separated_on, reinstated_on=ec.today, why=why
    )
    ec.data["reinstated"]["gratuity_restored"] = restored
    if restored:
        _event(ec, "gratuity_deduction_undone", f"13.10.6.5, {cite}", restored, "")


def _event(ec: EffectContext, trigger: str, cite: str, lines: list[Any], reading: str) -> None:
    """The register change a reinstatement makes, on the case's own chain (no step: the
    case's state stays where it is)."""
    audit.append(
        ec.session,
        case_id=ec.case.id,
        now=ec.now,
        actor=ec.actor.username,
        role=next(iter(sorted(ec.actor.roles)), ""),
        trigger=trigger,
        from_state=ec.case.state,
        to_state=ec.case.state,
        fields={"lines": lines, **({"reading": reading} if reading else {})},
        cite=cite,
        process=ec.case.process,
        process_version=ec.case.process_version,
    )


@effect("record_prosecution")
def record_prosecution(ec: EffectContext) -> None:
    """19.11.6, 19.11.5, 19.13: the forwarding through the Office of the Attorney General (the
    RCSC notified), then the criminal charges filed, then the Court's judgement on them, kept
    together on the case."""
    keys = (
        "forwarded_to_oag_on",
        "oag_reference",
        "prosecution_court",
        "charges_filed_on",
        "court_case_no",
        "judgement_on",  # 2023.2: the court's judgement ends the proceedings (19.9.9)
        "prosecution_outcome",
    )
    found = dict(ec.data.get("prosecution") or {})
    found.update({k: ec.fields[k] for k in keys if ec.fields.get(k)})
    found["cite"] = "19.11.5, 19.11.6, 19.13"
    ec.data["prosecution"] = found


@effect("record_court_appeal")
def record_court_appeal(ec: EffectContext) -> None:
    """19.12.5: the Tribunal's decision appealed to the High Court or Supreme Court."""
    ec.data["court_appeal"] = {
        "court": ec.fields.get("appeal_court"),
        "filed_on": ec.fields.get("court_appeal_filed_on"),
        "no": ec.fields.get("court_appeal_no"),
        "cite": "19.12.5",
    }


@effect("apply_court_judgement")
def apply_court_judgement(ec: EffectContext) -> None:
    """19.12.6: "In the event the High Court or Supreme Court acquits the concerned civil
    servant of all charges ... the penalty shall stand revoked. However, if the Court finds
    him guilty on some charges he shall be imposed such administrative penalty as deemed
    appropriate." On the closed case: acquitted, every penalty revoked (and a separation
    it caused undone, the suspension settled as acquitted); guilty on some, each charge's
    penalty as the court's findings give it; upheld, nothing changes."""
    outcome = ec.fields.get("court_outcome")
    redecide(
        ec,
        "court_judgement",
        "19.12.6",
        outcome,
        ec.fields.get("judgement_on"),
        how="by the court",
        acquit="acquitted of all charges; the penalty stands revoked"
        if outcome == "acquitted"
        else "",
        rows=ec.fields.get("court_findings") or [] if outcome == "guilty_on_some" else None,
    )
    if outcome != "upheld":
        reinstate_unless_separating(ec, cite="19.12.6")
    if outcome != "upheld" or ec.data.get("suspended"):
        close_suspension(ec)  # the court proceedings end here (19.9.9, 19.9.10)
