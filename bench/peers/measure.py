"""drukflow's serve_notice side by side with the same step on its peers, in one run.

Five servers at once, each a uvicorn subprocess with one worker (``bench.server``):
drukflow, the bare one-row insert, SpiffWorkflow behind FastAPI and django-viewflow (as
WSGI in uvicorn's thread pool, and as ASGI). Each
round gives every system the same number of steps from the bench's load generator (its own
process, ``sizes.clients`` clients), one fresh case or workflow per step; the rounds
alternate and the order turns each round, so the machine's drift weighs on all alike.
Everything is on SQLite in WAL with each commit synced, in a throwaway directory, whatever
database the rest of the bench uses: the comparison is of one step on one machine.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench.data import COMPLAINT, NOTICE, Builder
from bench.measure import Failed, Sizes
from bench.server import HOST, Server

DRUKFLOW, BARE, SPIFF = "drukflow", "bare", "spiff"
VIEWFLOW, VIEWFLOW_ASGI = "viewflow", "viewflow-asgi"
# Django's ASGI handler runs every sync view on one thread; its WSGI application in
# uvicorn's thread pool runs them side by side (as gunicorn's gthread does) and was about
# 1.6x faster here, so the goal is judged on it; the ASGI figure is shown beside it.
FACTORIES = {
    DRUKFLOW: "bench.app_factory:create",
    BARE: "bench.bare_app:create",
    SPIFF: "bench.peers.spiff_app:create",
    VIEWFLOW: "bench.peers.viewflow_site:create_threaded",
    VIEWFLOW_ASGI: "bench.peers.viewflow_site:create",
}
ENQUIRY: dict[str, Any] = {}  # drukflow's direct_enquiry takes no fields either


@dataclass
class Comparison:
    """Each system's steps per second, one figure per round, and its latencies in ms."""

    rps: dict[str, list[float]] = field(default_factory=dict)
    ms: dict[str, list[float]] = field(default_factory=dict)

    def median_rps(self, system: str) -> float | None:
        return statistics.median(self.rps[system]) if self.rps.get(system) else None

    def median_ms(self, system: str) -> float | None:
        return statistics.median(self.ms[system]) if self.ms.get(system) else None


def _post(port: int, path: str, body: dict[str, Any]) -> dict[str, Any]:
    conn = http.client.HTTPConnection(HOST, port, timeout=600)
    conn.request("POST", path, body=json.dumps(body), headers={"content-type": "application/json"})
    resp = conn.getresponse()
    text = resp.read()
    conn.close()
    if resp.status != 200:
        raise Failed(f"{path}: {resp.status} {text[:300]!r}")
    return json.loads(text)


def compare(workdir: str, sizes: Sizes, say: Callable[[str], None] = print) -> Comparison:
    """The comparison on fresh SQLite databases in ``workdir``."""
    builder = Builder(f"sqlite:///{os.path.join(workdir, 'drukflow.db')}", datetime.now(UTC))
    try:
        say("peers: drukflow's base data")
        builder.base()
        return _run(builder, workdir, sizes, say)
    finally:
        builder.close()


def _run(builder: Builder, workdir: str, sizes: Sizes, say: Callable[[str], None]) -> Comparison:
    fields = {**NOTICE, "prima_facie": True, "notice_received_on": builder.today.isoformat()}
    complaint = {**COMPLAINT, "received_on": builder.today.isoformat()}
    warm, n = sizes.warmup * sizes.clients, sizes.requests
    need = warm + n * sizes.reps
    urls = {
        k: builder.url if k in (DRUKFLOW, BARE) else f"sqlite:///{os.path.join(workdir, k)}.db"
        for k in FACTORIES
    }
    say("peers: five servers")
    with ExitStack() as stack:
        servers = _start({k: Server(urls[k], f) for k, f in FACTORIES.items()}, stack)
        headers = {
            DRUKFLOW: {"authorization": f"Bearer {builder.token()}"},
            BARE: {},
            SPIFF: {},
        }
        say(f"peers: {need} fresh cases or workflows on each")
        setup = {"n": need, "complaint": complaint, "enquiry": ENQUIRY}
        spiff_ids = _post(servers[SPIFF].port, "/prepare", setup)["ids"]
        made = {k: _post(servers[k].port, "/prepare", setup) for k in (VIEWFLOW, VIEWFLOW_ASGI)}
        for k, m in made.items():
            headers[k] = {"cookie": m["cookie"]}
        steps: dict[str, list[list[Any]]] = {
            DRUKFLOW: [
                ["POST", f"/api/cases/{i}/actions/serve_notice", {"version": v, "fields": fields}]
                for i, v in builder.fresh_enquiries(need)
            ],
            BARE: [["POST", f"/bare/{i}", {"version": 2, "fields": fields}] for i in range(need)],
            SPIFF: [
                ["POST", f"/workflows/{i}/serve_notice", {"version": 1, "fields": fields}]
                for i in spiff_ids
            ],
        } | {
            k: [["POST", f"/processes/{i}/serve_notice", {"fields": fields}] for i in m["ids"]]
            for k, m in made.items()
        }
        out = Comparison()

        def load(system: str, reqs: list[list[Any]]) -> dict[str, Any]:
            r = servers[system].load(reqs, clients=sizes.clients, headers=headers[system])
            if r["errors"]:
                raise Failed(f"{system}: {r['statuses']} {r['error_samples'][:1]}")
            return r

        order = list(FACTORIES)
        say("peers: warm-up and rounds")
        for system in order:
            load(system, steps[system][:warm])
        for r in range(sizes.reps):
            turn = order[r % len(order) :] + order[: r % len(order)]
            for system in turn:
                start = warm + r * n
                result = load(system, steps[system][start : start + n])
                out.rps.setdefault(system, []).append(result["completed"] / result["elapsed"])
                out.ms.setdefault(system, []).extend(x * 1000 for x in result["latencies"])
    return out


def _start(servers: dict[str, Server], stack: ExitStack) -> dict[str, Server]:
    """All servers started at once (each start is mostly imports), each stopped by
    ``stack``; one that fails to start stops the ones that did."""
    with ThreadPoolExecutor(len(servers)) as pool:
        started = {k: pool.submit(srv.__enter__) for k, srv in servers.items()}
    for k, future in started.items():
        if future.exception() is None:
            stack.push(servers[k].__exit__)
    for future in started.values():
        future.result()
    return servers


def attempt(
    workdir: str, sizes: Sizes, say: Callable[[str], None]
) -> tuple[Comparison | None, str]:
    """The comparison, or None and why not (a failure is reported, not raised)."""
    try:
        return compare(workdir, sizes, say), ""
    except Exception as exc:  # noqa: BLE001 - reported in the output, the run goes on
        return None, f"FAILED peer comparison: {type(exc).__name__}: {str(exc)[:300]}"
