"""The earlier-slot waitlist (issue 16, API.md "Earlier-slot waitlist"): a freed time held for
the first waiting entry in the transaction that frees it, emailed once; an unused offer
passing to the next entry; entries expiring at `before`; and the fairness under threads.

"Now" is Tue 24 Nov 2026 10:00 EST; reviewer `ny` works 9-17 New York time; A1 and A2 are
outcome-changing until Tue 1 Dec 00:00 EST. The waiting providers want Wednesday 6-7 am in
Los Angeles (9-10 am in New York), where a colleague's call at 9:00 is booked.
"""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from p2p.extensions import db
from p2p.models import Hold, OutboxMessage
from p2p.services.appointments import waitlist
from tests.conftest import FIXED_NOW
from tests.integration.booking_helpers import NINE_TO_FIVE, WED_9, book, booking_body
from tests.integration.test_notifications import body_text, by_recipient, deliver, mail  # noqa: F401

COLLEAGUE = {"npi": "1245319599", "name": "Dr. Raj Shah", "email": "rs@clinic.example.org"}
WED_9_UTC = FIXED_NOW.replace(day=25, hour=14)


def join(client, portal, email, **changes):
    body = {"case_refs": ["A2"], "npi": "1234567893", "email": email,
            "time_zone": "America/Los_Angeles", "days": "wed", "hours": [6], **changes}
    return client.post("/api/v1/waitlist", json=body, headers=portal)


def entry(client, portal, entry_id):
    return client.get(f"/api/v1/waitlist/{entry_id}", headers=portal).json


@pytest.fixture
def booked(client, portal, booking_world):
    """A colleague's call on Wed 9:00 New York, which will be cancelled."""
    response = book(client, portal, booking_body(requesting_provider=COLLEAGUE))
    assert response.status_code == 201, response.json
    return response.json["id"]


def cancel(client, portal, appointment_id):
    return client.post(f"/api/v1/appointments/{appointment_id}/cancel",
                       json={"reason": "Resolved"}, headers=portal)


def live_holds(app) -> list[Hold]:
    with app.app_context():
        rows = db.session.scalars(select(Hold).where(Hold.ended.is_(None))).all()
        db.session.expunge_all()
        return rows


def test_before_defaults_to_the_earliest_deadline(client, portal, booking_world):
    joined = join(client, portal, "a@clinic.example.org", case_refs=["A1", "A2"])
    assert joined.status_code == 201, joined.json
    assert joined.json["before"] == "2026-11-30T21:00:00-08:00"  # 1 Dec 00:00 EST
    assert joined.json["status"] == "waiting" and joined.json["offers"] == []
    assert joined.json["id"].startswith("wait_")


def test_without_an_outcome_changing_case_before_is_needed(client, portal, booking_world):
    _, put_case = booking_world
    put_case("A2", appeal_filed=True)  # consultative only from now on
    refused = join(client, portal, "a@clinic.example.org")
    assert refused.status_code == 422
    assert "before" in refused.json["error"]["fields"]
    given = join(client, portal, "a@clinic.example.org", before="2026-11-27T00:00:00-05:00")
    assert given.status_code == 201


def test_a_freed_time_is_held_for_the_first_entry_and_nobody_else(
    app, client, portal, booked
):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    second = join(client, portal, "second@clinic.example.org").json["id"]
    assert cancel(client, portal, booked).status_code == 200

    offered = entry(client, portal, first)
    assert offered["status"] == "offered"
    (offer,) = offered["offers"]
    assert offer["start"] == "2026-11-25T06:00:00-08:00"
    assert offer["label"] == "Wed 11/25/26 6:00 am PST"
    assert offer["expires_at"] == "2026-11-24T07:10:00-08:00"  # a hold: 10 minutes
    assert entry(client, portal, second)["status"] == "waiting"
    # Nobody else can take it; the search does not offer it.
    assert book(client, portal, booking_body(requesting_provider=COLLEAGUE)).status_code == 409
    with app.app_context():
        emails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "waitlist_offer")
        ).all()
        assert [m.recipient for m in emails] == ["first@clinic.example.org"]
        assert "Pat Doe" not in emails[0].subject + emails[0].body

    # The entry books it with the hold: served.
    taken = book(client, portal, booking_body(case_refs=["A2"], hold_id=offer["hold_id"]))
    assert taken.status_code == 201, taken.json
    served = entry(client, portal, first)
    assert served["status"] == "closed" and served["offers"][0]["status"] == "booked"


