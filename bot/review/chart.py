"""Unanswered questions per week by topic, as inline SVG: the report opens from a file, offline."""
from __future__ import annotations

from collections import Counter
from datetime import date
from html import escape

PALETTE = ("#2e86c1", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#d35400", "#7f8c8d", "#f1c40f",
           "#34495e")
OTHER = "Other topics"
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 46
LEGEND_ROW = 18


def weekly_chart(weeks: dict[date, Counter[str]]) -> str:
    """A stacked bar per week (Monday's date), one colour per topic; the biggest topics first."""
    series = _series(weeks)
    peak = max((sum(counts.values()) for counts in weeks.values()), default=0)
    legend_height = LEGEND_ROW * ((len(series) + 2) // 3)
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(weeks), 1)
    scale = plot_height / max(peak, 1)
    parts = [f"<svg viewBox='0 0 {WIDTH} {HEIGHT + legend_height}' "
             "role='img' aria-labelledby='weekly-title' class='chart'>",
             "<title id='weekly-title'>Unanswered questions per week, by topic</title>"]
    parts += _axis(peak, scale, plot_height)
    for index, (week, counts) in enumerate(weeks.items()):
        x, bottom = LEFT + index * slot + slot * 0.15, TOP + plot_height
        for name, colour in series.items():
            value = sum(v for t, v in counts.items() if _series_of(t, series) == name)
            if value:
                height = value * scale
                bottom -= height
                parts.append(f"<rect x='{x:.1f}' y='{bottom:.1f}' width='{slot * 0.7:.1f}' height='{height:.1f}' "
                             f"fill='{colour}'><title>{escape(name)}, week of {week:%d %b %Y}: {value}</title></rect>")
        parts.append(f"<text x='{x + slot * 0.35:.1f}' y='{TOP + plot_height + 16}' text-anchor='middle' "
                     f"class='tick'>{week:%d %b}</text>")
    parts += _legend(series, HEIGHT - BOTTOM + 34)
    return "".join(parts) + "</svg>"


def _series(weeks: dict[date, Counter[str]]) -> dict[str, str]:
    totals: Counter[str] = Counter()
    for counts in weeks.values():
        totals.update(counts)
    names = [name for name, _ in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]
    if len(names) > len(PALETTE):
        names = names[:len(PALETTE) - 1] + [OTHER]
    return {name: PALETTE[i] for i, name in enumerate(names)}


def _series_of(topic: str, series: dict[str, str]) -> str:
    return topic if topic in series else OTHER


def _axis(peak: int, scale: float, plot_height: float) -> list[str]:
    step = max(1, -(-peak // 5))  # about five whole-number ticks
    parts = [f"<line x1='{LEFT}' y1='{TOP + plot_height}' x2='{WIDTH - RIGHT}' y2='{TOP + plot_height}' "
             "class='axis'/>"]
    for value in range(0, peak + 1, step):
        y = TOP + plot_height - value * scale
        parts.append(f"<text x='{LEFT - 6}' y='{y + 4:.1f}' text-anchor='end' class='tick'>{value}</text>")
        parts.append(f"<line x1='{LEFT}' y1='{y:.1f}' x2='{WIDTH - RIGHT}' y2='{y:.1f}' class='grid'/>")
    return parts


def _legend(series: dict[str, str], top: float) -> list[str]:
    parts = []
    column = (WIDTH - LEFT) / 3
    for index, (name, colour) in enumerate(series.items()):
        x, y = LEFT + (index % 3) * column, top + (index // 3) * LEGEND_ROW
        parts.append(f"<rect x='{x:.1f}' y='{y - 10:.1f}' width='12' height='12' fill='{colour}'/>"
                     f"<text x='{x + 17:.1f}' y='{y:.1f}' class='legend'>{escape(name)}</text>")
    return parts
