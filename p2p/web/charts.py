"""The operations report's charts: server-side SVG drawn by pygal (a maintained charting
library), one per figure, week by week. Served as images (`<img>`), so no script or inline
style reaches the pages; each chart has a table beside it with the same numbers, for
screen readers and for anyone who wants the figures."""

import re

import pygal
from pygal.style import Style

# pygal writes its configuration as a script even without its JavaScript: an image needs
# none, so it is taken out (and the response's CSP forbids any script: `staff.chart`).
_SCRIPT = re.compile(rb"<script[^>]*>.*?</script>", re.DOTALL)

# USWDS's colours (primary, secondary, accent-cool, gold) and the system font.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#565c65",
    colors=("#005ea2", "#d83933", "#00bde3", "#ffbe2e", "#00a91c"),
    font_family="-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
)


def _base(kind, title: str, weeks: list[str], percent: bool):
    chart = kind(
        style=STYLE,
        width=640,
        height=300,
        js=[],  # no script: the chart is an image
        disable_xml_declaration=False,
        show_legend=True,
        legend_at_bottom=True,
        x_label_rotation=0,
        truncate_label=-1,
        x_labels=[week[5:] for week in weeks],  # "01-04": the week's Monday
        title=title,
        range=(0, 1) if percent else None,
        value_formatter=(lambda v: f"{v:.0%}" if v is not None else "") if percent else
        (lambda v: f"{v:g}" if v is not None else ""),
        print_values=False,
        show_minor_x_labels=True,
    )
    return chart


# (title, series: (label, getter), percent?, kind)
CHARTS = {
    "held-before-deadline": (
        "Held before the deadline",
        (("Held before the deadline", lambda w: w["held_before_deadline_share"]),),
        True, pygal.Line,
    ),
    "missed-calls": (
        "Missed-call rate",
        (("Missed calls", lambda w: w["missed_call_rate"]),),
        True, pygal.Line,
    ),
    "overturns": (
        "Overturn rate",
        (("Overturned or partially overturned", lambda w: w["overturn_rate"]),),
        True, pygal.Line,
    ),
    "matches": (
        "Reviewer of the same specialty, licensed in the member's state",
        (("Same specialty", lambda w: w["same_specialty_share"]),
         ("In the member's state", lambda w: w["in_state_share"])),
        True, pygal.Line,
    ),
    "hours": (
        "Hours from determination to call",
        (("Median", lambda w: w["hours_from_determination_to_call"]["median"]),
         ("90th percentile", lambda w: w["hours_from_determination_to_call"]["p90"])),
        False, pygal.Line,
    ),
    "calls": (
        "Calls by what became of them",
        (("Completed", lambda w: w["counts"]["completed"]),
         ("Provider not reached", lambda w: w["counts"]["provider_not_reached"]),
         ("Reviewer unavailable", lambda w: w["counts"]["reviewer_unavailable"]),
         ("Cancelled", lambda w: w["counts"]["cancelled"])),
        False, pygal.StackedBar,
    ),
}


def svg(name: str, report: dict) -> bytes:
    title, series, percent, kind = CHARTS[name]
    weeks = report["weeks"]
    chart = _base(kind, title, [week["week"] for week in weeks], percent)
    for label, value in series:
        chart.add(label, [value(week) for week in weeks])
    return _SCRIPT.sub(b"", chart.render())


def table(name: str, report: dict) -> tuple[str, list[str], list[list]]:
    """(caption, column headings, rows) of the chart's numbers."""
    title, series, percent, _ = CHARTS[name]
    rows = []
    for week in report["weeks"]:
        cells = []
        for _, value in series:
            figure = value(week)
            if figure is None:
                cells.append("-")
            else:
                cells.append(f"{figure:.0%}" if percent else f"{figure:g}")
        rows.append([week["week"], *cells])
    return title, ["Week of", *(label for label, _ in series)], rows
