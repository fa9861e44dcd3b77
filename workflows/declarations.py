"""What a process declares, line by line against the BCSR: its states (``State``), its
steps (``Step``) with their form fields (``Field``), the rules they must satisfy
(``Guard``), the deadlines they arm (``Arm``) and the competent body (``Authority``).
Plain frozen data: ``workflows.engine`` runs it, ``workflows.fields`` parses what a step
is given. It imports only the runtime context (what a guard reads) and ``bounds``/``roles``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workflows import bounds
from workflows import roles as R
from workflows.context import Context


@dataclass(frozen=True)
class Field:
    """A form field a step takes; the web form and the API validation both come from it."""

    name: str
    type: str  # text, textarea, date, int, decimal, bool, choice, multichoice, findings, file,
    # users
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
    # A file field: the case-file kind (workflows.case_file.KINDS) its papers are filed as,
    # in the step's own transaction; ``confidential`` (19.8.2.2(xi), 3.2.16) marks them too.
    paper: str = ""
    # A users field names accounts (usernames), never typed names (19.3.5): ``users_from`` is
    # where the eligible ones come from (workflows.committees.POOLS: a committee's members
    # where the agency recorded it, else the competent agency's active users), checked
    # against the database in the step's transaction (cases.core.step_users).
    users_from: str = ""

    def __post_init__(self) -> None:
        if (self.type == "file") != bool(self.paper):
            raise ValueError(f"field {self.name}: a file field, and only one, names its paper kind")
        if (self.type == "users") != bool(self.users_from):
            raise ValueError(f"field {self.name}: a users field, and only one, names its pool")
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
    # The case's users field whose accounts the rule matches who acts against (19.8.2.2: the
    # investigators chosen). A case holding it as typed names (an earlier version's) cannot
    # be moved to a version with this rule while the step is open (cases.core.migration).
    named_in: str = ""
    # A precheck whose answer moves with the day, not only with the case (a term ending, a
    # date passing): who a case waits for is kept with its step whatever the day, and the
    # day decides when the step is offered (cases.core.waiting).
    dated: bool = False


@dataclass(frozen=True)
class Authority:
    """Which agency's officers may act, and the section that says so."""

    agencies: tuple[str, ...]
    cite: str
    # Why no body can be named (e.g. an agency's record lacks what the rule reads): the
    # step is refused with this, instead of falling back to some other body.
    problem: str = ""


_SYSTEM_ONLY = frozenset({R.SYSTEM})  # a step only the timer takes


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
        return self.by == _SYSTEM_ONLY


@dataclass(frozen=True)
class State:
    name: str
    label: str
    final: bool = False
    # A shared work queue a case in this state waits in, across processes; e.g.
    # "compulsory_retirement" gathers the proposals of 7.7.8.1(v), 8.12.15, 13.10.6.4.
    queue: str | None = None
