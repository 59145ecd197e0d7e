"""What a change to an appointment sends: emails to the provider and the reviewer, each with
the calendar file of the new state attached, through the outbox (same transaction)."""

from datetime import datetime

from p2p import calendar, notifications
from p2p.models import Appointment

# Kinds that change the calendar entry carry the .ics; reminders do not.
WITH_CALENDAR = {"booked", "rescheduled", "cancelled", "case_removed", "case_updated"}


def appointment_ics(appointment: Appointment, now: datetime, time_zone: str | None = None) -> bytes:
    event = calendar.appointment_event(
        appointment, time_zone=time_zone or appointment.time_zone, dtstamp=now
    )
    return calendar.appointment_calendar(event)


def appointment_changed(appointment: Appointment, kind: str, now: datetime) -> None:
    ics = method = None
    if kind in WITH_CALENDAR:
        ics = appointment_ics(appointment, now).decode("utf-8")
        method = "CANCEL" if appointment.status == "cancelled" else "REQUEST"
    notifications.enqueue_appointment_emails(appointment, kind, now, ics=ics, ics_method=method)
