"""Charts drawn on the server as SVG with pygal: inline in the page, nothing fetched.

pygal's default pulls a tooltip script from a CDN: `js=()` turns it off, so the SVG is
self-contained (and the table beside it carries the same figures for screen readers).
"""

from __future__ import annotations

import pygal
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from pygal.style import Style

from .formatting import display
from .results import SHARE, Chart, Table

STYLE = Style(
    background="white", plot_background="white", foreground="#222", foreground_strong="#111",
    foreground_subtle="#555", font_family="system-ui, sans-serif",
    colors=("#1f5f8b", "#c0392b", "#e67e22", "#27ae60", "#8e44ad"),
    label_font_size=13, major_label_font_size=13, legend_font_size=14, title_font_size=17,
    value_font_size=12,
)
KINDS = {"line": pygal.Line, "bar": pygal.Bar, "hbar": pygal.HorizontalBar,
         "stacked": pygal.StackedBar, "grouped": pygal.Bar}
MAX_LABELS = 25


def render(chart: Chart, table: Table) -> str:
    """The chart as an inline SVG element (safe: pygal escapes the labels)."""
    columns = {column.key: column for column in table.columns}
    rows = table.rows[:MAX_LABELS] if chart.kind != "line" else table.rows
    drawing = KINDS[chart.kind](
        style=STYLE, js=(), disable_xml_declaration=True, width=900, max_scale=8,
        height=max(360, 30 * len(rows)) if chart.kind == "hbar" else 420,
        title=str(chart.title), show_legend=len(chart.series) > 1, legend_at_bottom=True,
        x_label_rotation=30 if chart.kind != "hbar" else 0, truncate_label=40,
        show_minor_x_labels=len(rows) <= 31, x_labels_major_every=max(1, len(rows) // 15),
        print_values=False, no_data_text=gettext("No data"), margin=16,
    )
    label = columns[chart.label]
    drawing.x_labels = [display(row[chart.label], label.kind) for row in rows]
    for key in chart.series:
        column = columns[key]
        scale = 100 if column.kind == SHARE else 1
        drawing.add(str(column.label),
                    [None if row.get(key) is None else row[key] * scale for row in rows])
    if all(columns[key].kind == "number" for key in chart.series):
        drawing.config.y_labels = whole_numbers(chart, rows)
    svg = drawing.render(is_unicode=True)
    title = str(chart.title)
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ',
                                 1))


def whole_numbers(chart: Chart, rows: list[dict]) -> list[int]:
    """Axis marks for counts: whole numbers, at most about eight of them."""
    values = [row.get(key) or 0 for row in rows for key in chart.series]
    if chart.kind == "stacked":
        values = [sum(row.get(key) or 0 for key in chart.series) for row in rows]
    top = max(values, default=0)
    step = max(1, -(-top // 8))
    return list(range(0, top + step, step))
