"""The operations report (issue 16, API.md "Operations report") against a small fixture
whose every figure is computed by hand below.

The calls (New York time; cases A1, A2: Texas members, determined Fri 20 Nov 15:04 EST,
outcome-changing until Tue 1 Dec 00:00 EST; reviewer `ny` of their specialty and licensed
in Texas, `pa` of their specialty and licensed in Pennsylvania only):

    week of Nov 23: 1 Wed 25 9:00  ny A1  held, overturned
                    2 Wed 25 10:00 ny A2  held, upheld
                    3 Thu 26 9:00  ny A1  provider not reached
                    4 Fri 27 9:00  ny A2  cancelled
    week of Nov 30: 6 Mon 30 9:00  pa A2  held, partially overturned
                    5 Tue  1 9:00  ny A1  held after the window: no change possible
"""

import csv
import io
from datetime import timedelta

import pytest

from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import book, booking_body

LATER = FIXED_NOW.replace(month=12, day=2, hour=17)  # Wed 2 Dec, noon EST: all in the past


def _book(client, portal, start, case, reviewer="ny", **extra):
    response = book(client, portal, booking_body(start=start, case_refs=[case],
                                                 reviewer_id=reviewer, **extra))
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture
def fixture(app, client, portal, admin, booking_world):
    put_reviewer, _ = booking_world
    put_reviewer("pa", name="Dr. Pa Reviewer", licensed_states=["PA"])
    calls = {
        1: _book(client, portal, "2026-11-25T09:00:00-05:00", "A1"),
        2: _book(client, portal, "2026-11-25T10:00:00-05:00", "A2"),
        3: _book(client, portal, "2026-11-26T09:00:00-05:00", "A1"),
        4: _book(client, portal, "2026-11-27T09:00:00-05:00", "A2"),
        5: _book(client, portal, "2026-12-01T09:00:00-05:00", "A1",
                 acknowledge_consultative_only=True),
        6: _book(client, portal, "2026-11-30T09:00:00-05:00", "A2", reviewer="pa",
                 call_notes={"tx_license_waived": True}),
    }
    client.post(f"/api/v1/appointments/{calls[4]}/cancel", json={"reason": "x"}, headers=portal)
    app.config["P2P_CLOCK"] = lambda: LATER
    for number, result, case, decision in (
        (1, "held", "A1", "overturned"),
        (2, "held", "A2", "upheld"),
        (3, "provider_not_reached", None, None),
        (5, "held", "A1", "no_change_possible"),
        (6, "held", "A2", "partially_overturned"),
    ):
        body = {"result": result}
        if case:
            body["cases"] = [{"case_ref": case, "decision": decision}]
        answer = client.post(f"/api/v1/appointments/{calls[number]}/outcome", json=body,
                             headers=admin)
        assert answer.status_code == 200, answer.json
    return calls


def report(client, admin, query="from=2026-11-23&to=2026-12-06", **headers):
    return client.get(f"/api/v1/reports/operations?{query}", headers={**admin, **headers})


def test_the_figures_are_the_hand_computed_ones(client, admin, fixture):
    answer = report(client, admin)
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["from"], body["to"]) == ("2026-11-23", "2026-12-06")
    assert body["counts"] == {"booked": 6, "completed": 4, "provider_not_reached": 1,
                              "reviewer_unavailable": 0, "cancelled": 1}
    assert body["missed_call_rate"] == 0.2  # 1 of 5 past calls not cancelled
    assert body["held_before_deadline_share"] == 0.75  # calls 1, 2, 6 of 1, 2, 5, 6
    assert body["same_specialty_share"] == 1.0
    assert body["in_state_share"] == 0.8  # call 6 is not
    assert body["overturn_rate"] == 0.6667  # calls 1 and 6 of 1, 2, 6 (5 was consultative)
    # 113.9, 114.9, 233.9, 257.9 hours after the determination.
    assert body["hours_from_determination_to_call"] == {"median": 174.4, "p90": 250.7}

    first, second = body["weeks"]
    assert first["week"] == "2026-11-23"
    assert first["counts"] == {"booked": 4, "completed": 2, "provider_not_reached": 1,
                               "reviewer_unavailable": 0, "cancelled": 1}
    assert first["missed_call_rate"] == 0.3333
    assert first["held_before_deadline_share"] == 1.0
    assert first["overturn_rate"] == 0.5
    assert first["hours_from_determination_to_call"] == {"median": 114.4, "p90": 114.8}
    assert second["week"] == "2026-11-30"
    assert second["counts"]["completed"] == 2
    assert second["held_before_deadline_share"] == 0.5
    assert second["in_state_share"] == 0.5
    assert second["overturn_rate"] == 1.0
    assert second["missed_call_rate"] == 0.0
    assert second["hours_from_determination_to_call"] == {"median": 245.9, "p90": 255.5}


