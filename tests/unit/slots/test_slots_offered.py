"""`is_offered`: the booking side of the same rule."""

from datetime import time, timedelta

from p2p.slots import Preferences, SearchRequest, is_offered, search_week

from .factories import at, case, request, reviewer, utc


def test_every_offered_slot_is_offered_and_nothing_else_is():
    ny = "America/New_York"
    busy = reviewer(
        busy=[(at(ny, 2026, 11, 23, 10, 7), at(ny, 2026, 11, 23, 11, 0))],
        time_off=[(at(ny, 2026, 11, 25, 12, 0), at(ny, 2026, 11, 26, 0, 0))],
    )
    search = request(
        case("A1"), case("A2"), now=at(ny, 2026, 11, 23, 9, 0), notice=timedelta(minutes=30)
    )
    offered = {
        slot.start: slot for slot in search_week([busy], search).groups[0].reviewers[0].slots
    }
    moment = utc(2026, 11, 23, 0, 0)
    while moment < utc(2026, 11, 30, 8, 0):
        offer = is_offered(busy, search, moment)
        if moment in offered:
            assert offer is not None and offer.slot == offered[moment]
        else:
            assert offer is None, moment
        moment += timedelta(minutes=5)


def test_is_offered_takes_any_zone_and_refuses_off_grid_or_microseconds():
    search = request()
    assert is_offered(reviewer(), search, at("Asia/Tokyo", 2026, 11, 24, 0, 0)) is not None
    assert is_offered(reviewer(), search, utc(2026, 11, 23, 15, 5)) is None
    assert is_offered(reviewer(), search, utc(2026, 11, 23, 15, 0, 0, 1)) is None
    assert is_offered(reviewer(case_types=("Radiology",)), search, utc(2026, 11, 23, 15)) is None


def test_booking_checks_without_preferences_but_with_the_same_hours_and_bookings():
    # The slot search was for weekdays 7..18 PST; booking a Saturday is refused there but a
    # booking check with any-time preferences sees the reviewer's own hours only.
    saturday = reviewer(weekly_hours={5: ((time(8), time(12)),)})
    start = at("America/New_York", 2026, 11, 28, 9, 0)
    assert is_offered(saturday, request(), start) is None
    booking = SearchRequest(
        (case(),), Preferences.any_time("America/Los_Angeles"), start.date(), utc(2026, 11, 1)
    )
    offer = is_offered(saturday, booking, start)
    assert offer.slot.label == "Sat 11/28/26 6:00 am PST"
    assert offer.slot.end == utc(2026, 11, 28, 14, 15)
    # Not before now + notice.
    late = SearchRequest(
        (case(),),
        Preferences.any_time("UTC"),
        start.date(),
        start - timedelta(minutes=10),
        timedelta(minutes=15),
    )
    assert is_offered(saturday, late, start) is None


def test_consultative_only_is_reported_to_booking():
    closes = at("America/New_York", 2026, 11, 23, 12, 0)
    search = request(case("A1", outcome="outcome_changing", valid_until=closes))
    assert is_offered(reviewer(), search, closes).consultative_only_case_refs == ("A1",)
    assert (
        is_offered(
            reviewer(), search, closes - timedelta(minutes=15)
        ).slot.consultative_only_case_refs
        == ()
    )
