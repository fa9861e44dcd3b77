"""Every cell of docs/access-matrix.md, driven through the JSON API.

The world is the demo (`cases.demo.seed.build`): 7 agencies, 23 users and 29 cases driven
through ``fire`` into states of all five processes. It is built once; each (process, state)
cell runs on its own copy of that SQLite file. A state the demo reached is tested on that
case; any other state is tested on the process's first demo case placed in it (its state
column set directly): who may act depends only on the state, the subject and the case data,
which that case has. A step that succeeds changes the case, so the copy is restored after it.

Users equal in roles, agency and employee ID are one user to every rule, so one of each
stands for the rest. Expected answers are worked out here from the matrix's rows and the
object-level rules the document states, not by asking the code under test:
- a case outside the user's reach: 404 everywhere (case, events, due process, documents,
  actions), never 403;
- an action not open in the case's state: 409 (before any question of authority);
- an open action the matrix gives to another role, agency or the timer: 403;
- an open action the matrix gives to the user: never 403/404/409 (an empty body is answered
  422 naming the missing fields, or the step is taken).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import Session, select
from web_helpers import login, notice

from cases.core import service
from cases.core.db import engine_for, transaction, upgrade
from cases.core.models import Agency, AuditEvent, Case, CaseAgency, CivilServant, User
from cases.demo import seed
from cases.people import auth
from web.app import create_app
from workflows import access_matrix, registry
from workflows import roles as R
from workflows.context import Actor, Context, Refused

NOW = datetime(2026, 12, 14, 4, 0, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "access-matrix.md"


def test_the_document_is_what_the_generator_writes() -> None:
    """docs/access-matrix.md cannot drift from the definitions: regenerate it with
    `python -m workflows.access_matrix > docs/access-matrix.md`."""
    assert DOC.read_text(encoding="utf-8") == access_matrix.render()


# ------------------------------------------------------------------ the world


@dataclass(frozen=True)
class Person:
    username: str
    user_id: int
    roles: frozenset[str]
    agency: str | None
    eid: str | None
    token: str


@dataclass(frozen=True)
class World:
    path: Path
    people: tuple[Person, ...]
    cases: tuple[tuple[int, str, str], ...]  # (id, process, state) as the demo left them


def _sqlite(path: Path) -> str:
    return f"sqlite:///{path}"


def _copy(src: Path, dst: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)


@pytest.fixture(scope="module")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("matrix") / "demo.db"
    upgrade(_sqlite(path))
    engine = engine_for(_sqlite(path))
    seed.build(engine, NOW)
    people: dict[tuple[Any, ...], Person] = {}
    with transaction(engine) as s:
        for user in s.exec(select(User).order_by(User.id)).all():
            roles = frozenset(r for r in user.roles.split(",") if r)
            key = (roles, user.agency_code, user.employee_eid)
            if key not in people:  # an identical user answers identically
                token = auth.issue_token(s, user, NOW)
                people[key] = Person(
                    user.username, user.id, roles, user.agency_code, user.employee_eid, token
                )
        cases = tuple(
            (c.id, c.process, c.state) for c in s.exec(select(Case).order_by(Case.id)).all()
        )
    engine.dispose()  # the last connection closes: the WAL is folded into the file
    return World(path, tuple(people.values()), cases)


def _headers(person: Person) -> dict[str, str]:
    return {"Authorization": f"Bearer {person.token}"}


class Api:
    """The app called in-process over ASGI on one private event loop: thousands of requests
    per run, so no TestClient thread hop per request. The app's lifespan only starts the
    sweeper, which these apps do not run."""

    def __init__(self, app: FastAPI) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://drukflow.test"
        )

    def get(self, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.get(url, **kw))

    def post(self, url: str, **kw: Any) -> httpx.Response:
        return self.loop.run_until_complete(self.client.post(url, **kw))

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


# ------------------------------------------------------------------ the oracles


@dataclass(frozen=True)
class Facts:
    """What the rules read of one case."""

    case_id: int
    version: int
    agency: str
    parties: frozenset[str]
    subject_eid: str
    subject_level: str
    agency_parent: str | None
    appealed: bool
    ctx: Context
    triggers: frozenset[str] = frozenset()  # the actions of the version the case runs on


def facts(path: Path, case_id: int) -> Facts:
    engine = engine_for(_sqlite(path))
    try:
        with Session(engine) as s:
            case = s.get(Case, case_id)
            assert case is not None
            servant = s.get(CivilServant, case.subject_eid)
            agency = s.get(Agency, case.agency_code)
            parties = s.exec(select(CaseAgency.agency_code).where(CaseAgency.case_id == case_id))
            triggers = s.exec(select(AuditEvent.trigger).where(AuditEvent.case_id == case_id))
            return Facts(
                case_id=case_id,
                version=case.version,
                agency=case.agency_code,
                parties=frozenset(parties.all()),
                subject_eid=case.subject_eid,
                subject_level=servant.position_level if servant else "",
                agency_parent=agency.parent_code if agency else None,
                appealed="lodge_appeal" in set(triggers.all()),
                ctx=service.context(s, case, NOW),
                triggers=frozenset(registry.for_case(case).triggers()),
            )
    finally:
        engine.dispose()


def sees(p: Person, f: Facts) -> bool:
    """The object-level rules of the matrix ("Who sees which case")."""
    if R.ADMIN in p.roles or R.RCSC in p.roles or p.agency == R.RCSC_AGENCY:
        return True
    if p.roles & R.SELF and p.eid == f.subject_eid:
        return True
    if p.roles & R.AGENCY_STAFF and p.agency in ({f.agency} | f.parties):
        return True
    if R.APPELLATE in p.roles and p.agency and f.appealed:  # 19.12: once appealed to it
        if p.agency == R.TRIBUNAL_AGENCY:
            return f.subject_level.upper().startswith(("EX", "ES"))
        return p.agency == f.agency_parent
    return False


def may_take(p: Person, row: access_matrix.Row, f: Facts) -> bool:
    """A matrix row read for one user: role (or own case, or RCSC as the body), the
    competent body, then recusal (19.3.5)."""
    if row.roles == {R.SYSTEM}:
        return False
    if row.roles & p.roles & R.SELF and p.eid == f.subject_eid:
        return True
    acting = (row.roles & p.roles) - R.SELF
    if R.RCSC in p.roles:
        acting |= row.roles & R.RCSC_ACTS_AS
    if not acting:
        return False
    if row.authority is not None and p.agency not in row.authority(f.ctx).agencies:
        return False
    if p.user_id in f.ctx.recused_user_ids:
        return False
    return not (p.eid and p.eid in (f.subject_eid, f.ctx.data.get("complainant_eid")))


# ------------------------------------------------------------------ the cells


def cells() -> Iterator[Any]:
    for process in registry.newest().values():
        for state in process.states:
            if state.name != process.initial:
                yield pytest.param(process.key, state.name, id=f"{process.key}/{state.name}")


class Cell:
    """One (process, state) on its own copy of the world, restorable after a step is taken."""

    def __init__(self, demo_world: World, tmp: Path, process: str, state: str) -> None:
        self.prepared, self.live = tmp / "prepared.db", tmp / "live.db"
        _copy(demo_world.path, self.prepared)
        driven = [cid for cid, p, st in demo_world.cases if p == process and st == state]
        self.case_id = (
            driven[0] if driven else next(c for c, p, _ in demo_world.cases if p == process)
        )
        self.how = "driven" if driven else "placed"
        # The matrix is the newest version's: the demo's cases, opened a while ago on an
        # earlier one, are placed on it (as an audited migration would move them).
        engine = engine_for(_sqlite(self.prepared))
        with transaction(engine) as s:
            case = s.get(Case, self.case_id)
            assert case is not None
            case.process_version = registry.latest(process).version
            if not driven:
                case.state = state
        engine.dispose()
        self.facts = facts(self.prepared, self.case_id)
        engine = engine_for(_sqlite(self.prepared))
        with Session(engine) as s:
            version = s.get(Case, self.case_id).process_version  # type: ignore[union-attr]
        engine.dispose()
        # The matrix of the version the case runs on (a demo case opened before a newer
        # version came into force keeps its own steps).
        self.definition = registry.version(process, version)
        _copy(self.prepared, self.live)
        self.app = create_app(_sqlite(self.live), clock=lambda: NOW, run_sweeper=False)

    def restore(self) -> None:
        self.app.state.engine.dispose()
        _copy(self.prepared, self.live)

    def act(self, client: Api, p: Person, trigger: str) -> tuple[int, dict[str, Any]]:
        resp = client.post(
            f"/api/cases/{self.case_id}/actions/{trigger}",
            headers=_headers(p),
            json={"version": self.facts.version, "fields": {}},
        )
        if resp.status_code < 300:
            self.restore()
        return resp.status_code, resp.json()


@pytest.mark.parametrize(("process", "state"), list(cells()))
def test_every_role_and_action_in_every_state(
    demo_world: World, tmp_path: Path, process: str, state: str
) -> None:
    cell = Cell(demo_world, tmp_path, process, state)
    definition = cell.definition
    rows = [r for r in access_matrix.rows(definition) if r.state == state]
    open_triggers = {r.trigger for r in rows}
    closed = [t for t in definition.triggers() if t not in open_triggers]
    f = cell.facts
    failures: list[str] = []

    def check(p: Person, trigger: str, expected: str, status: int, body: dict[str, Any]) -> None:
        kinds = {r.get("kind") for r in body.get("refusals", [])}
        ok = {
            "404": status == 404,
            "409": status == 409,
            "403": status == 403 and kinds <= {"authority", "recusal"},
            "allowed": status < 300 or (status == 422 and kinds <= {"field", "guard"}),
        }[expected]
        if not ok:
            failures.append(
                f"{p.username} ({','.join(sorted(p.roles))}, {p.agency or p.eid}) "
                f"{process}/{state} ({cell.how}, case {f.case_id}) {trigger}: "
                f"expected {expected}, got {status} {body.get('detail', '')}"
            )

    probe = rows[0].trigger if rows else closed[0]
    with Api(cell.app) as client:
        for p in demo_world.people:
            if not sees(p, f):  # decided before the action is read: one is enough here
                check(p, probe, "404", *cell.act(client, p, probe))
                continue
            for row in rows:
                expected = "allowed" if may_take(p, row, f) else "403"
                if row.trigger not in f.triggers:  # a case runs on the version it opened on
                    expected = "409"
                check(p, row.trigger, expected, *cell.act(client, p, row.trigger))
            if closed:  # a closed action is 409 whoever asks, before any question of role
                check(p, closed[0], "409", *cell.act(client, p, closed[0]))
    assert not failures, f"{len(failures)} cells disagree with the matrix:\n" + "\n".join(
        failures[:40]
    )


def test_no_action_opens_outside_its_declared_states() -> None:
    """Every (state, action) pair the matrix leaves empty is refused for the state, even to
    a user holding every role (the API answers it 409, as the cells show for each user)."""
    everyone = Actor(0, "all", R.ALL | {R.SYSTEM}, R.RCSC_AGENCY, None)
    subject = access_matrix.OFFICER
    ctx = Context(subject=subject, data={}, fields={}, today=NOW.date())
    opened = 0
    for process in registry.newest().values():
        declared = {(r.state, r.trigger) for r in access_matrix.rows(process)}
        for state in process.states:
            for trigger in process.triggers():
                if (state.name, trigger) in declared:
                    opened += 1
                    continue
                with pytest.raises(Refused) as refused:
                    process.check(state.name, trigger, everyone, ctx, {})
                assert refused.value.kind == "state", (process.key, state.name, trigger)
    assert opened == sum(len(list(access_matrix.rows(p))) for p in registry.newest().values())


CASE_READS = ("", "/events", "/due-process", "/documents", "/files", "/files/1")


def test_a_case_out_of_reach_is_404_on_every_route(demo_world: World, tmp_path: Path) -> None:
    """19.3.7 and the agency rules: unseen means "not found", never "forbidden", so a user
    cannot even learn that the case exists. Every demo case, every user."""
    live = tmp_path / "live.db"
    _copy(demo_world.path, live)
    app = create_app(_sqlite(live), clock=lambda: NOW, run_sweeper=False)
    failures = []
    with Api(app) as client:
        seen: set[str] = set()
        for case_id, process, _state in demo_world.cases:
            # every route on one case per process; the case view on the others
            routes = CASE_READS if process not in seen else ("",)
            seen.add(process)
            failures += _reach(client, demo_world, facts(live, case_id), process, routes)
    assert not failures, "\n".join(failures)


def _reach(
    client: Api, demo_world: World, f: Facts, process: str, routes: tuple[str, ...]
) -> list[str]:
    trigger = registry.latest(process).triggers()[0]
    case_id = f.case_id
    failures = []
    for p in demo_world.people:
        if sees(p, f):
            continue  # what a visible case answers is the cells' business
        for suffix in routes:
            resp = client.get(f"/api/cases/{case_id}{suffix}", headers=_headers(p))
            if resp.status_code != 404:
                failures.append(
                    f"{p.username} GET case {case_id}{suffix} ({process}): {resp.status_code}"
                )
        resp = client.post(
            f"/api/cases/{case_id}/actions/{trigger}",
            headers=_headers(p),
            json={"version": f.version, "fields": {}},
        )
        if resp.status_code != 404:
            failures.append(
                f"{p.username} POST case {case_id} {trigger} ({process}): {resp.status_code}"
            )
    return failures


def test_opening_a_case_follows_the_matrix(demo_world: World, tmp_path: Path) -> None:
    """The `open` row of each process: a user whose role and agency may open it gets past
    authority (422 for the empty application), anyone else 403."""
    live = tmp_path / "live.db"
    _copy(demo_world.path, live)
    app = create_app(_sqlite(live), clock=lambda: NOW, run_sweeper=False)
    failures = []
    with Api(app) as client:
        for process in registry.newest().values():
            row = next(r for r in access_matrix.rows(process) if r.state == process.initial)
            case_id = next(c for c, p, _ in demo_world.cases if p == process.key)
            f = facts(live, case_id)
            for p in demo_world.people:
                resp = client.post(
                    "/api/cases",
                    headers=_headers(p),
                    json={"process": process.key, "subject_eid": f.subject_eid, "fields": {}},
                )
                allowed = may_take(p, row, f)
                ok = resp.status_code == 422 if allowed else resp.status_code == 403
                if not ok:
                    failures.append(
                        f"{p.username} opens {process.key} for {f.subject_eid}: "
                        f"{resp.status_code} (matrix: {'yes' if allowed else 'no'})"
                    )
    assert not failures, "\n".join(failures)


def test_the_world_covers_every_role_and_an_outsider(demo_world: World) -> None:
    """The matrix is only as good as the users it is walked with."""
    roles = set().union(*(p.roles for p in demo_world.people))
    assert roles >= R.ALL - {R.SYSTEM}
    agencies = {p.agency for p in demo_world.people if p.agency}
    assert {"MOH", "MOE", "RCSC", "AT", "MOHA", "THIMPHU"} <= agencies
    assert {p for _, p, _ in demo_world.cases} == set(registry.keys())


# ------------------------------------------------------------------ fields hidden by role

FINDINGS_BOTH_GUILTY = [
    {"charge": 1, "finding": "guilty", "penalty": "reprimand"},
    {"charge": 2, "finding": "guilty", "penalty": "demotion"},
]
DELIBERATION = "Member K doubted the attendance register"
WITHHELD = "Witness statement of the informant"


def _token(world: Any, username: str) -> dict[str, str]:
    with transaction(world.engine) as s:
        return {"Authorization": f"Bearer {auth.issue_token(s, world.users[username], NOW)}"}


def _decided_with_secrets(world: Any) -> int:
    """A case past the DC meeting whose report withheld a part (19.8.2.2(xi)) and whose
    decision carries the committee's deliberation notes."""
    case_id = world.walk_to("report_due")
    today = world.today()
    world.fire(
        case_id,
        "submit_report",
        "secretary",
        report_findings="Absence established",
        report_received_on=today,
        copy_to_respondent_on=today,
        withheld_parts=WITHHELD,
    )
    steps = dict((t, f) for t, _, f in world.main_path_steps(["11", "3"], []))
    fields = {**steps["record_decision"], "findings": FINDINGS_BOTH_GUILTY}
    world.fire(case_id, "record_decision", "dc", **fields, deliberation_notes=DELIBERATION)
    return case_id


