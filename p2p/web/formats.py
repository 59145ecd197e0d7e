"""How the pages write instants and dates: the seeds' own forms ("Mon 11/23/26 3:15 pm PST",
"5/18/2020"), in the reader's zone. Registered as Jinja filters (`web.init_app`)."""

from datetime import date, datetime

from p2p.slots import slot_label
from p2p.time_zones import in_zone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def when(moment: datetime | str | None, zone_name: str) -> str:
    """ "Mon 11/23/26 3:15 pm PST" (`moment` aware, or as the audit trail stores it: ISO)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return slot_label(moment, zone_name) if moment else ""


def clock(moment: datetime, zone_name: str) -> str:
    """ "3:15 pm PST"."""
    local = in_zone(moment, zone_name)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'} {local.tzname()}"


def short_day(day: date) -> str:
    """ "Mon 11/30/26"."""
    return f"{_DAYS[day.weekday()]} {day.month}/{day.day}/{day.year % 100:02d}"


def long_day(day: date) -> str:
    """ "5/18/2020"."""
    return f"{day.month}/{day.day}/{day.year}"


def day_of(moment: datetime, zone_name: str) -> str:
    """ "Mon 11/23/26": the day `moment` falls on in the zone."""
    return short_day(in_zone(moment, zone_name).date())


def zone_abbreviation(moment: datetime, zone_name: str) -> str:
    return in_zone(moment, zone_name).tzname()


FILTERS = {
    "when": when,
    "clock": clock,
    "short_day": short_day,
    "long_day": long_day,
    "day_of": day_of,
    "zone_abbreviation": zone_abbreviation,
}
