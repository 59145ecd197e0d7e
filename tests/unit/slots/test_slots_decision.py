"""`decide_time`: one time for one reviewer, offered, taken or not offered and why; and
`unacknowledged`: what a request still has to acknowledge (DOMAIN.md, Scheduling)."""

from datetime import timedelta

import pytest

from p2p.slots import (
    NOT_OFFERED,
    OFFERED,
    TAKEN,
    Preferences,
    SearchRequest,
    StateRule,
    decide_time,
    search_week,
    unacknowledged,
)
from p2p.slots.decision import (
    INSIDE_MINIMUM_NOTICE,
    NOT_TRAINED,
    OFF_GRID,
    OUTSIDE_HOURS,
    TIME_OFF,
    TOO_LONG,
)

from .factories import at, case, hours, reviewer, utc

NY = "America/New_York"
TX_RULE = StateRule("TX", requires_state_license=True, requires_same_specialty=True)
OH_RULE = StateRule(
    "OH", requires_state_license=False, requires_same_specialty=False, requires_member_consent=True
)


def booking(*cases, now=None, notice=timedelta(0), zone="America/Los_Angeles", rules=()):
    """A booking's request: no preferred days or hours."""
    now = now or utc(2026, 11, 1)
    return SearchRequest(
        cases or (case(),), Preferences.any_time(zone), now.date(), now, notice, 15, rules
    )


MONDAY_9 = at(NY, 2026, 11, 23, 9, 0)  # inside 08:00-17:00 New York


@pytest.mark.parametrize(
    ("who", "start", "request_", "verdict", "reason"),
    [
        pytest.param(reviewer(), MONDAY_9, booking(), OFFERED, None, id="offered"),
        pytest.param(
            reviewer(busy=[(MONDAY_9, MONDAY_9 + timedelta(minutes=15))]),
            MONDAY_9,
            booking(),
            TAKEN,
            None,
            id="taken by another booking or hold",
        ),
        pytest.param(
            reviewer(busy=[(MONDAY_9 + timedelta(minutes=14), MONDAY_9 + timedelta(hours=1))]),
            MONDAY_9,
            booking(),
            TAKEN,
            None,
            id="taken: a booking overlaps the call's last minute",
        ),
        pytest.param(
            reviewer(case_types=("Radiology",)),
            MONDAY_9,
            booking(),
            NOT_OFFERED,
            NOT_TRAINED,
            id="not trained",
        ),
        pytest.param(
            reviewer(active=False), MONDAY_9, booking(), NOT_OFFERED, NOT_TRAINED, id="inactive"
        ),
        pytest.param(
            reviewer(),
            MONDAY_9 + timedelta(minutes=5),
            booking(),
            NOT_OFFERED,
            OFF_GRID,
            id="off the 15-minute grid",
        ),
        pytest.param(
            reviewer(),
            MONDAY_9 + timedelta(microseconds=1),
            booking(),
            NOT_OFFERED,
            OFF_GRID,
            id="a microsecond off the grid",
        ),
        pytest.param(
            reviewer(),
            MONDAY_9,
            booking(now=MONDAY_9 - timedelta(minutes=90), notice=timedelta(hours=2)),
            NOT_OFFERED,
            INSIDE_MINIMUM_NOTICE,
            id="inside the minimum notice",
        ),
        pytest.param(
            reviewer(),
            at(NY, 2026, 11, 23, 7, 45),
            booking(),
            NOT_OFFERED,
            OUTSIDE_HOURS,
            id="before the reviewer's hours",
        ),
        pytest.param(
            reviewer(),
            at(NY, 2026, 11, 28, 9, 0),
            booking(),
            NOT_OFFERED,
            OUTSIDE_HOURS,
            id="a day not worked",
        ),
        pytest.param(
            reviewer(),
            at(NY, 2026, 11, 23, 16, 45),
            booking(case("A1"), case("A2")),
            NOT_OFFERED,
            TOO_LONG,
            id="too long for what is left of the day",
        ),
        pytest.param(
            reviewer(time_off=[(MONDAY_9 - timedelta(hours=1), MONDAY_9 + timedelta(hours=1))]),
            MONDAY_9,
            booking(),
            NOT_OFFERED,
            TIME_OFF,
            id="time off",
        ),
        pytest.param(
            # Spring forward: 02:00-03:00 never happens in New York on Sun 8 March.
            reviewer(weekly_hours=hours(sun=[["00:00", "04:00"]])),
            utc(2026, 3, 8, 7, 0) - timedelta(minutes=15),  # 01:45 EST: the last before the jump
            booking(now=utc(2026, 3, 1)),
            OFFERED,
            None,
            id="spring forward: 01:45 EST is offered",
        ),
        pytest.param(
            # Fall back: 01:15 EST (06:15Z) is the repeated hour's second pass.
            reviewer(weekly_hours=hours(sun=[["00:00", "03:00"]])),
            utc(2027, 11, 7, 6, 15),
            booking(now=utc(2027, 11, 1)),
            OFFERED,
            None,
            id="fall back: the second 01:15 (EST)",
        ),
        pytest.param(
            # 01:30-02:00 on the fall-back night is worked twice, but not the second 01:00.
            reviewer(weekly_hours=hours(sun=[["01:30", "02:00"]])),
            utc(2026, 11, 1, 6, 0),
            booking(),
            NOT_OFFERED,
            OUTSIDE_HOURS,
            id="fall back: the second 01:00 is outside 01:30-02:00",
        ),
        pytest.param(
            # Arizona keeps MST: 08:00 in Phoenix is 15:00Z whatever New York's clocks do.
            reviewer(zone="America/Phoenix"),
            utc(2026, 11, 2, 15, 0),
            booking(),
            OFFERED,
            None,
            id="Arizona",
        ),
        pytest.param(
            # Chatham +13:45: Monday 08:00 there is Sunday 18:15Z.
            reviewer(zone="Pacific/Chatham"),
            utc(2026, 11, 22, 18, 15),
            booking(),
            OFFERED,
            None,
            id="a far zone",
        ),
    ],
)
def test_decide_time(who, start, request_, verdict, reason):
    decision = decide_time(who, request_, start)
    assert (decision.verdict, decision.reason) == (verdict, reason)
    assert (decision.offer is not None) == (verdict == OFFERED)
    if verdict != OFFERED:
        assert decision.message