@pytest.mark.parametrize(
    ("username", "reads_notes", "reads_withheld"),
    [
        ("respondent", False, False),
        ("hr", False, False),  # the HR officer is not on the committee (19.3.4)
        ("admin", False, False),
        ("investigator", False, True),  # wrote the report
        ("dc", True, True),
        ("chair", True, True),
        ("rcsc", True, True),
    ],
)
def test_confidential_fields_are_hidden_everywhere_a_case_shows(
    client: Any, world: Any, username: str, reads_notes: bool, reads_withheld: bool
) -> None:
    """3.2.16 (deliberations) and 19.8.2.2(xi) (parts withheld from the respondent): the
    API case view, the API events, the case page and its timeline all leave them out."""
    case_id = _decided_with_secrets(world)
    headers = _token(world, username)
    case = client.get(f"/api/cases/{case_id}", headers=headers).json()
    events = client.get(f"/api/cases/{case_id}/events", headers=headers).json()
    fields = {k: v for e in events for k, v in e["fields"].items()}
    assert ("deliberation_notes" in case["data"]) is reads_notes
    assert ("deliberation_notes" in fields) is reads_notes
    assert ("withheld_parts" in case["data"]) is reads_withheld
    assert ("withheld_parts" in fields) is reads_withheld
    login(client, username)
    for url in (f"/cases/{case_id}", f"/cases/{case_id}/timeline"):
        page = client.get(url)
        assert page.status_code == 200
        assert (DELIBERATION in page.text) is reads_notes, url
        if url.endswith("timeline"):
            assert (WITHHELD in page.text) is reads_withheld, url


