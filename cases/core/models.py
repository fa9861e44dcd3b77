"""drukflow's tables. Alembic migrations (cases/core/migrations) create them; never create_all.

Times are stored UTC-aware; "days" in the rules are Bhutan days, stored as dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class UTCDateTime(sa.types.TypeDecorator):  # type: ignore[type-arg]
    """A UTC-aware datetime both ways. SQLite keeps no zone: without this a stored instant
    comes back naive, and `.astimezone()` would read it as the server's local time."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _utc() -> UTCDateTime:
    return UTCDateTime()


class Agency(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    name: str
    # ministry, autonomous, constitutional, department, dzongkhag, rcsc, tribunal (19.3.7)
    kind: str = Field(max_length=32)
    parent_code: str | None = Field(default=None, foreign_key="agency.code")


class CivilServant(SQLModel, table=True):
    __tablename__ = "civil_servant"
    eid: str = Field(primary_key=True, max_length=32)
    name: str
    date_of_birth: date
    position_title: str
    position_level: str = Field(max_length=8)
    agency_code: str = Field(foreign_key="agency.code", index=True)
    appointment_date: date  # first appointment in the civil service
    head_of_agency: bool = False
    # What the HR rules test (chapters 7, 8, 13, 15); see workflows.profile for their use.
    position_category: str = Field(default="", max_length=8)  # ESC, PMC, SSC, OC, GSP_ESP
    super_structure: str = ""
    occupational_group: str = ""
    employment_type: str = Field(default="regular", max_length=16)  # regular, contract
    probation_end: date | None = None
    position_since: date | None = None  # appointment in the current position (13.4.5.1)
    place_of_posting: str = ""
    nationality: str = "Bhutanese"
    performance_rating: str = Field(default="", max_length=32)
    drug_test: str = Field(default="", max_length=16)  # cleared, not_cleared, "" = none
    qualification: str = Field(default="", max_length=32)
    bcse_selected: bool = False
    status: str = Field(default="in_service", max_length=32)  # in_service, separated
    separated_on: date | None = None
    separation_reason: str = ""


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str
    password_hash: str
    roles: str  # comma-separated role names (workflows.roles)
    agency_code: str | None = Field(default=None, foreign_key="agency.code")
    # Indexed: the one who may act on their own application or case is found by employee ID
    # (cases.inbox.next_actors); officers by role and agency in user_role.
    employee_eid: str | None = Field(default=None, foreign_key="civil_servant.eid", index=True)
    active: bool = True
    email: str = Field(default="", max_length=254)  # for the optional e-mail copy of the inbox

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class UserRole(SQLModel, table=True):
    """One role a user holds, with their agency: who may act next on a case is found here by
    role and competent agency (index), so the lookup reads the holders, not every account.
    Written from ``User.roles`` whenever a user row is inserted or updated (below)."""

    __tablename__ = "user_role"
    __table_args__ = (sa.Index("ix_user_role_role_agency", "role", "agency_code"),)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=32)
    agency_code: str | None = Field(default=None, max_length=32)


def role_rows(user_id: int, roles: str, agency_code: str | None) -> list[dict[str, Any]]:
    """The user_role rows for a user's comma-separated ``roles``."""
    names = dict.fromkeys(r for r in roles.split(",") if r)
    return [{"user_id": user_id, "role": r, "agency_code": agency_code} for r in names]


@sa.event.listens_for(User, "after_insert")
@sa.event.listens_for(User, "after_update")
def _index_roles(_mapper: Any, connection: sa.Connection, user: User) -> None:
    table = UserRole.__table__  # type: ignore[attr-defined]
    connection.execute(table.delete().where(table.c.user_id == user.id))
    rows = role_rows(user.id or 0, user.roles, user.agency_code)
    if rows:
        connection.execute(table.insert(), rows)


