"""Golden scenarios: expected instants and labels written out by hand.

Conventions: the provider is in Los Angeles with the API's default preferences (Mon-Fri,
blocks 7..18) unless a test says otherwise; "now" is long before the week unless the test
is about notice. Comments give the arithmetic.
"""

from datetime import date, timedelta

from p2p.slots import search_week

from .factories import (
    MSK,
    at,
    case,
    hours,
    labels,
    on_day,
    quarter_hours,
    request,
    reviewer,
    starts,
    utc,
    weekdays,
)


def day_labels(prefix: str, first_hour: int, first_minute: int, count: int, zone: str) -> list:
    """The labels of `count` quarter hours from first_hour:first_minute, e.g. 7:00 am PST."""
    shown = []
    minutes = first_hour * 60 + first_minute
    for i in range(count):
        hour, minute = divmod(minutes + 15 * i, 60)
        half = "am" if hour < 12 else "pm"
        shown.append(f"{prefix} {hour % 12 or 12}:{minute:02d} {half} {zone}")
    return shown


# --- New York reviewer, Los Angeles provider --------------------------------------------


def test_new_york_reviewer_seen_from_los_angeles():
    # 08:00-17:00 EST is 05:00-14:00 PST; the provider's blocks 7..18 keep 07:00-14:00 PST:
    # 28 starts a day, 7:00 am to 1:45 pm PST, Monday to Friday.
    result = search_week([reviewer()], request())
    assert result.week_start == date(2026, 11, 23)
    assert result.week_end == date(2026, 11, 29)
    assert result.time_zone == "America/Los_Angeles"
    assert result.empty is None
    assert len(labels(result)) == 5 * 28
    assert on_day(result, "Mon 11/23/26") == day_labels("Mon 11/23/26", 7, 0, 28, "PST")
    assert on_day(result, "Fri 11/27/26") == day_labels("Fri 11/27/26", 7, 0, 28, "PST")
    first = result.groups[0].reviewers[0].slots[0]
    assert first.start == utc(2026, 11, 23, 15, 0)  # 7:00 PST = 15:00 UTC = 10:00 EST
    assert first.end == utc(2026, 11, 23, 15, 15)
    assert first.label == "Mon 11/23/26 7:00 am PST"
    assert first.consultative_only_case_refs == ()
    assert starts(result)[27] == utc(2026, 11, 23, 21, 45)  # 1:45 pm PST, ends 2:00 pm


def test_week_of_any_date_means_its_monday_to_sunday():
    assert search_week([reviewer()], request(week_of=date(2026, 11, 29))).week_start == date(
        2026, 11, 23
    )
    assert search_week([reviewer()], request(week_of=date(2026, 11, 30))).week_start == date(
        2026, 11, 30
    )


# --- the US DST weeks of 2026 ------------------------------------------------------------


def test_spring_forward_keeps_the_new_york_day_at_eight_to_five_local():
    # Week of Mon 2 March: EST/PST. 08:00 EST = 13:00 UTC = 05:00 PST.
    # Week of Mon 9 March: EDT/PDT. 08:00 EDT = 12:00 UTC = 05:00 PDT.
    # Both zones move together, so the provider sees 7:00 am .. 1:45 pm both weeks, while
    # the instants move one hour earlier in UTC.
    before = search_week([reviewer()], request(week_of=date(2026, 3, 2)))
    after = search_week([reviewer()], request(week_of=date(2026, 3, 9)))
    assert on_day(before, "Mon 3/2/26") == day_labels("Mon 3/2/26", 7, 0, 28, "PST")
    assert on_day(after, "Mon 3/9/26") == day_labels("Mon 3/9/26", 7, 0, 28, "PDT")
    assert starts(before)[0] == utc(2026, 3, 2, 15, 0)
    assert starts(after)[0] == utc(2026, 3, 9, 14, 0)


