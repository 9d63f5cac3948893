"""Line charts as inline SVG: one line per jurisdiction, its interval as a band, change points as dashed
lines, gaps where periods have no data, and points that carry the key of their trend cell (``data-cell``)
for the report's drill-down. Every style is an attribute of its element, so a chart renders the same
without the report's style sheet (Jupyter, VS Code, GitHub, a saved .svg file).

Plain SVG written here keeps the report one offline file with no charting library, and lets notebooks
show the same charts (``IPython.display.SVG``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape

COLORS = {"CN": "#c0392b", "US": "#1f5fa8", "EU": "#2e8b57"}
OTHER_COLORS = ("#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b")


@dataclass
class Point:
    period: str
    value: float
    low: float = math.nan
    high: float = math.nan
    cell: str = ""  # the evidence key of the trend cell behind the point
    note: str = ""  # shown in the tooltip (counts)


@dataclass
class Series:
    name: str
    points: list[Point]
    color: str = ""


@dataclass
class Marker:
    period: str
    label: str
    color: str = "#555"


@dataclass
class Chart:
    title: str
    y_label: str
    series: list[Series]
    markers: list[Marker] = field(default_factory=list)
    y_max: float | None = None
    chart_id: str = ""


def period_position(period: str) -> float:
    """2021 -> 2021.0; 2021Q2 -> 2021.25; 2021-03 -> 2021.1667."""
    match = re.fullmatch(r"(\d{4})(?:Q(\d)|-(\d{2}))?", str(period))
    if match is None:
        raise ValueError(f"not a period label: {period!r}")
    year = float(match.group(1))
    if match.group(2):
        return year + (int(match.group(2)) - 1) / 4
    if match.group(3):
        return year + (int(match.group(3)) - 1) / 12
    return year


def color_for(name: str, index: int) -> str:
    return COLORS.get(name, OTHER_COLORS[index % len(OTHER_COLORS)])


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    span = high - low or 1.0
    step = 10 ** math.floor(math.log10(span / count))
    for multiple in (1, 2, 5, 10):
        if span / (step * multiple) <= count:
            step *= multiple
            break
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


# Presentation attributes on every element, so a chart looks the same in the report, in Jupyter, in VS
# Code, on GitHub and when saved as a file; the report's style sheet only adds hover effects.
FONT = 'font-family="Helvetica, Arial, sans-serif"'
TEXT = {"title": 'font-size="13" font-weight="600" fill="#222"', "tick": 'font-size="11" fill="#444"',
        "legend": 'font-size="11" fill="#333"', "axis-label": 'font-size="11" fill="#666"',
        "marker-label": 'font-size="10.5"'}


def _step(period: str) -> float:
    """The length of one period of this kind: a year, a quarter or a month."""
    return 0.25 if "Q" in period else 1 / 12 if "-" in period else 1.0


def _runs(points: list[Point]) -> list[list[Point]]:
    """Consecutive points, split where periods are missing: a line is not drawn across years without data."""
    runs: list[list[Point]] = []
    for point in points:
        if runs and period_position(point.period) - period_position(runs[-1][-1].period) <= _step(
                point.period) * 1.01:
            runs[-1].append(point)
        else:
            runs.append([point])
    return runs


def render_svg(chart: Chart, width: int = 780, height: int = 300, x_range: tuple[float, float] | None = None) -> str:
    """The chart as a standalone ``<svg>`` element (a string): styles inline, a white background.
    ``x_range`` fixes the time axis (panels of one figure share it)."""
    left, right, top, bottom = 56, 150, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [p for s in chart.series for p in s.points if not math.isnan(p.value)]
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart empty" width="{width}" height="60" '
                f'role="img" {FONT}><rect width="{width}" height="60" fill="#fff"/><text x="10" y="30" '
                f'{TEXT["legend"]}>{escape(chart.title)}: no data</text></svg>')
    xs = [period_position(p.period) for p in points] + [period_position(m.period) for m in chart.markers]
    x_min, x_max = x_range or (min(xs), max(xs))
    if x_max == x_min:
        x_min, x_max = x_min - 1, x_max + 1
    y_top = chart.y_max if chart.y_max is not None else max(
        max(p.value for p in points), max((p.high for p in points if not math.isnan(p.high)), default=0)) * 1.05
    y_top = y_top or 1.0

    def x_of(period: str) -> float:
        return left + (period_position(period) - x_min) / (x_max - x_min) * plot_w

    def y_of(value: float) -> float:
        return top + plot_h - min(max(value, 0.0), y_top) / y_top * plot_h

    parts = [f'<svg class="chart" id="{escape(chart.chart_id)}" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg" '
             f'{FONT}>',
             f'<rect width="{width}" height="{height}" fill="#fff"/>',
             f'<text class="title" x="{left}" y="16" {TEXT["title"]}>{escape(chart.title)}</text>']
    for tick in _ticks(0, y_top):
        y = y_of(tick)
        parts.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                     f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" {TEXT["tick"]}>'
                     f'{tick:g}</text>')
    for tick in _ticks(x_min, x_max, 8):
        x = left + (tick - x_min) / (x_max - x_min) * plot_w
        parts.append(f'<text class="tick" x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
                     f'{TEXT["tick"]}>{tick:g}</text>')
    parts.append(f'<line class="axis" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
                 f'stroke="#999"/><text class="axis-label" transform="translate(14 {top + plot_h / 2}) rotate(-90)" '
                 f'text-anchor="middle" {TEXT["axis-label"]}>{escape(chart.y_label)}</text>')
    for index, series in enumerate(chart.series):
        color = series.color or color_for(series.name, index)
        valid = sorted((p for p in series.points if not math.isnan(p.value)), key=lambda p: period_position(p.period))
        for run in _runs(valid):
            banded = [p for p in run if not math.isnan(p.low) and not math.isnan(p.high)]
            if len(banded) > 1:
                outline = [f"{x_of(p.period):.1f},{y_of(p.high):.1f}" for p in banded]
                outline += [f"{x_of(p.period):.1f},{y_of(p.low):.1f}" for p in reversed(banded)]
                parts.append(f'<polygon class="band" points="{" ".join(outline)}" fill="{color}" '
                             f'fill-opacity="0.14" stroke="none"/>')
            if len(run) > 1:
                line = " ".join(f"{x_of(p.period):.1f},{y_of(p.value):.1f}" for p in run)
                parts.append(f'<polyline class="line" points="{line}" stroke="{color}" fill="none" '
                             f'stroke-width="1.8"/>')
        for p in valid:
            interval = "" if math.isnan(p.low) else f" [{p.low:.3g}, {p.high:.3g}]"
            tooltip = f"{series.name} {p.period}: {p.value:.3g}{interval}{' ' + p.note if p.note else ''}"
            parts.append(f'<circle class="point" cx="{x_of(p.period):.1f}" cy="{y_of(p.value):.1f}" r="3.2" '
                         f'fill="{color}" data-cell="{escape(p.cell)}" data-series="{escape(series.name)}" '
                         f'data-period="{escape(p.period)}" data-value="{p.value:.6g}" data-low="{p.low:.6g}" '
                         f'data-high="{p.high:.6g}" tabindex="0"><title>{escape(tooltip)}</title></circle>')
        parts.append(f'<rect x="{left + plot_w + 14}" y="{top + 6 + index * 18}" width="12" height="12" '
                     f'fill="{color}"/><text class="legend" x="{left + plot_w + 32}" y="{top + 16 + index * 18}" '
                     f'{TEXT["legend"]}>{escape(series.name)}</text>')
    # Change points: a dashed line in the plot, its label in the legend column (labels in the plot collide).
    legend_y = top + 16 + len(chart.series) * 18 + 10
    if chart.markers:
        parts.append(f'<text class="legend" x="{left + plot_w + 14}" y="{legend_y}" {TEXT["legend"]}>'
                     f'change points</text>')
    for number, marker in enumerate(chart.markers):
        x = x_of(marker.period)
        parts.append(f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
                     f'stroke="{marker.color}" stroke-dasharray="4 3" stroke-width="1.2">'
                     f'<title>{escape(marker.label)}</title></line>'
                     f'<text class="marker-label" x="{left + plot_w + 14}" y="{legend_y + 14 * (number + 1)}" '
                     f'fill="{marker.color}" {TEXT["marker-label"]}>{escape(marker.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_panels(chart: Chart, width: int = 780, panel_height: int = 170) -> str:
    """Small multiples: one panel per series, stacked, sharing the time axis and the value axis, each with
    its own change points; one ``<svg>`` (so a notebook shows it as one image). Overlapping bands of three
    jurisdictions hide each other; panels do not."""
    series = [s for s in chart.series if any(not math.isnan(p.value) for p in s.points)]
    if len(series) <= 1:
        return render_svg(chart, width)
    xs = [period_position(p.period) for s in series for p in s.points if not math.isnan(p.value)]
    xs += [period_position(m.period) for m in chart.markers]
    highs = [max(p.value, p.high if not math.isnan(p.high) else 0) for s in series for p in s.points
             if not math.isnan(p.value)]
    y_max = chart.y_max if chart.y_max is not None else max(highs) * 1.05
    height = panel_height * len(series)
    parts = [f'<svg class="chart panels" id="{escape(chart.chart_id)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{escape(chart.title)}" '
             f'xmlns="http://www.w3.org/2000/svg" {FONT}>']
    for number, one in enumerate(series):
        index = chart.series.index(one)
        panel = Chart(chart.title if number == 0 else "", chart.y_label,
                      [Series(one.name, one.points, one.color or color_for(one.name, index))],
                      [m for m in chart.markers if m.label.startswith(f"{one.name} ")], y_max, "")
        inner = render_svg(panel, width, panel_height, (min(xs), max(xs)))
        # the report's style sheet sizes svg.chart; a nested panel is positioned by x and y instead
        parts.append(inner.replace('<svg class="chart"', f'<svg class="panel" x="0" y="{number * panel_height}"', 1))
    parts.append("</svg>")
    return "".join(parts)


@dataclass
class Interval:
    label: str
    value: float
    low: float
    high: float
    emphasis: bool = False  # the headline row


def render_intervals(title: str, rows: list[Interval], reference: float, chart_id: str = "",
                     width: int = 720) -> str:
    """A forest plot: one row per estimate (dot and interval), a line at 0 and a dashed line at
    ``reference`` (the headline). Styles are inline, so the SVG looks the same outside the report."""
    defined = [row for row in rows if not any(math.isnan(v) for v in (row.value, row.low, row.high))]
    row_height, top, left, right = 16, 30, 320, 20
    height = top + row_height * len(rows) + 30
    lows = [row.low for row in defined] + [0.0, reference]
    highs = [row.high for row in defined] + [0.0, reference]
    span = (min(lows), max(highs)) if defined else (-1.0, 1.0)
    pad = (span[1] - span[0]) * 0.05 or 0.1
    x_min, x_max = span[0] - pad, span[1] + pad

    def x(value: float) -> float:
        return left + (value - x_min) / (x_max - x_min) * (width - left - right)

    font = 'font-family="sans-serif" font-size="11"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img">',
             f'<rect width="{width}" height="{height}" fill="#fff"/>',
             f'<text x="8" y="18" {font} font-size="13" font-weight="600" fill="#222">{escape(title)}</text>',
             f'<line x1="{x(0):.1f}" y1="{top - 6}" x2="{x(0):.1f}" y2="{height - 26}" stroke="#999"/>',
             f'<line x1="{x(reference):.1f}" y1="{top - 6}" x2="{x(reference):.1f}" y2="{height - 26}" '
             f'stroke="#c0392b" stroke-dasharray="4 3"/>']
    for index, row in enumerate(rows):
        y = top + row_height * index + row_height / 2
        weight = ' font-weight="600"' if row.emphasis else ""
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" {font} fill="#333"{weight}>'
                     f'{escape(row.label)}</text>')
        if row in defined:
            color = "#c0392b" if row.emphasis else "#1f5fa8"
            parts.append(f'<line x1="{x(row.low):.1f}" y1="{y:.1f}" x2="{x(row.high):.1f}" y2="{y:.1f}" '
                         f'stroke="{color}" stroke-width="1.6"/>')
            parts.append(f'<circle cx="{x(row.value):.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                         f'<title>{escape(row.label)}: {row.value:+.3f} ({row.low:+.3f} to {row.high:+.3f})</title>'
                         f'</circle>')
    for tick in _ticks(x_min, x_max):
        parts.append(f'<text x="{x(tick):.1f}" y="{height - 10}" text-anchor="middle" {font} fill="#444">'
                     f'{tick:+.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)
