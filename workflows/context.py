"""What a step runs on and how it is refused: the civil servant a case is about
(``Subject``), who acts (``Actor``), the case's values and this step's fields (``Context``,
what guards read), and a refusal with its section (``Refusal``, raised together as
``Refused``). Used by every layer; it imports nothing of drukflow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
    # Who is taking the step, while its guards are checked (workflows.engine): a rule that
    # limits a step to the people the case named (19.8.2.2: its investigators) reads it.
    actor: Actor | None = field(default=None, repr=False, compare=False)

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
