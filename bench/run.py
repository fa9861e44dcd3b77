"""The whole benchmark in order: build small, measure, grow large, measure, print.

One database is grown in two steps, so "small" and "large" differ only in what the
database holds, and every ratio compares figures taken in the same run on the same
machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from bench import measure
from bench import peers as peer_set
from bench.data import CASE, EVENT, Builder
from bench.measure import TINY, Sizes
from bench.report import Row, table

SQLITE_FILE = "bench.db"
IMPORT_TARGET_S = 15.0  # issue 20: 100,000 register rows on a 2-core machine
VERIFY_GOAL_EPS = 150_000.0  # issue 19: a 500,000-event chain verified in under 4 s
T = TypeVar("T")


def say(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def run_search(sizes: Sizes, url: str) -> tuple[list[Row], list[str]]:
    """``--search-only``: the search's rows alone (issue 18), on the same data as a full run
    (the base, the small cases and texts, the large cases and texts; no deadline padding),
    small measured before the database grows, large after, one round each."""
    notes: list[str] = []
    small: list[float] = []
    large: list[float] = []
    builder = Builder(url, datetime.now(UTC))
    try:
        builder.base()
        t0 = time.perf_counter()
        builder.grow_cases(sizes.cases_small)
        builder.pad_texts(sizes.texts_small)
        notes.append(f"small: {sizes.cases_small:,} cases, {sizes.texts_small:,} texts: {_s(t0)}")
        say("search, small")
        measure.search(url, sizes, small)
        t0 = time.perf_counter()
        builder.grow_cases(sizes.cases_large)
        t1 = time.perf_counter()
        builder.pad_texts(sizes.texts_large)
        notes.append(
            f"large: {sizes.cases_large:,} cases in {time.perf_counter() - t0:.1f} s, of which "
            f"{sizes.texts_large:,} papers' texts, indexed as written: {_s(t1)}"
        )
        say("search, large")
        measure.search(url, sizes, large)
    finally:
        builder.close()
    notes.append(
        f"search: {len(measure.SEARCHES)} queries x {sizes.search_requests}, in process "
        "(case_search.find as the search page calls it), as the committee member"
    )
    return search_rows(sizes, small, large), notes


def run(sizes: Sizes, url: str) -> tuple[list[Row], list[str]]:
    """Everything measured; returns the table's rows and the notes printed above it. A
    measurement that fails is noted and its rows show "-": the others still count."""
    notes: list[str] = []

    def attempt(what: str, fn: Callable[[], T]) -> T | None:
        say(what)
        try:
            return fn()
        except Exception as exc:  # noqa: BLE001 - reported in the output, the run goes on
            notes.append(f"FAILED {what}: {type(exc).__name__}: {str(exc)[:300]}")
            return None

    builder = Builder(url, datetime.now(UTC))
    try:
        t0 = time.perf_counter()
        builder.base()
        notes.append(f"base (demo's 28 cases + 3 bench cases through fire): {_s(t0)}")
        say(f"building {sizes.cases_small:,} cases")
        t0 = time.perf_counter()
        builder.grow_cases(sizes.cases_small)
        short, long = builder.history_cases(10, 300)
        builder.pad_texts(sizes.texts_small)
        notes.append(
            f"small: {sizes.cases_small:,} cases, {sizes.texts_small:,} papers' texts built "
            f"in {_s(t0)}"
        )
        case_pages = {"case 10 events": short, "case 300 events": long}

        # Pages on "small" are measured on this copy, in rounds alternating with "large",
        # so the machine's drift over the run weighs on both sizes alike. Where no copy can
        # be made, small is measured now and large later, one round each.
        small_url = builder.copy_to("small.db")
        small, large = measure.Pages(), measure.Pages()
        search_small: list[float] = []
        search_large: list[float] = []
        if small_url is None:
            attempt("pages, small", lambda: measure.pages(url, sizes, case_pages, small))
            attempt("search, small", lambda: measure.search(url, sizes, search_small))
        thru = attempt("transitions and bare inserts", lambda: measure.transitions(builder, sizes))
        say(f"growing to {sizes.accounts:,} user accounts")
        builder.grow_users(sizes.accounts)
        crowd = attempt(
            f"transitions with {sizes.accounts:,} accounts",
            lambda: measure.transitions(builder, sizes),
        )
        sweep_small = attempt(
            "sweep, small", lambda: measure.sweep(builder, sizes, sizes.deadlines_small)
        )
        say(f"building {sizes.cases_large:,} cases, {sizes.deadlines_large:,} deadlines")
        t0 = time.perf_counter()
        builder.grow_cases(sizes.cases_large)
        builder.pad_deadlines(sizes.deadlines_large - sizes.due)
        t1 = time.perf_counter()
        builder.pad_texts(sizes.texts_large)
        notes.append(
            f"large: {sizes.cases_large:,} cases, {sizes.deadlines_large:,} deadline rows "
            f"built in {_s(t0)} (of which {sizes.texts_large:,} papers' texts, indexed as "
            f"written: {_s(t1)})"
        )
        for r in range(sizes.page_rounds if small_url else 1):
            if small_url:
                attempt(
                    f"pages, small, round {r + 1}",
                    lambda: measure.pages(small_url, sizes, case_pages, small),
                )
            attempt(
                f"pages, large, round {r + 1}", lambda: measure.pages(url, sizes, case_pages, large)
            )
            if small_url:
                attempt(
                    f"search, small, round {r + 1}",
                    lambda: measure.search(small_url, sizes, search_small),
                )
            attempt(
                f"search, large, round {r + 1}", lambda: measure.search(url, sizes, search_large)
            )
        notes.append(
            f"pages: {sizes.page_rounds} round(s) of {sizes.page_requests} requests per page, "
            "small (a copy taken when it was built) and large alternating"
            if small_url
            else "pages: one round on small before it grew, one on large"
        )
        sweep_large = attempt(
            "sweep, large", lambda: measure.sweep(builder, sizes, sizes.deadlines_large)
        )
        ver = attempt("audit verify", lambda: measure.verify(builder))
        imp = attempt(
            f"register import of {sizes.import_rows:,} rows",
            lambda: measure.import_register(builder, sizes),
        )
    finally:
        builder.close()
    for stage, pages in (("small", small), ("large", large)):
        for name, problem in (pages.failures if pages else {}).items():
            notes.append(f"FAILED {name} ({stage}): {problem[:300]}")
    if ver:
        notes.append(f"audit chain: {ver.events:,} events, verified")
    for label, sw in (("small", sweep_small), ("large", sweep_large)):
        if sw:
            notes.append(
                f"{label} sweep: {sw.fired:,} fired among {sw.deadline_rows:,} rows, "
                f"runs {', '.join(f'{x:.2f}' for x in sw.seconds)} s (a first sweep with "
                f"nothing due, sending the one-off near-deadline notices: {sw.first_s:.2f} s)"
            )
    if imp:
        notes.append(
            f"register import: {imp.rows:,} rows alone in {imp.seconds:.2f} s (write "
            f"transaction {imp.write_s:.2f} s); again with transitions alongside in "
            f"{imp.busy_seconds:.2f} s (write {imp.busy_write_s:.2f} s), {imp.transitions} "
            f"serve_notice steps meanwhile, median {imp.median_s * 1000:.0f} ms, longest "
            f"{imp.longest_s * 1000:.0f} ms"
        )
    notes.append(
        f"search: {len(measure.SEARCHES)} queries x {sizes.search_requests} per round, in "
        "process (case_search.find as the search page calls it), as the committee member"
    )
    rows = rows_of(sizes, small, large, thru, sweep_small, sweep_large, ver, imp, crowd)
    return rows + search_rows(sizes, search_small, search_large), notes


def search_rows(sizes: Sizes, small: list[float], large: list[float]) -> list[Row]:
    """Issue 18: the search's p95 with 100k cases and 200k papers' texts within 2x of its
    p95 at 1k cases."""
    s, lg = measure.summary(small), measure.summary(large)
    return [
        Row(
            f"8. search p95 ms ({sizes.cases_small:,} cases, {sizes.texts_small:,} texts -> "
            f"{sizes.cases_large:,} cases, {sizes.texts_large:,} texts)",
            s and s.p95_ms,
            lg and lg.p95_ms,
            "<= 2",
        ),
        Row("   search median ms", s and s.median_ms, lg and lg.median_ms),
    ]


def rows_of(
    sizes: Sizes,
    small: measure.Pages | None,
    large: measure.Pages | None,
    thru: measure.Throughput | None,
    sweep_small: measure.Sweep | None,
    sweep_large: measure.Sweep | None,
    ver: measure.Verify | None,
    imp: measure.Import | None = None,
    crowd: measure.Throughput | None = None,
) -> list[Row]:
    n_s, n_l = f"{sizes.cases_small:,}", f"{sizes.cases_large:,}"

    def page(pages: measure.Pages | None, name: str, what: str) -> float | None:
        lat = pages.latency.get(name) if pages else None
        return getattr(lat, what) if lat else None

    def med(values: list[float] | None) -> float | None:
        return statistics.median(values) if values else None

    rows = [
        Row(
            f"1. transitions/s over HTTP, {sizes.clients} clients: serve_notice vs bare insert",
            med(thru and thru.transition_rps),
            med(thru and thru.bare_rps),
            ">= 0.6",
            "a/b",
        ),
        Row(
            "   latency under that load, median ms: transition vs bare",
            thru and thru.transition_ms,
            thru and thru.bare_ms,
            ratio_of="a/b",
        ),
        Row(
            f"   transitions/s with {sizes.accounts:,} accounts vs the demo's (who acts next "
            "is found by role and agency)",
            med(crowd and crowd.transition_rps),
            med(thru and thru.transition_rps),
            ">= 0.9",
            "a/b",
        ),
    ]
    for name in measure.PAGES:
        rows.append(
            Row(
                f"2. {name}, median ms ({n_s} -> {n_l} cases)",
                page(small, name, "median_ms"),
                page(large, name, "median_ms"),
                "<= 1.5",
            )
        )
        rows.append(
            Row(
                f"   {name}, p95 ms",
                page(small, name, "p95_ms"),
                page(large, name, "p95_ms"),
                "<= 1.5",
            )
        )
    rows += [
        Row(
            "3. case page, median ms: 10 events -> 300 events",
            page(small, "case 10 events", "median_ms"),
            page(small, "case 300 events", "median_ms"),
            "<= 2",
        ),
        Row(
            f"   case page (10 events), median ms ({n_s} -> {n_l} cases)",
            page(small, "case 10 events", "median_ms"),
            page(large, "case 10 events", "median_ms"),
            "<= 1.5",
        ),
        Row(
            f"4. timer sweep of {sizes.due:,} due, s ({sizes.deadlines_small:,} -> "
            f"{sizes.deadlines_large:,} deadline rows)",
            med(sweep_small and sweep_small.seconds),
            med(sweep_large and sweep_large.seconds),
            "<= 1.5",
        ),
        Row(
            "5. audit verify, events/s vs sha256 alone over the same bytes",
            ver and ver.verify_eps,
            ver and ver.hashlib_eps,
            ">= 0.5",
            "a/b",
        ),
        Row(
            f"   audit verify of {ver.events:,} events, events/s vs issue 19's goal"
            if ver
            else "   audit verify, events/s vs issue 19's goal",
            ver and ver.verify_eps,
            VERIFY_GOAL_EPS,
            ">= 1",
            "a/b",
        ),
        Row(
            "   payload() + sha256 in memory, events/s vs sha256 alone",
            ver and ver.payload_eps,
            ver and ver.hashlib_eps,
            ratio_of="a/b",
        ),
        Row("6. server peak RSS MB during 1 (transitions)", thru and thru.peak_mb, None),
        Row(
            f"   server peak RSS MB during 2 ({n_s} -> {n_l} cases)",
            small and small.peak_mb,
            large and large.peak_mb,
        ),
        Row(
            f"7. register import of {sizes.import_rows:,} new records, s vs 15 s",
            imp and imp.seconds,
            IMPORT_TARGET_S,
            "<= 1",
            "a/b",
        ),
        Row(
            "   its write transaction, s: alone vs with transitions alongside",
            imp and imp.write_s,
            imp and imp.busy_write_s,
        ),
        Row(
            "   a concurrent transition's longest wait, s vs the import's write transaction",
            imp and imp.longest_s - imp.median_s,
            imp and imp.busy_write_s,
            "<= 1.1",  # the wait less a median step; the slack: that step under contention
            "a/b",
        ),
    ]
    return rows


def _s(t0: float) -> str:
    return f"{time.perf_counter() - t0:.1f} s"


def run_only(part: str, sizes: Sizes, url: str, workers: list[int], events: int) -> list[Row]:
    """One part of the bench on its own data: ``transitions`` (with each number of uvicorn
    workers in turn, on the same database) or ``verify`` (a chain of at least ``events``)."""
    builder = Builder(url, datetime.now(UTC))
    rows: list[Row] = []
    try:
        builder.base()
        if part == "verify":
            say(f"building a chain of {events:,} events")
            t0 = time.perf_counter()
            chain = grow_chain(builder, events)
            say(f"{chain:,} events built in {_s(t0)}; verifying")
            ver = measure.verify(builder)
            rows.append(
                Row(
                    f"audit verify of {ver.events:,} events, events/s vs issue 19's goal",
                    ver.verify_eps,
                    VERIFY_GOAL_EPS,
                    ">= 1",
                    "a/b",
                )
            )
            rows.append(
                Row(
                    "   the same, events per CPU second (the machine's other load left out)",
                    ver.cpu_eps,
                    VERIFY_GOAL_EPS,
                    ">= 1",
                    "a/b",
                )
            )
            rows.append(
                Row(
                    "   the same, events/s vs sha256 alone over the same bytes",
                    ver.verify_eps,
                    ver.hashlib_eps,
                    ">= 0.5",
                    "a/b",
                )
            )
            return rows
        builder.grow_cases(sizes.cases_small)
        for n in workers:
            say(f"transitions, {n} worker(s)")
            thru = measure.transitions(builder, sizes, n)
            runs = ", ".join(f"{x:.1f}" for x in thru.transition_rps)
            rows.append(
                Row(
                    f"transitions/s, {n} worker(s), {sizes.clients} clients (runs {runs}) "
                    "vs bare insert",
                    statistics.median(thru.transition_rps),
                    statistics.median(thru.bare_rps),
                    ratio_of="a/b",
                )
            )
            if thru.head_held is not None:
                rows.append(
                    Row(
                        f"   audit head lock held, share of samples; mean waiting ({n} worker(s))",
                        thru.head_held,
                        thru.head_waiting,
                    )
                )
        return rows
    finally:
        builder.close()


def grow_chain(builder: Builder, events: int) -> int:
    """Copies of the demo's cases until the chain holds at least ``events`` events."""
    have = builder.count(EVENT)
    while have < events:
        cases = builder.count(CASE)
        builder.grow_cases(cases + int((events - have) * cases / have) + 1)
        have = builder.count(EVENT)
    return have


