"""The process engine: a process declared as data, run on `transitions`.

A process module (e.g. ``workflows.disciplinary``) lists states and ``Step``s that a
reader can check line by line against the BCSR. This module turns that list into one
shared ``transitions.Machine`` per process, built once at import, and answers the
questions the rest of drukflow asks: which actions may this actor take now, why is
this one refused (always with the section), where does it lead, and what does the
state diagram look like. It knows nothing of databases or the web.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from transitions import Machine, Transition

from workflows import bounds
from workflows import roles as R
from workflows.readings import InForce

# ---------------------------------------------------------------- declarations


# A trigger open from more stages than this is an "anywhere" step (see anywhere_steps).
ANYWHERE = 3


@dataclass(frozen=True)
class Field:
    """A form field a step takes; the web form and the API validation both come from it."""

    name: str
    type: str  # text, textarea, date, int, decimal, bool, choice, multichoice, findings
    label: str
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    future_ok: bool = False  # a date of something that happened cannot lie in the future
    # Confidential: only these roles read the value (case page, timeline, API case and events);
    # ``confidential`` is the section that makes it so. Empty: whoever sees the case reads it.
    visible_to: frozenset[str] = frozenset()
    confidential: str = ""
    # The most characters a text field holds (0: its type's limit in workflows.bounds), shown
    # on the form (maxlength and a hint) and checked on every submission.
    max_length: int = 0
    # A findings field whose rows also take a fine's amount and a number of increments
    # (19.11.13.2-3, 19.11.14.2); a row keeps them only where given.
    amounts: bool = False

    def __post_init__(self) -> None:
        if not self.max_length and self.type in bounds.TEXT_LIMITS:
            object.__setattr__(self, "max_length", bounds.TEXT_LIMITS[self.type])


@dataclass(frozen=True)
class Arm:
    """A deadline a step arms: counted from a date field (or the day of the step)."""

    kind: str
    label: str
    cite: str
    working_days: int | None = None
    days: int | None = None
    days_field: str | None = None  # the number of days comes from a field (an extension)
    from_field: str | None = None  # a date in the fields or the case data; else the step's day
    on_timeout: str | None = None  # trigger the sweep fires when the deadline is missed


@dataclass(frozen=True)
class Guard:
    """A rule a step must satisfy; ``check`` returns True when the rule is met."""

    cite: str
    reason: str
    check: Callable[[Context], bool]
    precheck: bool = False  # depends only on the case, so an action failing it is not offered
    # (reading id, option): the rule binds only where the case's version reads the provision
    # that way (workflows.readings); its refusal names the reading.
    under: tuple[str, str] | None = None


@dataclass(frozen=True)
class Authority:
    """Which agency's officers may act, and the section that says so."""

    agencies: tuple[str, ...]
    cite: str
    # Why no body can be named (e.g. an agency's record lacks what the rule reads): the
    # step is refused with this, instead of falling back to some other body.
    problem: str = ""


@dataclass(frozen=True)
class Step:
    trigger: str
    source: str | tuple[str, ...]
    dest: str
    label: str
    cite: str
    by: frozenset[str]
    fields: tuple[Field, ...] = ()
    guards: tuple[Guard, ...] = ()
    when: Callable[[Context], bool] | None = None  # branch selector for one trigger
    authority: Callable[[Context], Authority] | None = None  # the competent body, by case
    arms: tuple[Arm, ...] = ()
    settles: tuple[str, ...] = ()
    cancels: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    help: str = ""
    # Leaves a final state: only where a rule sets no time for a step after the decision
    # became final (19.12.1: an oversight agency's appeal); every other final state stays.
    reopens: bool = False

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if isinstance(self.source, str) else self.source

    @property
    def timer_only(self) -> bool:
        return self.by == frozenset({R.SYSTEM})


@dataclass(frozen=True)
class State:
    name: str
    label: str
    final: bool = False
    # A shared work queue a case in this state waits in, across processes; e.g.
    # "compulsory_retirement" gathers the proposals of 7.7.8.1(v), 8.12.15, 13.10.6.4.
    queue: str | None = None


# ------------------------------------------------------------ runtime context


@dataclass(frozen=True)
class Subject:
    """The civil servant a case is about, as far as the rules need to know."""

    eid: str
    name: str
    level: str
    agency: str
    agency_kind: str
    parent_agency: str | None = None
    head_of_agency: bool = False

    @property
    def executive_or_specialist(self) -> bool:
        return self.level.upper().startswith(("EX", "ES"))


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    roles: frozenset[str]
    agency: str | None
    employee_eid: str | None = None


