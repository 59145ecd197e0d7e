"""Priority groups (API.md: specialty and state-licence match first), state rules, and the
fair order inside a group."""

import random
from datetime import date, timedelta

from p2p.slots import (
    DEFAULT_STATE_RULES,
    PRIORITY_LABELS,
    Match,
    RuleBreach,
    StateRule,
    is_offered,
    search_week,
)
from p2p.slots.ranking import fair_order_key

from .factories import at, case, request, reviewer, utc

TX_CASE = case("A1", specialty="orthopedic_surgery", state="TX")


def grouped(result):
    return [
        (group.priority, group.label, [entry.reviewer.reviewer_id for entry in group.reviewers])
        for group in result.groups
    ]


def test_tx_member_puts_reviewers_without_tx_licence_below_priority_one():
    reviewers = [
        reviewer("neither", specialties=("neurology",), states=("CA",)),
        reviewer("licence_only", specialties=("neurology",), states=("TX",)),
        reviewer("specialty_only", specialties=("orthopedic_surgery",), states=("CA", "NY")),
        reviewer("both", specialties=("orthopedic_surgery", "sports"), states=("TX", "CA")),
    ]
    result = search_week(reviewers, request(TX_CASE, state_rules=DEFAULT_STATE_RULES))
    assert grouped(result) == [
        (1, "1st Priority by Skill", ["both"]),
        (2, "2nd Priority by Skill", ["specialty_only"]),
        (3, "3rd Priority by Skill", ["licence_only"]),
        (4, "4th Priority by Skill", ["neither"]),
    ]
    entries = {e.reviewer.reviewer_id: e for g in result.groups for e in g.reviewers}
    assert entries["both"].match == Match(specialty=True, state_license=True)
    assert entries["both"].rule_breaches == ()
    assert entries["specialty_only"].match == Match(specialty=True, state_license=False)
    assert entries["specialty_only"].rule_breaches == (RuleBreach("A1", "TX", "state_license"),)
    assert entries["licence_only"].match == Match(specialty=False, state_license=True)
    assert entries["licence_only"].rule_breaches == (RuleBreach("A1", "TX", "same_specialty"),)
    assert entries["neither"].rule_breaches == (
        RuleBreach("A1", "TX", "state_license"),
        RuleBreach("A1", "TX", "same_specialty"),
    )


def test_priority_needs_every_case_matched():
    # Two cases: ortho in TX and radiology in CA. A reviewer with both specialties and both
    # licences is 1st; missing the CA licence only makes them 2nd.
    cases = (TX_CASE, case("A2", specialty="radiology", state="CA"))
    full = reviewer("full", specialties=("orthopedic_surgery", "radiology"), states=("TX", "CA"))
    no_ca = reviewer("no_ca", specialties=("orthopedic_surgery", "radiology"), states=("TX",))
    result = search_week([no_ca, full], request(*cases))
    assert grouped(result) == [
        (1, PRIORITY_LABELS[1], ["full"]),
        (2, PRIORITY_LABELS[2], ["no_ca"]),
    ]
    # No state rule for CA: missing a CA licence lowers the priority, needs no acknowledgement.
    assert result.groups[1].reviewers[0].rule_breaches == ()


def test_state_rules_are_data():
    ohio = StateRule("OH", requires_state_license=True, requires_same_specialty=False)
    result = search_week(
        [reviewer(states=("CA",), specialties=("neurology",))],
        request(case("A1", state="OH"), state_rules=[ohio]),
    )
    assert result.groups[0].reviewers[0].rule_breaches == (RuleBreach("A1", "OH", "state_license"),)


def test_fair_order_puts_the_least_booked_first():
    ny = "America/New_York"
    one_hour = [(at(ny, 2026, 11, 24, 9, 0), at(ny, 2026, 11, 24, 10, 0))]
    half_hour = [(at(ny, 2026, 11, 24, 9, 0), at(ny, 2026, 11, 24, 9, 30))]
    # Busy time outside the searched week does not count; time off is not load.
    last_week = [(at(ny, 2026, 11, 17, 9, 0), at(ny, 2026, 11, 17, 15, 0))]
    off = [(at(ny, 2026, 11, 25, 0, 0), at(ny, 2026, 11, 26, 0, 0))]
    reviewers = [
        reviewer("busy", busy=one_hour),
        reviewer("lighter", busy=half_hour),
        reviewer("free", busy=last_week, time_off=off),
    ]
    result = search_week(reviewers, request())
    assert grouped(result) == [(1, PRIORITY_LABELS[1], ["free", "lighter", "busy"])]


def test_ties_are_broken_per_week_not_by_input_order():
    reviewers = [reviewer(f"r{i:02d}") for i in range(12)]
    orders = set()
    for weeks in range(6):
        week_of = date(2026, 11, 2) + timedelta(weeks=weeks)
        baseline = grouped(search_week(reviewers, request(week_of=week_of)))
        for seed in range(3):
            shuffled = reviewers[:]
            random.Random(seed).shuffle(shuffled)
            assert grouped(search_week(shuffled, request(week_of=week_of))) == baseline
        orders.add(tuple(baseline[0][2]))
    # The same reviewer is not first every week.
    assert len({order[0] for order in orders}) > 1


def test_fair_order_key_is_deterministic():
    week = date(2026, 11, 23)
    assert fair_order_key("r1", 0, week) == fair_order_key("r1", 0, week)
    assert fair_order_key("r1", 0, week) < fair_order_key("r1", 60, week)


def test_is_offered_reports_priority_and_breaches_for_booking():
    specialty_only = reviewer("s", specialties=("orthopedic_surgery",), states=("CA",))
    search = request(TX_CASE, state_rules=DEFAULT_STATE_RULES)
    offer = is_offered(specialty_only, search, utc(2026, 11, 23, 15, 0))
    assert offer is not None
    assert offer.priority == 2
    assert offer.priority_label == "2nd Priority by Skill"
    assert offer.match_acknowledgement_required
    assert offer.rule_breaches == (RuleBreach("A1", "TX", "state_license"),)
    assert offer.slot.label == "Mon 11/23/26 7:00 am PST"