def parse_all(argv: list[str]) -> tuple[Sizes, argparse.Namespace]:
    """The sizes, and the flags: --keep, --search-only, --peers (the peer comparison
    alone), --only (one part alone) with --workers and --verify-events."""
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="drukflow's benchmark (issue 6): builds its own data and prints one table "
        "of medians and ratios. SQLite in a throwaway directory by default; PostgreSQL when "
        "DRUKFLOW_DATABASE_URL names an (empty) PostgreSQL database.",
    )
    p.add_argument("--tiny", action="store_true", help="smoke sizes (seconds, not minutes)")
    p.add_argument("--cases-large", type=int, help="cases in the large database (100,000)")
    p.add_argument("--deadlines-large", type=int, help="deadline rows, large (1,000,000)")
    p.add_argument("--reps", type=int, help="repetitions of throughput and sweep runs (3)")
    p.add_argument("--import-rows", type=int, help="lines of the register import (100,000)")
    p.add_argument("--texts-large", type=int, help="papers' texts in the large (200,000)")
    p.add_argument("--keep", action="store_true", help="keep the SQLite database afterwards")
    p.add_argument(
        "--only",
        choices=("transitions", "verify"),
        help="one part alone, on its own data: transitions (1,000 cases; see --workers) or "
        "audit verify (a chain of --verify-events events)",
    )
    p.add_argument(
        "--workers",
        default="1",
        help="uvicorn workers for --only transitions, a comma-separated list measured in turn "
        "(e.g. 1,2)",
    )
    p.add_argument(
        "--verify-events", type=int, default=500_000, help="chain length for --only verify"
    )
    p.add_argument("--search-only", action="store_true", help="only the search's rows (8.)")
    p.add_argument(
        "--peers",
        action="store_true",
        help="only the peer comparison (SpiffWorkflow, django-viewflow; the bench extra); "
        "without this flag it runs after the rest whenever the extra is installed",
    )
    args = p.parse_args(argv)
    sizes = TINY if args.tiny else Sizes()
    changes = {
        "cases_large": args.cases_large,
        "deadlines_large": args.deadlines_large,
        "reps": args.reps,
        "import_rows": args.import_rows,
        "texts_large": args.texts_large,
    }
    fields = {k: v for k, v in changes.items() if v is not None}
    return Sizes(**{**sizes.__dict__, **fields}), args


