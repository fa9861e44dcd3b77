"""The RCSC's Waiting List (BCSR 13.5.1) as a civil servant displaced on return reaches it:
from EOL beyond six months (8.12.14, 13.5.1.2 ii), from secondment (13.10.7.3, 13.5.1.2 i)
and on completing a bachelor's degree (7.7.4.2, 8.11.11, 13.5.1.2 iii). Version 2023.2 of
the EOL, secondment and LTT definitions end their return on the list in the state below
instead of closing the case, so its clock runs.

13.5.1.5: "i. Maximum duration for civil servant on 'Waiting List' shall be six months;
ii. Within six months, the following options shall be explored: a. Transfer to a suitable
vacant position; b. Assign to special time-bound projects ...; c. Participate in Open
Competition. iii. If not placed within the six-month period, following options shall be
considered: a. Early Retirement Scheme; b. Voluntary Resignation; and c. Compulsory
Retirement." Six months are calendar months from the day on the list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from workflows import roles as R
from workflows.context import Context
from workflows.declarations import Arm, Authority, Field, Guard, State, Step
from workflows.obligations import add_months
from workflows.values import as_date

MAX_MONTHS = 6  # 13.5.1.5 i
WAITING, OVER = "on_waiting_list", "waiting_list_over"
CITE = "13.5.1.5"

STATES = (
    State(WAITING, "on the RCSC Waiting List: to be placed within six months (13.5.1.5)"),
    State(
        OVER,
        "six months on the Waiting List without placement: Early Retirement Scheme, voluntary "
        "resignation or compulsory retirement to be considered (13.5.1.5 iii)",
    ),
)
HOW_PLACED = (
    ("transfer", "Transferred to a suitable vacant position (13.5.1.5 ii a)"),
    ("project", "Assigned to a special time-bound project or programme (13.5.1.5 ii b)"),
    ("open_competition", "Selected through Open Competition (13.5.1.5 ii c)"),
)


def last_day(on_list_from: date) -> date:
    """13.5.1.5 i: the last day of six calendar months on the list from ``on_list_from``."""
    return add_months(on_list_from, MAX_MONTHS) - timedelta(days=1)


ARM = Arm(
    "waiting_list_ends",
    "Placed from the Waiting List within six months",
    "13.5.1.5(i)",
    days=0,
    from_field="waiting_list_until",
    on_timeout="waiting_list_lapsed",
)


def placing_body(ctx: Context) -> Authority:
    """13.5.1, 13.5.1.6: the RCSC keeps the list; it and the agency concerned place."""
    return Authority((R.RCSC_AGENCY, ctx.subject.agency), "13.5.1.6")


def placed_while_listed(ctx: Context) -> bool:
    since, on = as_date(ctx.data.get("waiting_list_since")), as_date(ctx.value("placed_on"))
    return since is None or on is None or on >= since


def on_the_list(ctx: Context) -> bool:
    return ctx.value("placement") == "waiting_list"


def not_on_the_list(ctx: Context) -> bool:
    return not on_the_list(ctx)


def steps(placed: str, by: frozenset[str], when_cite: str) -> tuple[Step, ...]:
    """Placement from the list (to ``placed``, the process's returned state), and the lapse
    of the six months the sweep records."""
    return (
        Step(
            "place_from_waiting_list",
            (WAITING, OVER),
            placed,
            "Record the placement from the Waiting List",
            "13.5.1.5(ii)",
            by=by | frozenset({R.RCSC}),
            authority=placing_body,
            fields=(
                Field("placed_on", "date", "Placed on"),
                Field("placed_how", "choice", "How placed", choices=HOW_PLACED),
                Field("position_title", "text", "Position title", required=False),
            ),
            guards=(
                Guard(
                    "13.5.1.5",
                    "the placement cannot be dated before the civil servant went on the list",
                    placed_while_listed,
                ),
            ),
            settles=("waiting_list_ends",),
            effects=("waiting_list_placed",),
            help=f"After a return on the Waiting List ({when_cite}).",
        ),
        Step(
            "waiting_list_lapsed",
            WAITING,
            OVER,
            "Six months on the Waiting List without placement",
            "13.5.1.5(iii)",
            by=frozenset({R.SYSTEM}),
            effects=("waiting_list_lapsed",),
        ),
    )


def _also(first: Callable[[Context], bool] | None, then: Callable[[Context], bool]):
    if first is None:
        return then
    return lambda ctx: first(ctx) and then(ctx)


def branch(step: Step, **changes: object) -> tuple[Step, Step]:
    """A returning step split in two: placed (or on the Interim Transfer List) as before, or
    on the Waiting List, which arms the six months. A branch the step already was (its
    ``when``, e.g. an LTT completed rather than failed) still holds on both."""
    return (
        replace(step, when=_also(step.when, not_on_the_list), **changes),  # type: ignore[arg-type]
        replace(
            step,
            dest=WAITING,
            when=_also(step.when, on_the_list),
            arms=(*step.arms, ARM),
            **changes,  # type: ignore[arg-type]
        ),
    )
