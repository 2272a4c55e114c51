"""Bar charts drawn on the server as SVG: no script, nothing fetched, drawn for any
number of bars (one included), readable without colour and by screen readers (each
bar has a title; the figure a caption; the numbers are in a table beside it).

`bar_chart(rows, x, y)` is a template global: rows (dicts or sqlite3.Row), the column
of the labels and the column of the numbers. Labels that are months (YYYY-MM) or
years (YYYY) are put in order with the missing ones drawn as zero, so time reads
left to right at an even pace. templates/_bar_chart.html draws the result.

Canned queries say which chart they open with in metadata.yml:
`chart: {x: month, y: quotes}`; templates/query.html draws it above the rows.
"""

import re

from datasette import hookimpl

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
YEAR = re.compile(r"^\d{4}$")
MAX_BARS = 120  # more months than this (ten years) are drawn as years


def _number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _month_label(value):
    match = MONTH.match(value)
    return f"{MONTHS[int(match.group(2)) - 1]} {match.group(1)}" if match and 1 <= int(match.group(2)) <= 12 else value


def _filled(points):
    """Months or years in order with the gaps as zero; other labels as they come."""
    labels = [label for label, _ in points]
    if labels and all(MONTH.match(label) and 1 <= int(label[5:7]) <= 12 for label in labels):
        values = {}
        for label, value in points:
            values[label] = values.get(label, 0) + value
        first, last = min(values), max(values)
        start, end = int(first[:4]) * 12 + int(first[5:7]) - 1, int(last[:4]) * 12 + int(last[5:7]) - 1
        if end - start + 1 > MAX_BARS:  # too many months to draw: by year
            return _filled([(label[:4], value) for label, value in values.items()])
        return [(f"{n // 12:04d}-{n % 12 + 1:02d}", values.get(f"{n // 12:04d}-{n % 12 + 1:02d}", 0))
                for n in range(start, end + 1)]
    if labels and all(YEAR.match(label) for label in labels):
        values = {}
        for label, value in points:
            values[label] = values.get(label, 0) + value
        first, last = int(min(values)), int(max(values))
        if last - first + 1 <= MAX_BARS:
            return [(str(year), values.get(str(year), 0)) for year in range(first, last + 1)]
    return points


def bar_chart(rows, x, y, width=560, height=220):
    """The bars, axis and labels of a bar chart of `rows`, or None when there is nothing
    to draw (no row, or a value that is not a number)."""
    points = []
    for row in rows or []:
        try:
            label, value = row[x], _number(row[y])
        except (KeyError, IndexError):
            return None
        if value is None or label is None:
            continue
        points.append((str(label), value))
    if not points:
        return None
    points = _filled(points)
    left, right, top, bottom = 48, 10, 14, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    top_value = max(max(value for _, value in points), 0) or 1
    step = plot_width / len(points)
    bar_width = max(min(step * 0.8, 80), 1)
    label_every = max(1, -(-len(points) // 6))  # at most six labels: they stay readable on a phone
    bars = []
    for index, (label, value) in enumerate(points):
        bar_height = plot_height * max(value, 0) / top_value
        centre = left + index * step + step / 2
        bars.append({
            "label": _month_label(label), "value": value,
            "x": round(centre - bar_width / 2, 1), "width": round(bar_width, 1),
            "y": round(top + plot_height - bar_height, 1), "height": round(bar_height, 1),
            "label_x": round(centre, 1), "show_label": index % label_every == 0,
        })
    return {
        "bars": bars, "width": width, "height": height, "left": left, "top": top,
        "axis_y": top + plot_height, "plot_right": width - right, "top_value": top_value,
        "first": bars[0]["label"], "last": bars[-1]["label"],
        "total": sum(bar["value"] for bar in bars), "x": x, "y": y,
    }


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["bar_chart"] = bar_chart
