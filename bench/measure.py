"""Each measurement of issue 6, on the database the builder has grown so far."""

from __future__ import annotations

import contextlib
import hashlib
import statistics
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from bench.data import DEADLINE, EVENT, NOTICE, PASSWORD, VIEWER, Builder
from bench.http_load import follow_pages, login
from bench.server import Server
from cases.core import audit, db, service, timers
from cases.core.db import reading, transaction
from cases.core.models import User
from cases.people import auth, case_search, register_import

APP = "bench.app_factory:create"
HEAD_LOCK = 7231  # the advisory lock key of cases.core.audit.lock_head
BARE = "bench.bare_app:create"


@dataclass(frozen=True)
class Sizes:
    cases_small: int = 1_000
    cases_large: int = 100_000
    deadlines_small: int = 10_000
    deadlines_large: int = 1_000_000
    due: int = 1_000
    requests: int = 300  # transitions (and bare inserts) per repetition
    clients: int = 4
    reps: int = 3
    page_requests: int = 40
    page_rounds: int = 3  # small and large servers alternate, so drift hits both alike
    page_seconds: float = 60.0  # stop a page's series early if it is this slow
    warmup: int = 3
    import_rows: int = 100_000  # lines of the register import's CSV file
    accounts: int = 10_000  # user accounts for the second transitions run
    texts_small: int = 2_000  # papers' texts beside the small cases (two a case)
    texts_large: int = 200_000
    search_requests: int = 20  # each query, per round


TINY = Sizes(
    cases_small=60,
    cases_large=400,
    deadlines_small=600,
    deadlines_large=3_000,
    due=10,
    requests=12,
    clients=2,
    reps=1,
    page_requests=3,
    page_rounds=1,
    warmup=1,
    import_rows=300,
    accounts=200,
    texts_small=120,
    texts_large=800,
    search_requests=3,
)

# What a committee member opens: the dashboard (the work queue, urgent first), the cases
# they follow that wait for others (it costs what they follow: every case they acted on),
# the list filtered and with closed cases, and the JSON list of the API, its first page and
# a page further on (reached by following each answer's next_url, see DEEP_PAGES).
PAGES = {
    "dashboard /": "/",
    "waiting for others /?tab=others": "/?tab=others",
    "case list /?tab=all&process=disciplinary&closed=true": (
        "/?tab=all&process=disciplinary&closed=true"
    ),
    "API case list /api/cases": "/api/cases",
    "API case list, 2nd page of 20 /api/cases?limit=20&cursor=": "/api/cases?limit=20",
}
# A keyset page costs the same however deep it is: the second stands for any.
DEEP_PAGES = {"API case list, 2nd page of 20 /api/cases?limit=20&cursor=": 2}


@dataclass
class Latency:
    median_ms: float
    p95_ms: float
    n: int