def test_the_minimum_notice_message_names_the_earliest_start_in_the_providers_zone():
    decision = decide_time(
        reviewer(),
        booking(now=MONDAY_9 - timedelta(minutes=90), notice=timedelta(hours=2)),
        MONDAY_9,
    )
    assert decision.message == (
        "That time is too soon: the earliest start is Mon 11/23/26 6:30 am PST."
    )


def test_offered_exactly_when_the_search_offers_it_over_a_week_around_fall_back():
    # Every quarter hour of the week of the fall-back night, against the search: the search
    # with any-time preferences and `decide_time` agree start by start.
    night = reviewer(
        weekly_hours=hours(sun=[["00:00", "03:00"]], mon=[["08:00", "12:00"]]),
        busy=[(utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 6, 0))],
        time_off=[(utc(2026, 11, 2, 15, 0), utc(2026, 11, 2, 16, 0))],
    )
    search = booking(case("A1"), case("A2"), zone=NY, now=utc(2026, 10, 20))
    week = SearchRequest(
        search.cases, search.preferences, utc(2026, 10, 26).date(), search.now, timedelta(0), 15
    )
    offered = {slot.start for entry in search_week([night], week).groups[0].reviewers
               for slot in entry.slots}
    assert utc(2026, 11, 1, 6, 15) in offered  # the second 01:15 (EST)
    moment = utc(2026, 10, 26, 4, 0)
    while moment < utc(2026, 11, 2, 5, 0):
        assert decide_time(night, search, moment).offered == (moment in offered), moment
        moment += timedelta(minutes=15)


# What must be acknowledged ------------------------------------------------------------------


def test_a_slot_after_the_deadline_needs_the_deadline_acknowledgement():
    closes = at(NY, 2026, 11, 23, 12, 0)
    decision = decide_time(
        reviewer(), booking(case("A1", outcome="outcome_changing", valid_until=closes)), closes
    )
    assert decision.consultative_only_case_refs == ("A1",)
    missing = unacknowledged(decision, False, ())
    assert missing.kind == "deadline"
    assert list(missing.fields) == ["acknowledge_consultative_only"]
    assert unacknowledged(decision, True, ()) is None
    before = decide_time(
        reviewer(),
        booking(case("A1", outcome="outcome_changing", valid_until=closes)),
        closes - timedelta(minutes=15),
    )
    assert unacknowledged(before, False, ()) is None


