"""Who decided a case and who had stepped aside (19.3.5), for the due-process report."""

from __future__ import annotations

import re
from typing import Any

from sqlmodel import Session, select

from cases.core import audit
from cases.core.models import Recusal, User
from cases.processes.disciplinary import objection_recusal_reason
from cases.review.due_process_lines import (
    Decision,
    RecusalLine,
)
from cases.review.due_process_trail import (
    Trail,
    event_day,
    listed,
    step_of,
)
from workflows import roles as R

DECIDING = frozenset(
    {
        "direct_enquiry",
        "refer_to_adr",
        "terminate_adr",
        "adr_resolved",
        "dismiss_complaint",
        "serve_notice",
        "dismiss_case",
        "order_investigation",
        "convene_meeting",
        "extend_investigation",
        "escalate_to_committee",
        "record_decision",
        "endorse_decision",
        "return_to_dc",
        "communicate_decision",
        "decide_appeal",
        "execute_appeal_decision",
        "lodge_oversight_appeal",
        "forward_for_prosecution",
        "record_court_judgement",
        "recommend_summary",
        "summary_retire",
        "decline_summary",
        "suspend",
        "revoke_suspension",
        "decide_on_death",
    }
)


def _names(text: str) -> set[str]:
    return {w.strip().lower() for w in re.split(r"[,;/\n]|\band\b", text) if w.strip()}


def decisions_and_recusals(
    session: Session, tr: Trail
) -> tuple[tuple[Decision, ...], tuple[RecusalLine, ...]]:
    """Each deciding event with the actor's capacity and the recusals in force, and each
    recusal (19.3.5) with what the member had done on the case before stepping aside."""
    objected = {str(tr.fields_of(e).get("objected_member", "")) for e in tr.of("decide_objection")}
    users = {
        u.username: u
        for u in session.exec(
            select(User).where(User.username.in_({e.actor for e in tr.events} | objected))  # type: ignore[attr-defined]
        )
    }
    rows = session.exec(
        select(Recusal, User)
        .join(User, User.id == Recusal.user_id)
        .where(Recusal.case_id == tr.case.id)
    ).all()
    declared = tr.of("declare_recusal")
    recusals: list[RecusalLine] = []
    seen: set[tuple[str, str]] = set()
    for ev in declared:
        reason = str(tr.fields_of(ev).get("reason", ""))
        seen.add((ev.actor, reason))
        acted = tuple(
            f"{e.trigger.replace('_', ' ')} (#{e.seq})"
            for e in tr.events
            if e.actor == ev.actor and e.seq < ev.seq and e.trigger != "declare_recusal"
        )
        name = users[ev.actor].display_name if ev.actor in users else ev.actor
        recusals.append(RecusalLine(ev.actor, name, ev.role, reason, ev.at, ev.seq, acted))
    # An objection the HRC chair upheld recuses the member objected to (19.3.5).
    upheld = [
        (ev, tr.fields_of(ev))
        for ev in tr.of("decide_objection")
        if tr.fields_of(ev).get("objection_decision") == "upheld"
    ]
    for ev, f in upheld:
        member = str(f.get("objected_member", ""))
        reason = objection_recusal_reason(str(f.get("objection_reasons", "")))
        seen.add((member, reason))
        acted = tuple(
            f"{e.trigger.replace('_', ' ')} (#{e.seq})"
            for e in tr.events
            if e.actor == member and e.seq < ev.seq
        )
        name = users[member].display_name if member in users else member
        recusals.append(RecusalLine(member, name, "", reason, ev.at, ev.seq, acted))
    stepped_aside = [(ev.actor, ev.seq) for ev in declared] + [
        (str(f.get("objected_member", "")), ev.seq) for ev, f in upheld
    ]
    for rec, user in rows:  # a recusal row without its event would itself be a finding
        if (user.username, rec.reason) not in seen:
            at = audit.rfc3339(rec.declared_at)
            recusals.append(
                RecusalLine(user.username, user.display_name, "", rec.reason, at, None, ())
            )

    in_meeting = _meetings(session, tr)
    process_is_19 = tr.process.key == "disciplinary"
    decisions: list[Decision] = []
    for ev in tr.events:
        step = step_of(tr.process, ev)
        if step is None or step.timer_only:
            continue
        if process_is_19 and ev.trigger not in DECIDING:
            continue
        before = [member for member, seq in stepped_aside if seq < ev.seq]
        out_names = {m.lower() for m in before} | {
            users[m].display_name.lower() for m in before if m in users
        }
        f = tr.fields_of(ev)
        detail = _detail(ev.trigger, f)
        if ev.seq in in_meeting:
            detail = "; ".join(p for p in (detail, in_meeting[ev.seq]) if p)
        flags = []
        if ev.actor in before:
            flags.append("taken by a member who had declared a recusal (19.3.5)")
        present = _names(listed(f.get("members_present")))
        if present & out_names:
            flags.append("a recused member is listed as present (19.3.5)")
        name = users[ev.actor].display_name if ev.actor in users else ev.actor
        decisions.append(
            Decision(
                seq=ev.seq,
                at=ev.at,
                on=event_day(ev),
                label=step.label,
                trigger=ev.trigger,
                cite=ev.cite,
                actor=ev.actor,
                name=name,
                role=R.LABELS.get(ev.role, ev.role),
                detail=detail,
                recused_before=tuple(sorted(set(before))),
                flags=tuple(flags),
            )
        )
    return tuple(decisions), tuple(recusals)


