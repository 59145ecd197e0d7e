"""Properties over random reviewers, bookings, preferences and weeks around DST changes.

The engine is compared with a brute-force reference written straight from the rules
(every quarter hour of the week, checked minute by minute), and the rules are also
asserted one by one on every offered slot.
"""

import dataclasses
import random
from datetime import date, datetime, time, timedelta

import pytz
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from p2p.slots import (
    CaseNeed,
    Interval,
    Preferences,
    Reviewer,
    SearchRequest,
    is_offered,
    search_week,
)

ZONES = (
    "America/New_York",
    "America/Los_Angeles",
    "America/Phoenix",
    "America/Anchorage",
    "America/St_Johns",  # -03:30, with DST
    "Pacific/Honolulu",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Australia/Lord_Howe",  # DST of 30 minutes
    "Asia/Kathmandu",  # +05:45
    "Europe/London",
    "UTC",
)


def _transition_days(zone: str) -> tuple[date, ...]:
    """The 2026 dates on which the zone's offset changes (found by scanning noon to noon)."""
    tz = pytz.timezone(zone)
    noon = pytz.utc.localize(datetime(2025, 12, 31, 12))
    days = []
    for day in range(366):
        before, after = noon + timedelta(days=day), noon + timedelta(days=day + 1)
        if before.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            days.append(after.astimezone(tz).date())
    return tuple(days)


TRANSITION_DAYS = {zone: _transition_days(zone) for zone in ZONES}
QUARTER = timedelta(minutes=15)
MINUTE = timedelta(minutes=1)

zones = st.sampled_from(ZONES)
any_day = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


def week_days(*zones_: str):
    """Mostly a week in which one of these zones changes its clocks."""
    changes = sorted({day for zone in zones_ for day in TRANSITION_DAYS[zone]})
    return st.one_of(st.sampled_from(changes), any_day) if changes else any_day


provider_days = st.one_of(
    st.just(frozenset(range(7))), st.frozensets(st.integers(0, 6), min_size=1)
)
provider_hours = st.one_of(
    st.just(frozenset(range(24))),
    st.tuples(st.integers(0, 23), st.integers(1, 24)).map(
        lambda pair: frozenset(range(pair[0], max(pair[0] + 1, pair[1])))
    ),
    st.frozensets(st.integers(0, 23), min_size=1),
)


@st.composite
def weekly_hours(draw):
    days = {}
    for day in range(7):
        bounds = draw(st.lists(st.integers(0, 96), unique=True, max_size=6).map(sorted))
        pairs = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2)]
        if pairs:
            days[day] = tuple((_time(start), _time(end)) for start, end in pairs)
    return days


def _time(quarters: int) -> time:
    return time(0) if quarters == 96 else time(quarters // 4, quarters % 4 * 15)


@st.composite
def intervals(draw, around: datetime, count: int):
    found = []
    for _ in range(draw(st.integers(0, count))):
        start = around + timedelta(minutes=draw(st.integers(-2 * 1440, 9 * 1440)))
        length = timedelta(minutes=draw(st.integers(1, 240)), seconds=draw(st.integers(0, 59)))
        written_in = pytz.timezone(draw(zones))
        found.append(
            Interval(start.astimezone(written_in), (start + length).astimezone(written_in))
        )
    return tuple(found)


@st.composite
def scenarios(draw, reviewer_count=1):
    provider_zone = draw(zones)
    reviewer_zones = [draw(zones) for _ in range(reviewer_count)]
    week_of = draw(week_days(provider_zone, *reviewer_zones))
    around = pytz.utc.localize(datetime.combine(week_of, time()))
    reviewers = []
    for index, reviewer_zone in enumerate(reviewer_zones):
        reviewers.append(
            Reviewer(
                reviewer_id=f"r{index}",
                name=f"Dr. {index}",
                credentials="MD",
                specialties=frozenset({"s"}),
                case_types=frozenset({"t", "u"}),
                licensed_states=frozenset({"TX"}),
                time_zone=reviewer_zone,
                weekly_hours=draw(weekly_hours()),
                busy=draw(intervals(around, 6)),
                time_off=draw(intervals(around, 1)),
            )
        )
    cases = tuple(
        CaseNeed(f"A{i}", "t", "s", "TX", "outcome_changing", around + timedelta(days=2 + i))
        for i in range(draw(st.integers(1, 2)))
    )
    request = SearchRequest(
        cases=cases,
        preferences=Preferences(provider_zone, draw(provider_days), draw(provider_hours)),
        week_of=week_of,
        now=around + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440))),
        minimum_notice=timedelta(minutes=5 * draw(st.integers(0, 12 * 24))),
        minutes_per_case=draw(st.sampled_from([15, 20, 30])),
    )
    return reviewers, request


