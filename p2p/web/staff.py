"""The operations report page, for staff (a sign-in link an admin asks for: `POST
/api/v1/staff-sessions`): the figures of API.md's report for a span of weeks, a chart of
each with a table below it, and the CSV."""

from datetime import date, timedelta

from flask import Blueprint, Response, abort, render_template, request

from p2p.clock import now
from p2p.schemas.fields import Day
from p2p.schemas.report import as_csv
from p2p.services import report, sign_in
from p2p.time_zones import local_date
from p2p.web import charts
from p2p.web.guard import guard
from p2p.web.session import signed_in

bp = guard(Blueprint("staff", __name__, template_folder="templates"))
WEEKS_SHOWN = 8


def _scope() -> tuple[report.Scope, str | None]:
    """The span asked for (default: the last 8 weeks, this one included), or the reason
    it cannot be shown."""
    today = local_date(now(), report.REPORT_ZONE)
    first = _day(request.args.get("from")) or today - timedelta(days=today.weekday(),
                                                                weeks=WEEKS_SHOWN - 1)
    last = _day(request.args.get("to")) or today
    problem = None
    if last < first:
        problem, last = "The last day is before the first: showing one week.", first + timedelta(6)
    if (last - first).days >= report.MAX_DAYS:
        problem = f"At most {report.MAX_DAYS} days: showing the first {report.MAX_DAYS}."
        last = first + timedelta(days=report.MAX_DAYS - 1)
    return report.Scope(first, last), problem


def _day(text: str | None) -> date | None:
    try:
        return Day().deserialize(text) if text else None
    except Exception:  # a mistyped date: the default
        return None


@bp.get("/report")
@signed_in(sign_in.STAFF)
def operations(staff):
    scope, problem = _scope()
    figures = report.operations(scope, now())
    span = {"from": scope.first.isoformat(), "to": scope.last.isoformat()}
    return render_template(
        "staff/report.html",
        figures=figures,
        span=span,
        problem=problem,
        charts=[(name, charts.table(name, figures)) for name in charts.CHARTS],
    )


@bp.get("/report/charts/<name>.svg")
@signed_in(sign_in.STAFF)
def chart(staff, name: str):
    if name not in charts.CHARTS:
        abort(404)
    scope, _ = _scope()
    return Response(
        charts.svg(name, report.operations(scope, now())),
        mimetype="image/svg+xml",
        # Opened on its own, the SVG is a document: its own styles, nothing else, and no
        # other site may frame it.
        headers={"Content-Security-Policy":
                 "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"},
    )


@bp.get("/report/operations.csv")
@signed_in(sign_in.STAFF)
def csv_file(staff):
    scope, _ = _scope()
    figures = report.operations(scope, now())
    name = f"p2p-operations-{figures['from']}-{figures['to']}.csv"
    return Response(as_csv(figures), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