def _meetings(session: Session, tr: Trail) -> dict[int, str]:
    """Step seq -> "in meeting MOH HRC 7/2026 (sat: ...; recused, 19.3.5: ...)", from the
    trail's ``meeting_decision`` events (cases.review.meetings.decide)."""
    found = [tr.fields_of(e) for e in tr.of("meeting_decision")]
    wanted = {str(u) for f in found for u in (*f.get("present", []), *f.get("recused", []))}
    names = {
        u.username: u.display_name
        for u in session.exec(select(User).where(User.username.in_(wanted)))  # type: ignore[attr-defined]
    }

    def who(users: list[str]) -> str:
        return ", ".join(names.get(str(u), str(u)) for u in users) or "none"

    return {
        int(f["step_seq"]): f"in meeting {f.get('meeting', '')} (sat: {who(f.get('present', []))}; "
        f"recused, 19.3.5: {who(f.get('recused', []))})"
        for f in found
        if isinstance(f.get("step_seq"), int)
    }


def _detail(trigger: str, f: dict[str, Any]) -> str:
    if trigger == "record_decision":
        present = listed(f.get("members_present"))
        return f"members present: {present}; meeting on {f.get('meeting_on', '')}"
    if trigger == "endorse_decision":
        return f"HRC meeting {f.get('hrc_meeting_no', '')} on {f.get('endorsed_on', '')}"
    if trigger == "communicate_decision":
        return f"letter {f.get('letter_no', '')}"
    if trigger == "decide_appeal":
        return f"outcome: {f.get('appeal_outcome', '')}"
    if trigger == "execute_appeal_decision":
        return f"executed (19.8.3): letter {f.get('execution_letter_no', '')}"
    if trigger == "lodge_oversight_appeal":
        return f"oversight appeal (19.12.1): {f.get('inconsistencies', '')}"
    if trigger == "forward_for_prosecution":
        return f"forwarded to the OAG (19.11.6): {f.get('oag_reference', '')}"
    if trigger == "record_court_judgement":
        return f"court judgement (19.12.6): {f.get('court_outcome', '')}"
    if trigger == "order_investigation":
        return f"investigators: {listed(f.get('investigators'))}"
    if trigger == "serve_notice":
        return f"charges: {', '.join(f.get('charges') or [])}"
    return ""
