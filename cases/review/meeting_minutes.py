"""A meeting's minutes (2.10.4): built from the decisions taken in it (their
``meeting_decision`` events), rendered as HTML and PDF, and issued once by the chair or the
member secretary, the PDF's SHA-256 in the audit chain; a correction is a new issue that
supersedes the last. The meeting itself, its decisions and ``minutes_of`` are
``cases.review.meetings``'.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlmodel import Session

from cases.core.models import Case, CivilServant, MeetingMinutes, User
from cases.review import meetings, printing
from workflows import committees as rules
from workflows import registry
from workflows.calendar import bt_time, long_date
from workflows.context import Actor, Refusal, Refused

MINUTES = "issue_minutes"


def issue_minutes(
    session: Session, actor: Actor, meeting_id: int, *, now: datetime
) -> MeetingMinutes:
    """The minutes, from the meeting's decisions: issued once; a second issue corrects the
    first (it supersedes it) and is itself a new issue, hashed in the chain."""
    meeting, committee = meetings.visible(session, actor, meeting_id)
    meetings.require_recorder(session, actor, committee, meeting.held_on)
    earlier = meetings.minutes_of(session, meeting_id)
    rows = meetings.decisions(session, meeting_id=meeting_id)
    if not rows and not earlier:
        raise Refused([Refusal("state", "2.10.4", "no decision was taken in this meeting yet")])
    items = []
    for d in rows:
        case = session.get(Case, d.case_id)
        cs = session.get(CivilServant, case.subject_eid) if case else None
        items.append(
            {
                "decided": d,
                "case": case,
                "subject": cs.name if cs else "",
                "process": registry.for_case(case).title if case else "",
                "outcome": _outcome(d.fields),
            }
        )
    present = [session.get(User, i) for i in meetings.present_ids(meeting)]
    recorder = session.get(User, actor.user_id)
    html = printing.render_html(
        "documents/minutes.html",
        {
            "committee": committee,
            "meeting": meeting,
            "label": meetings.label(meeting, committee),
            "held_on": long_date(meeting.held_on),
            "present": [u for u in present if u is not None],
            "items": items,
            "issue_no": len(earlier) + 1,
            "supersedes": earlier[-1] if earlier else None,
            "issued_at": bt_time(now),
            "signer": recorder.display_name if recorder else actor.username,
            "quorum_rule": rules.QUORUM_RULE,
            "min_present": committee.min_present,
        },
    )
    pdf = printing.pdf_of(html)
    sha = hashlib.sha256(pdf).hexdigest()
    event = meetings.meeting_event(
        session,
        actor,
        meeting,
        committee,
        MINUTES,
        {
            "sha256": sha,
            "html_sha256": hashlib.sha256(html.encode()).hexdigest(),
            "decisions": [d.step_seq for d in rows],
            "supersedes": earlier[-1].id if earlier else None,
        },
        "2.10.4",
        now,
    )
    minutes = MeetingMinutes(
        meeting_id=meeting_id,
        html=html,
        pdf=pdf,
        sha256=sha,
        audit_seq=event.seq,
        supersedes_id=earlier[-1].id if earlier else None,
        issued_by=actor.username,
        issued_at=now,
    )
    session.add(minutes)
    session.flush()
    return minutes


OUTCOME_FIELDS = ("decision", "findings", "appeal_outcome", "outcome", "decision_reasons")


def _outcome(fields: dict[str, Any]) -> str:
    """The decision in a line: the step's choice or findings, as recorded."""
    parts = []
    for name in OUTCOME_FIELDS:
        value = fields.get(name)
        if value in (None, "", []):
            continue
        if name == "findings" and isinstance(value, list):
            value = "; ".join(
                f"charge {r.get('charge')}: {r.get('finding')}"
                + (f", {r.get('penalty')}" if r.get("penalty") else "")
                for r in value
                if isinstance(r, dict)
            )
        parts.append(str(value))
    return " — ".join(parts)