@pytest.mark.parametrize(
    ("licensed", "specialty", "notes", "missing"),
    [
        pytest.param(("TX",), "orthopedic_surgery", (), None, id="priority 1: nothing to note"),
        pytest.param(
            ("NY",), "orthopedic_surgery", (), ["call_notes.tx_license_waived"], id="no licence"
        ),
        pytest.param(
            ("NY",), "orthopedic_surgery", ("tx_license_waived",), None, id="licence waived"
        ),
        pytest.param(
            ("NY",),
            "orthopedic_surgery",
            ("tx_specialty_waived",),
            None,
            id="the specialty note covers a missing licence too",
        ),
        pytest.param(
            ("TX",), "neurosurgery", (), ["call_notes.tx_specialty_waived"], id="other specialty"
        ),
        pytest.param(
            ("TX",),
            "neurosurgery",
            ("tx_license_waived",),
            ["call_notes.tx_specialty_waived"],
            id="the licence note does not cover the specialty",
        ),
        pytest.param(
            ("NY",),
            "neurosurgery",
            (),
            ["call_notes.tx_license_waived", "call_notes.tx_specialty_waived"],
            id="neither",
        ),
    ],
)
def test_texas_members_need_the_matching_call_note(licensed, specialty, notes, missing):
    who = reviewer(states=licensed, specialties=(specialty,))
    decision = decide_time(who, booking(case(state="TX"), rules=(TX_RULE,)), MONDAY_9)
    found = unacknowledged(decision, False, notes)
    if missing is None:
        assert found is None
    else:
        assert found.kind == "match"
        assert sorted(found.fields) == missing


def test_an_ohio_member_needs_consent_whoever_the_reviewer():
    decision = decide_time(
        reviewer(states=("OH",)), booking(case(state="OH"), rules=(OH_RULE,)), MONDAY_9
    )
    assert [need.note for need in decision.notes_needed] == ["oh_member_consent"]
    missing = unacknowledged(decision, False, ())
    assert missing.kind == "consent"
    assert list(missing.fields) == ["call_notes.oh_member_consent"]
    assert unacknowledged(decision, False, ("oh_member_consent",)) is None


def test_a_state_without_rules_asks_nothing():
    decision = decide_time(
        reviewer(states=("NY",)), booking(case(state="PA"), rules=(TX_RULE, OH_RULE)), MONDAY_9
    )
    assert decision.notes_needed == ()
    assert unacknowledged(decision, False, ()) is None


def test_the_search_lists_the_same_notes_per_reviewer():
    search = SearchRequest(
        (case(state="TX"),),
        Preferences(NY),
        MONDAY_9.date(),
        utc(2026, 11, 1),
        timedelta(0),
        15,
        (TX_RULE,),
    )
    result = search_week([reviewer(states=("NY",))], search)
    (entry,) = result.groups[0].reviewers
    assert [need.note for need in entry.notes_needed] == ["tx_license_waived"]
    assert entry.notes_needed == decide_time(entry.reviewer, search, MONDAY_9).notes_needed


# The words of each acknowledgement: they reach the caller as the 422's message and fields.


def test_the_deadline_acknowledgement_names_the_late_cases():
    closes = at(NY, 2026, 11, 23, 12, 0)
    decision = decide_time(
        reviewer(),
        booking(case("A1", outcome="outcome_changing", valid_until=closes),
                case("A2", outcome="outcome_changing", valid_until=closes)),
        closes,
    )
    missing = unacknowledged(decision, False, ())
    assert missing.message == (
        "At this time the window of A1, A2 has closed: the P2P would be consultative only. "
        "Send acknowledge_consultative_only: true to book it anyway."
    )
    assert missing.fields == {
        "acknowledge_consultative_only": ["Required: A1, A2 would be consultative only."]
    }


def test_the_match_acknowledgement_says_which_rule_and_case():
    who = reviewer(states=("NY",), specialties=("neurosurgery",))
    decision = decide_time(who, booking(case("A1", state="TX"), rules=(TX_RULE,)), MONDAY_9)
    missing = unacknowledged(decision, False, ())
    assert missing.message == (
        "This reviewer does not meet the member state's licence or specialty rule; the "
        "caller's acknowledgement (call note) is required."
    )
    assert missing.fields == {
        "call_notes.tx_license_waived": ["The reviewer is not licensed in TX (A1)."],
        "call_notes.tx_specialty_waived": [
            "The reviewer is not of the same specialty (A1, TX)."
        ],
    }


def test_the_consent_acknowledgement_names_the_state():
    decision = decide_time(
        reviewer(states=("OH",)), booking(case(state="OH"), rules=(OH_RULE,)), MONDAY_9
    )
    missing = unacknowledged(decision, False, ())
    assert missing.message == (
        "call_notes.oh_member_consent: Member consent must be obtained for a member in OH."
    )
    assert missing.fields == {
        "call_notes.oh_member_consent": ["Member consent must be obtained for a member in OH."]
    }