def test_spring_forward_seen_from_new_york_itself():
    # A provider in New York sees the 08:00-17:00 reviewer at 8:00 am .. 4:45 pm both weeks.
    before = search_week([reviewer()], request(zone="America/New_York", week_of=date(2026, 3, 2)))
    after = search_week([reviewer()], request(zone="America/New_York", week_of=date(2026, 3, 9)))
    assert on_day(before, "Fri 3/6/26") == day_labels("Fri 3/6/26", 8, 0, 36, "EST")
    assert on_day(after, "Mon 3/9/26") == day_labels("Mon 3/9/26", 8, 0, 36, "EDT")
    assert starts(before)[0] == utc(2026, 3, 2, 13, 0)
    assert starts(after)[0] == utc(2026, 3, 9, 12, 0)


def test_fall_back_keeps_the_new_york_day_at_eight_to_five_local():
    # Week of Mon 26 Oct: EDT/PDT, 08:00 EDT = 12:00 UTC = 05:00 PDT.
    # Week of Mon 2 Nov: EST/PST, 08:00 EST = 13:00 UTC = 05:00 PST.
    before = search_week([reviewer()], request(week_of=date(2026, 10, 26)))
    after = search_week([reviewer()], request(week_of=date(2026, 11, 2)))
    assert on_day(before, "Fri 10/30/26") == day_labels("Fri 10/30/26", 7, 0, 28, "PDT")
    assert on_day(after, "Mon 11/2/26") == day_labels("Mon 11/2/26", 7, 0, 28, "PST")
    assert starts(before)[0] == utc(2026, 10, 26, 14, 0)
    assert starts(after)[0] == utc(2026, 11, 2, 15, 0)


def test_new_york_night_reviewer_on_spring_forward_night_has_no_two_am():
    # Sun 8 March, 00:00-04:00 New York: the clock jumps 02:00 EST -> 03:00 EDT (07:00 UTC).
    # 00:00 EST = 05:00 UTC .. 04:00 EDT = 08:00 UTC: three real hours, 12 starts.
    night = reviewer(weekly_hours=hours(sun=[["00:00", "04:00"]]))
    result = search_week(
        [night],
        request(zone="America/New_York", week_of=date(2026, 3, 2), days=[6], block_hours=range(24)),
    )
    assert labels(result) == [
        *day_labels("Sun 3/8/26", 0, 0, 8, "EST"),
        *day_labels("Sun 3/8/26", 3, 0, 4, "EDT"),
    ]
    assert starts(result) == quarter_hours(utc(2026, 3, 8, 5, 0), 12)


def test_new_york_night_reviewer_on_fall_back_night_offers_one_am_twice():
    # Sun 1 Nov, 00:00-04:00 New York: 00:00 EDT = 04:00 UTC; the clock shows 01:00-01:59
    # first as EDT (05:00-06:00 UTC), then again as EST (06:00-07:00 UTC); 04:00 EST = 09:00
    # UTC. Five real hours, every quarter hour a start: 01:15 EDT and 01:15 EST both.
    night = reviewer(weekly_hours=hours(sun=[["00:00", "04:00"]]))
    result = search_week(
        [night],
        request(
            zone="America/New_York", week_of=date(2026, 10, 26), days=[6], block_hours=range(24)
        ),
    )
    assert labels(result) == [
        *day_labels("Sun 11/1/26", 0, 0, 8, "EDT"),
        *day_labels("Sun 11/1/26", 1, 0, 12, "EST"),
    ]
    assert starts(result) == quarter_hours(utc(2026, 11, 1, 4, 0), 20)


def test_the_issues_fall_back_night_offers_four_real_hours():
    # The defect as found: 00:00-03:00 in New York on Sun 7 Nov 2027 is 04:00Z-08:00Z, four
    # real hours; the second 01:15 (EST, 06:15Z) is a start like any other.
    night = reviewer(weekly_hours=hours(sun=[["00:00", "03:00"]]))
    result = search_week(
        [night],
        request(
            zone="America/New_York", week_of=date(2027, 11, 1), days=[6], block_hours=range(24)
        ),
    )
    assert starts(result) == quarter_hours(utc(2027, 11, 7, 4, 0), 16)
    assert "Sun 11/7/27 1:15 am EST" in labels(result)
    assert "Sun 11/7/27 1:15 am EDT" in labels(result)


