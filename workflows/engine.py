"""The process engine: a process declared as data, run on `transitions`.

A process module (e.g. ``workflows.disciplinary``) lists states and ``Step``s that a
reader can check line by line against the BCSR. This module turns that list into one
shared ``transitions.Machine`` per process, built once at import, and answers the
questions the rest of drukflow asks: which actions may this actor take now, why is
this one refused (always with the section), where does it lead, and what does the
state diagram look like. It knows nothing of databases or the web.

What a process declares is ``workflows.declarations``; what a step runs on and how it is
refused, ``workflows.context``; how a step's fields are parsed, ``workflows.fields``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from transitions import Machine, Transition

from workflows import roles as R
from workflows.context import Actor, Context, Refusal, Refused
from workflows.declarations import Authority, Field, State, Step
from workflows.fields import field_decl, future_dates, parse_fields
from workflows.readings import InForce

# A trigger open from more stages than this is an "anywhere" step (see anywhere_steps).
ANYWHERE = 3


# ------------------------------------------------------------------ the machine


class StepTransition(Transition):
    """A `transitions` Transition that remembers the declared Step it came from."""

    def __init__(
        self,
        source: str,
        dest: str,
        conditions: Any = None,
        unless: Any = None,
        before: Any = None,
        after: Any = None,
        prepare: Any = None,
        step: Step | None = None,
    ) -> None:
        super().__init__(source, dest, conditions, unless, before, after, prepare)
        self.step = step


class _Runner(Machine):
    transition_cls = StepTransition


class _CaseAdapter:
    """What the shared machine runs on: a state plus the step actually taken."""

    def __init__(self, state: str):
        self.state = state
        self.taken: Step | None = None


def _branch_condition(step: Step) -> Callable[[Any], bool]:
    def condition(event: Any) -> bool:
        return step.when is None or step.when(event.kwargs["ctx"])

    return condition


def _record_taken(event: Any) -> None:
    event.model.taken = event.transition.step


@dataclass
class Process:
    key: str
    title: str
    version: str
    cite: str
    states: tuple[State, ...]
    steps: tuple[Step, ...]
    initial: str = "new"
    opening: str = "open"
    summary: str = ""
    # Eligibility (workflows.eligibility.Rule) the opening step enforces and the
    # application page and GET /api/employees/{eid}/eligibility/{process} show beforehand.
    eligibility: tuple[Any, ...] = ()
    # The fields of the application those rules read (query parameters of that GET).
    proposal_fields: tuple[Field, ...] = ()
    # The day a new case starts opening on this version (BCSR 2023 came into effect on
    # 17 December 2023, 1.2.2), what it changed from the version before, and the readings
    # it applies (workflows.readings); ``previous`` is the version it revises.
    effective_from: date = date(2023, 12, 17)
    changes: str = "the first version: BCSR 2023 as it came into effect (1.2.2)"
    readings: tuple[InForce, ...] = ()
    previous: Process | None = field(default=None, repr=False, compare=False)
    _machine: Machine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.steps = expand_self_loops(self.steps)
        names = [s.name for s in self.states]
        self._machine = _Runner(
            model=None,
            states=names,
            initial=self.initial,
            auto_transitions=False,
            send_event=True,
            after_state_change=_record_taken,
        )
        for step in self.steps:
            for src in step.sources:
                self._machine.add_transition(
                    step.trigger, src, step.dest, conditions=[_branch_condition(step)], step=step
                )
        self.state_by_name = {s.name: s for s in self.states}
        # Steps by source state, in definition order: asked on every step and every page.
        self._from: dict[str, list[Step]] = {}
        for step in self.steps:
            for src in dict.fromkeys(step.sources):
                self._from.setdefault(src, []).append(step)
        self._confidential = {f.name: f for s in self.steps for f in s.fields if f.visible_to}
        # Asked for every case of a work queue (what a case waits for leaves these out).
        self._anywhere = tuple(self._steps_open_almost_everywhere())
        self.anywhere_triggers = frozenset(s.trigger for s in self._anywhere)
        self.readings = tuple(
            r if r.since else replace(r, since=self.effective_from) for r in self.readings
        )
        self._readings = {r.reading.id: r for r in self.readings}
        for under in self._unders():
            self.in_force(under[0]).reading.option(under[1])  # unknown: a definition error

    def _unders(self) -> list[tuple[str, str]]:
        guards = [g for s in self.steps for g in s.guards]
        return [x.under for x in (*guards, *self.eligibility) if x.under]

    # -- readings (workflows.readings)
    def in_force(self, reading_id: str) -> InForce:
        """The reading of ``reading_id`` this version applies; a version that uses a
        reading must declare it."""
        try:
            return self._readings[reading_id]
        except KeyError:
            raise KeyError(f"{self.key} {self.version} declares no reading {reading_id}") from None

    def reading(self, reading_id: str) -> str:
        """The option in force (e.g. "total"): what an effect that depends on it asks."""
        return self.in_force(reading_id).option

    def binds(self, rule: Any) -> bool:
        """A guard or eligibility rule applies to this version (its reading is in force)."""
        under = getattr(rule, "under", None)
        return under is None or self.reading(under[0]) == under[1]

    def because(self, rule: Any) -> str:
        """A rule's reason, naming the reading it depends on (if any)."""
        under = getattr(rule, "under", None)
        if under is None:
            return rule.reason
        return f"{rule.reason} ({self.in_force(under[0]).note()})"

    @property
    def rules(self) -> tuple[Any, ...]:
        """The eligibility rules of this version: those of the readings it applies."""
        return tuple(r for r in self.eligibility if self.binds(r))

    # -- questions about the definition
    def state(self, name: str) -> State:
        return self.state_by_name[name]

    def is_final(self, name: str) -> bool:
        return self.state_by_name[name].final

    def triggers(self) -> list[str]:
        return sorted({s.trigger for s in self.steps})

    def confidential_fields(self) -> dict[str, Field]:
        """Fields only some roles may read, by name: a case's data merges every step's fields
        under their names, so one name is one rule wherever the value shows up."""
        return dict(self._confidential)

    def branches(self, trigger: str) -> list[Step]:
        """Every declared branch of ``trigger`` (what a revision replaces together)."""
        return [s for s in self.steps if s.trigger == trigger]

    def steps_from(self, state: str, trigger: str | None = None) -> list[Step]:
        steps = self._from.get(state, [])
        return [s for s in steps if trigger is None or s.trigger == trigger]

    # -- questions about a case
    def select(self, state: str, trigger: str, ctx: Context) -> Step:
        """The branch of ``trigger`` that would run from ``state`` with these fields."""
        candidates = self.steps_from(state, trigger)
        if not candidates:
            if trigger not in self.triggers():
                raise Refused([Refusal("state", self.cite, f"unknown action '{trigger}'")])
            raise Refused(
                [
                    Refusal(
                        "state",
                        self._cite_of(trigger),
                        f"'{trigger}' is not possible while the case is {self.state(state).label}",
                    )
                ]
            )
        for step in candidates:
            if step.when is None or step.when(ctx):
                return step
        return candidates[0]

    def _cite_of(self, trigger: str) -> str:
        return next(s.cite for s in self.steps if s.trigger == trigger)

    def check(
        self, state: str, trigger: str, actor: Actor, ctx: Context, raw: Mapping[str, Any]
    ) -> tuple[Step, dict[str, Any]]:
        """Everything the rules say about firing ``trigger`` now; raises Refused with sections."""
        probe = replace(ctx, fields=dict(raw))
        step = self.select(state, trigger, probe)
        refusals = check_authority(step, actor, ctx)
        if refusals:
            raise Refused(refusals)
        fields, errors = parse_fields(step, raw, ctx.data)
        errors += future_dates(step, fields, ctx.today)
        if errors:
            raise Refused(errors)
        typed = replace(ctx, fields=fields, actor=actor)
        step = self.select(state, trigger, typed)
        failed = [
            Refusal("guard", g.cite, self.because(g))
            for g in step.guards
            if self.binds(g) and not g.check(typed)
        ]
        if failed:
            raise Refused(failed)
        return step, fields

    def run(self, state: str, trigger: str, ctx: Context) -> tuple[str, Step]:
        """Run the shared machine; returns the destination and the branch actually taken."""
        adapter = _CaseAdapter(state)
        ok = self._machine.events[trigger].trigger(adapter, ctx=ctx)
        if not ok or adapter.taken is None:
            raise Refused(
                [Refusal("state", self._cite_of(trigger), "no branch of this action applies")]
            )
        return adapter.state, adapter.taken

    def available(self, state: str, actor: Actor, ctx: Context) -> list[Step]:
        """Actions this actor may take now; guards are checked (and explained) on submit."""
        seen: dict[str, Step] = {}
        ctx = replace(ctx, actor=actor)
        for step in self.steps_from(state):
            if step.trigger in seen or step.timer_only:
                continue
            if check_authority(step, actor, ctx):
                continue
            if any(g.precheck and self.binds(g) and not g.check(ctx) for g in step.guards):
                continue
            seen[step.trigger] = step
        return list(seen.values())

    def mermaid(self, current: str | None = None) -> str:
        lines = ["stateDiagram-v2"]
        lines.append(f"    [*] --> {self.initial}")
        for s in self.states:
            lines.append(f"    {s.name} : {_mermaid_text(s.label)}")
        seen = set()
        spread = {step.trigger for step in self.anywhere_steps()}
        for step in self.steps:
            if step.trigger in spread:
                continue  # steps open in most states are listed beside the diagram instead
            for src in step.sources:
                key = (src, step.dest, step.trigger)
                if key in seen:
                    continue
                seen.add(key)
                lines.append(f"    {src} --> {step.dest} : {step.trigger} ({step.cite})")
        for s in self.states:
            if s.final:
                lines.append(f"    {s.name} --> [*]")
        if current:
            lines.append("    classDef current fill:#f6c445,stroke:#7a4b00,stroke-width:3px")
            lines.append(f"    class {current} current")
        return "\n".join(lines)

    def anywhere_steps(self) -> list[Step]:
        """Steps open from most stages (suspension, death, withdrawal): left off the diagram,
        and never what a case waits for."""
        return list(self._anywhere)

    def _steps_open_almost_everywhere(self) -> list[Step]:
        """Branches of one trigger count their stages once."""
        sources: dict[str, set[str]] = {}
        for step in self.steps:
            sources.setdefault(step.trigger, set()).update(step.sources)
        seen: dict[str, Step] = {}
        for step in self.steps:
            if len(sources[step.trigger]) > ANYWHERE:
                seen.setdefault(step.trigger, step)
        return list(seen.values())

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "changes": self.changes,
            "cite": self.cite,
            "readings": [reading_decl(r) for r in self.readings],
            "states": [
                {"name": s.name, "label": s.label, "final": s.final, "queue": s.queue}
                for s in self.states
            ],
            "eligibility": [
                {"cite": r.cite, "rule": self.because(r), "advisory": r.advisory}
                for r in self.rules
            ],
            "proposal_fields": [field_decl(f) for f in self.proposal_fields],
            "transitions": [
                {
                    "trigger": s.trigger,
                    "label": s.label,
                    "from": list(s.sources),
                    "to": s.dest,
                    "roles": sorted(s.by),
                    "cite": s.cite,
                    "fields": [field_decl(f) for f in s.fields],
                    "arms": [
                        {
                            "kind": a.kind,
                            "cite": a.cite,
                            "working_days": a.working_days,
                            "days": a.days,
                            "on_timeout": a.on_timeout,
                        }
                        for a in s.arms
                    ],
                    "settles": list(s.settles),
                }
                for s in self.steps
            ],
            "diagram": self.mermaid(),
        }


