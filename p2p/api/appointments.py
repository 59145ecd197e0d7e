"""Appointments and holds (portal): book, reschedule, cancel, read, history, calendar file."""

import pytz
from flask import Response, current_app, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from p2p.api.access import requires
from p2p.api.common import api_blueprint
from p2p.clock import now
from p2p.schemas.appointments import (
    AppointmentListSchema,
    AppointmentQuerySchema,
    AppointmentSchema,
    BookingSchema,
    CancelSchema,
    HistorySchema,
    HoldSchema,
    RescheduleSchema,
    StoredHoldSchema,
)
from p2p.services import booking, messages
from p2p.services.appointments import appointment_document

blp = api_blueprint(
    "appointments",
    "/api/v1/appointments",
    "Book, reschedule and cancel P2P appointments; their history and calendar file.",
)
holds = api_blueprint("holds", "/api/v1/holds", "Keep a time while the booking form is filled in.")


class IdempotencyHeaderSchema(Schema):
    class Meta:
        unknown = "exclude"

    key = fields.String(
        data_key="Idempotency-Key",
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "The same key and body returns the first result."},
    )


def _json(document: dict, status: int) -> Response:
    response = current_app.json.response(document)
    response.status_code = status
    return response


@blp.route("")
class AppointmentsView(MethodView):
    @requires("portal")
    @blp.arguments(BookingSchema)
    @blp.arguments(IdempotencyHeaderSchema, location="headers")
    @blp.response(201, AppointmentSchema)
    def post(self, document: dict, headers: dict):
        response, status = booking.book(document, g.api_caller, now(), headers["key"])
        return _json(response, status)

    @requires("portal")
    @blp.arguments(AppointmentQuerySchema, location="query")
    @blp.response(200, AppointmentListSchema)
    def get(self, query: dict):
        found = booking.appointments_for_provider(query["npi"])
        return {"appointments": [appointment_document(a) for a in found]}


@blp.route("/<appointment_id>")
class AppointmentView(MethodView):
    @requires("portal")
    @blp.response(200, AppointmentSchema)
    def get(self, appointment_id: str):
        return appointment_document(booking.get_appointment(appointment_id))


@blp.route("/<appointment_id>/reschedule")
class RescheduleView(MethodView):
    @requires("portal")
    @blp.arguments(RescheduleSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, document: dict, appointment_id: str):
        return _json(booking.reschedule(appointment_id, document, g.api_caller, now()), 200)


@blp.route("/<appointment_id>/cancel")
class CancelView(MethodView):
    @requires("portal")
    @blp.arguments(CancelSchema)
    @blp.response(200, AppointmentSchema)
    def post(self, document: dict, appointment_id: str):
        return _json(booking.cancel(appointment_id, document["reason"], g.api_caller, now()), 200)


@blp.route("/<appointment_id>/history")
class HistoryView(MethodView):
    @requires("portal")
    @blp.response(200, HistorySchema)
    def get(self, appointment_id: str):
        return {"appointment_id": appointment_id, "events": booking.history(appointment_id)}


@blp.route("/<appointment_id>/calendar.ics")
class CalendarFileView(MethodView):
    @requires("portal")
    @blp.response(200, description="An iCalendar file (text/calendar).")
    def get(self, appointment_id: str):
        appointment = booking.get_appointment(appointment_id)
        return Response(
            messages.appointment_ics(appointment, now()),
            mimetype="text/calendar",
            headers={"Content-Disposition": f'attachment; filename="p2p-{appointment.id}.ics"'},
        )


@holds.route("")
class HoldsView(MethodView):
    @requires("portal")
    @holds.arguments(HoldSchema)
    @holds.response(201, StoredHoldSchema)
    def post(self, document: dict):
        held = booking.hold(document, g.api_caller, now())
        zone = pytz.timezone(document["time_zone"])  # times as the provider asked for them
        return {
            "id": held.id,
            "reviewer_id": held.reviewer_id,
            "case_refs": held.case_refs,
            "start": held.start_at.astimezone(zone),
            "end": held.end_at.astimezone(zone),
            "expires_at": held.expires_at,
        }


@holds.route("/<int:hold_id>")
class HoldView(MethodView):
    @requires("portal")
    @holds.response(204)
    def delete(self, hold_id: int):
        booking.release_hold(hold_id, g.api_caller, now())