DST_ZONES = tuple(zone for zone in ZONES if TRANSITION_DAYS[zone])


@st.composite
def transition_nights(draw):
    """A reviewer whose hours surround one of their zone's clock changes, seen by a provider
    who takes any time: the repeated and the skipped readings are then always in play."""
    zone = draw(st.sampled_from(DST_ZONES))
    day = draw(st.sampled_from(TRANSITION_DAYS[zone]))
    tz = pytz.timezone(zone)
    # The readings that change that day, as quarter hours after midnight.
    before = tz.localize(datetime.combine(day, time(12))) - timedelta(days=1)
    after = before + timedelta(days=2)
    while after - before > MINUTE:  # bisect for the change (the offsets differ at the ends)
        middle = before + (after - before) / 2
        if middle.astimezone(tz).utcoffset() == before.utcoffset():
            before = middle
        else:
            after = middle
    around = after.astimezone(tz).replace(tzinfo=None)
    if around.date() != day:
        around = datetime.combine(day, time())
    quarter = (around.hour * 60 + around.minute) // 15
    low = draw(st.integers(max(0, quarter - 8), quarter))
    high = draw(st.integers(min(96, quarter + 1), min(96, quarter + 9)))
    hours = {day.weekday(): ((_time(low), _time(high)),)}
    reviewer = Reviewer(
        reviewer_id="r0",
        name="Dr. 0",
        credentials="MD",
        specialties=frozenset({"s"}),
        case_types=frozenset({"t", "u"}),
        licensed_states=frozenset({"TX"}),
        time_zone=zone,
        weekly_hours=hours,
        busy=draw(intervals(pytz.utc.localize(datetime.combine(day, time())), 2)),
    )
    around_utc = pytz.utc.localize(datetime.combine(day, time()))
    request = SearchRequest(
        cases=tuple(
            CaseNeed(f"A{i}", "t", "s", "TX", "outcome_changing", around_utc + timedelta(days=9))
            for i in range(draw(st.integers(1, 3)))
        ),
        preferences=Preferences(
            draw(st.sampled_from((zone, "UTC"))), frozenset(range(7)), frozenset(range(24))
        ),
        week_of=day,
        now=around_utc - timedelta(days=8),
        minutes_per_case=draw(st.sampled_from([15, 20, 30])),
    )
    return [reviewer], request


# --- the reference -------------------------------------------------------------------------


def first_reading(tz, reading: datetime) -> datetime:
    """The first instant the clock of `tz` shows `reading` or later, by brute force."""
    try:
        return tz.localize(reading, is_dst=None)
    except pytz.AmbiguousTimeError:
        return min(tz.localize(reading, is_dst=True), tz.localize(reading, is_dst=False))
    except pytz.NonExistentTimeError:
        moment = min(tz.localize(reading, is_dst=True), tz.localize(reading, is_dst=False))
        while moment.astimezone(tz).replace(tzinfo=None) < reading:
            moment += MINUTE
        return moment