def test_a_range_inside_the_repeated_hour_is_worked_on_both_passes_only():
    # 01:30-02:00 on the fall-back night: 01:30 and 01:45 EDT, then 01:30 and 01:45 EST;
    # never the second 01:00 or 01:15 (EST), which are outside the range.
    short = reviewer(weekly_hours=hours(sun=[["01:30", "02:00"]]))
    result = search_week(
        [short],
        request(
            zone="America/New_York", week_of=date(2026, 10, 26), days=[6], block_hours=range(24)
        ),
    )
    assert labels(result) == [
        "Sun 11/1/26 1:30 am EDT",
        "Sun 11/1/26 1:45 am EDT",
        "Sun 11/1/26 1:30 am EST",
        "Sun 11/1/26 1:45 am EST",
    ]


def test_fall_back_second_pass_is_working_time_for_a_longer_call():
    # A 30-minute call at 01:45 EDT (05:45 UTC) runs through the second 01:00-01:15 (EST):
    # the reviewer is at work until their clock shows 04:00 EST. Last start 03:30 EST.
    night = reviewer(weekly_hours=hours(sun=[["00:00", "04:00"]]))
    result = search_week(
        [night],
        request(
            case("A1"),
            case("A2"),
            zone="America/New_York",
            week_of=date(2026, 10, 26),
            days=[6],
            block_hours=range(24),
        ),
    )
    assert starts(result) == quarter_hours(utc(2026, 11, 1, 4, 0), 19)
    assert slots_end(result)[7] == utc(2026, 11, 1, 6, 15)


def slots_end(result):
    return [slot.end for slot in result.groups[0].reviewers[0].slots]


def test_reviewer_in_new_york_during_the_hours_only_new_york_has_sprung_forward():
    # Sun 8 March: New York jumps at 07:00 UTC, Los Angeles at 10:00 UTC. A New York
    # reviewer working Sunday 00:00-08:00 (05:00-12:00 UTC, 7 real hours) seen by a Los
    # Angeles provider who takes only Sunday, any hour: Saturday evening PST is out; Sunday
    # runs 00:00-01:45 PST (08:00-09:45 UTC), then 03:00-04:45 PDT (10:00-11:45 UTC).
    reviewer_ = reviewer(weekly_hours=hours(sun=[["00:00", "08:00"]]))
    result = search_week(
        [reviewer_], request(week_of=date(2026, 3, 2), days=[6], block_hours=range(24))
    )
    assert labels(result) == [
        *day_labels("Sun 3/8/26", 0, 0, 8, "PST"),
        *day_labels("Sun 3/8/26", 3, 0, 8, "PDT"),
    ]
    assert starts(result) == quarter_hours(utc(2026, 3, 8, 8, 0), 16)


def test_provider_block_two_on_spring_forward_day_is_empty():
    # Provider in New York asks for Sunday 8 March, blocks 1 and 2 only: block 2
    # (02:00-03:00) does not exist that night, block 1 is 01:00-02:00 EST (06:00-07:00 UTC).
    night = reviewer(weekly_hours=hours(sun=[["00:00", "06:00"]]))
    result = search_week(
        [night],
        request(zone="America/New_York", week_of=date(2026, 3, 2), days=[6], block_hours=[1, 2]),
    )
    assert labels(result) == day_labels("Sun 3/8/26", 1, 0, 4, "EST")