def test_an_unused_offer_passes_to_the_next_entry_and_entries_expire(
    app, client, portal, booked
):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    second = join(client, portal, "second@clinic.example.org").json["id"]
    cancel(client, portal, booked)
    settings = app.extensions["p2p_scheduling"]
    later = FIXED_NOW + timedelta(minutes=10)  # the first offer's hold ends
    with app.app_context():
        assert waitlist.pass_expired_offers(later - timedelta(seconds=1), settings) == {
            "passed": 0, "expired": 0}
        assert waitlist.pass_expired_offers(later, settings)["passed"] == 1
    assert entry(client, portal, first)["status"] == "waiting"
    assert entry(client, portal, first)["offers"][0]["status"] == "expired"
    assert entry(client, portal, second)["status"] == "offered"
    with app.app_context():
        waitlist.pass_expired_offers(later + timedelta(minutes=10), settings)
    # Not offered to the first again: the time stays free for anyone.
    assert entry(client, portal, first)["status"] == "waiting"
    assert entry(client, portal, second)["status"] == "waiting"
    assert live_holds(app) == []
    with app.app_context():  # 1 Dec 00:00 EST: both entries' `before`
        done = waitlist.pass_expired_offers(FIXED_NOW.replace(month=12, day=1, hour=5),
                                            settings)
    assert done["expired"] == 2
    assert entry(client, portal, first)["status"] == "expired"


def test_leaving_releases_the_held_time_to_the_next(app, client, portal, booked):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    second = join(client, portal, "second@clinic.example.org").json["id"]
    cancel(client, portal, booked)
    assert client.delete(f"/api/v1/waitlist/{first}", headers=portal).status_code == 204
    assert entry(client, portal, first)["status"] == "closed"
    assert entry(client, portal, second)["status"] == "offered"
    assert len(live_holds(app)) == 1


def test_a_reschedule_away_frees_the_old_time_for_the_waitlist(client, portal, booked):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    moved = client.post(f"/api/v1/appointments/{booked}/reschedule",
                        json={"start": "2026-11-25T13:00:00-05:00"}, headers=portal)
    assert moved.status_code == 200
    assert entry(client, portal, first)["offers"][0]["label"] == "Wed 11/25/26 6:00 am PST"


def test_a_released_hold_goes_to_the_waitlist(client, portal, booking_world):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    held = client.post("/api/v1/holds", json={"case_refs": ["A1"], "reviewer_id": "ny",
                                              "start": WED_9, "time_zone": "America/New_York"},
                       headers=portal).json
    assert client.delete(f"/api/v1/holds/{held['id']}", headers=portal).status_code == 204
    assert entry(client, portal, first)["status"] == "offered"


def test_preferences_and_before_are_those_of_the_entry(client, portal, booked):
    thursdays = join(client, portal, "thu@clinic.example.org", days="thu").json["id"]
    too_late = join(client, portal, "late@clinic.example.org",
                    before="2026-11-25T08:00:00-05:00").json["id"]
    cancel(client, portal, booked)
    assert entry(client, portal, thursdays)["status"] == "waiting"
    assert entry(client, portal, too_late)["status"] == "waiting"


def test_another_callers_entry_is_unknown(app, client, portal, admin, booking_world):
    from p2p.services import api_keys

    joined = join(client, portal, "a@clinic.example.org").json["id"]
    with app.app_context():
        other = api_keys.create_api_key("other-portal", "portal", FIXED_NOW)
    headers = {"Authorization": f"Bearer {other}"}
    assert client.get(f"/api/v1/waitlist/{joined}", headers=headers).status_code == 404
    assert client.delete(f"/api/v1/waitlist/{joined}", headers=headers).status_code == 404
    assert client.get("/api/v1/waitlist/wait_nothing", headers=portal).status_code == 404


def test_the_offer_email_arrives(app, client, portal, booked, mail):  # noqa: F811
    join(client, portal, "first@clinic.example.org")
    cancel(client, portal, booked)
    deliver(app)
    got = by_recipient(mail.received)["first@clinic.example.org"]
    assert got.message["Subject"] == "An earlier P2P time is held for you: Wed 11/25/26 6:00 am PST"
    text = body_text(got)
    assert "Held for you until: Tue 11/24/26 7:10 am PST" in text
    assert "Cases: A2" in text


