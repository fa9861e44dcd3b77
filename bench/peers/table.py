"""The peer table: system | steps/s | median ms | what a step does | drukflow's ratio, goal."""

from __future__ import annotations

from bench.peers.measure import BARE, DRUKFLOW, SPIFF, VIEWFLOW, VIEWFLOW_ASGI, Comparison
from bench.report import number

# What one step does on each system (README, "Bench: the peers").
WHAT = {
    DRUKFLOW: "drukflow serve_notice: token, visibility, guards (role, authority, recusal), "
    "machine, working-day deadline, notices, audit chain, answer the case",
    SPIFF: "SpiffWorkflow 3 behind FastAPI: load the serialized workflow, complete the user "
    "task, serialize, compare-and-set; no guards, deadlines, notices or audit",
    VIEWFLOW: "django-viewflow 2, a JSON view on its assign + execute API (Django's WSGI "
    "application in uvicorn's thread pool): session, permission checks, task and process "
    "rows, next task",
    VIEWFLOW_ASGI: "the same viewflow site over Django's ASGI handler (every sync view on "
    "one thread); shown, not judged",
    BARE: "bare one-row insert: one statement",
}
# drukflow's steps/s over the peer's must reach this (issue 19).
GOALS = {SPIFF: 1.0, VIEWFLOW: 2.0}
ORDER = (DRUKFLOW, VIEWFLOW, VIEWFLOW_ASGI, SPIFF, BARE)


def table(c: Comparison) -> str:
    ours = c.median_rps(DRUKFLOW)
    heads = ("system", "steps/s", "median ms", "drukflow x", "goal", "result")
    rows = []
    for system in ORDER:
        rps = c.median_rps(system)
        ratio = ours / rps if ours and rps else None
        goal = GOALS.get(system)
        verdict = "" if goal is None or ratio is None else "pass" if ratio >= goal else "MISS"
        rows.append(
            (
                system,
                number(rps),
                number(c.median_ms(system)),
                number(ratio),
                f">= {goal:.1f}" if goal else "",
                verdict,
            )
        )
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(heads)]

    def fmt(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [x.rjust(w) for x, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    lines = [fmt(heads), "  ".join("-" * w for w in widths), *(fmt(r) for r in rows)]
    lines.append("")
    lines += [f"  {s}: {WHAT[s]}" for s in ORDER]
    rounds = ", ".join(f"{s} {'/'.join(number(x) for x in c.rps.get(s, []))}" for s in ORDER)
    lines.append(f"  steps/s per round: {rounds}")
    return "\n".join(lines)