@dataclass
class Context:
    subject: Subject
    data: Mapping[str, Any]
    fields: Mapping[str, Any]
    today: date
    recused_user_ids: frozenset[int] = frozenset()
    due: Mapping[str, date] = field(default_factory=dict)
    # The subject's workflows.profile.Profile for eligibility rules: given, or read by
    # ``record_loader`` on the first ``profile()``. Read it through ``profile()``.
    record: Any = None
    record_loader: Callable[[], Any] | None = field(default=None, repr=False, compare=False)

    def profile(self) -> Any:
        """The subject's record, read on first use: reading it costs several queries, and
        most steps (and most checks of which steps a user may take) never look at it."""
        if self.record is None and self.record_loader is not None:
            object.__setattr__(self, "record", self.record_loader())
        return self.record

    @property
    def proposal(self) -> dict[str, Any]:
        """What the case and this step propose, as the eligibility rules read it."""
        merged = dict(self.data)
        merged.update({k: v for k, v in self.fields.items() if v not in (None, "", [])})
        return merged

    def value(self, name: str, default: Any = None) -> Any:
        """A field of this step, else the case's recorded value."""
        if name in self.fields and self.fields[name] not in (None, "", []):
            return self.fields[name]
        return self.data.get(name, default)


@dataclass(frozen=True)
class Refusal:
    kind: str  # state, authority, recusal, guard, field
    cite: str
    reason: str
    field: str | None = None

    @property
    def text(self) -> str:
        """The reason with its section, when a section makes the rule."""
        return f"{self.reason} (BCSR {self.cite})" if self.cite else self.reason

    def as_dict(self) -> dict[str, str | None]:
        return {"kind": self.kind, "cite": self.cite, "reason": self.reason, "field": self.field}


# The answer each kind of refusal gets over HTTP (web.errors), and the outcome it is
# counted under (/metrics): not allowed to act, not in this state, bad or unmet input.
STATUS = {"authority": 403, "recusal": 403, "state": 409, "field": 422, "guard": 422}


class Refused(Exception):
    """A transition the rules do not allow; carries every reason, each with its section."""

    def __init__(self, refusals: Sequence[Refusal]):
        self.refusals = list(refusals)
        super().__init__("; ".join(r.text for r in self.refusals))

    @property
    def kind(self) -> str:
        kinds = {r.kind for r in self.refusals}
        for k in ("authority", "recusal", "state", "field", "guard"):
            if k in kinds:
                return k
        return "guard"

    @property
    def status(self) -> int:
        return STATUS[self.kind]


# ------------------------------------------------------------------ field parsing


def parse_fields(
    step: Step, raw: Mapping[str, Any], ctx_data: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Refusal]]:
    """Typed values for a step's fields, or refusals naming each bad field; unknown keys refused
    (each action takes exactly the fields its step declares, so a misspelt or smuggled key is
    an error the caller sees, never silently dropped)."""
    return parse_values(step.fields, raw, ctx_data, step.cite, step=step.trigger, ignore=())


def parse_values(
    fields: Sequence[Field],
    raw: Mapping[str, Any],
    ctx_data: Mapping[str, Any],
    cite: str,
    *,
    partial: bool = False,
    step: str = "",
    ignore: tuple[str, ...] = ("version", "csrf_token"),
) -> tuple[dict[str, Any], list[Refusal]]:
    """Typed values for declared fields; ``partial`` skips absent ones (a query, an edit)."""
    known = {f.name for f in fields}
    errors: list[Refusal] = []
    out: dict[str, Any] = {}
    where = f" for step '{step}'" if step else ""
    for key in raw:
        base = key.split("__", 1)[0]
        if key not in known and base not in known and key not in ignore:
            errors.append(Refusal("field", cite, f"unknown field '{key}'{where}", key))
    for f in fields:
        if partial and f.name not in raw:
            continue
        try:
            value = _parse_one(f, raw, ctx_data)
        except ValueError as exc:
            errors.append(Refusal("field", cite, f"{f.label}: {exc}", f.name))
            continue
        if value in (None, "", []) and f.required and f.type != "bool" and not partial:
            errors.append(Refusal("field", cite, f"{f.label} is required", f.name))
            continue
        out[f.name] = value
    return out, errors


def future_dates(step: Step, fields: Mapping[str, Any], today: date) -> list[Refusal]:
    """A receipt or a meeting cannot be dated after today: deadlines count from these dates."""
    return [
        Refusal("field", step.cite, f"{f.label}: cannot be later than today ({today})", f.name)
        for f in step.fields
        if f.type == "date"
        and not f.future_ok
        and fields.get(f.name)
        and date.fromisoformat(fields[f.name]) > today
    ]


