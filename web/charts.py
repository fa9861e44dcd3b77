"""Small bar charts drawn on the server as inline SVG: no script, nothing to download.

Every label is escaped text (markupsafe). A chart never relies on colour alone: missed bars
are hatched as well as red, each bar carries its number and word ("4 met", "2 missed"), the
legend names both, and the chart has a <title> and <desc> for screen readers. The tables
beside each chart hold the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Drawn at its own size, never scaled down: on a narrow screen the chart scrolls inside its
# figure (app.css), so a label keeps FONT_SIZE px (WCAG 1.4.4: text stays legible).
WIDTH = 900
FONT_SIZE = 14
LABEL_WIDTH = 390
VALUE_ROOM = 100  # right of the longest bar, for "12 missed"
BAR = 16
GAP = 3
GROUP_GAP = 12
LEGEND = 36
LABEL_CHARS = 52
MET_COLOUR = "#1a7f37"
MISSED_COLOUR = "#b42318"


@dataclass(frozen=True)
class Bar:
    """One category: its label and its two counts."""

    label: str
    met: int
    missed: int
    hint: str = ""  # longer text for the tooltip (e.g. the section)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def met_missed_chart(chart_id: str, title: str, desc: str, bars: Sequence[Bar]) -> Markup:
    """Horizontal bars, two per category (met on time, missed), scaled to the largest count."""
    cid = escape(chart_id)
    group = 2 * BAR + GAP + GROUP_GAP
    height = LEGEND + max(len(bars), 1) * group + 8
    top = max([b.met for b in bars] + [b.missed for b in bars] + [1])
    span = WIDTH - LABEL_WIDTH - 10 - VALUE_ROOM
    x0 = LABEL_WIDTH + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{cid}-title {cid}-desc" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
        f'<defs><pattern id="{cid}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{MISSED_COLOUR}"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs>',
        # the legend: a swatch and a word for each series
        f'<rect x="{x0}" y="8" width="14" height="14" fill="{MET_COLOUR}"/>'
        f'<text x="{x0 + 20}" y="20">Met on time (solid)</text>'
        f'<rect x="{x0 + 190}" y="8" width="14" height="14" fill="url(#{cid}-hatch)"/>'
        f'<text x="{x0 + 210}" y="20">Missed (hatched)</text>',
    ]
    if not bars:
        parts.append(f'<text x="{x0}" y="{LEGEND + 16}">No deadlines in this selection.</text>')
    for i, bar in enumerate(bars):
        y = LEGEND + i * group
        hint = f"{bar.label}{' (' + bar.hint + ')' if bar.hint else ''}: "
        hint += f"{bar.met} met on time, {bar.missed} missed"
        parts.append(f"<g><title>{escape(hint)}</title>")
        parts.append(
            f'<text x="{LABEL_WIDTH}" y="{y + BAR + 4}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
        )
        for row, (value, fill, word) in enumerate(
            ((bar.met, MET_COLOUR, "met"), (bar.missed, f"url(#{cid}-hatch)", "missed"))
        ):
            by = y + row * (BAR + GAP)
            length = round(span * value / top, 1)
            if value:
                parts.append(
                    f'<rect x="{x0}" y="{by}" width="{length}" height="{BAR}" fill="{fill}"/>'
                )
            parts.append(f'<text x="{x0 + length + 5}" y="{by + BAR - 3}">{value} {word}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