class WebSession(SQLModel, table=True):
    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=128)  # SHA-256 of the cookie value
    user_id: int = Field(foreign_key="app_user.id", index=True)
    csrf_token: str
    created_at: datetime = Field(sa_type=_utc())
    last_seen_at: datetime = Field(sa_type=_utc())


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: str = Field(primary_key=True, max_length=128)  # SHA-256 of the bearer token
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = Field(sa_type=_utc())


class Case(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    process: str = Field(max_length=32, index=True)
    process_version: str = Field(max_length=32)
    subject_eid: str = Field(foreign_key="civil_servant.eid", index=True)
    agency_code: str = Field(foreign_key="agency.code", index=True)
    state: str = Field(max_length=64, index=True)
    version: int = 0
    title: str = ""
    data: str = "{}"  # canonical JSON of what the steps recorded
    opened_at: datetime = Field(sa_type=_utc())
    updated_at: datetime = Field(sa_type=_utc())
    closed_at: datetime | None = Field(default=None, sa_type=_utc())


# A deadline still owed (cases.core.queries.outstanding): the dashboard walks these in due order.
OUTSTANDING_SQL = (
    "status = 'armed' OR (status = 'missed' AND settled_at IS NULL AND fired_at IS NULL)"
)


class Deadline(SQLModel, table=True):
    __table_args__ = (
        # "Is anything owed on this case?" without reading its settled history.
        sa.Index("ix_deadline_case_status_due", "case_id", "status", "due_on"),
        # Only deadlines still owed, in due order: the dashboard's most-urgent-first walk
        # and the sweep cost what they touch, however many settled deadlines the database
        # holds. (It replaced an index on (status, due_on), which SQLite's planner preferred
        # for the OR of "still owed" and then sorted every owed deadline.)
        sa.Index(
            "ix_deadline_outstanding_due",
            "due_on",
            "case_id",
            sqlite_where=sa.text(OUTSTANDING_SQL),
            postgresql_where=sa.text(OUTSTANDING_SQL),
        ),
        # The same walk for one process ("EOL cases"): without it, a process with few owed
        # deadlines would read every other process's owed deadlines to fill its page.
        sa.Index(
            "ix_deadline_outstanding_process_due",
            "process",
            "due_on",
            "case_id",
            sqlite_where=sa.text(OUTSTANDING_SQL),
            postgresql_where=sa.text(OUTSTANDING_SQL),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    # The case's process, copied (a case never changes process) so the index above can
    # filter the walk by process without joining the case.
    process: str = Field(default="", max_length=32, sa_column_kwargs={"server_default": ""})
    kind: str = Field(max_length=64)
    label: str
    cite: str = Field(max_length=32)
    basis_on: date  # the day counting starts after
    amount: int
    unit: str = Field(max_length=16)  # "working_days" or "days"
    due_on: date
    status: str = Field(default="armed", max_length=16)  # armed, met, missed, cancelled
    on_timeout: str | None = None
    armed_at: datetime = Field(sa_type=_utc())
    settled_at: datetime | None = Field(default=None, sa_type=_utc())
    missed_at: datetime | None = Field(default=None, sa_type=_utc())
    fired_at: datetime | None = Field(default=None, sa_type=_utc())
    note: str = ""
    # The date first computed, kept when a calendar change moves ``due_on`` (None: never moved).
    original_due_on: date | None = None


class AuditEvent(SQLModel, table=True):
    """Append-only; database triggers refuse UPDATE and DELETE. One hash chain for all cases."""

    __tablename__ = "audit_event"
    # "Which cases were appealed?" (an appellate authority's view) without reading the trail.
    __table_args__ = (
        sa.Index("ix_audit_event_trigger_case", "trigger", "case_id"),
        # "The cases I acted on", which the work queue's "Waiting for others" follows.
        sa.Index("ix_audit_event_actor_case", "actor", "case_id"),
    )
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    at: str  # RFC 3339 UTC, exactly as hashed
    actor: str
    role: str
    trigger: str
    from_state: str
    to_state: str
    fields: str  # canonical JSON, exactly as hashed
    cite: str
    process: str
    process_version: str
    prev_hash: str = Field(unique=True, max_length=64)
    hash: str = Field(unique=True, max_length=64)


class CaseWaiting(SQLModel, table=True):
    """Who an open case waits for (cases.core.waiting): one row per role, competent agency
    and named user, rewritten with every change to the case. The work queue walks it by the
    viewer's role and agency, most urgent first, instead of working out every case."""

    __tablename__ = "case_waiting"
    __table_args__ = (
        # One walk per (role, agency, user) a viewer matches, in due order, stopping at a page.
        sa.Index("ix_case_waiting_walk", "role", "agency_code", "username", "due_on", "case_id"),
        # "Waiting for others": every case by its soonest row, in due order, until the
        # cases followed reach the count's cap (migration 0014).
        sa.Index(
            "ix_case_waiting_soonest",
            "due_on",
            "case_id",
            sqlite_where=sa.text("soonest = 1"),
            postgresql_where=sa.text("soonest = true"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    # No foreign key (migration 0013): on PostgreSQL it made each row written at a commit
    # lock its case, and a register import holding the audit chain's head then waited for
    # a step that held the case and waited for the head. The rows follow the case instead.
    case_id: int = Field(index=True)
    role: str = Field(max_length=32)
    agency_code: str = Field(default="", max_length=32)  # "": no competent agency is named
    username: str = Field(default="", max_length=64)  # "": any holder; else the one named
    due_on: date  # the soonest deadline its steps settle; 9999-12-31 when none runs
    # The case's first row in (due_on, role, agency_code, username) order: one a case, so a
    # walk of every case in due order meets each case once.
    soonest: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class Recusal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    reason: str
    declared_at: datetime = Field(sa_type=_utc())


class Penalty(SQLModel, table=True):
    """A penalty entered in the service record (19.11.9)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    eid: str = Field(foreign_key="civil_servant.eid", index=True)
    charge_no: int
    offence_no: int
    code: str
    severity: str  # minor / major
    imposed_on: date
    term_ends_on: date | None = None
    status: str = "in_force"  # in_force, revoked


class ServiceEntry(SQLModel, table=True):
    """One line of a civil servant's history: an EOL, an LTT, a transfer, a court case, a due.

    The processes write these as effects and read them back as eligibility (7.7.4, 8.12.4,
    13.4.5, 13.10.3); an HR officer may also enter history from before drukflow. ``details``
    holds the kind's own fields (workflows.record.KINDS) as canonical JSON.
    """

    __tablename__ = "service_entry"
    id: int | None = Field(default=None, primary_key=True)
    eid: str = Field(foreign_key="civil_servant.eid", index=True)
    kind: str = Field(max_length=32)
    start_on: date | None = None
    end_on: date | None = None
    status: str = Field(default="", max_length=32)
    details: str = "{}"
    case_id: int | None = Field(default=None, foreign_key="case.id", index=True)
    recorded_at: datetime = Field(sa_type=_utc())
    recorded_by: str = ""


class CaseAgency(SQLModel, table=True):
    """Another agency with a part in a case (a transfer's receiving or parent agency, 13.3.1,
    13.6.5): its officers see the case and may act where the process lets them."""

    __tablename__ = "case_agency"
    case_id: int = Field(foreign_key="case.id", primary_key=True)
    agency_code: str = Field(foreign_key="agency.code", primary_key=True, index=True)
    part: str = ""


class CalendarOverride(SQLModel, table=True):
    __tablename__ = "calendar_override"
    day: date = Field(primary_key=True)
    kind: str  # added (a closure) or removed (not a holiday after all)
    note: str
    created_by: str
    created_at: datetime = Field(sa_type=_utc())


class Document(SQLModel, table=True):
    """A letter or order as issued: the exact HTML and PDF, and the PDF's SHA-256, which the
    audit event of its issue (``audit_seq``) also carries, so a paper copy can be checked."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    kind: str = Field(max_length=64)
    title: str
    reference: str = Field(max_length=64)  # letter or order number
    cite: str = Field(max_length=32)
    html: str
    pdf: bytes = Field(sa_type=sa.LargeBinary())
    sha256: str = Field(max_length=64)
    audit_seq: int = Field(foreign_key="audit_event.seq")
    issued_by: str
    issued_at: datetime = Field(sa_type=_utc())


class CaseFile(SQLModel, table=True):
    """A paper on a case's file: the stored bytes are named by ``sha256``
    (cases.core.file_store), which the audit event of its addition (``audit_seq``) also
    carries. Never deleted or replaced: a correction is a new paper that ``supersedes`` it.
    ``confidential`` is the section that restricts who reads it ("" for whoever sees the
    case; 19.8.2.2(xi) withheld from the respondent; 3.2.16 committee deliberation)."""

    __tablename__ = "case_file"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    sha256: str = Field(max_length=64)
    name: str = Field(max_length=200)
    size: int
    media_type: str = Field(max_length=100)
    kind: str = Field(max_length=64)
    confidential: str = Field(default="", max_length=32)
    supersedes_id: int | None = Field(default=None, foreign_key="case_file.id")
    audit_seq: int = Field(foreign_key="audit_event.seq")
    added_by: str = Field(max_length=64)
    added_at: datetime = Field(sa_type=_utc())


class SearchText(SQLModel, table=True):
    """The words a case can be found by (cases.core.search_index): the case's open facts,
    each confidential field apart with its readers, each paper's text. ``readers`` is ""
    (whoever sees the case) or ",role,role," (only those roles), so a search never shows
    a word its reader may not read. Searched by SQLite's FTS5 table ``search_fts`` or
    PostgreSQL's GIN index on ``to_tsvector('simple', body)`` (migration 0008). ``id`` is
    the document's place in the search's order (search_index.doc_key, migration 0011):
    names first, open cases first, newest first."""

    __tablename__ = "search_text"
    id: int | None = Field(
        default=None,
        primary_key=True,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),  # SQLite: the rowid
    )
    case_id: int = Field(foreign_key="case.id", index=True)
    source: str = Field(max_length=64)  # "case", "field:<name>", "paper:<id>"
    readers: str = Field(default="", max_length=400)
    body: str


class Notification(SQLModel, table=True):
    """One line of a user's inbox. ``key`` makes each notice once per user (a sweep run twice,
    or by two workers, adds nothing). ``email_status``: "" (no e-mail), "pending", "sending"
    (claimed by one sender, so no other sends it again), "sent", "failed" or "moot" (settled
    before it was sent: the step was taken meanwhile)."""

    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_notification_user_key"),
        sa.Index("ix_notification_user_read", "user_id", "read_at"),
        sa.Index("ix_notification_email_status", "email_status"),
        sa.Index("ix_notification_key", "key"),  # the sweep asks "noticed already?" by key
        sa.Index("ix_notification_case", "case_id"),  # settled by case after each step
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    case_id: int | None = Field(default=None, foreign_key="case.id")
    kind: str = Field(max_length=32)  # action_needed, deadline_near, deadline_missed
    text: str
    cite: str = Field(default="", max_length=32)
    key: str = Field(max_length=200)
    created_at: datetime = Field(sa_type=_utc())
    read_at: datetime | None = Field(default=None, sa_type=_utc())
    # The step was taken (by anyone), the case moved on, or the deadline was met: out of the
    # unread count, still in the inbox's history.
    settled_at: datetime | None = Field(default=None, sa_type=_utc())
    email_status: str = Field(default="", max_length=16)
    emailed_at: datetime | None = Field(default=None, sa_type=_utc())


class SecurityEvent(SQLModel, table=True):
    """The security log: every sign-in (accepted, refused, throttled), sign-out and refused
    authorisation. Login throttling counts recent refusals here by username and by address."""

    __tablename__ = "security_event"
    __table_args__ = (
        sa.Index("ix_security_event_kind_username_at", "kind", "username", "at"),
        sa.Index("ix_security_event_kind_ip_at", "kind", "ip", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=_utc(), index=True)
    kind: str = Field(max_length=32)
    username: str = Field(default="", max_length=64)
    user_id: int | None = Field(default=None)
    ip: str = Field(default="", max_length=64)
    method: str = Field(default="", max_length=8)
    path: str = ""
    status: int | None = None
    detail: str = ""


class IdempotencyRecord(SQLModel, table=True):
    """The answer already given to a request with this Idempotency-Key, replayed to a repeat
    so that a retried or double-submitted transition has one effect."""

    __tablename__ = "idempotency_record"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    key: str = Field(max_length=128)
    request_hash: str = Field(max_length=64)  # SHA-256 of method, path and body
    status_code: int
    body: str
    created_at: datetime = Field(sa_type=_utc(), index=True)


class Committee(SQLModel, table=True):
    """A committee (workflows.committees.KINDS): an agency's HRC, which also sits as its
    Disciplinary Committee (19.3.4), the RCSC's Commission, an Investigation Committee for
    one case (19.8.2.2) or an appellate authority's DC (19.8.3). ``code`` is the short name
    meetings are numbered under ("MOH HRC"); ``min_present`` the minimum the agency sets
    for a decision (the BCSR sets no quorum); ``exception_*`` the RCSC's prior approval of
    a composition other than 2.10.6.1's (2.10.6.2)."""

    id: int | None = Field(default=None, primary_key=True)
    agency_code: str = Field(foreign_key="agency.code", index=True)
    kind: str = Field(max_length=32)
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    case_id: int | None = Field(default=None, foreign_key="case.id")
    min_present: int = 3
    exception_ref: str = Field(default="", max_length=200)
    exception_on: date | None = None
    created_at: datetime = Field(sa_type=_utc())


class CommitteeMember(SQLModel, table=True):
    """A user's seat on a committee (workflows.committees.SEATS) from ``start_on`` to
    ``end_on`` (both included; None: still serving). Never deleted: an ended membership
    keeps the meetings it sat in readable."""

    __tablename__ = "committee_member"
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    seat: str = Field(max_length=32)
    start_on: date
    end_on: date | None = None


class Meeting(SQLModel, table=True):
    """A numbered meeting of a committee ("MOH HRC 7/2026": number within the committee and
    year). ``present`` is the canonical JSON list of the user ids of members present, as the
    chair or member secretary recorded it. Its minutes, once issued, are in meeting_minutes."""

    __table_args__ = (
        sa.UniqueConstraint("committee_id", "year", "number", name="uq_meeting_number"),
    )
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    year: int
    number: int
    held_on: date
    present: str = "[]"
    note: str = ""
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(sa_type=_utc())


class MeetingItem(SQLModel, table=True):
    """A case on a meeting's agenda beyond what the agenda finds by itself (``status``
    "added"), a case the chair deferred ("deferred"), or a decision taken in the meeting
    ("decided": ``audit_seq`` is the step's event)."""

    __tablename__ = "meeting_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    case_id: int = Field(foreign_key="case.id", index=True)
    status: str = Field(max_length=16)
    audit_seq: int | None = Field(default=None, foreign_key="audit_event.seq")
    trigger: str = Field(default="", max_length=64)
    present: str = "[]"  # decided: the members who sat on this item (recused left out)
    recused: str = "[]"  # decided: members present but recused on this case (19.3.5)
    at: datetime = Field(sa_type=_utc())


class MeetingMinutes(SQLModel, table=True):
    """A meeting's minutes as issued: the exact HTML and PDF and the PDF's SHA-256, which
    the audit event of the issue (``audit_seq``) also carries. A correction is a new issue
    (``supersedes_id``)."""

    __tablename__ = "meeting_minutes"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    html: str
    pdf: bytes = Field(sa_type=sa.LargeBinary())
    sha256: str = Field(max_length=64)
    audit_seq: int = Field(foreign_key="audit_event.seq")
    supersedes_id: int | None = Field(default=None, foreign_key="meeting_minutes.id")
    issued_by: str = Field(max_length=64)
    issued_at: datetime = Field(sa_type=_utc())