def test_provider_block_one_on_fall_back_day_lasts_two_hours():
    # Provider in Chicago, block 1 on Sun 1 Nov: 01:00 CDT (06:00 UTC) to 02:00 CST (08:00
    # UTC). A reviewer in Los Angeles working 22:00-24:00 Saturday and 00:00-02:00 Sunday
    # (PDT until 09:00 UTC) is at work throughout: 8 starts.
    reviewer_ = reviewer(
        zone="America/Los_Angeles",
        weekly_hours=hours(sat=[["22:00", "24:00"]], sun=[["00:00", "02:00"]]),
    )
    result = search_week(
        [reviewer_],
        request(zone="America/Chicago", week_of=date(2026, 10, 26), days=[6], block_hours=[1]),
    )
    assert labels(result) == [
        *day_labels("Sun 11/1/26", 1, 0, 4, "CDT"),
        *day_labels("Sun 11/1/26", 1, 0, 4, "CST"),
    ]
    assert starts(result) == quarter_hours(utc(2026, 11, 1, 6, 0), 8)


# --- Arizona and Hawaii -----------------------------------------------------------------


def arizona():
    return reviewer(zone="America/Phoenix")


def test_arizona_reviewer_in_july_against_los_angeles_and_denver():
    # July: Phoenix MST (UTC-7) = Los Angeles PDT (UTC-7); Denver MDT is UTC-6.
    # 08:00-17:00 MST = 15:00-24:00 UTC = 08:00-17:00 PDT = 09:00-18:00 MDT.
    la = search_week([arizona()], request(week_of=date(2026, 7, 13)))
    assert on_day(la, "Mon 7/13/26") == day_labels("Mon 7/13/26", 8, 0, 36, "PDT")
    denver = search_week([arizona()], request(zone="America/Denver", week_of=date(2026, 7, 13)))
    assert on_day(denver, "Mon 7/13/26") == day_labels("Mon 7/13/26", 9, 0, 36, "MDT")
    assert starts(la)[0] == starts(denver)[0] == utc(2026, 7, 13, 15, 0)


def test_arizona_reviewer_in_january_against_los_angeles_and_denver():
    # January: Los Angeles PST (UTC-8), Denver MST (UTC-7) like Phoenix.
    # 08:00-17:00 MST = 07:00-16:00 PST = 08:00-17:00 MST (Denver).
    la = search_week([arizona()], request(week_of=date(2026, 1, 12)))
    assert on_day(la, "Mon 1/12/26") == day_labels("Mon 1/12/26", 7, 0, 36, "PST")
    denver = search_week([arizona()], request(zone="America/Denver", week_of=date(2026, 1, 12)))
    assert on_day(denver, "Mon 1/12/26") == day_labels("Mon 1/12/26", 8, 0, 36, "MST")


def test_arizona_reviewer_across_the_march_change_moves_for_los_angeles():
    # Before 8 March 08:00 MST is 07:00 PST; after, 08:00 PDT.
    before = search_week([arizona()], request(week_of=date(2026, 3, 2)))
    after = search_week([arizona()], request(week_of=date(2026, 3, 9)))
    assert on_day(before, "Fri 3/6/26")[0] == "Fri 3/6/26 7:00 am PST"
    assert on_day(after, "Mon 3/9/26")[0] == "Mon 3/9/26 8:00 am PDT"


def test_hawaii_sunday_evening_is_monday_in_new_york():
    # A Honolulu reviewer works Sundays 17:00-22:00 HST (UTC-10) = 03:00-08:00 UTC Monday
    # = Sunday 22:00 - Monday 03:00 EST. A New York provider taking Monday blocks 0..2 gets
    # Monday 00:00-02:45 EST from the reviewer's Sunday 22 November (19:00-21:45 HST). The
    # reviewer's Sunday 29 November falls on Monday 30 November in New York: next week.
    hawaii = reviewer(zone="Pacific/Honolulu", weekly_hours=hours(sun=[["17:00", "22:00"]]))
    result = search_week(
        [hawaii],
        request(
            zone="America/New_York", week_of=date(2026, 11, 23), days=[0], block_hours=[0, 1, 2]
        ),
    )
    assert labels(result) == day_labels("Mon 11/23/26", 0, 0, 12, "EST")
    assert starts(result) == quarter_hours(utc(2026, 11, 23, 5, 0), 12)
    next_week = search_week(
        [hawaii],
        request(
            zone="America/New_York", week_of=date(2026, 11, 30), days=[0], block_hours=[0, 1, 2]
        ),
    )
    assert labels(next_week) == day_labels("Mon 11/30/26", 0, 0, 12, "EST")


