"""The one table the bench prints: metric, two measured values, their ratio, the target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    metric: str
    a: float | None  # small, or the measured side of a comparison
    b: float | None  # large, or the yardstick
    target: str = ""  # e.g. "<= 1.5", ">= 0.6"; "" for figures shown without a target
    ratio_of: str = "b/a"  # large/small by default; "a/b" for measured/yardstick

    @property
    def ratio(self) -> float | None:
        if self.a is None or self.b is None:
            return None
        num, den = (self.b, self.a) if self.ratio_of == "b/a" else (self.a, self.b)
        return num / den if den else None

    @property
    def verdict(self) -> str:
        if not self.target:
            return ""
        if self.ratio is None:
            return "n/a"
        op, limit = self.target.split()
        ok = self.ratio <= float(limit) if op == "<=" else self.ratio >= float(limit)
        return "pass" if ok else "MISS"


def number(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def table(
    rows: list[Row], heads: tuple[str, str] = ("small / measured", "large / yardstick")
) -> str:
    cols = ("metric", *heads, "ratio", "target", "result")
    body = [
        (r.metric, number(r.a), number(r.b), number(r.ratio), r.target, r.verdict) for r in rows
    ]
    widths = [max(len(c), *(len(line[i]) for line in body)) for i, c in enumerate(cols)]

    def fmt(cells: tuple[str, ...]) -> str:
        first = cells[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([fmt(cols), rule, *(fmt(line) for line in body)])
