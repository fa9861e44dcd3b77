"""What a value the rules read may plausibly be: dates, whole numbers, amounts, text.

Every field a person or a program fills in (workflows.declarations.Field: a step's fields, the
register's columns, an application's proposal) and every date in a URL (oversight months,
the calendar's year) is checked against these bounds, so a typing slip or a hostile value
is refused with the field's name instead of being stored, or of overflowing date
arithmetic later (9999-12-31 plus a notice period is no date at all: that was a 500).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

# No civil servant serving under the BCSR 2023 was born, appointed or decided about before
# 1950; a date before it is a slip (0001-01-01, 0026-12-14), never a record.
EARLIEST_DATE = date(1950, 1, 1)
# The rules look ahead at most a few decades (an LTT bond of 2-3 times the study period,
# a service to superannuation at 65): nothing they count from or to lies beyond 2100, and
# day arithmetic from there cannot leave the calendar.
HORIZON_DATE = date(2100, 12, 31)

# Whole numbers in forms are counts of days, kilometres, applicants or an ordinal.
MAX_WHOLE_NUMBER = 100_000
# Amounts of money in Nu: beyond any cost a civil servant's bond or due can reach.
MAX_AMOUNT = Decimal("1000000000000")  # 10^12

# Characters a field may hold, by type, unless the field declares its own limit: a name,
# a reference or an address on one line; a narration, reasons or particulars in about
# four pages of text.
TEXT_LIMITS = {"text": 200, "textarea": 10_000}


def check_date(value: date) -> date:
    """``value`` if it lies between EARLIEST_DATE and HORIZON_DATE; else ValueError."""
    if not EARLIEST_DATE <= value <= HORIZON_DATE:
        raise ValueError(
            f"{value.isoformat()} is not a plausible date "
            f"(from {EARLIEST_DATE.isoformat()} to {HORIZON_DATE.isoformat()})"
        )
    return value
