"""Cases and the P2P availability answer (API.md, Cases)."""

from datetime import date

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates,
    validates_schema,
)

from p2p.schemas.fields import Day, Flag, Instant, Npi, Text, UsState, slug, text
from p2p.vocabulary import CASE_STATUSES, DECIDED_STATUSES, LINES_OF_BUSINESS, OUTCOMES

CASE_REF = validate.Regexp(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    error="Use 1 to 64 letters, digits, dots, dashes or underscores.",
)


class MemberSchema(Schema):
    name = text(200)
    dob = Day(required=True)
    state = UsState(required=True)
    member_id = text(64)

    @validates("dob")
    def _plausible_birth_date(self, value: date, **_):
        # A bound, not a clock read: a DOB before 1900 or after 2100 is a typo.
        if not date(1900, 1, 1) <= value <= date(2100, 1, 1):
            raise ValidationError("Not a plausible date of birth.")


class OrderingProviderSchema(Schema):
    npi = Npi(required=True)
    name = text(200)


class CaseSchema(Schema):
    """The body of `PUT /api/v1/cases/{case_ref}`."""

    episode_id = text(64)
    member = fields.Nested(MemberSchema, required=True)
    health_plan = slug()
    line_of_business = Text(required=True, validate=validate.OneOf(LINES_OF_BUSINESS))
    status = Text(required=True, validate=validate.OneOf(CASE_STATUSES))
    determination_at = Instant(load_default=None, allow_none=True)
    info_due_at = Instant(load_default=None, allow_none=True)
    additional_info_received = Flag(load_default=False)
    appeal_filed = Flag(load_default=False)
    reconsideration_completed = Flag(load_default=False)
    service_rendered = Flag(load_default=False)
    case_type = text(100, metadata={"example": "MSK Spine Surgery"})
    specialty = text(100, metadata={"example": "orthopedic_surgery"})
    ordering_provider = fields.Nested(OrderingProviderSchema, required=True)

    @validates_schema
    def _status_needs_its_dates(self, data: dict, **_):
        status = data.get("status")
        if status == "pended" and data.get("info_due_at") is None:
            raise ValidationError(
                "A pended case needs the due date of the request for information.",
                field_name="info_due_at",
            )
        if status in DECIDED_STATUSES and data.get("determination_at") is None:
            raise ValidationError(
                f"A {status} case needs its determination time.", field_name="determination_at"
            )


class CaseRefSchema(Schema):
    case_ref = Text(required=True, validate=CASE_REF)


class PostDecisionOptionSchema(Schema):
    option = Text()
    available = Flag()
    until = fields.DateTime(allow_none=True)
    handled_by = Text(allow_none=True)


class AvailabilitySchema(Schema):
    case_ref = Text()
    eligible = Flag()
    outcome = Text(metadata={"enum": list(OUTCOMES)})
    level_of_review = Text(allow_none=True)
    valid_until = fields.DateTime(
        allow_none=True,
        metadata={"description": "When the outcome-changing window closes, in the policy's zone."},
    )
    message = Text()
    reason = Text(metadata={"description": "Which rule decided, as a stable code."})
    post_decision_options = fields.List(fields.Nested(PostDecisionOptionSchema))


class StoredCaseSchema(CaseSchema):
    """A case as stored, plus its P2P availability now."""

    case_ref = Text()
    determination_at = fields.DateTime(allow_none=True)
    info_due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    p2p = fields.Nested(AvailabilitySchema)


class AvailabilityQuerySchema(Schema):
    at = Instant(
        load_default=None,
        metadata={"description": "Evaluate at this instant instead of now."},
    )

    @pre_load
    def _dob_never_in_the_url(self, data, **_):
        # Refused, and not a documented parameter: the date of birth travels in the
        # X-Member-DOB header (API.md), so no URL, proxy or access log holds it.
        if "dob" in data:
            raise ValidationError(
                "The date of birth is never accepted in the URL; send it in the X-Member-DOB "
                "header.",
                field_name="dob",
            )
        return data


class MemberDobHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    dob = Day(
        required=True,
        data_key="X-Member-DOB",
        metadata={"description": "The member's date of birth."},
    )
