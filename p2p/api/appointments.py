"""Appointments and holds (portal): book, reschedule, cancel, read, history, calendar file."""

from flask import Response, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from p2p.api.access import requires
from p2p.api.common import api_blueprint, validated_path
from p2p.clock import now
from p2p.context import scheduling, sign_in_url
from p2p.errors import NotFound
from p2p.limits import limited
from p2p.schemas.appointments import (
    AppointmentIdSchema,
    AppointmentListSchema,
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancelSchema,
    HistorySchema,
    HoldIdSchema,
    HoldSchema,
    OutcomeSchema,
    RescheduleSchema,
    StoredHoldSchema,
)
from p2p.services.appointments import (
    booking,
    changes,
    holds,
    outcomes,
    queries,
    records,
    waitlist,
)

blp = api_blueprint(
    "appointments",
    "/api/v1/appointments",
    "Book, reschedule and cancel P2P appointments; their history and calendar file.",
)
holds_blp = api_blueprint(
    "holds", "/api/v1/holds", "Keep a time while the booking form is filled in."
)


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    key = fields.String(
        data_key="Idempotency-Key",
        load_default=None,
        validate=validate.Regexp(
            r"^[\x21-\x7e]{1,200}$", error="1 to 200 printable ASCII characters."
        ),
        metadata={"description": "The same key and body returns the first result."},
    )


def _known(appointment_id: str) -> str:
    """An id the service could have made (32 hex digits), or 404 as for any unknown one."""
    if AppointmentIdSchema().validate({"appointment_id": appointment_id}):
        raise NotFound(f"No appointment {appointment_id[:40]!r}.")
    return appointment_id


@blp.route("")
class AppointmentsView(MethodView):
    @requires("portal")
    @limited("bookings")
    @blp.arguments(BookingSchema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.response(201, AppointmentSchema)
    def post(self, request, headers: dict):
        appointment, _ = booking.book(request, g.caller, now(), scheduling(), headers["key"])
        return appointment

    @requires("portal")
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentListSchema)
    def get(self, query: dict):
        return {"appointments": queries.appointments_for_provider(query["npi"], g.caller)}


@blp.route("/<appointment_id>")
class AppointmentView(MethodView):
    @requires("portal")
    @blp.response(200, AppointmentSchema)
    def get(self, appointment_id: str):
        return queries.get_appointment(_known(appointment_id), g.caller)


@blp.route("/<appointment_id>/reschedule")
class RescheduleView(MethodView):
    @requires("portal")
    @limited("bookings")
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, request, appointment_id: str):
        appointment_id = _known(appointment_id)
        return changes.reschedule(appointment_id, request, g.caller, now(), scheduling())


@blp.route("/<appointment_id>/outcome")
class OutcomeView(MethodView):
    @requires("admin")
    @blp.arguments(OutcomeSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, request, appointment_id: str):
        """Record the call's outcome: held (a decision per case) or missed by one side."""
        appointment_id = _known(appointment_id)
        return outcomes.record_outcome(appointment_id, request, g.caller, now(), sign_in_url)


@blp.route("/<appointment_id>/cancel")
class CancelView(MethodView):
    @requires("portal")
    @limited("bookings")
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, document: dict, appointment_id: str):
        return changes.cancel(
            _known(appointment_id), document["reason"], g.caller, now(), scheduling()
        )


@blp.route("/<appointment_id>/history")
class HistoryView(MethodView):
    @requires("portal")
    @blp.response(200, HistorySchema)
    def get(self, appointment_id: str):
        events = queries.history(_known(appointment_id), g.caller)
        return {"appointment_id": appointment_id, "events": events}


@blp.route("/<appointment_id>/calendar.ics")
class CalendarFileView(MethodView):
    @requires("portal")
    @blp.response(200, description="An iCalendar file (text/calendar).")
    def get(self, appointment_id: str):
        appointment = queries.get_appointment(_known(appointment_id), g.caller)
        return Response(
            records.appointment_ics(appointment, now()),
            mimetype="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="p2p-{appointment.id}.ics"'},
        )


@holds_blp.route("")
class HoldsView(MethodView):
    @requires("portal")
    @limited("holds")
    @holds_blp.arguments(HoldSchema)
    @holds_blp.response(201, StoredHoldSchema)
    def post(self, request):
        return holds.hold(request, g.caller, now(), scheduling())


@holds_blp.route("/<hold_id>")
class HoldView(MethodView):
    @requires("portal")
    @holds_blp.response(204)
    def delete(self, hold_id: str):
        hold_id = validated_path(HoldIdSchema(), hold_id=hold_id)["hold_id"]
        waitlist.release_hold(hold_id, g.caller, now(), scheduling())