def stretches(reviewer: Reviewer, weekday: int) -> list[tuple[int, int]]:
    minutes = sorted(
        (start.hour * 60 + start.minute, (end.hour * 60 + end.minute) or 1440)
        for start, end in reviewer.weekly_hours.get(weekday, ())
    )
    joined = []
    for start, end in minutes:
        if joined and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def reference_starts(reviewer: Reviewer, request: SearchRequest) -> list[datetime]:
    reviewer_tz = pytz.timezone(reviewer.time_zone)
    provider = request.preferences
    provider_tz = pytz.timezone(provider.time_zone)
    monday = request.week_of - timedelta(days=request.week_of.weekday())
    week_start = first_reading(provider_tz, datetime.combine(monday, time()))
    week_end = first_reading(provider_tz, datetime.combine(monday + timedelta(days=7), time()))
    duration = timedelta(minutes=request.minutes_per_case * len(request.cases))
    earliest = request.now + request.minimum_notice
    blocked = reviewer.busy + reviewer.time_off
    found = []
    # Every zone here has offsets in whole quarter hours: candidates are UTC quarter hours.
    moment = week_start.astimezone(pytz.utc)
    moment += timedelta(minutes=-moment.minute % 15)
    while moment < week_end:
        if moment >= earliest and _reviewer_allows(reviewer, reviewer_tz, moment, duration):
            end = moment + duration
            in_blocks = all(
                (t := (moment + MINUTE * i).astimezone(provider_tz)).weekday() in provider.days
                and t.hour in provider.hours
                for i in range(int(duration / MINUTE))
            )
            free = not any(b.start < end and b.end > moment for b in blocked)
            if in_blocks and free:
                found.append(moment)
        moment += QUARTER
    return found


def _reviewer_allows(reviewer, tz, moment, duration) -> bool:
    """Straight from the rule: a start is a quarter hour of the reviewer's clock, and every
    minute of the call is one at which their clock shows a reading of the start's date inside
    their hours (both passes of a repeated hour count; a skipped hour has no minute)."""
    reading = moment.astimezone(tz).replace(tzinfo=None)
    if reading.minute % 15:
        return False
    day_stretches = stretches(reviewer, reading.weekday())
    start_minute = reading.hour * 60 + reading.minute
    if not any(s <= start_minute < e for s, e in day_stretches):
        return False  # the common case, decided without walking the call's minutes
    for i in range(1, int(duration / MINUTE)):
        minute_reading = (moment + MINUTE * i).astimezone(tz).replace(tzinfo=None)
        if minute_reading.date() != reading.date():
            return False
        minute = minute_reading.hour * 60 + minute_reading.minute
        if not any(s <= minute < e for s, e in day_stretches):
            return False
    return True


def offered(result) -> dict[str, list]:
    return {
        entry.reviewer.reviewer_id: list(entry.slots)
        for group in result.groups
        for entry in group.reviewers
    }


# --- properties ------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_engine_equals_the_brute_force_reference(scenario):
    reviewers, request = scenario
    result = search_week(reviewers, request)
    got = [slot.start for slot in offered(result).get("r0", [])]
    assert got == reference_starts(reviewers[0], request)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transition_nights())
def test_engine_equals_the_reference_on_clock_change_nights(scenario):
    """Both passes of a repeated reading are worked; a skipped reading never is."""
    reviewers, request = scenario
    result = search_week(reviewers, request)
    got = [slot.start for slot in offered(result).get("r0", [])]
    assert got == reference_starts(reviewers[0], request)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_slot_keeps_every_rule(scenario):
    reviewers, request = scenario
    (reviewer,) = reviewers
    result = search_week(reviewers, request)
    reviewer_tz = pytz.timezone(reviewer.time_zone)
    provider_tz = pytz.timezone(request.preferences.time_zone)
    duration = timedelta(minutes=request.minutes_per_case * len(request.cases))
    monday = request.week_of - timedelta(days=request.week_of.weekday())
    for slot in offered(result).get("r0", []):
        assert slot.end - slot.start == duration
        assert slot.start >= request.now + request.minimum_notice
        # On the reviewer's quarter-hour grid, inside one stretch of their hours.
        local = slot.start.astimezone(reviewer_tz)
        assert local.minute % 15 == 0 and local.second == 0 and local.microsecond == 0
        minute = local.hour * 60 + local.minute
        assert any(s <= minute < e for s, e in stretches(reviewer, local.weekday()))
        # Inside the provider's chosen days and blocks, and in the week asked for.
        provider_start = slot.start.astimezone(provider_tz)
        assert monday <= provider_start.date() <= monday + timedelta(days=6)
        for i in range(int(duration / MINUTE)):
            t = (slot.start + MINUTE * i).astimezone(provider_tz)
            assert t.weekday() in request.preferences.days
            assert t.hour in request.preferences.hours
        # Clear of bookings and time off (half-open).
        for busy in reviewer.busy + reviewer.time_off:
            assert not (busy.start < slot.end and busy.end > slot.start)
        # Labelled in the provider's zone.
        assert slot.label.endswith(provider_start.tzname())
        # Consultative only exactly for the windows closed by the start.
        assert slot.consultative_only_case_refs == tuple(
            c.case_ref for c in request.cases if c.valid_until <= slot.start
        )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(reviewer_count=4), st.randoms(use_true_random=False), zones)
