"""How a slot is shown to the provider: "Mon 11/23/26 3:15 pm PST" (the seeds' summary
"Mon 5/18/20 - 6:30 pm EDT" and grid "6:30 pm EDT"), in the provider's zone with the zone's
abbreviation for that instant (PST or PDT, never a fixed one)."""

from datetime import datetime
from functools import lru_cache

from p2p.slots.errors import SlotsError
from p2p.slots.wall_clock import seconds_floor
from p2p.time_zones import require_aware, zone

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def slot_label(start: datetime, time_zone: str) -> str:
    """`start` (any aware datetime) as the provider reads it in `time_zone`."""
    require_aware(start, "start", SlotsError)
    if start.microsecond:
        return _label(start.astimezone(zone(time_zone, SlotsError)))
    return label_at(seconds_floor(start), time_zone)


@lru_cache(maxsize=65_536)
def label_at(seconds: int, time_zone: str) -> str:
    """Cached by instant: a week has a few hundred distinct starts, shared by reviewers."""
    return _label(datetime.fromtimestamp(seconds, zone(time_zone, SlotsError)))


def _label(local: datetime) -> str:
    # Built by hand rather than strftime: no leading zero on the month, day or hour,
    # lowercase am/pm, and no dependence on the C locale.
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return (
        f"{_DAYS[local.weekday()]} {local.month}/{local.day}/{local.year % 100:02d} "
        f"{hour}:{local.minute:02d} {half} {local.tzname()}"
    )