def test_a_missed_call_rebooked_stays_counted_in_its_week(client, admin, portal, fixture):
    """Call 3 (Thu 26 Nov, provider not reached) is rebooked: the same appointment moves to
    Thu 3 Dec. The miss still happened on Thu 26 Nov; the rebooked call is one more."""
    moved = client.post(f"/api/v1/appointments/{fixture[3]}/reschedule", headers=portal,
                        json={"start": "2026-12-03T09:00:00-05:00",
                              "acknowledge_consultative_only": True})
    assert moved.status_code == 200, moved.json
    body = report(client, admin).json
    assert body["counts"] == {"booked": 7, "completed": 4, "provider_not_reached": 1,
                              "reviewer_unavailable": 0, "cancelled": 1}
    assert body["missed_call_rate"] == 0.2  # the new call has not come yet
    first, second = body["weeks"]
    assert first["counts"]["provider_not_reached"] == 1
    assert first["missed_call_rate"] == 0.3333
    assert second["counts"]["booked"] == 3
    assert report(client, admin, "from=2026-11-23&to=2026-12-06&health_plan=the-health-plan"
                  ).json["counts"]["booked"] == 0  # the plan filter applies to the miss too


def test_a_span_is_cut_at_its_days_in_new_york(client, admin, fixture):
    body = report(client, admin, "from=2026-11-26&to=2026-11-30").json
    # Thu 26 (call 3), Fri 27 (cancelled call 4), Mon 30 (call 6).
    assert body["counts"]["booked"] == 3
    assert [week["week"] for week in body["weeks"]] == ["2026-11-23", "2026-11-30"]


def test_a_week_without_calls_has_no_shares(client, admin, fixture):
    body = report(client, admin, "from=2026-12-07&to=2026-12-13").json
    assert body["counts"]["booked"] == 0
    assert body["overturn_rate"] is None and body["missed_call_rate"] is None
    assert body["hours_from_determination_to_call"] == {"median": None, "p90": None}


def test_filtered_by_plan_and_line_of_business(client, admin, fixture):
    assert report(client, admin, "from=2026-11-23&to=2026-12-06&health_plan="
                  "aetna-better-health&line_of_business=medicaid").json["counts"]["booked"] == 6
    other = report(client, admin, "from=2026-11-23&to=2026-12-06&health_plan=the-health-plan")
    assert other.json["counts"]["booked"] == 0


def test_as_csv_one_row_per_week(client, admin, fixture):
    answer = report(client, admin, Accept="text/csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][:3] == ["week", "booked", "completed"]
    assert rows[1][:3] == ["2026-11-23", "4", "2"]
    assert rows[2][0] == "2026-11-30" and len(rows) == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-12-06&to=2026-11-23", "to"), ("from=2026-01-01&to=2027-06-01", "to"),
     ("to=2026-11-23", "from"), ("from=2026-11-23&to=nope", "to")],
)
def test_bad_spans_are_refused_by_name(client, admin, query, field):
    refused = report(client, admin, query)
    assert refused.status_code == 422
    assert field in refused.json["error"]["fields"]


def test_only_an_admin_reads_it(client, portal):
    assert report(client, portal).status_code == 403


def test_a_span_across_the_fall_clock_change_counts_by_new_york_days(
    app, client, admin, portal, booking_world
):
    # Sun 1 Nov 2026 is the fall-back day; the week's Monday is 26 Oct. A call at Mon 2 Nov
    # 00:30 EST belongs to the week of Nov 2, one at Sun 1 Nov 23:30 EST to that of Oct 26.
    from p2p.services import report as report_service

    weeks = report_service._weeks(FIXED_NOW.date().replace(month=10, day=26),
                                  FIXED_NOW.date().replace(month=11, day=8))
    (label1, lo1, hi1), (label2, lo2, hi2) = weeks
    assert (label1, label2) == ("2026-10-26", "2026-11-02")
    assert hi1 - lo1 == timedelta(days=7, hours=1)  # the repeated hour
    assert lo1.hour == 4 and lo2.hour == 5  # EDT then EST midnights, in UTC
