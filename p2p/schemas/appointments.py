"""Appointments (API.md, Appointments): what the portal sends to book, and what it gets back."""

from marshmallow import Schema, fields


class ReviewerSummarySchema(Schema):
    reviewer_id = fields.String()
    name = fields.String()
    credentials = fields.String()
    time_zone = fields.String()


class AppointmentCaseSchema(Schema):
    case_ref = fields.String()
    outcome = fields.String()
    level_of_review = fields.String(allow_none=True)
    removed = fields.Boolean(
        metadata={"description": "True when a case update took the case out of the call."}
    )
    removed_reason = fields.String(allow_none=True)


class RequestingProviderOutSchema(Schema):
    npi = fields.String()
    name = fields.String()
    email = fields.String()


class AppointmentSchema(Schema):
    """An appointment as the API returns it. Times carry the provider's zone's offset."""

    id = fields.String()
    status = fields.String(metadata={"enum": ["scheduled", "cancelled", "completed"]})
    start = fields.DateTime()
    end = fields.DateTime()
    label = fields.String(metadata={"example": "Mon 11/23/26 3:15 pm PST"})
    time_zone = fields.String()
    reviewer = fields.Nested(ReviewerSummarySchema)
    cases = fields.List(fields.Nested(AppointmentCaseSchema))
    sequence = fields.Integer()
    ics_url = fields.String()
    requesting_provider = fields.Nested(RequestingProviderOutSchema)
    contact = fields.Dict()
    performer = fields.Dict()
    call_notes = fields.Dict()
    acknowledge_consultative_only = fields.Boolean()
    cancel_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class AppointmentListSchema(Schema):
    appointments = fields.List(fields.Nested(AppointmentSchema))