def test_hawaii_provider_sees_new_york_mornings():
    # 08:00-17:00 EST = 03:00-12:00 HST; blocks 7..18 HST keep 07:00-11:45 HST.
    result = search_week([reviewer()], request(zone="Pacific/Honolulu"))
    assert on_day(result, "Wed 11/25/26") == day_labels("Wed 11/25/26", 7, 0, 20, "HST")


# --- notice, cases, deadlines, bookings -----------------------------------------------------


def test_minimum_notice_cuts_todays_slots():
    # Now Mon 23 Nov 10:07 am PST, two hours' notice: nothing before 12:07 pm PST, so the
    # first start is 12:15 pm (the grid is not shifted to 12:07). Tuesday is whole.
    result = search_week(
        [reviewer()],
        request(now=at("America/Los_Angeles", 2026, 11, 23, 10, 7), notice=timedelta(hours=2)),
    )
    assert on_day(result, "Mon 11/23/26") == day_labels("Mon 11/23/26", 12, 15, 7, "PST")
    assert len(on_day(result, "Tue 11/24/26")) == 28


def test_notice_ending_exactly_on_a_start_keeps_it():
    result = search_week(
        [reviewer()],
        request(now=at("America/Los_Angeles", 2026, 11, 23, 10, 0), notice=timedelta(hours=2)),
    )
    assert on_day(result, "Mon 11/23/26")[0] == "Mon 11/23/26 12:00 pm PST"


def test_two_cases_need_both_case_types_and_thirty_minutes():
    both = reviewer("both", case_types=(MSK, "Radiation Oncology"))
    one = reviewer("one", case_types=(MSK,))
    result = search_week(
        [one, both],
        request(
            case("A1"), case("A2", case_type="Radiation Oncology", specialty="radiation_oncology")
        ),
    )
    shown = [entry.reviewer.reviewer_id for group in result.groups for entry in group.reviewers]
    assert shown == ["both"]
    monday = [s for s in result.groups[0].reviewers[0].slots if s.label.startswith("Mon")]
    # 07:00 .. 13:30 PST: the last call ends at 14:00 PST (17:00 EST).
    assert [s.label for s in monday] == day_labels("Mon 11/23/26", 7, 0, 27, "PST")
    assert monday[-1].start == utc(2026, 11, 23, 21, 30)
    assert monday[-1].end == utc(2026, 11, 23, 22, 0)


def test_minutes_per_case_is_configurable():
    result = search_week([reviewer()], request(minutes_per_case=60))
    assert on_day(result, "Mon 11/23/26")[-1] == "Mon 11/23/26 1:00 pm PST"


def test_a_call_must_fit_the_provider_blocks_but_may_end_on_the_last_one():
    # Blocks 16 and 17 chosen? A 15-minute call at 16:45 fits block 16 alone; a 30-minute
    # call at 16:45 needs 17 too. Reviewer in Los Angeles 08:00-20:00.
    late = reviewer(zone="America/Los_Angeles", weekly_hours=weekdays("08:00", "20:00"))
    single = search_week([late], request(days=[0], block_hours=[16]))
    assert labels(single) == day_labels("Mon 11/23/26", 16, 0, 4, "PST")
    pair = request(case("A1"), case("A2"), days=[0], block_hours=[16])
    assert labels(search_week([late], pair)) == day_labels("Mon 11/23/26", 16, 0, 3, "PST")
    joined = request(case("A1"), case("A2"), days=[0], block_hours=[16, 17])
    assert labels(search_week([late], joined)) == day_labels("Mon 11/23/26", 16, 0, 7, "PST")


