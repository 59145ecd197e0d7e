"""A repeated slot search is answered from the process's memo (AnswerMemo in
p2p/services/slots.py) only while everything its answer is computed from is unchanged:
the reviewers, the cases, every trained reviewer's bookings, holds and time off, and `now`
to the quarter hour. Each change below must show in the very next search."""

from datetime import datetime, timedelta

import pytest
import pytz
from sqlalchemy import text

from p2p import context, create_app
from p2p.extensions import db
from p2p.models import Reservation
from p2p.services import answers, scheduling
from p2p.services import search as slot_search
from tests.conftest import FIXED_NOW, _test_config
from tests.integration.test_slots_api import search, starts

EASTERN = pytz.timezone("America/New_York")
WED_9_EST = EASTERN.localize(datetime(2026, 11, 25, 9, 0))
WED_6_PST = "2026-11-25T06:00:00-08:00"  # the same instant on the provider's clock


@pytest.fixture
def engine_runs(monkeypatch) -> list:
    """Every run of the slot engine, counted."""
    runs = []
    real = slot_search.slots.search_week

    def counted(reviewers, request):
        runs.append(request)
        return real(reviewers, request)

    monkeypatch.setattr(slot_search.slots, "search_week", counted)
    return runs


@pytest.fixture
def ny(world):
    put_reviewer, put_case = world
    put_reviewer("ny")
    put_case("A1")


def ny_starts(client, portal) -> list[str]:
    """ny's starts in the week of FIXED_NOW, from 6 am on the provider's (Pacific) clock."""
    body = search(client, portal, case_refs="A1", hours="6,7,8,9,10,11,12,13").json
    return starts(body, "ny")


def at(app, moment: datetime) -> None:
    app.config["P2P_CLOCK"] = lambda: moment