@pytest.mark.parametrize(
    ("username", "reads_withheld"),
    [
        ("admin", False),  # reviews the system, not a reader of 19.8.2.2(xi)
        ("chair", True),
        ("rcsc", True),
    ],
)
def test_confidential_fields_are_hidden_in_every_due_process_output(
    client: Any, world: Any, username: str, reads_withheld: bool
) -> None:
    """The due-process report (19.12.3) as a page, a PDF and JSON redacts exactly as the case
    view does: a role the field's readers do not name never reads it, and the copy check
    keeps its verdict without quoting it."""
    import io

    import pypdf

    case_id = _decided_with_secrets(world)
    headers = _token(world, username)
    login(client, username)
    page = client.get(f"/cases/{case_id}/due-process")
    pdf = client.get(f"/cases/{case_id}/due-process.pdf")
    api = client.get(f"/api/cases/{case_id}/due-process", headers=headers)
    api_pdf = client.get(f"/api/cases/{case_id}/due-process.pdf", headers=headers)
    assert [r.status_code for r in (page, pdf, api, api_pdf)] == [200] * 4
    outputs = {
        "page": page.text,
        "pdf": " ".join(
            " ".join(
                p.extract_text()
                for r in (pdf, api_pdf)
                for p in pypdf.PdfReader(io.BytesIO(r.content)).pages
            ).split()
        ),
        "json": api.text,
    }
    for name, text in outputs.items():
        assert (WITHHELD in text) is reads_withheld, name
        assert DELIBERATION not in text, name  # no check quotes the deliberations
    (copy,) = [c for c in api.json()["checks"] if c["key"] == "report_copy"]
    assert [o["verdict"] for o in copy["occurrences"]] == ["met"]