def test_a_call_may_not_run_into_a_day_the_provider_did_not_choose():
    # A New York reviewer on Mondays 02:00-05:00 EST = Sunday 23:00 - Monday 02:00 PST.
    # Blocks 23 and 0. Sunday only: a 30-minute call at 23:45 Sunday would end on Monday,
    # not chosen. Sunday and Monday: it may (Monday 30 Nov block 0 joins Sunday's block 23).
    owl = reviewer(weekly_hours=hours(mon=[["02:00", "05:00"]]))
    sunday = request(case("A1"), case("A2"), days=[6], block_hours=[23, 0])
    assert labels(search_week([owl], sunday)) == day_labels("Sun 11/29/26", 23, 0, 3, "PST")
    both = request(case("A1"), case("A2"), days=[6, 0], block_hours=[23, 0])
    assert labels(search_week([owl], both)) == [
        *day_labels("Mon 11/23/26", 0, 0, 3, "PST"),
        *day_labels("Sun 11/29/26", 23, 0, 4, "PST"),
    ]


def test_deadline_mid_week_flags_later_slots():
    # Reconsideration window closes Wed 25 Nov 00:00 EST = Tue 24 Nov 9:00 pm PST: Monday and
    # Tuesday slots keep the outcome-changing P2P; from Wednesday they are consultative only.
    closes = at("America/New_York", 2026, 11, 25, 0, 0)
    result = search_week(
        [reviewer()],
        request(case("A1", outcome="outcome_changing", valid_until=closes), case("A2")),
    )
    slots = result.groups[0].reviewers[0].slots
    flagged = {s.label[:3]: s.consultative_only_case_refs for s in slots}
    assert flagged == {"Mon": (), "Tue": (), "Wed": ("A1",), "Thu": ("A1",), "Fri": ("A1",)}
    assert [(c.case_ref, c.slot_before_deadline) for c in result.cases] == [
        ("A1", True),
        ("A2", None),
    ]
    assert result.cases[0].valid_until == closes
    assert result.cases[0].outcome == "outcome_changing"


def test_a_slot_starting_exactly_at_the_deadline_is_consultative():
    # valid_until Mon 23 Nov 10:00 EST = 7:00 am PST, the first slot of the week.
    closes = at("America/New_York", 2026, 11, 23, 10, 0)
    result = search_week(
        [reviewer()],
        request(
            case("A1", outcome="outcome_changing", valid_until=closes),
            now=at("America/New_York", 2026, 11, 23, 9, 0),
        ),
    )
    first = result.groups[0].reviewers[0].slots[0]
    assert first.label == "Mon 11/23/26 7:00 am PST"
    assert first.consultative_only_case_refs == ("A1",)
    assert result.cases[0].slot_before_deadline is False


def test_slot_before_deadline_looks_at_weeks_before_the_one_shown():
    # Now is Mon 16 Nov, the deadline Wed 18 Nov; the provider looks at the week of 23 Nov:
    # every slot shown is consultative only, but the week of now had slots before it.
    closes = at("America/New_York", 2026, 11, 18, 0, 0)
    result = search_week(
        [reviewer()],
        request(
            case("A1", outcome="outcome_changing", valid_until=closes),
            now=at("America/New_York", 2026, 11, 16, 6, 0),
        ),
    )
    assert all(s.consultative_only_case_refs == ("A1",) for s in slots_in(result))
    assert result.cases[0].slot_before_deadline is True


def test_no_slot_before_deadline_when_it_has_passed_or_everything_is_booked():
    gone = at("America/New_York", 2026, 11, 20, 0, 0)
    result = search_week(
        [reviewer()],
        request(
            case("A1", outcome="outcome_changing", valid_until=gone),
            now=at("America/New_York", 2026, 11, 20, 6, 0),
        ),
    )
    assert result.cases[0].slot_before_deadline is False
    # Booked solid until Wed 25 Nov 12:00 EST, deadline the same Wednesday 10:00 EST.
    booked = reviewer(busy=[(utc(2026, 11, 1), at("America/New_York", 2026, 11, 25, 12, 0))])
    closes = at("America/New_York", 2026, 11, 25, 10, 0)
    result = search_week(
        [booked],
        request(
            case("A1", outcome="outcome_changing", valid_until=closes),
            now=at("America/New_York", 2026, 11, 20, 6, 0),
        ),
    )
    assert result.cases[0].slot_before_deadline is False
    assert on_day(result, "Wed 11/25/26")[0] == "Wed 11/25/26 9:00 am PST"


