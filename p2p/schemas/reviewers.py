"""Reviewers, their time off and their appointments (API.md, Reviewers)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from p2p import slots
from p2p.schemas.fields import Day, EmailAddress, Flag, Instant, Text, TimeZone, UsState, text

REVIEWER_ID = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    error="Use 1 to 64 letters, digits, dots, dashes or underscores.",
)


class WeeklyHours(fields.Dict):
    """`{"mon": [["08:00", "12:00"], ["13:00", "17:00"]], ...}`, wall clock in the reviewer's
    zone, checked by the slot engine's own parser (quarter hours, no overlaps, 24:00 ends)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault(
            "example",
            {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "wed": [["08:00", "17:00"]]},
        )
        super().__init__(
            keys=Text(validate=validate.OneOf(slots.DAY_NAMES)),
            values=fields.List(fields.List(Text(), validate=validate.Length(equal=2))),
            **kwargs,
        )

    def openapi_properties(self, documented: dict) -> dict:
        # Order and overlaps are the engine's to say (422 naming the day and pair).
        clock = {"type": "string", "pattern": r"^(([01][0-9]|2[0-3]):(00|15|30|45)|24:00)$"}
        pair = {"type": "array", "items": clock, "minItems": 2, "maxItems": 2}
        return {
            "properties": {day: {"type": "array", "items": pair} for day in slots.DAY_NAMES},
            "additionalProperties": False,
            "description": "Wall-clock [start, end] pairs on the quarter hour, per day of "
            "the week, in the reviewer's zone; days left out are not worked.",
        }

    def _deserialize(self, value, attr, data, **kwargs):
        document = super()._deserialize(value, attr, data, **kwargs)
        try:
            slots.weekly_hours_from_strings(document)
        except slots.SlotsError as error:
            # The engine names the day and pair ("weekly_hours.mon[1]"): keep that path.
            where = (error.field or "").removeprefix("weekly_hours").lstrip(".")
            raise ValidationError({where: [error.message]} if where else error.message) from error
        return {day: document[day] for day in slots.DAY_NAMES if document.get(day)}


def _names(max_items: int, **kwargs) -> fields.List:
    kwargs.setdefault("required", True)
    return fields.List(
        Text(validate=validate.Length(min=1, max=100)),
        validate=validate.Length(max=max_items),
        **kwargs,
    )


class ReviewerSchema(Schema):
    """The body of `PUT /api/v1/reviewers/{reviewer_id}`."""

    name = text(200, metadata={"example": "Dr. Ann Lee"})
    credentials = text(50, metadata={"example": "MD"})
    specialties = _names(60, metadata={"example": ["orthopedic_surgery"]})
    case_types = _names(60, metadata={"example": ["MSK Spine Surgery"]})
    licensed_states = fields.List(UsState(), required=True, validate=validate.Length(max=60))
    time_zone = TimeZone(required=True)
    weekly_hours = WeeklyHours(required=True)
    active = Flag(load_default=True)
    email = EmailAddress(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "Where booking, change and reminder emails go."},
    )


class StoredReviewerSchema(ReviewerSchema):
    reviewer_id = Text()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ReviewerIdSchema(Schema):
    reviewer_id = Text(required=True, validate=REVIEWER_ID)


class TimeOffSchema(Schema):
    start = Instant(required=True)
    end = Instant(required=True)
    reason = Text(load_default="", multiline=True, validate=validate.Length(max=200))

    @validates_schema
    def _ends_after_start(self, data: dict, **_):
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise ValidationError("Time off ends after it starts.", field_name="end")


class StoredTimeOffSchema(Schema):
    id = fields.Integer()
    reviewer_id = Text()
    start = fields.DateTime()
    end = fields.DateTime()
    reason = Text()


class DateRangeQuerySchema(Schema):
    """`?from=DATE&to=DATE`, both days included, in the reviewer's zone."""

    from_ = Day(data_key="from", load_default=None)
    to = Day(load_default=None)

    @validates_schema
    def _ordered(self, data: dict, **_):
        start, end = data.get("from_"), data.get("to")
        if start and end and end < start:
            raise ValidationError("to is on or after from.", field_name="to")
        if start and end and (end - start).days > 366:
            raise ValidationError("At most a year at a time.", field_name="to")
