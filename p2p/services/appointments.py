"""Appointments: how one reads back (booking, rescheduling and cancelling come with issue 4)."""

import pytz
from flask import current_app

from p2p import slots
from p2p.models import Appointment


def appointment_document(appointment: Appointment) -> dict:
    zone = pytz.timezone(appointment.time_zone)
    reviewer = appointment.reviewer
    return {
        "id": appointment.id,
        "status": appointment.status,
        "start": appointment.start_at.astimezone(zone),
        "end": appointment.end_at.astimezone(zone),
        "label": slots.slot_label(appointment.start_at, appointment.time_zone),
        "time_zone": appointment.time_zone,
        "reviewer": {
            "reviewer_id": reviewer.reviewer_id,
            "name": reviewer.name,
            "credentials": reviewer.credentials,
            "time_zone": reviewer.time_zone,
        },
        "cases": [
            {
                "case_ref": link.case.case_ref,
                "outcome": link.outcome,
                "level_of_review": link.level_of_review,
                "removed": link.removed_at is not None,
                "removed_reason": link.removed_reason,
            }
            for link in appointment.cases
        ],
        "sequence": appointment.sequence,
        "ics_url": ics_url(appointment.id),
        "requesting_provider": {
            "npi": appointment.requesting_provider_npi,
            "name": appointment.requesting_provider_name,
            "email": appointment.requesting_provider_email,
        },
        "contact": appointment.contact,
        "performer": appointment.performer,
        "call_notes": appointment.call_notes,
        "acknowledge_consultative_only": appointment.acknowledge_consultative_only,
        "cancel_reason": appointment.cancel_reason,
        "created_at": appointment.created_at,
        "updated_at": appointment.updated_at,
    }


def ics_url(appointment_id: str) -> str:
    base = current_app.config["P2P_BASE_URL"].rstrip("/")
    return f"{base}/api/v1/appointments/{appointment_id}/calendar.ics"
