"""The iCalendar files: one appointment's invitation or cancellation (RFC 5546 REQUEST /
CANCEL) and a reviewer's subscription feed (PUBLISH).

icalendar escapes the text, folds lines at 75 octets and ends them with CRLF. Times are
written in the event's zone's wall clock (`DTSTART;TZID=America/New_York:20261030T100000`)
with the matching VTIMEZONE, so an appointment moved across a DST change keeps its hour.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

from p2p.calendar.event import CalendarEvent, Participant
from p2p.calendar.time_zones import covered_years, vtimezone

PRODID = "-//P2P Scheduler//Appointments 1.0//EN"
# How often a subscribed client should fetch the feed again (a hint; clients may differ).
FEED_REFRESH = timedelta(hours=1)
# A calendar address must be a URI. With no email known, Thunderbird's placeholder: it
# names the person (CN) and tells clients there is nobody to mail.
NO_EMAIL = "invalid:nomail"


def appointment_calendar(event: CalendarEvent) -> bytes:
    """The `calendar.ics` of one appointment: METHOD:REQUEST, or METHOD:CANCEL with
    STATUS:CANCELLED once cancelled."""
    calendar = _calendar("CANCEL" if event.cancelled else "REQUEST")
    calendar.add_component(_vevent(event, event.dtstamp))
    return _with_time_zones(calendar.to_ical(), [event])


def feed_calendar(events: Iterable[CalendarEvent], *, name: str, dtstamp: datetime) -> bytes:
    """A subscription feed (METHOD:PUBLISH) of these events, cancelled ones included as
    STATUS:CANCELLED; which events belong in it is the caller's choice. Every DTSTAMP is
    `dtstamp`: with a METHOD, DTSTAMP is when this file was made (RFC 5545 3.8.7.2)."""
    if dtstamp.tzinfo is None or dtstamp.utcoffset() is None:
        raise ValueError("dtstamp must be an aware datetime")
    ordered = sorted(events, key=lambda event: (event.start, event.uid))
    uids = [event.uid for event in ordered]
    if len(set(uids)) != len(uids):
        raise ValueError("a feed holds each UID once")
    calendar = _calendar("PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(FEED_REFRESH))
    for event in ordered:
        calendar.add_component(_vevent(event, dtstamp))
    return _with_time_zones(calendar.to_ical(), ordered)


def _calendar(method: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _with_time_zones(body: bytes, events: list[CalendarEvent]) -> bytes:
    """The calendar with one VTIMEZONE per zone the events use (covering all their dates),
    placed after the calendar's own properties, before the first component (RFC 5545
    allows any order; this is the usual one). A VTIMEZONE depends only on its zone and
    years and is most of the file, so each is serialized once and its bytes reused: a
    booking's email then costs a third of the time."""
    instants: dict[str, list[datetime]] = defaultdict(list)
    for event in events:
        instants[event.time_zone] += [event.start, event.end]
    zones = b"".join(
        _vtimezone_bytes(time_zone, *covered_years(instants[time_zone], time_zone))
        for time_zone in sorted(instants)
    )
    marker = b"BEGIN:VEVENT\r\n"
    at = body.find(marker)
    if at < 0:  # no event (an empty feed): the zones go before the end
        at = body.rindex(b"END:VCALENDAR")
    return body[:at] + zones + body[at:]


@lru_cache(maxsize=256)
def _vtimezone_bytes(time_zone: str, first: date, last: date) -> bytes:
    return vtimezone(time_zone, first, last).to_ical()


def _vevent(event: CalendarEvent, dtstamp: datetime) -> icalendar.Event:
    zone = ZoneInfo(event.time_zone)
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", dtstamp.astimezone(UTC))
    # The zone's wall clock with its TZID (icalendar writes the ZoneInfo key as TZID).
    vevent.add("dtstart", event.start.astimezone(zone))
    vevent.add("dtend", event.end.astimezone(zone))
    vevent.add("summary", event.summary)
    vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    vevent.add("organizer", _address(event.organizer))
    for attendee in event.attendees:
        vevent.add("attendee", _address(attendee, attendee=True))
    if event.url:
        vevent.add("url", event.url)
    return vevent


def _address(participant: Participant, *, attendee: bool = False) -> icalendar.vCalAddress:
    name, email = participant
    address = icalendar.vCalAddress(f"mailto:{email}" if email else NO_EMAIL)
    address.params["CN"] = name
    if attendee:
        address.params["CUTYPE"] = "INDIVIDUAL"
        address.params["ROLE"] = "REQ-PARTICIPANT"
        # The booking is made; no reply is read, so none is asked for.
        address.params["RSVP"] = "FALSE"
    return address
