"""Versions of a process: each new one written as a revision of the one before, and the
difference between two versions as a reader (or an appellate body) asks for it.

A correction of the rules must not change the rules of cases already in flight: every
version stays in the registry, each case runs on its own, and a case moves to a later one
only by an explicit, audited migration (cases.core.migration). Writing a version as
"the one before, with these steps replaced, added or removed, and these readings" keeps
each correction small enough to check against the BCSR, and lets ``diff`` say exactly
what changed, with sections.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.declarations import Arm, Field, Guard, State, Step
from workflows.engine import Process
from workflows.readings import InForce


def revise(
    prev: Process,
    *,
    version: str,
    effective_from: date,
    changes: str,
    replace: Sequence[Step] = (),
    add: Sequence[Step] = (),
    remove: Sequence[str] = (),
    readings: Sequence[InForce] = (),
    states: Sequence[State] = (),
    eligibility: tuple[Any, ...] | None = None,
    proposal_fields: tuple[Field, ...] | None = None,
) -> Process:
    """``prev`` with every branch of each trigger in ``replace`` swapped for the given
    steps (in place), the steps of ``add`` appended, the triggers of ``remove`` dropped,
    states added or replaced by name, and readings set (a reading whose option does not
    change keeps the day it came into force)."""
    if effective_from <= prev.effective_from:
        raise ValueError(f"{version} must come into force after {prev.version}")
    steps = list(prev.steps)
    known = {s.trigger for s in steps}
    for trigger in dict.fromkeys(s.trigger for s in replace):
        if trigger not in known:
            raise ValueError(f"{prev.key} {prev.version} has no step '{trigger}' to replace")
        new = [s for s in replace if s.trigger == trigger]
        first = next(i for i, s in enumerate(steps) if s.trigger == trigger)
        rest = [s for s in steps[first:] if s.trigger != trigger]
        steps = steps[:first] + new + rest
    for step in add:
        if step.trigger in known:
            raise ValueError(f"'{step.trigger}' exists in {prev.version}: replace it instead")
    for trigger in remove:
        if trigger not in known:
            raise ValueError(f"{prev.key} {prev.version} has no step '{trigger}' to remove")
    steps = [s for s in steps if s.trigger not in set(remove)] + list(add)

    all_states = {s.name: s for s in prev.states}
    all_states.update({s.name: s for s in states})

    merged = {r.reading.id: r for r in prev.readings}
    for r in readings:
        before = merged.get(r.reading.id)
        same = before is not None and before.option == r.option
        merged[r.reading.id] = InForce(r.reading, r.option, r.why, before.since if same else None)  # type: ignore[union-attr]

    return Process(
        key=prev.key,
        title=prev.title,
        version=version,
        cite=prev.cite,
        states=tuple(all_states.values()),
        steps=tuple(steps),
        initial=prev.initial,
        opening=prev.opening,
        summary=prev.summary,
        eligibility=prev.eligibility if eligibility is None else eligibility,
        proposal_fields=prev.proposal_fields if proposal_fields is None else proposal_fields,
        effective_from=effective_from,
        changes=changes,
        readings=tuple(merged.values()),
        previous=prev,
    )


def chain(latest: Process) -> tuple[Process, ...]:
    """Every version from the first to ``latest``, oldest first."""
    out: list[Process] = []
    p: Process | None = latest
    while p is not None:
        out.append(p)
        p = p.previous
    return tuple(reversed(out))


# ---------------------------------------------------------------------- diff


@dataclass(frozen=True)
class Change:
    """One difference between two versions: a step, a state, a reading or an eligibility
    rule added, changed or removed, with its section and (for a change) what changed."""

    what: str  # step, state, reading, eligibility
    how: str  # added, changed, removed
    name: str
    label: str
    cite: str
    details: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "how": self.how,
            "name": self.name,
            "label": self.label,
            "cite": self.cite,
            "details": list(self.details),
        }


def diff(old: Process, new: Process) -> list[Change]:
    """What ``new`` changes from ``old``: steps (by trigger, every branch together),
    states, readings and eligibility rules."""
    out: list[Change] = []
    old_steps, new_steps = _by_trigger(old.steps), _by_trigger(new.steps)
    for trigger in dict.fromkeys([*old_steps, *new_steps]):
        a, b = old_steps.get(trigger), new_steps.get(trigger)
        head = (b or a)[0]  # type: ignore[index]
        if a is None:
            out.append(Change("step", "added", trigger, head.label, head.cite, _outline(b)))  # type: ignore[arg-type]
        elif b is None:
            out.append(Change("step", "removed", trigger, head.label, head.cite))
        else:
            details = _step_changes(a, b)
            if details:
                out.append(Change("step", "changed", trigger, head.label, head.cite, details))
    old_states = {s.name: s for s in old.states}
    new_states = {s.name: s for s in new.states}
    for name in dict.fromkeys([*old_states, *new_states]):
        a_s, b_s = old_states.get(name), new_states.get(name)
        if a_s is None:
            out.append(Change("state", "added", name, b_s.label, ""))  # type: ignore[union-attr]
        elif b_s is None:
            out.append(Change("state", "removed", name, a_s.label, ""))
        elif a_s != b_s:
            out.append(Change("state", "changed", name, b_s.label, "", (f"was '{a_s.label}'",)))
    old_r = {r.reading.id: r for r in old.readings}
    for r in new.readings:
        before = old_r.pop(r.reading.id, None)
        if before is None:
            out.append(Change("reading", "added", r.reading.id, r.chosen.does, r.reading.section))
        elif before.option != r.option:
            out.append(
                Change(
                    "reading",
                    "changed",
                    r.reading.id,
                    r.chosen.does,
                    r.reading.section,
                    (f"was: {before.chosen.does}", f"why: {r.why}"),
                )
            )
    for r in old_r.values():
        out.append(Change("reading", "removed", r.reading.id, r.chosen.does, r.reading.section))
    old_rules = {_rule_key(r): r for r in old.rules}
    new_rules = {_rule_key(r): r for r in new.rules}
    for key, rule in new_rules.items():
        if key not in old_rules:
            out.append(Change("eligibility", "added", rule.cite, rule.reason, rule.cite))
    for key, rule in old_rules.items():
        if key not in new_rules:
            out.append(Change("eligibility", "removed", rule.cite, rule.reason, rule.cite))
    return out


def _by_trigger(steps: Iterable[Step]) -> dict[str, list[Step]]:
    out: dict[str, list[Step]] = {}
    for s in steps:
        out.setdefault(s.trigger, []).append(s)
    return out


def _name(fn: Any) -> str:
    return getattr(fn, "__qualname__", repr(fn)) if fn is not None else ""


def _rule_key(rule: Any) -> tuple[Any, ...]:
    return (rule.cite, rule.reason, _name(rule.check), getattr(rule, "under", None))


def _guard_text(g: Guard) -> str:
    return f"{g.reason} ({g.cite})"


def _arm_text(a: Arm) -> str:
    if a.working_days is not None:
        length = f"{a.working_days} working days"
    elif a.days_field:
        length = f"the days in '{a.days_field}'"
    else:
        length = f"{a.days} days"
    counted = f" from {a.from_field}" if a.from_field else " from the day of the step"
    return f"{a.label}: {length}{counted} ({a.cite})"


def _field_text(f: Field) -> str:
    return f"{f.label} ({f.name}{', required' if f.required else ''})"


def _outline(steps: list[Step]) -> tuple[str, ...]:
    s = steps[0]
    lines = [
        f"from {', '.join(dict.fromkeys(x for st in steps for x in st.sources))} "
        f"to {', '.join(dict.fromkeys(st.dest for st in steps))}"
    ]
    lines += [f"guard: {_guard_text(g)}" for st in steps for g in st.guards]
    lines += [f"deadline: {_arm_text(a)}" for st in steps for a in st.arms]
    lines += [f"field: {_field_text(f)}" for f in s.fields]
    return tuple(lines)


def _set_change(what: str, a: Iterable[str], b: Iterable[str]) -> list[str]:
    before, after = list(dict.fromkeys(a)), list(dict.fromkeys(b))
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    return [f"{what} added: {x}" for x in added] + [f"{what} removed: {x}" for x in removed]


def _each(steps: list[Step], attr: str) -> list[str]:
    """Every value of a tuple-valued attribute (sources, settles, effects...) over branches."""
    return [str(x) for s in steps for x in getattr(s, attr)]


def _guards(steps: list[Step]) -> list[str]:
    return [
        _guard_text(g) + (f" [under {g.under[0]}: {g.under[1]}]" if g.under else "")
        for s in steps
        for g in s.guards
    ]


def _step_changes(a: list[Step], b: list[Step]) -> tuple[str, ...]:
    out: list[str] = []
    if a[0].label != b[0].label:
        out.append(f"title: '{a[0].label}' became '{b[0].label}'")
    if a[0].cite != b[0].cite:
        out.append(f"section: {a[0].cite} became {b[0].cite}")
    out += _set_change("from state", _each(a, "sources"), _each(b, "sources"))
    out += _set_change("to state", (s.dest for s in a), (s.dest for s in b))
    out += _set_change("taken by", sorted(set(_each(a, "by"))), sorted(set(_each(b, "by"))))
    fa = {f.name: f for s in a for f in s.fields}
    fb = {f.name: f for s in b for f in s.fields}
    out += _set_change("field", map(_field_text, fa.values()), map(_field_text, fb.values()))
    for name in fa.keys() & fb.keys():
        if fa[name] != fb[name] and _field_text(fa[name]) == _field_text(fb[name]):
            out.append(f"field changed: {_field_text(fb[name])}")
    out += _set_change("guard", _guards(a), _guards(b))
    ga = {(_guard_text(g), g.under): _name(g.check) for s in a for g in s.guards}
    gb = {(_guard_text(g), g.under): _name(g.check) for s in b for g in s.guards}
    for key in ga.keys() & gb.keys():
        if ga[key] != gb[key]:
            out.append(f"guard's check changed: {key[0]}")
    arms_a = [_arm_text(x) for s in a for x in s.arms]
    arms_b = [_arm_text(x) for s in b for x in s.arms]
    out += _set_change("deadline", arms_a, arms_b)
    for attr, what in (("settles", "settles"), ("cancels", "cancels"), ("effects", "effect")):
        out += _set_change(what, _each(a, attr), _each(b, attr))
    if [_name(s.authority) for s in a] != [_name(s.authority) for s in b]:
        doc = " ".join((b[0].authority.__doc__ or "").split()) if b[0].authority else ""
        out.append(f"competent body: {doc or 'changed'}")
    return tuple(out)