def peers(sizes: Sizes) -> str:
    """The peer table (issue 19), or one line saying how to install the peers."""
    if not peer_set.installed():
        return peer_set.INSTALL_HINT
    from bench.peers import measure as peer_measure
    from bench.peers import table as peer_table

    workdir = tempfile.mkdtemp(prefix="drukflow-peers-")
    try:
        comparison, problem = peer_measure.attempt(workdir, sizes, say)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if comparison is None:
        return problem
    return (
        f"peers: serve_notice side by side, {sizes.reps} alternating round(s) of "
        f"{sizes.requests} steps, {sizes.clients} clients, one fresh case per step "
        "(SQLite WAL, each commit synced; uvicorn, one worker each)\n\n"
        + peer_table.table(comparison)
    )


def main(argv: list[str] | None = None) -> int:
    sizes, args = parse_all(sys.argv[1:] if argv is None else argv)
    keep = args.keep
    if args.peers:
        started = time.perf_counter()
        print(peers(sizes))
        print(f"\n{_s(started)} in all")
        return 0
    url = os.environ.get("DRUKFLOW_DATABASE_URL", "")
    workdir = None
    if not url.startswith("postgresql"):
        workdir = tempfile.mkdtemp(prefix="drukflow-bench-")
        url = f"sqlite:///{os.path.join(workdir, SQLITE_FILE)}"
    started = time.perf_counter()
    try:
        if args.only:
            workers = [int(n) for n in args.workers.split(",")]
            rows, notes = run_only(args.only, sizes, url, workers, args.verify_events), []
        else:
            rows, notes = (run_search if args.search_only else run)(sizes, url)
    finally:
        if workdir and not keep:
            shutil.rmtree(workdir, ignore_errors=True)
    served = f"workers {args.workers}" if args.only == "transitions" else "one worker"
    print(
        f"drukflow bench on {url.split('://')[0]}, {os.cpu_count()} CPUs; over HTTP "
        f"(uvicorn subprocess, {served}; load generator in its own process)"
    )
    for note in notes:
        print(f"  {note}")
    if workdir and keep:
        print(f"  database kept: {url}")
    print()
    print(table(rows))
    if not (args.only or args.search_only):  # a part alone is that part only
        print()
        print(peers(sizes))
    print(f"\n{_s(started)} in all")
    return 0