def test_every_confidential_field_names_its_section_and_readers() -> None:
    found = {
        (p.key, name): f
        for p in registry.newest().values()
        for name, f in p.confidential_fields().items()
    }
    assert {("disciplinary", "deliberation_notes"), ("disciplinary", "withheld_parts")} <= set(
        found
    )
    for f in found.values():
        assert f.confidential and R.RESPONDENT not in f.visible_to


# ------------------------------------------------------------------ unknown fields


def test_an_api_action_with_a_field_the_step_does_not_declare_is_422_naming_it(
    client: Any, world: Any
) -> None:
    case_id = world.walk_to("enquiry_directed")
    version = world.case(case_id).version
    good = notice(world.today())
    for extra in ({"colour": "red"}, {"version": version}):
        resp = client.post(
            f"/api/cases/{case_id}/actions/serve_notice",
            headers=_token(world, "dc"),
            json={"version": version, "fields": {**good, **extra}},
        )
        assert resp.status_code == 422, resp.text
        [refusal] = resp.json()["refusals"]
        name = next(iter(extra))
        assert refusal["field"] == name
        assert refusal["reason"] == f"unknown field '{name}' for step 'serve_notice'"
    assert world.case(case_id).version == version  # nothing was recorded


def test_a_form_with_a_field_the_step_does_not_declare_is_422_naming_it(
    client: Any, world: Any
) -> None:
    case_id = world.walk_to("enquiry_directed")
    version = world.case(case_id).version
    csrf = login(client, "dc")
    resp = client.post(
        f"/cases/{case_id}/actions/serve_notice",
        data={
            "csrf_token": csrf,
            "version": str(version),
            "charges": "15",
            "particulars": "p",
            "prima_facie": "on",
            "notice_received_on": world.today(),
            "smuggled": "x",
        },
    )
    assert resp.status_code == 422
    assert "unknown field &#39;smuggled&#39; for step &#39;serve_notice&#39;" in resp.text or (
        "unknown field 'smuggled' for step 'serve_notice'" in resp.text
    )
    assert world.case(case_id).version == version