def reserve(app, start: datetime, **fields) -> int:
    with app.app_context():
        row = Reservation(
            reviewer_id="ny",
            start_at=start,
            end_at=start + timedelta(minutes=15),
            kind=fields.pop("kind", "appointment"),
            created_at=FIXED_NOW,
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row.id


def test_a_repeated_search_is_sent_again_without_running_the_engine(
    app, client, portal, ny, engine_runs
):
    first = search(client, portal, case_refs="A1")
    second = search(client, portal, case_refs="A1")
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.mimetype == "application/json"
    assert len(engine_runs) == 1
    # Another question is another answer.
    other = search(client, portal, case_refs="A1", hours="6,7")
    assert other.data != first.data
    assert len(engine_runs) == 2
    with app.app_context():
        assert len(context.slot_answers()) == 2


def test_a_booking_and_its_cancellation_show_at_once(app, client, portal, ny, engine_runs):
    assert WED_6_PST in ny_starts(client, portal)
    booked = reserve(app, WED_9_EST)
    assert WED_6_PST not in ny_starts(client, portal)
    with app.app_context():
        db.session.delete(db.session.get(Reservation, booked))
        db.session.commit()
    assert WED_6_PST in ny_starts(client, portal)
    assert len(engine_runs) == 2  # the third search is the first's calendar again


def test_a_hold_counts_until_it_expires(app, client, portal, ny):
    # Both instants round up to the same earliest start (now + 2 h -> 17:15 UTC), so only
    # the hold's expiry tells the two searches apart.
    at(app, FIXED_NOW + timedelta(minutes=1))
    reserve(app, WED_9_EST, kind="hold", expires_at=FIXED_NOW + timedelta(minutes=5))
    assert WED_6_PST not in ny_starts(client, portal)
    at(app, FIXED_NOW + timedelta(minutes=6))
    assert WED_6_PST in ny_starts(client, portal)


def test_now_counts_to_the_quarter_hour(app, client, portal, ny, engine_runs):
    # FIXED_NOW is Tue 10:00 EST; two hours' notice. Today's first start moves on by a
    # quarter hour as now + notice passes each quarter hour, and not in between.
    first_today = []
    for minutes in (0, 1, 14, 15, 16):
        at(app, FIXED_NOW + timedelta(minutes=minutes))
        found = ny_starts(client, portal)
        first_today.append(next(s for s in found if s.startswith("2026-11-24")))
    assert first_today == [
        "2026-11-24T09:00:00-08:00",  # 12:00 EST
        "2026-11-24T09:15:00-08:00",
        "2026-11-24T09:15:00-08:00",
        "2026-11-24T09:15:00-08:00",
        "2026-11-24T09:30:00-08:00",
    ]
    assert len(engine_runs) == 3


def test_time_off_and_a_changed_case_show_at_once(client, portal, admin, world, ny):
    _, put_case = world
    assert WED_6_PST in ny_starts(client, portal)
    response = client.post(
        "/api/v1/reviewers/ny/time-off",
        headers=admin,
        json={"start": "2026-11-25T00:00:00-05:00", "end": "2026-11-26T00:00:00-05:00"},
    )
    assert response.status_code == 201, response.json
    assert WED_6_PST not in ny_starts(client, portal)
    put_case("A1", case_type="Radiology")
    body = search(client, portal, case_refs="A1").json
    assert body["empty"]["reason"] == "no_trained_reviewer"


def test_an_empty_week_is_kept_with_the_later_weeks_it_looked_at(
    app, client, portal, admin, world, ny, engine_runs
):
    client.post(
        "/api/v1/reviewers/ny/time-off",
        headers=admin,
        json={"start": "2026-11-23T00:00:00-05:00", "end": "2026-12-07T00:00:00-05:00"},
    )
    first = search(client, portal, case_refs="A1")
    assert first.json["empty"]["first_week_with_slots"] == "2026-12-07"
    assert len(engine_runs) == 2  # the week, then the weeks after it
    assert search(client, portal, case_refs="A1").data == first.data
    assert len(engine_runs) == 3  # the week again; the look-ahead's answer was kept
    # A booking in that later week changes only the look-ahead's calendars.
    reserve(app, EASTERN.localize(datetime(2026, 12, 7, 9, 0)))
    again = search(client, portal, case_refs="A1")
    assert again.json["empty"]["first_week_with_slots"] == "2026-12-07"
    assert len(engine_runs) == 5


def test_the_memo_is_bounded_and_can_be_turned_off(migrated, client, portal, ny):
    entry = 1_000 + answers.AnswerMemo.ENTRY_OVERHEAD
    memo = answers.AnswerMemo(2 * entry + 10)
    for n in range(3):
        memo.put(("key", n), b"%d" % n * 1_000)
    assert memo.get(("key", 1)) is not None  # used: now the most recent
    memo.put(("key", 3), b"3" * 1_000)
    assert len(memo) == 2 and memo.used_bytes == 2 * entry
    assert memo.get(("key", 2)) is None and memo.get(("key", 1)) == b"1" * 1_000
    memo.put(("key", 4), b"4" * 3 * entry)  # larger than the whole budget: not kept
    assert memo.get(("key", 4)) is None and len(memo) == 2
    with pytest.raises(ValueError, match="P2P_SLOT_ANSWERS_MB"):
        create_app({**_test_config(migrated), "P2P_SLOT_ANSWERS_MB": -1})
    off = create_app({**_test_config(migrated), "P2P_SLOT_ANSWERS_MB": 0})
    with off.app_context():
        assert context.slot_answers() is None
    kept = search(client, portal, case_refs="A1")
    answered = search(off.test_client(), portal, case_refs="A1")
    assert answered.status_code == 200, answered.json
    assert answered.data == kept.data
    with off.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_reviewer_changed_is_a_new_answer(client, portal, world, ny, engine_runs):
    put_reviewer, _ = world
    names = lambda body: {r["name"] for g in body["groups"] for r in g["reviewers"]}  # noqa: E731
    assert names(search(client, portal, case_refs="A1").json) == {"Dr. Ann Lee"}
    put_reviewer("ny", name="Dr. Ann Lee-Park")
    assert names(search(client, portal, case_refs="A1").json) == {"Dr. Ann Lee-Park"}
    assert len(engine_runs) == 2


def test_no_answer_is_kept_without_a_registry_version(app, client, portal, ny, engine_runs):
    with app.app_context():
        db.session.execute(text("DELETE FROM reference_versions WHERE name = 'reviewers'"))
        db.session.commit()
    first = search(client, portal, case_refs="A1")
    assert search(client, portal, case_refs="A1").data == first.data
    assert len(engine_runs) == 2


def test_a_past_week_reads_no_calendar_before_now(client, portal, ny, monkeypatch):
    windows = []
    real = scheduling.calendar_rows

    def recorded(ids, start, end, now, *args):
        windows.append((start, end))
        return real(ids, start, end, now, *args)

    monkeypatch.setattr(slot_search, "calendar_rows", recorded)
    body = search(client, portal, case_refs="A1", week_of="2025-11-24").json
    assert body["groups"] == [] and body["empty"]["first_week_with_slots"] is None
    assert windows and all(start == FIXED_NOW for start, _ in windows)