def test_order_and_zones_of_the_inputs_do_not_matter(scenario, rng, other_zone):
    reviewers, request = scenario
    baseline = search_week(reviewers, request)
    tz = pytz.timezone(other_zone)

    def rewritten(intervals):
        moved = [Interval(i.start.astimezone(tz), i.end.astimezone(tz)) for i in intervals]
        rng.shuffle(moved)
        return tuple(moved)

    shuffled = [
        Reviewer(
            reviewer_id=r.reviewer_id,
            name=r.name,
            credentials=r.credentials,
            specialties=r.specialties,
            case_types=r.case_types,
            licensed_states=r.licensed_states,
            time_zone=r.time_zone,
            weekly_hours=dict(reversed(list(r.weekly_hours.items()))),
            busy=rewritten(r.busy),
            time_off=rewritten(r.time_off),
        )
        for r in reviewers
    ]
    rng.shuffle(shuffled)
    moved_request = SearchRequest(
        cases=request.cases,
        preferences=request.preferences,
        week_of=request.week_of,
        now=request.now.astimezone(tz),
        minimum_notice=request.minimum_notice,
        minutes_per_case=request.minutes_per_case,
    )
    again = search_week(shuffled, moved_request)

    def shape(result):
        return (
            result.week_start,
            result.cases,
            result.empty,
            [
                (group.priority, [(e.reviewer.reviewer_id, e.slots) for e in group.reviewers])
                for group in result.groups
            ],
        )

    assert shape(again) == shape(baseline)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.randoms(use_true_random=False))
def test_is_offered_agrees_with_the_search(scenario, rng: random.Random):
    reviewers, request = scenario
    (reviewer,) = reviewers
    slots = {slot.start: slot for slot in offered(search_week(reviewers, request)).get("r0", [])}
    for start, slot in slots.items():
        offer = is_offered(reviewer, request, start)
        assert offer is not None and offer.slot == slot
    monday = request.week_of - timedelta(days=request.week_of.weekday())
    base = pytz.utc.localize(datetime.combine(monday, time())) - timedelta(days=1)
    for _ in range(60):
        candidate = base + QUARTER * rng.randrange(9 * 96)
        offer = is_offered(reviewer, request, candidate)
        provider_date = candidate.astimezone(pytz.timezone(request.preferences.time_zone)).date()
        if monday <= provider_date <= monday + timedelta(days=6):
            assert (offer is not None) == (candidate in slots)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(min_value=0, max_value=899))
def test_every_now_of_a_quarter_hour_gets_the_same_answer(scenario, seconds):
    """What lets a process send a recent search's answer again (AnswerMemo): `now` counts
    only through `earliest_start`, the quarter hour at or after now + notice."""
    reviewers, request = scenario
    earliest = request.earliest_start
    assert earliest % 900 == 0
    # now + notice anywhere in (earliest - 15 min, earliest] rounds up to `earliest`.
    moment = pytz.utc.localize(datetime(1970, 1, 1)) + timedelta(seconds=earliest - 899 + seconds)
    other = dataclasses.replace(request, now=moment - request.minimum_notice)
    assert other.answer_key() == request.answer_key()
    assert search_week(reviewers, other) == search_week(reviewers, request)