def _parse_one(f: Field, raw: Mapping[str, Any], data: Mapping[str, Any]) -> Any:
    if f.type == "findings":
        return _parse_findings(f, raw, data)
    value = raw.get(f.name)
    if f.type == "bool":
        return value in (True, "true", "on", "1", "yes", 1)
    if f.type == "multichoice":
        items = value if isinstance(value, list) else ([] if value in (None, "") else [value])
        allowed = {c[0] for c in f.choices}
        bad = [str(v) for v in items if str(v) not in allowed]
        if bad:
            raise ValueError(f"not a permitted choice: {', '.join(bad)}")
        return [str(v) for v in items]
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if f.type in ("text", "textarea"):
        if not isinstance(value, str):
            raise ValueError("must be text")
        if len(value) > f.max_length:
            raise ValueError(f"at most {f.max_length:,} characters (this has {len(value):,})")
        return value.strip()
    if f.type == "date":
        if isinstance(value, date):
            return bounds.check_date(value).isoformat()
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
        return bounds.check_date(day).isoformat()
    if f.type == "int":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("must be a whole number")
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if abs(number) > bounds.MAX_WHOLE_NUMBER:  # the sign is the rules' (e.g. 13.11.2)
            raise ValueError(f"must be a whole number of at most {bounds.MAX_WHOLE_NUMBER:,}")
        return number
    if f.type == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number")
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("must be a number") from None
        if not amount.is_finite():
            raise ValueError("must be a number")
        if amount < 0:
            raise ValueError("must not be negative")
        if amount > bounds.MAX_AMOUNT:
            raise ValueError(f"must be at most {bounds.MAX_AMOUNT:,}")
        return str(amount.quantize(Decimal("0.01")))
    if f.type == "choice":
        if str(value) not in {c[0] for c in f.choices}:
            raise ValueError(f"'{value}' is not a permitted choice")
        return str(value)
    raise ValueError(f"unsupported field type {f.type}")


def _parse_findings(f: Field, raw: Mapping[str, Any], data: Mapping[str, Any]) -> list[dict]:
    """One finding and at most one penalty per charge (19.11.2), from a list or flat form keys."""
    charges = data.get("charges") or []
    given = raw.get(f.name)
    rows: list[dict] = []
    if isinstance(given, list):
        by_no = {_charge_no(r.get("charge")): r for r in given if isinstance(r, dict)}
    else:
        by_no = {
            c["no"]: {
                "finding": raw.get(f"{f.name}__{c['no']}__finding"),
                "penalty": raw.get(f"{f.name}__{c['no']}__penalty") or None,
            }
            for c in charges
        }
    if not given and not any(v.get("finding") for v in by_no.values()):
        return []
    for c in charges:
        r = by_no.get(c["no"])
        if not r or r.get("finding") not in ("guilty", "not_guilty"):
            raise ValueError(f"charge {c['no']}: state guilty or not guilty")
        penalty = r.get("penalty") or None
        if isinstance(penalty, list):
            raise ValueError(f"charge {c['no']}: one penalty per charge (19.11.2)")
        row = {"charge": c["no"], "finding": r["finding"], "penalty": penalty}
        if f.amounts:
            flat = {a.name: raw.get(f"{f.name}__{c['no']}__{a.name}") for a in ROW_AMOUNTS}
            row.update(_row_amounts(c["no"], r if isinstance(given, list) else flat))
        rows.append(row)
    return rows


# What a findings row with ``amounts`` also takes, each parsed as its own field would be.
ROW_AMOUNTS = (
    Field("amount", "decimal", "fine, Nu"),
    Field("increments", "int", "increments deducted"),
)


def _row_amounts(no: int, source: Mapping[str, Any]) -> dict[str, Any]:
    """A row's amount and increments (from a list row, or the flat form keys such as
    findings__2__amount); absent ones are left out of the row."""
    out: dict[str, Any] = {}
    for spec in ROW_AMOUNTS:
        try:
            value = _parse_one(spec, source, {})
        except ValueError as exc:
            raise ValueError(f"charge {no}: {spec.label}: {exc}") from None
        if spec.type == "int" and value is not None and value < 0:
            raise ValueError(f"charge {no}: {spec.label}: must not be negative")
        if value is not None:
            out[spec.name] = value
    return out


def _charge_no(value: Any) -> int:
    """A finding's charge number as sent (a number or its digits); anything else matches no
    charge, so the finding is refused as missing."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


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
        typed = replace(ctx, fields=fields)
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
        and never what a case waits for. Branches of one trigger count their stages once."""
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


def field_decl(f: Field) -> dict[str, Any]:
    return {
        "name": f.name,
        "type": f.type,
        "label": f.label,
        "required": f.required,
        "choices": [list(c) for c in f.choices],
        "help": f.help,
        "confidential": f.confidential,
        "max_length": f.max_length or None,
        **({"amounts": True} if f.amounts else {}),
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


def check_authority(step: Step, actor: Actor, ctx: Context) -> list[Refusal]:
    """Role, competent agency and recusal (BCSR 19.3.5-19.3.7) for one step."""
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
        auth = step.authority(ctx)
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
