"""Reviewers (admin): registry, time off, and their appointments."""

from flask.views import MethodView

from p2p.api.access import requires
from p2p.api.common import api_blueprint, validated_path
from p2p.clock import now
from p2p.context import feed_url, scheduling
from p2p.schemas.appointments import AppointmentListSchema, FeedUrlSchema
from p2p.schemas.reviewers import (
    DateRangeQuerySchema,
    ReviewerIdSchema,
    ReviewerSchema,
    StoredReviewerSchema,
    StoredTimeOffSchema,
    TimeOffSchema,
)
from p2p.services import reviewers
from p2p.services.appointments import queries

blp = api_blueprint(
    "reviewers",
    "/api/v1/reviewers",
    "Medical directors: skills, licences, weekly hours, time off (admin).",
)


def _reviewer_id(value: str) -> str:
    return validated_path(ReviewerIdSchema(), reviewer_id=value)["reviewer_id"]


@blp.route("/<reviewer_id>")
class ReviewerView(MethodView):
    @requires("admin")
    @blp.response(200, StoredReviewerSchema)
    def get(self, reviewer_id: str):
        return reviewers.reviewer_details(_reviewer_id(reviewer_id))

    @requires("admin")
    @blp.arguments(ReviewerSchema)
    @blp.response(200, StoredReviewerSchema, description="Reviewer updated.")
    @blp.alt_response(201, schema=StoredReviewerSchema, description="Reviewer created.")
    def put(self, document: dict, reviewer_id: str):
        reviewer, created = reviewers.put_reviewer(
            _reviewer_id(reviewer_id), document, now(), scheduling()
        )
        return reviewer, 201 if created else 200


@blp.route("/<reviewer_id>/time-off")
class TimeOffView(MethodView):
    @requires("admin")
    @blp.arguments(TimeOffSchema)
    @blp.response(201, StoredTimeOffSchema)
    def post(self, document: dict, reviewer_id: str):
        return reviewers.add_time_off(_reviewer_id(reviewer_id), document, now())


@blp.route("/<reviewer_id>/appointments")
class ReviewerAppointmentsView(MethodView):
    @requires("admin")
    @blp.arguments(DateRangeQuerySchema, location="query")
    @blp.response(200, AppointmentListSchema)
    def get(self, query: dict, reviewer_id: str):
        days = queries.reviewer_days(_reviewer_id(reviewer_id), query["from_"], query["to"], now())
        return {"appointments": days}


@blp.route("/<reviewer_id>/calendar-feed")
class CalendarFeedView(MethodView):
    @requires("admin")
    @blp.response(201, FeedUrlSchema)
    def post(self, reviewer_id: str):
        secret = reviewers.rotate_calendar_feed(_reviewer_id(reviewer_id), now())
        return {"url": feed_url(secret)}