def slots_in(result):
    return [slot for group in result.groups for entry in group.reviewers for slot in entry.slots]


def test_appointments_and_time_off_remove_slots_half_open():
    # An appointment Mon 10:00-10:15 EST (7:00-7:15 PST) takes the 7:00 start only; 7:15 is
    # offered (the previous call has just ended). Another 11:00-11:30 EST takes 8:00 and
    # 8:15 PST. Time off all of Tuesday (New York) takes Tuesday.
    ny = "America/New_York"
    busy_reviewer = reviewer(
        busy=[
            (at(ny, 2026, 11, 23, 10, 0), at(ny, 2026, 11, 23, 10, 15)),
            (at(ny, 2026, 11, 23, 11, 0), at(ny, 2026, 11, 23, 11, 30)),
        ],
        time_off=[(at(ny, 2026, 11, 24, 0, 0), at(ny, 2026, 11, 25, 0, 0))],
    )
    result = search_week([busy_reviewer], request())
    monday = on_day(result, "Mon 11/23/26")
    assert monday[:4] == [
        "Mon 11/23/26 7:15 am PST",
        "Mon 11/23/26 7:30 am PST",
        "Mon 11/23/26 7:45 am PST",
        "Mon 11/23/26 8:30 am PST",
    ]
    assert len(monday) == 28 - 3
    assert on_day(result, "Tue 11/24/26") == []
    assert len(on_day(result, "Wed 11/25/26")) == 28


def test_an_appointment_blocks_every_call_that_would_overlap_it():
    # 30-minute calls in blocks 8 and 9; appointment 8:30-8:45 PST: 8:00 (ends 8:30) stays,
    # 8:15 and 8:30 go, 8:45 (starts as it ends) stays; the last start is 9:30.
    la = "America/Los_Angeles"
    result = search_week(
        [reviewer(busy=[(at(la, 2026, 11, 23, 8, 30), at(la, 2026, 11, 23, 8, 45))])],
        request(case("A1"), case("A2"), days=[0], block_hours=[8, 9]),
    )
    assert labels(result) == [
        "Mon 11/23/26 8:00 am PST",
        *day_labels("Mon 11/23/26", 8, 45, 4, "PST"),
    ]


def test_busy_time_off_the_grid_is_respected_to_the_second():
    # A call 10:07-10:22 EST blocks the 7:00 and 7:15 PST starts (7:15 overlaps 7:07-7:22).
    ny = "America/New_York"
    result = search_week(
        [reviewer(busy=[(at(ny, 2026, 11, 23, 10, 7), at(ny, 2026, 11, 23, 10, 22))])],
        request(days=[0], block_hours=[7]),
    )
    assert labels(result) == ["Mon 11/23/26 7:30 am PST", "Mon 11/23/26 7:45 am PST"]


def test_reviewer_days_do_not_join_across_midnight():
    # 22:00-24:00 Sunday and 00:00-02:00 Monday are two days: no call runs across midnight.
    owl = reviewer(
        zone="America/Los_Angeles",
        weekly_hours=hours(sun=[["22:00", "24:00"]], mon=[["00:00", "02:00"]]),
    )
    result = search_week([owl], request(case("A1"), case("A2"), days=[6, 0], block_hours=[23, 0]))
    assert on_day(result, "Sun 11/29/26") == day_labels("Sun 11/29/26", 23, 0, 3, "PST")


def test_inactive_reviewers_and_reviewers_untrained_are_left_out():
    result = search_week(
        [reviewer("off", active=False), reviewer("other", case_types=("Radiology",)), reviewer()],
        request(),
    )
    shown = [entry.reviewer.reviewer_id for group in result.groups for entry in group.reviewers]
    assert shown == ["r1"]