def expand_self_loops(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """A step declared with ``dest="="`` stays in whichever state it was taken from: one
    Step per source, so the machine, the diagram and the checks see ordinary transitions."""
    out: list[Step] = []
    for step in steps:
        if step.dest != "=":
            out.append(step)
            continue
        out.extend(replace(step, source=src, dest=src) for src in step.sources)
    return tuple(out)


def _mermaid_text(text: str) -> str:
    """Mermaid ends a statement at ';' and splits labels at ':'."""
    return text.replace(";", ",").replace(":", " -")


def reading_decl(r: InForce) -> dict[str, Any]:
    return {
        "id": r.reading.id,
        "section": r.reading.section,
        "words": r.reading.words,
        "question": r.reading.question,
        "options": [{"label": o.label, "does": o.does} for o in r.reading.options],
        "in_force": r.option,
        "does": r.chosen.does,
        "why": r.why,
        "since": r.since.isoformat() if r.since else None,
    }


def hidden_fields(process: Process, actor: Actor) -> frozenset[str]:
    """The confidential fields of ``process`` that ``actor`` may not read: every role the
    field's ``visible_to`` does not name (an administrator keeps the system, not its secrets)."""
    return frozenset(
        name
        for name, f in process.confidential_fields().items()
        if not (f.visible_to & actor.roles)
    )


def redact(process: Process, values: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """``values`` (a case's data or one event's fields) without what ``actor`` may not read.

    The one place confidentiality is applied: the case page, its timeline, the API case view,
    the API events and the due-process report (page, PDF, JSON) all pass through here, so a
    field marked ``visible_to`` is hidden everywhere at once."""
    hidden = hidden_fields(process, actor)
    return {k: v for k, v in values.items() if k not in hidden}


def check_authority(
    step: Step, actor: Actor, ctx: Context, found: Authority | None = None
) -> list[Refusal]:
    """Role, competent agency and recusal (BCSR 19.3.5-19.3.7) for one step. ``found``: the
    step's competent authority on this case when the caller has worked it out already (the
    inbox checks many users against one step; the answer does not depend on the user)."""
    if step.timer_only:
        if R.SYSTEM in actor.roles:
            return []
        return [Refusal("authority", step.cite, "only the deadline timer takes this step")]
    if step.by & actor.roles & R.SELF and actor.employee_eid == ctx.subject.eid:
        return []  # the respondent or applicant acting on their own case
    acting = (actor.roles & step.by) | (
        step.by & R.RCSC_ACTS_AS if R.RCSC in actor.roles else frozenset()
    )
    acting -= R.SELF
    if not acting:
        wanted = ", ".join(R.LABELS.get(r, r) for r in sorted(step.by))
        return [Refusal("authority", step.cite, f"this step is taken by: {wanted}")]
    if step.authority is not None:
        auth = found or step.authority(ctx)
        if auth.problem:
            return [Refusal("authority", auth.cite, auth.problem)]
        if actor.agency not in auth.agencies:
            return [
                Refusal(
                    "authority",
                    auth.cite,
                    f"only the competent authority ({' or '.join(auth.agencies)}) may take "
                    f"this step for a {ctx.subject.level} civil servant",
                )
            ]
    if actor.user_id in ctx.recused_user_ids:
        return [
            Refusal(
                "recusal",
                "19.3.5",
                "you have declared a relation to or prejudice "
                "against the respondent and cannot act on this case",
            )
        ]
    if actor.employee_eid and actor.employee_eid == ctx.subject.eid:
        return [Refusal("recusal", "19.3.5", "the respondent cannot act on their own case")]
    if actor.employee_eid and actor.employee_eid == ctx.data.get("complainant_eid"):
        return [Refusal("recusal", "19.3.5", "the complainant cannot act on this case")]
    return []


def registry_check(process: Process) -> list[str]:
    """Problems in a definition (used by the generic test of every registered process)."""
    problems = []
    names = {s.name for s in process.states}
    reach = {process.initial}
    frontier = [process.initial]
    while frontier:
        here = frontier.pop()
        for step in process.steps_from(here):
            if step.dest not in reach:
                reach.add(step.dest)
                frontier.append(step.dest)
    for s in process.states:
        if s.name not in reach:
            problems.append(f"state {s.name} is unreachable")
        if not s.final and not process.steps_from(s.name):
            problems.append(f"state {s.name} is a dead end")
    for step in process.steps:
        if not step.cite:
            problems.append(f"{step.trigger} cites no rule")
        if step.dest not in names or any(src not in names for src in step.sources):
            problems.append(f"{step.trigger} names an unknown state")
        for arm in step.arms:
            if arm.on_timeout and not any(
                arm.on_timeout == t.trigger and step.dest in t.sources for t in process.steps
            ):
                problems.append(f"{arm.kind}: timeout {arm.on_timeout} invalid from {step.dest}")
    return problems