@dataclass
class Pages:
    """Each page's latencies in ms, gathered over one or more rounds of ``pages``."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    peak_mb: float | None = None
    failures: dict[str, str] = field(default_factory=dict)

    @property
    def latency(self) -> dict[str, Latency | None]:
        return {name: summary(ms) for name, ms in self.samples.items()}


class Failed(Exception):
    """Requests answered with errors: the figure would measure an error page."""


def summary(ms: list[float]) -> Latency | None:
    if not ms:
        return None
    ms = sorted(ms)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return Latency(statistics.median(ms), p95, len(ms))


def latencies(result: dict[str, Any]) -> list[float]:
    ms = [x * 1000 for x in result["latencies"]]
    if not ms or result["errors"]:
        raise Failed(f"{result['statuses']} {result['error_samples'][:1]}")
    return ms


def pages(url: str, sizes: Sizes, case_pages: dict[str, int], into: Pages | None = None) -> Pages:
    """Each page requested one after another by one signed-in committee member; a further
    round adds its requests to ``into``."""
    out = into or Pages()
    with Server(url, APP) as srv:
        cookie = {"cookie": login("127.0.0.1", srv.port, VIEWER, PASSWORD)}
        paths = dict(PAGES) | {name: f"/cases/{i}" for name, i in case_pages.items()}
        for name, path in paths.items():
            if name in out.failures:
                continue
            try:
                if name in DEEP_PAGES:
                    path = _deep(srv.port, cookie["cookie"], path, DEEP_PAGES[name])
                latencies(srv.load([["GET", path, None]] * sizes.warmup, headers=cookie))
                result = srv.load(
                    [["GET", path, None]] * sizes.page_requests,
                    headers=cookie,
                    max_seconds=sizes.page_seconds,
                )
                out.samples.setdefault(name, []).extend(latencies(result))
            except Failed as exc:  # one broken page must not lose the whole run
                out.samples[name] = []
                out.failures[name] = str(exc)
        peak = srv.peak_rss_mb()
        if peak is not None:
            out.peak_mb = max(out.peak_mb or 0.0, peak)
    return out


def _deep(port: int, cookie: str, path: str, page: int) -> str:
    try:
        return follow_pages("127.0.0.1", port, cookie, path, page)
    except LookupError as exc:
        raise Failed(str(exc)) from None


# What a committee member types in the search box (and one with a filter): common words
# of the facts, a phrase, a word few papers hold, a name; the page's own call.
SEARCHES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("absent", {}),
    ("stock ledger", {}),
    ("ref123 voucher", {}),
    ("Dorji", {}),
    ("fuel claim", {"process": "disciplinary"}),
)


def search(url: str, sizes: Sizes, into: list[float]) -> list[float]:
    """The search box's answer (cases.people.case_search.find, as GET /search calls it) for
    each of SEARCHES, in process, as the committee member; ``into`` gathers the ms."""
    engine = db.engine_for(url)
    try:
        with transaction(engine) as s:
            user = s.exec(sa.select(User).where(User.username == VIEWER)).scalars().one()  # type: ignore[call-overload]
            actor = auth.actor_of(user)
        for text, given in SEARCHES:
            narrowed = case_search.filters(**given)
            for i in range(sizes.warmup + sizes.search_requests):
                t0 = time.perf_counter()
                with reading(engine) as s:
                    case_search.find(s, actor, text, narrowed)
                if i >= sizes.warmup:
                    into.append((time.perf_counter() - t0) * 1000)
    finally:
        engine.dispose()
    return into


@dataclass
class Throughput:
    transition_rps: list[float]
    bare_rps: list[float]
    transition_ms: float  # median latency under load
    bare_ms: float
    peak_mb: float | None
    workers: int = 1
    # PostgreSQL only: share of the transition runs' samples in which a transaction held
    # the audit chain's head lock (audit.lock_head), and the mean number queued for it.
    head_held: float | None = None
    head_waiting: float | None = None


class HeadLockSampler:
    """Samples pg_locks every 20 ms while transitions run, from its own connection: how
    often the audit head's advisory lock is held, and how many transactions wait for it.
    Held near all the time means the append is where the steps queue. Advisory locks are
    per database: other databases of the server (other benches, tests) are left out."""

    QUERY = sa.text(
        "SELECT count(*) FILTER (WHERE granted), count(*) FILTER (WHERE NOT granted) "
        "FROM pg_locks WHERE locktype = 'advisory' AND objid = :key AND objsubid = 1 "
        "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )

    def __init__(self, builder: Builder, key: int = HEAD_LOCK) -> None:
        self.engine, self.key = builder.bulk, key
        self.samples: list[tuple[int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-head-lock", daemon=True)

    def _run(self) -> None:
        with self.engine.connect() as conn:
            while not self._stop.is_set():
                held, waiting = conn.execute(self.QUERY, {"key": self.key}).one()
                conn.rollback()  # each sample its own snapshot
                self.samples.append((held, waiting))
                self._stop.wait(0.02)  # light: the bench shares the cores it measures

    def __enter__(self) -> HeadLockSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def held(self) -> float | None:
        n = len(self.samples)
        return sum(1 for h, _ in self.samples if h) / n if n else None

    @property
    def waiting(self) -> float | None:
        n = len(self.samples)
        return sum(w for _, w in self.samples) / n if n else None


def transitions(builder: Builder, sizes: Sizes, workers: int = 1) -> Throughput:
    """serve_notice through POST /api/cases/{id}/actions/serve_notice, one fresh case per
    request (authority, guards, the explanation deadline armed, the audit append, the case
    view answered), against the bare insert with the same body and clients, each served
    by ``workers`` uvicorn processes. On PostgreSQL the audit head's lock is sampled
    during the transition runs (``HeadLockSampler``)."""
    token = builder.token()
    fields = {**NOTICE, "prima_facie": True, "notice_received_on": builder.today.isoformat()}
    headers = {"authorization": f"Bearer {token}"}

    paths = {"app": "/api/cases/{}/actions/serve_notice", "bare": "/bare/{}"}

    def batch(kind: str, n: int) -> list[list[Any]]:
        cases = builder.fresh_enquiries(n) if kind == "app" else [(i, 2) for i in range(n)]
        return [["POST", paths[kind].format(i), {"version": v, "fields": fields}] for i, v in cases]

    warm = sizes.warmup * sizes.clients
    runs = {k: [batch(k, sizes.requests) for _ in range(sizes.reps)] for k in paths}
    rps: dict[str, list[float]] = {}
    ms: dict[str, list[float]] = {}
    peak = None
    sampler = HeadLockSampler(builder) if builder.engine.dialect.name == "postgresql" else None
    for kind, factory in (("app", APP), ("bare", BARE)):
        with Server(builder.url, factory, workers) as srv:
            srv.load(batch(kind, warm), clients=sizes.clients, headers=headers)
            with sampler if sampler and kind == "app" else contextlib.nullcontext():
                for reqs in runs[kind]:
                    r = srv.load(reqs, clients=sizes.clients, headers=headers)
                    if r["errors"]:
                        raise Failed(f"{kind}: {r['statuses']} {r['error_samples'][:1]}")
                    rps.setdefault(kind, []).append(r["completed"] / r["elapsed"])
                    ms.setdefault(kind, []).extend(x * 1000 for x in r["latencies"])
            if kind == "app":
                peak = srv.peak_rss_mb()
    return Throughput(
        rps["app"],
        rps["bare"],
        statistics.median(ms["app"]),
        statistics.median(ms["bare"]),
        peak,
        workers,
        sampler and sampler.held,
        sampler and sampler.waiting,
    )


@dataclass
class Sweep:
    seconds: list[float]
    fired: int
    deadline_rows: int
    first_s: float  # the sweep before the due set (notices only)


def sweep(builder: Builder, sizes: Sizes, deadline_rows: int) -> Sweep:
    """``timers.sweep`` with ``sizes.due`` deadlines due among ``deadline_rows`` rows; the due
    set is rebuilt before each repetition (the sweep settles it)."""
    builder.pad_deadlines(deadline_rows - sizes.due)
    # A first sweep with nothing due: it sends the one-off "deadline near" notices, so the
    # runs measured are the same work at both sizes.
    t0 = time.perf_counter()
    timers.sweep(builder.engine, builder.now)
    first = time.perf_counter() - t0
    rows = 0
    seconds = []
    fired = 0
    for _ in range(sizes.reps):
        due = builder.due_set(sizes.due)
        rows = rows or builder.count(DEADLINE)
        t0 = time.perf_counter()
        report = timers.sweep(builder.engine, builder.now)
        seconds.append(time.perf_counter() - t0)
        if len(report.fired) != due:
            raise RuntimeError(f"sweep fired {len(report.fired)} of {due}: {report.refused[:3]}")
        fired = due
    return Sweep(seconds, fired, rows, first)


@dataclass
class Verify:
    events: int
    verify_eps: float
    hashlib_eps: float
    payload_eps: float  # payload() + sha256 over rows already in memory
    cpu_eps: float = 0.0  # events per second of this process's CPU time: on a shared
    # machine the wall-clock figure also counts the time others held the cores


def verify(builder: Builder) -> Verify:
    """``audit.verify`` over the whole chain, against SHA-256 alone over the same bytes."""
    with Session(builder.engine) as s:
        t0, c0 = time.perf_counter(), time.process_time()
        result = audit.verify(s)
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
    if not result.ok:
        raise RuntimeError(f"the bench's audit chain is broken: {result.problem}")
    sha_s = payload_s = 0.0
    n = 0
    with builder.bulk.connect() as conn:
        last = 0
        while True:
            rows = (
                conn.execute(
                    sa.select(EVENT).where(EVENT.c.seq > last).order_by(EVENT.c.seq).limit(20_000)
                )
                .mappings()
                .all()
            )
            if not rows:
                break
            last = rows[-1]["seq"]
            events = [SimpleNamespace(**r) for r in rows]
            t0 = time.perf_counter()
            blobs = [audit.payload(e).encode() for e in events]  # type: ignore[arg-type]
            digests = [hashlib.sha256(b).hexdigest() for b in blobs]
            payload_s += time.perf_counter() - t0
            t0 = time.perf_counter()
            again = [hashlib.sha256(b).hexdigest() for b in blobs]
            sha_s += time.perf_counter() - t0
            assert digests == again == [e.hash for e in events]
            n += len(rows)
    return Verify(
        result.events, result.events / took, n / sha_s, n / payload_s, result.events / cpu
    )


@dataclass
class Import:
    rows: int
    seconds: float  # the whole import alone: read, check, write
    write_s: float  # its write transaction (the lock held)
    busy_seconds: float  # the same import with transitions taken alongside
    busy_write_s: float
    transitions: int  # serve_notice steps taken while it ran
    longest_s: float  # the longest of them, waiting for the lock included
    median_s: float


def import_register(builder: Builder, sizes: Sizes) -> Import:
    """``register_import.import_csv`` of ``sizes.import_rows`` new records by the agency's
    HR officer (every line's authority checked, one audit event each): once alone, then
    again (other records) while another thread takes serve_notice steps on the same
    database, as the upload page's thread and the transitions' threads share a server."""
    actors = builder.actors()
    t0 = time.perf_counter()
    alone = register_import.import_csv(
        builder.engine, builder.register_csv(sizes.import_rows, "BI"), actors["hr"], builder.now
    )
    seconds = time.perf_counter() - t0
    _check_import(alone, sizes)

    text = builder.register_csv(sizes.import_rows, "BJ")
    fields = {**NOTICE, "prima_facie": True, "notice_received_on": builder.today.isoformat()}
    cases = builder.fresh_enquiries(max(50, sizes.import_rows // 100))
    done = threading.Event()
    took: list[float] = []
    errors: list[str] = []

    def transitions() -> None:
        for case_id, version in cases:
            if done.is_set():
                return
            t0 = time.perf_counter()
            try:
                with transaction(builder.engine) as s:
                    service.fire(
                        s,
                        case_id,
                        "serve_notice",
                        actors[VIEWER],
                        fields,
                        now=builder.now,
                        expected_version=version,
                    )
            except Exception as exc:  # noqa: BLE001 - reported after the run
                errors.append(f"{type(exc).__name__}: {exc}")
                return
            took.append(time.perf_counter() - t0)
            time.sleep(0.05)  # a committee's steady stream, not a second writer flat out

    worker = threading.Thread(target=transitions, name="bench-transitions")
    worker.start()
    t0 = time.perf_counter()
    try:
        busy = register_import.import_csv(builder.engine, text, actors["hr"], builder.now)
    finally:
        busy_seconds = time.perf_counter() - t0
        done.set()
        worker.join()
    _check_import(busy, sizes)
    if errors:
        raise Failed(f"transition during the import: {errors[0]}")
    return Import(
        sizes.import_rows,
        seconds,
        alone.write_seconds,
        busy_seconds,
        busy.write_seconds,
        len(took),
        max(took, default=0.0),
        statistics.median(took) if took else 0.0,
    )


def _check_import(result: register_import.ImportResult, sizes: Sizes) -> None:
    if result.errors:
        raise Failed(f"import refused: {[str(e) for e in result.errors[:3]]}")
    if result.created != sizes.import_rows:
        raise Failed(f"import created {result.created} of {sizes.import_rows}")
