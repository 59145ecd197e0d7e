"""iCalendar files for appointments: the `calendar.ics` of one appointment (an invitation or
its cancellation) and a reviewer's subscription feed.

Pure: no Flask, no database, no clock. Callers hand in the appointment and the stamp time.
"""

from p2p.calendar.event import CalendarEvent, appointment_event
from p2p.calendar.ics import appointment_calendar, feed_calendar

__all__ = ["CalendarEvent", "appointment_calendar", "appointment_event", "feed_calendar"]
