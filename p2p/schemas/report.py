"""The operations report (API.md, "Operations report"): its query, and the figures."""

import csv
import io

from marshmallow import Schema, ValidationError, fields, validates_schema

from p2p.schemas.fields import Day, Text
from p2p.services.report import COUNTS, MAX_DAYS
from p2p.vocabulary import LINES_OF_BUSINESS


class ReportQuerySchema(Schema):
    from_ = Day(required=True, data_key="from", metadata={"description": "First day (New York)."})
    to = Day(required=True, metadata={"description": "Last day, included (New York)."})
    health_plan = Text(load_default=None)
    line_of_business = Text(load_default=None, metadata={"enum": list(LINES_OF_BUSINESS)})

    @validates_schema
    def _span(self, data: dict, **_):
        first, last = data.get("from_"), data.get("to")
        if first and last:
            if last < first:
                raise ValidationError("Must not be before from.", field_name="to")
            if (last - first).days >= MAX_DAYS:
                raise ValidationError(f"At most {MAX_DAYS} days.", field_name="to")


class CountsSchema(Schema):
    booked = fields.Integer()
    completed = fields.Integer()
    provider_not_reached = fields.Integer()
    reviewer_unavailable = fields.Integer()
    cancelled = fields.Integer()


class HoursSchema(Schema):
    median = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)


class FiguresSchema(Schema):
    counts = fields.Nested(CountsSchema)
    held_before_deadline_share = fields.Float(allow_none=True)
    same_specialty_share = fields.Float(allow_none=True)
    in_state_share = fields.Float(allow_none=True)
    missed_call_rate = fields.Float(allow_none=True)
    overturn_rate = fields.Float(allow_none=True)
    hours_from_determination_to_call = fields.Nested(HoursSchema)


class WeekFiguresSchema(FiguresSchema):
    week = Text(metadata={"description": "The week's Monday (New York)."})


class OperationsReportSchema(FiguresSchema):
    from_ = Text(data_key="from", attribute="from")
    to = Text()
    weeks = fields.List(fields.Nested(WeekFiguresSchema))


CSV_COLUMNS = (
    "week", *COUNTS, "held_before_deadline_share", "same_specialty_share", "in_state_share",
    "missed_call_rate", "overturn_rate", "hours_median", "hours_p90",
)


def csv_rows(report: dict) -> list[list]:
    """One row per week (API.md: `Accept: text/csv`)."""
    rows = []
    for week in report["weeks"]:
        hours = week["hours_from_determination_to_call"]
        rows.append([
            week["week"], *(week["counts"][name] for name in COUNTS),
            week["held_before_deadline_share"], week["same_specialty_share"],
            week["in_state_share"], week["missed_call_rate"], week["overturn_rate"],
            hours["median"], hours["p90"],
        ])
    return rows


def as_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(["" if value is None else value for value in row]
                     for row in csv_rows(report))
    return out.getvalue()
