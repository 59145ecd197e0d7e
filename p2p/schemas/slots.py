"""Slot search (API.md, Slots): the query, and the week of slots it answers with."""

from marshmallow import Schema, ValidationError, fields, validate, validates

from p2p import slots
from p2p.schemas.cases import CASE_REF
from p2p.schemas.fields import Day, Flag, RepeatableList, Text, TimeZone

MAX_CASES = 10


class SlotQuerySchema(Schema):
    case_refs = RepeatableList(
        Text(validate=CASE_REF),
        required=True,
        validate=validate.Length(min=1, max=MAX_CASES),
        metadata={
            "description": "Case references, comma-separated (A1,A2) or repeated "
            "(case_refs=A1&case_refs=A2).",
            "uniqueItems": True,
        },
    )
    time_zone = TimeZone(required=True, metadata={"description": "The provider's zone."})
    week_of = Day(
        load_default=None,
        metadata={
            "description": "Any date of the wanted week (Mon-Sun in time_zone); "
            "default: the current week."
        },
    )
    days = RepeatableList(
        Text(validate=validate.OneOf(slots.DAY_NAMES)),
        load_default=lambda: ["mon", "tue", "wed", "thu", "fri"],
        validate=validate.Length(min=1, max=7),
        metadata={"description": "Preferred days; default mon,tue,wed,thu,fri."},
    )
    hours = RepeatableList(
        fields.Integer(strict=False, validate=validate.Range(min=0, max=23)),
        load_default=lambda: list(range(7, 19)),
        validate=validate.Length(min=1, max=24),
        metadata={"description": "Preferred one-hour blocks (7 = 7:00-8:00); default 7..18."},
    )

    @validates("case_refs")
    def _distinct(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError("A case appears twice.")


class WeekSchema(Schema):
    start = Day()
    end = Day()


class SearchCaseSchema(Schema):
    case_ref = Text()
    outcome = Text()
    valid_until = fields.DateTime(allow_none=True)
    slot_before_deadline = Flag(
        allow_none=True,
        metadata={
            "description": "Outcome-changing cases: does any slot start before "
            "valid_until? null for the other outcomes."
        },
    )


class MatchSchema(Schema):
    specialty = Flag()
    state_license = Flag()


class SlotSchema(Schema):
    start = fields.DateTime()
    end = fields.DateTime()
    label = Text(metadata={"example": "Mon 11/23/26 3:15 pm PST"})
    consultative_only_case_refs = fields.List(Text())


class ReviewerSlotsSchema(Schema):
    reviewer_id = Text()
    name = Text()
    credentials = Text()
    match = fields.Nested(MatchSchema)
    match_acknowledgement_required = Flag(
        metadata={
            "description": "A member state's rule (e.g. TX licence or same specialty) "
            "is not met: booking needs the matching call note."
        },
    )
    required_call_notes = fields.List(
        Text(),
        metadata={
            "description": "The call notes a booking of this reviewer must carry (e.g. "
            "tx_license_waived, oh_member_consent)."
        },
    )
    slots = fields.List(fields.Nested(SlotSchema))


class PriorityGroupSchema(Schema):
    priority = fields.Integer()
    label = Text()
    reviewers = fields.List(fields.Nested(ReviewerSlotsSchema))


class EmptySchema(Schema):
    reason = Text(metadata={"enum": list(slots.EMPTY_REASONS)})
    message = Text()
    first_week_with_slots = Day(allow_none=True)


class SlotSearchSchema(Schema):
    time_zone = Text()
    week = fields.Nested(WeekSchema)
    cases = fields.List(fields.Nested(SearchCaseSchema))
    groups = fields.List(fields.Nested(PriorityGroupSchema))
    empty = fields.Nested(EmptySchema, allow_none=True)