def test_hours_added_open_a_time_for_the_first_entry(client, portal, booking_world):
    """API.md: a time that opens because hours were added goes to the waitlist too. They
    want Wednesday 4 am Los Angeles time: 7 am in New York, before `ny` starts work."""
    put_reviewer, _ = booking_world
    first = join(client, portal, "first@clinic.example.org", hours=[4]).json["id"]
    second = join(client, portal, "second@clinic.example.org", hours=[4]).json["id"]
    other_day = join(client, portal, "thu@clinic.example.org", days="thu", hours=[4]).json["id"]
    put_reviewer("ny", weekly_hours={**NINE_TO_FIVE, "fri": []})  # no new time: nothing
    assert entry(client, portal, first)["status"] == "waiting"

    put_reviewer("ny", weekly_hours={**NINE_TO_FIVE, "wed": [["07:00", "17:00"]]})
    offered = entry(client, portal, first)
    assert offered["status"] == "offered"
    assert [o["label"] for o in offered["offers"]] == ["Wed 11/25/26 4:00 am PST"]
    # The next entry gets the next new time; one who wants another day keeps waiting.
    assert [o["label"] for o in entry(client, portal, second)["offers"]] == [
        "Wed 11/25/26 4:15 am PST"]
    assert entry(client, portal, other_day)["status"] == "waiting"


def test_a_time_taken_first_passes_hours_added_to_the_next_entry(
    client, portal, booking_world, monkeypatch
):
    """The database refuses the first entry's hold (a booking took that time between the
    calendar read and the hold): the reviewer's change still goes through, and the next
    entry gets its turn."""
    from sqlalchemy.exc import IntegrityError

    put_reviewer, _ = booking_world
    first = join(client, portal, "first@clinic.example.org", hours=[4]).json["id"]
    second = join(client, portal, "second@clinic.example.org", hours=[4]).json["id"]
    place, refused = waitlist.holds.place, []

    def taken_once(*args, **kwargs):
        if not refused:
            refused.append(True)
            raise IntegrityError("INSERT", {}, Exception("reservations_no_overlap"))
        return place(*args, **kwargs)

    monkeypatch.setattr(waitlist.holds, "place", taken_once)
    put_reviewer("ny", weekly_hours={**NINE_TO_FIVE, "wed": [["07:00", "17:00"]]})
    assert entry(client, portal, first)["status"] == "waiting"
    assert entry(client, portal, second)["status"] == "offered"


def test_reviewers_imported_with_new_hours_open_times_too(app, client, portal, booking_world,
                                                          runner, tmp_path):
    first = join(client, portal, "first@clinic.example.org", hours=[4]).json["id"]
    days = ",".join("07:00-17:00" if day == "wed" else "09:00-17:00" if day in NINE_TO_FIVE
                    else "" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    csv = tmp_path / "reviewers.csv"
    csv.write_text(
        "reviewer_id,name,credentials,specialties,case_types,licensed_states,time_zone,"
        "mon,tue,wed,thu,fri,sat,sun,active,email\n"
        "ny,Dr. Ann Lee,MD,orthopedic_surgery,MSK Spine Surgery;Interventional Pain,TX;PA,"
        f"America/New_York,{days},true,ann.lee@reviewers.example.org\n"
    )
    result = runner.invoke(args=["p2p", "import-reviewers", str(csv)])
    assert result.exit_code == 0, result.output
    assert [o["label"] for o in entry(client, portal, first)["offers"]] == [
        "Wed 11/25/26 4:00 am PST"]


# Fairness under threads ----------------------------------------------------------------------


@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_racing_a_booking_of_its_time_gives_it_to_the_first_entry_only(
    app, client, portal, booked, round_
):
    first = join(client, portal, "first@clinic.example.org").json["id"]
    second = join(client, portal, "second@clinic.example.org").json["id"]
    barrier = threading.Barrier(3)
    answers = {}

    def run(name, call):
        tab = app.test_client()
        barrier.wait()
        answers[name] = call(tab).status_code

    threads = [
        threading.Thread(target=run, args=("cancel", lambda tab: cancel(tab, portal, booked))),
        threading.Thread(target=run, args=("book", lambda tab: book(
            tab, portal, booking_body(case_refs=["A1"], requesting_provider=COLLEAGUE)))),
        threading.Thread(target=run, args=("book again", lambda tab: book(
            tab, portal, booking_body(case_refs=["A2"], requesting_provider=COLLEAGUE)))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {"cancel": 200, "book": 409, "book again": 409}
    assert entry(client, portal, first)["status"] == "offered"
    assert entry(client, portal, second)["status"] == "waiting"
    holds = live_holds(app)
    assert len(holds) == 1 and holds[0].start_at == WED_9_UTC
    with app.app_context():
        offers = db.session.scalar(select(func.count()).select_from(
            OutboxMessage).where(OutboxMessage.kind == "waitlist_offer"))
        assert offers == 1
