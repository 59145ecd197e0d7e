"""The operations report (API.md, "Operations report"): what became of the P2Ps whose calls
fall between two dates (America/New_York, by the call's start), week by week.

Computed in SQL over indexed columns (`ix_appointments_start_status_id`: the calls of a span
from the index alone), with the weeks as a VALUES table joined by range. For any span,
three aggregate queries on PostgreSQL (the calls, the rebooked misses, the cases with the
hours' percentiles: `percentile_cont`); four on SQLite, which has no percentile: there the
hours are read and ranked here.

Shares are of the calls (or cases) they can apply to, `None` when there are none:
- held before the deadline: among the cases of completed calls that had an
  outcome-changing window when booked, those whose call started inside it;
- same specialty, in the member's state: among the cases of calls not cancelled (each
  appointment once, with its reviewer now: a rebooked miss counts in the call counts
  only);
- missed-call rate: among calls whose time has passed and that were not cancelled (a
  missed call that was rebooked stays counted in its week: `missed_calls`);
- overturn rate: among the decided cases that were outcome-changing at the call,
  `overturned` or `partially_overturned`.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import text

from p2p.extensions import db
from p2p.time_zones import start_of_day, zone

REPORT_ZONE = "America/New_York"
MAX_DAYS = 400  # a year and a bit: the API's bound on one report
REPORT_WORK_MEM = "64MB"


@dataclass(frozen=True)
class Scope:
    first: date
    last: date
    health_plan: str | None = None
    line_of_business: str | None = None


COUNTS = ("booked", "completed", "provider_not_reached", "reviewer_unavailable", "cancelled")


def operations(scope: Scope, now: datetime) -> dict:
    weeks = _weeks(scope.first, scope.last)
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    if postgresql:
        # A year's calls hashed for the join want more than the default 4 MB (which made
        # the hash spill to disk in 16 batches); for this transaction only.
        db.session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
    calls = _call_counts(scope, weeks, now)
    if postgresql:
        cases, hours, total_hours = _cases_and_hours(scope, weeks)
    else:
        cases = _case_counts(scope, weeks)
        hours, total_hours = _hours(scope, weeks)
    rows = []
    for label, *_ in weeks:
        figures = _figures(calls.get(label, {}), cases.get(label, {}), hours.get(label, NONE))
        rows.append({"week": label, **figures})
    return {
        "from": scope.first.isoformat(),
        "to": scope.last.isoformat(),
        **_figures(_summed(calls.values()), _summed(cases.values()), total_hours),
        "weeks": rows,
    }


NONE = (None, None)


def _figures(calls: dict, cases: dict, hours: tuple) -> dict:
    return {
        "counts": {name: int(calls.get(name, 0)) for name in COUNTS},
        "held_before_deadline_share": _share(cases.get("in_window"), cases.get("had_window")),
        "same_specialty_share": _share(cases.get("same_specialty"), cases.get("live")),
        "in_state_share": _share(cases.get("in_state"), cases.get("live")),
        "missed_call_rate": _share(calls.get("missed"), calls.get("passed")),
        "overturn_rate": _share(cases.get("overturned"), cases.get("decided")),
        "hours_from_determination_to_call": {
            "median": _rounded(hours[0]),
            "p90": _rounded(hours[1]),
        },
    }


def _share(part, whole) -> float | None:
    if not whole:
        return None
    return round((part or 0) / whole, 4)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _percentile(values: list[float], fraction: float) -> float | None:
    """The continuous percentile (as PostgreSQL's percentile_cont) of sorted `values`."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def _summed(rows) -> dict:
    total: dict = {}
    for row in rows:
        for key, value in row.items():
            if key != "label":
                total[key] = total.get(key, 0) + (value or 0)
    return total


# The weeks: Monday 00:00 New York to the next, as UTC instants --------------------------------


def _weeks(first: date, last: date) -> list[tuple[str, datetime, datetime]]:
    """(label, from, to) per week, clipped to [first, last + 1 day): the week's label is its
    Monday; the instants are UTC, naive (as stored)."""
    end = last + timedelta(days=1)
    monday = first - timedelta(days=first.weekday())
    weeks = []
    while monday < end:
        lo, hi = max(monday, first), min(monday + timedelta(days=7), end)
        weeks.append((monday.isoformat(), _utc(start_of_day(lo, REPORT_ZONE)),
                      _utc(start_of_day(hi, REPORT_ZONE))))
        monday += timedelta(days=7)
    return weeks


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(zone("UTC")).replace(tzinfo=None)


def _values(weeks) -> tuple[str, dict]:
    rows = ", ".join(f"(:w{i}, :lo{i}, :hi{i})" for i in range(len(weeks)))
    params = {}
    for i, (label, lo, hi) in enumerate(weeks):
        params |= {f"w{i}": label, f"lo{i}": lo, f"hi{i}": hi}
    return f"weeks(label, lo, hi) AS (VALUES {rows})", params


def _scope_filter(scope: Scope, params: dict) -> str:
    """Calls with a case of the plan / line of business asked for."""
    if not scope.health_plan and not scope.line_of_business:
        return ""
    conditions = []
    if scope.health_plan:
        conditions.append("sc.health_plan = :plan")
        params["plan"] = scope.health_plan
    if scope.line_of_business:
        conditions.append("sc.line_of_business = :lob")
        params["lob"] = scope.line_of_business
    # The SQL text below is this module's own; every value is a bind parameter.
    return (
        " AND EXISTS (SELECT 1 FROM appointment_cases sac JOIN cases sc ON sc.id = sac.case_id"  # noqa: S608
        f" WHERE sac.appointment_id = a.id AND {' AND '.join(conditions)})"
    )


def _call_counts(scope: Scope, weeks, now: datetime) -> dict[str, dict]:
    values, params = _values(weeks)
    params["now"] = _utc(now)
    query = f"""
        WITH {values}
        SELECT w.label,
               count(*) AS booked,
               sum(CASE WHEN a.status = 'completed' THEN 1 ELSE 0 END) AS completed,
               sum(CASE WHEN a.status = 'provider_not_reached' THEN 1 ELSE 0 END)
                   AS provider_not_reached,
               sum(CASE WHEN a.status = 'reviewer_unavailable' THEN 1 ELSE 0 END)
                   AS reviewer_unavailable,
               sum(CASE WHEN a.status = 'cancelled' THEN 1 ELSE 0 END) AS cancelled,
               sum(CASE WHEN a.status IN ('provider_not_reached', 'reviewer_unavailable')
                        THEN 1 ELSE 0 END) AS missed,
               sum(CASE WHEN a.start_at <= :now AND a.status <> 'cancelled'
                        THEN 1 ELSE 0 END) AS passed
        FROM weeks w
        JOIN appointments a ON a.start_at >= w.lo AND a.start_at < w.hi
        WHERE 1 = 1 {_scope_filter(scope, params)}
        GROUP BY w.label
    """  # noqa: S608 (bind parameters only; see _scope_filter)
    counts = {row.label: dict(row._mapping) for row in db.session.execute(text(query), params)}
    for label, missed in _rebooked_misses(scope, weeks, now).items():
        week = counts.setdefault(label, {"label": label})
        for name, number in missed.items():
            week[name] = (week.get(name) or 0) + (number or 0)
    return counts


def _rebooked_misses(scope: Scope, weeks, now: datetime) -> dict[str, dict]:
    """The missed calls whose appointment was rebooked since (`missed_calls`): each is a
    call of its own week, the appointment counts again at its new time. A query of its own
    (a few rows a week, `ix_missed_calls_start`): joined to the appointments' scan, the
    union cost the year's report twice its time."""
    values, params = _values(weeks)
    params["now"] = _utc(now)
    query = f"""
        WITH {values}
        SELECT w.label,
               count(*) AS booked,
               sum(CASE WHEN a.status = 'provider_not_reached' THEN 1 ELSE 0 END)
                   AS provider_not_reached,
               sum(CASE WHEN a.status = 'reviewer_unavailable' THEN 1 ELSE 0 END)
                   AS reviewer_unavailable,
               count(*) AS missed,
               sum(CASE WHEN a.start_at <= :now THEN 1 ELSE 0 END) AS passed
        FROM weeks w
        JOIN (SELECT appointment_id AS id, start_at, result AS status FROM missed_calls) a
          ON a.start_at >= w.lo AND a.start_at < w.hi
        WHERE 1 = 1 {_scope_filter(scope, params)}
        GROUP BY w.label
    """  # noqa: S608 (bind parameters only; see _scope_filter)
    return {row.label: {k: v for k, v in row._mapping.items() if k != "label"}
            for row in db.session.execute(text(query), params)}


CASE_COUNTS = """
               sum(CASE WHEN a.status = 'completed' AND ac.valid_until IS NOT NULL
                        THEN 1 ELSE 0 END) AS had_window,
               sum(CASE WHEN a.status = 'completed' AND ac.valid_until > a.start_at
                        THEN 1 ELSE 0 END) AS in_window,
               sum(CASE WHEN a.status <> 'cancelled' THEN 1 ELSE 0 END) AS live,
               sum(CASE WHEN a.status <> 'cancelled' AND ac.same_specialty
                        THEN 1 ELSE 0 END) AS same_specialty,
               sum(CASE WHEN a.status <> 'cancelled' AND ac.in_state THEN 1 ELSE 0 END)
                   AS in_state,
               sum(CASE WHEN ac.outcome = 'outcome_changing'
                        AND ac.decision IN ('upheld', 'overturned', 'partially_overturned')
                        THEN 1 ELSE 0 END) AS decided,
               sum(CASE WHEN ac.outcome = 'outcome_changing'
                        AND ac.decision IN ('overturned', 'partially_overturned')
                        THEN 1 ELSE 0 END) AS overturned"""
CASE_COLUMNS = ("had_window", "in_window", "live", "same_specialty", "in_state", "decided",
                "overturned")


def _cases_and_hours(scope: Scope, weeks) -> tuple[dict[str, dict], dict[str, tuple], tuple]:
    """PostgreSQL: the case counts and the hours' percentiles in one pass over the calls'
    cases (two passes cost the year's report a third more): per week, and (the ROLLUP's
    row) the percentiles over the span."""
    values, params = _values(weeks)
    hours = "EXTRACT(EPOCH FROM (a.start_at - c.determination_at)) / 3600.0"
    held = "a.status = 'completed' AND c.determination_at IS NOT NULL"
    query = f"""
        WITH {values}
        SELECT w.label, {CASE_COUNTS},
               percentile_cont(0.5) WITHIN GROUP (ORDER BY {hours}) FILTER (WHERE {held})
                   AS median,
               percentile_cont(0.9) WITHIN GROUP (ORDER BY {hours}) FILTER (WHERE {held})
                   AS p90
        FROM weeks w
        JOIN appointments a ON a.start_at >= w.lo AND a.start_at < w.hi
        JOIN appointment_cases ac ON ac.appointment_id = a.id AND ac.removed_at IS NULL
        JOIN cases c ON c.id = ac.case_id
        WHERE 1 = 1 {_scope_filter(scope, params)}
        GROUP BY ROLLUP (w.label)
    """  # noqa: S608 (bind parameters only; see _scope_filter)
    cases, per_week, total = {}, {}, NONE
    for row in db.session.execute(text(query), params):
        if row.label is None:  # the ROLLUP's row (over no rows: None, None)
            total = (row.median, row.p90)
            continue
        cases[row.label] = {name: getattr(row, name) for name in CASE_COLUMNS}
        per_week[row.label] = (row.median, row.p90)
    return cases, per_week, total


def _case_counts(scope: Scope, weeks) -> dict[str, dict]:
    values, params = _values(weeks)
    query = f"""
        WITH {values}
        SELECT w.label,{CASE_COUNTS}
        FROM weeks w
        JOIN appointments a ON a.start_at >= w.lo AND a.start_at < w.hi
        JOIN appointment_cases ac ON ac.appointment_id = a.id AND ac.removed_at IS NULL
        WHERE 1 = 1 {_scope_filter(scope, params)}
        GROUP BY w.label
    """  # noqa: S608 (bind parameters only; see _scope_filter)
    return {row.label: dict(row._mapping) for row in db.session.execute(text(query), params)}


def _hours(scope: Scope, weeks) -> tuple[dict[str, tuple], tuple]:
    """SQLite (no percentile_cont): the median and 90th percentile of the hours from each
    held call's cases' determination to the call, per week and over the span, ranked
    here (PostgreSQL computes them in `_cases_and_hours`)."""
    values, params = _values(weeks)
    scoped = _scope_filter(scope, params)
    base = f"""
        FROM weeks w
        JOIN appointments a ON a.start_at >= w.lo AND a.start_at < w.hi
        JOIN appointment_cases ac ON ac.appointment_id = a.id AND ac.removed_at IS NULL
        JOIN cases c ON c.id = ac.case_id
        WHERE a.status = 'completed' AND c.determination_at IS NOT NULL {scoped}
    """
    query = f"""
        WITH {values}
        SELECT w.label, (julianday(a.start_at) - julianday(c.determination_at)) * 24.0 AS h
        {base}
    """
    by_week: dict[str, list[float]] = {}
    for label, value in db.session.execute(text(query), params):
        by_week.setdefault(label, []).append(float(value))
    every = sorted(value for hours in by_week.values() for value in hours)
    per_week = {
        label: (_percentile(sorted(h), 0.5), _percentile(sorted(h), 0.9))
        for label, h in by_week.items()
    }
    return per_week, (_percentile(every, 0.5), _percentile(every, 0.9))
