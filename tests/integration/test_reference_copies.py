"""Each process keeps a copy of the reviewers, policies, state rules and live API keys,
current while the database's version of them is (p2p/services/reference.py, migrations 0005
and 0006). Two apps on one
database stand for two processes; writes go in as raw SQL, as any writer's would."""

from datetime import datetime, timedelta

import pytest
import pytz
from sqlalchemy import event, text, update
from sqlalchemy.exc import DBAPIError

from p2p import create_app
from p2p.errors import ValidationFailed
from p2p.extensions import db
from p2p.models import Reservation, Reviewer
from p2p.services import api_keys, reference, scheduling
from tests.conftest import FIXED_NOW, _test_config
from tests.integration.booking_helpers import booking_body
from tests.integration.test_slots_api import reviewer, search

MSK = "MSK Spine Surgery"


@pytest.fixture
def other_process(migrated):
    other = create_app(_test_config(migrated))
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def two_reviewers(client, admin, runner):
    assert runner.invoke(args=["p2p", "load-policies"]).exit_code == 0
    for reviewer_id in ("ny", "az"):
        response = client.put(
            f"/api/v1/reviewers/{reviewer_id}",
            json=reviewer(
                time_zone="America/Phoenix" if reviewer_id == "az" else "America/New_York"
            ),
            headers=admin,
        )
        assert response.status_code == 201, response.json


def trained(app) -> list[str]:
    with app.app_context():
        found = [profile.reviewer_id for profile in reference.registry().trained([MSK])]
        db.session.rollback()
        return found


def test_a_write_by_another_process_is_seen_by_the_next_request(app, other_process, two_reviewers):
    assert trained(app) == trained(other_process) == ["az", "ny"]
    with app.app_context():
        kept = reference.registry()
        db.session.rollback()
    assert trained(app) == ["az", "ny"]
    with app.app_context():
        assert reference.registry() is kept  # unchanged data: the same copy, not reloaded
        db.session.rollback()

    with other_process.app_context():
        db.session.execute(text("UPDATE reviewers SET active = false WHERE reviewer_id = 'ny'"))
        db.session.commit()
    assert trained(app) == ["az"]
    with other_process.app_context():
        db.session.execute(
            text("UPDATE reviewers SET time_zone = 'Pacific/Honolulu' WHERE reviewer_id = 'az'")
        )
        db.session.commit()
    with app.app_context():
        assert reference.registry().profiles["az"].time_zone == "Pacific/Honolulu"
        db.session.rollback()


def test_a_rolled_back_write_never_leaves_its_copy_behind(app, two_reviewers):
    with app.app_context():
        db.session.execute(text("UPDATE reviewers SET active = false WHERE reviewer_id = 'ny'"))
        # Read inside the writing transaction: a copy of data that will never be committed.
        assert [p.reviewer_id for p in reference.registry().trained([MSK])] == ["az"]
        db.session.rollback()
        # Another write commits. Had versions been counted, it would have drawn the number
        # the rolled-back write did, and the copy above would pass for current.
        db.session.execute(text("UPDATE reviewers SET name = 'Dr. Z' WHERE reviewer_id = 'az'"))
        db.session.commit()
        registry = reference.registry()
        assert [p.reviewer_id for p in registry.trained([MSK])] == ["az", "ny"]
        assert registry.profiles["az"].name == "Dr. Z"
        db.session.rollback()


def test_policies_and_state_rules_follow_the_database(
    app, other_process, client, portal, two_reviewers
):
    with app.app_context():
        texas = {rule.state: rule for rule in reference.policy_book().state_rules}["TX"]
        assert texas.requires_state_license and texas.requires_same_specialty
        db.session.rollback()
    with other_process.app_context():
        db.session.execute(
            text(
                "UPDATE state_rules SET requires_state_license = false, "
                "requires_same_specialty = false WHERE state = 'TX'"
            )
        )
        db.session.execute(
            text("UPDATE policies SET deadline_time_zone = 'America/Phoenix' WHERE true")
        )
        db.session.commit()
    with app.app_context():
        book = reference.policy_book()
        texas = {rule.state: rule for rule in book.state_rules}["TX"]
        assert not (texas.requires_state_license or texas.requires_same_specialty)
        assert {policy.deadline_time_zone for policy in book.policies.values()} == {
            "America/Phoenix"
        }
        db.session.rollback()


def test_a_search_uses_the_reviewers_changed_by_another_process(
    app, other_process, client, portal, two_reviewers
):
    assert client.put("/api/v1/cases/A1", json=_case(), headers=portal).status_code == 201
    first = search(client, portal, case_refs="A1").json
    assert {r["reviewer_id"] for g in first["groups"] for r in g["reviewers"]} == {"ny", "az"}
    with other_process.app_context():
        db.session.execute(text("DELETE FROM reviewer_case_types WHERE reviewer_id = 'az'"))
        db.session.execute(
            text("UPDATE reviewers SET case_types = '[\"Radiology\"]' WHERE reviewer_id = 'az'")
        )
        db.session.commit()
    second = search(client, portal, case_refs="A1").json
    assert {r["reviewer_id"] for g in second["groups"] for r in g["reviewers"]} == {"ny"}


def _case() -> dict:
    from tests.integration.test_cases_api import case_body

    return case_body()


# The one-day bound on a reservation -----------------------------------------------------------

T0 = pytz.utc.localize(datetime(2026, 11, 25, 15, 0))


def test_the_database_refuses_a_reservation_longer_than_a_day(app, two_reviewers):
    with app.app_context():
        for start, end in [(T0, T0 + timedelta(days=1, seconds=1)), (T0, T0 + timedelta(days=3))]:
            db.session.add(
                Reservation(
                    reviewer_id="ny", start_at=start, end_at=end, kind="appointment", created_at=T0
                )
            )
            with pytest.raises(DBAPIError):
                db.session.commit()
            db.session.rollback()
        day = Reservation(
            reviewer_id="ny",
            start_at=T0,
            end_at=T0 + timedelta(days=1),
            kind="appointment",
            created_at=T0,
        )
        db.session.add(day)
        db.session.commit()
        day.end_at = T0 + timedelta(days=2)  # stretched by an update: refused too
        with pytest.raises(DBAPIError):
            db.session.commit()
        db.session.rollback()


def test_a_reservation_begun_before_the_window_still_counts(app, two_reviewers):
    """The window's reservations are read as a range of start_at reaching one day back."""
    with app.app_context():
        db.session.add(
            Reservation(
                reviewer_id="ny",
                start_at=T0 - timedelta(hours=23, minutes=45),
                end_at=T0 + timedelta(minutes=15),
                kind="appointment",
                created_at=FIXED_NOW,
            )
        )
        db.session.commit()
        profiles = reference.registry().trained([MSK])
        ny = next(p for p in profiles if p.reviewer_id == "ny")
        rows = scheduling.calendar_rows(["ny"], T0, T0 + timedelta(hours=1), FIXED_NOW)
        (found,) = scheduling.with_calendars([ny], rows)
        start = int((T0 - timedelta(hours=23, minutes=45)).timestamp())
        assert found.busy_seconds == ((start, int(T0.timestamp()) + 900),)
        db.session.rollback()


def test_minutes_per_case_is_bounded_by_the_reservation_limit(migrated):
    with pytest.raises(ValueError, match="P2P_MINUTES_PER_CASE"):
        create_app({**_test_config(migrated), "P2P_MINUTES_PER_CASE": 121})
    with pytest.raises(ValueError, match="P2P_MINUTES_PER_CASE"):
        create_app({**_test_config(migrated), "P2P_MINUTES_PER_CASE": 0})
    assert create_app({**_test_config(migrated), "P2P_MINUTES_PER_CASE": 120})


def test_a_policy_the_copy_lacks_is_read_from_the_database(app, client, portal, two_reviewers):
    """A policy committed after this process read its copy's version, with its first case."""
    assert client.put("/api/v1/cases/A1", json=_case(), headers=portal).status_code == 201
    with app.app_context():
        stale = reference.policy_book()
        db.session.rollback()
        missing = reference.PolicyBook(stale.version, {}, stale.state_rules)
        chosen = scheduling.load_cases(["A1"], FIXED_NOW, book=missing)
        assert chosen.needs[0].outcome == "outcome_changing"
        db.session.execute(text("DELETE FROM policies"))
        with pytest.raises(ValidationFailed) as refused:
            scheduling.load_cases(["A1"], FIXED_NOW, book=missing)
        assert "case_refs" in refused.value.fields
        db.session.rollback()


# API keys, and one read of the versions per transaction ---------------------------------------


def portal_call(client, headers: dict) -> int:
    """The status of a portal call that, past the key check, is a 422 (no such case)."""
    return client.get("/api/v1/slots?case_refs=NONE&time_zone=UTC", headers=headers).status_code


def test_a_key_revoked_by_another_process_is_refused_at_the_next_request(
    client, portal, other_process
):
    assert portal_call(client, portal) == 422
    with other_process.app_context():
        api_keys.revoke_api_key("test-portal", FIXED_NOW)
    assert portal_call(client, portal) == 401


def test_a_key_created_by_another_process_works_at_once(client, portal, other_process):
    assert client.get("/api/v1/reviewers/nobody", headers=portal).status_code == 403  # copy made
    with other_process.app_context():
        key = api_keys.create_api_key("elsewhere", "portal", FIXED_NOW)
        db.session.execute(text("UPDATE api_keys SET role = 'admin' WHERE name = 'test-portal'"))
        db.session.commit()
    fresh = {"Authorization": f"Bearer {key}"}
    assert portal_call(client, fresh) == 422
    assert client.get("/api/v1/reviewers/nobody", headers=portal).status_code == 404  # admin now
    with other_process.app_context():
        db.session.execute(text("DELETE FROM api_keys WHERE name = 'elsewhere'"))
        db.session.commit()
    assert portal_call(client, fresh) == 401


def test_a_slot_search_takes_three_round_trips(app, client, portal, two_reviewers):
    """The key check and the slot search share one read of the versions; then the cases,
    then the reviewers' calendars."""
    assert client.put("/api/v1/cases/A1", json=_case(), headers=portal).status_code == 201
    search(client, portal, case_refs="A1")  # copies made
    with app.app_context():
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert search(client, portal, case_refs="A1").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    statements = [s for s in statements if not s.startswith("BEGIN")]  # SQLite's, no trip
    assert len(statements) == 3, statements
    assert "reference_versions" in statements[0]


def test_a_transaction_sees_its_own_reference_writes(app, two_reviewers):
    with app.app_context():
        assert [p.reviewer_id for p in reference.registry().trained([MSK])] == ["az", "ny"]
        row = db.session.get(Reviewer, "ny")
        row.active = False
        db.session.flush()  # the trigger draws a new version: read again
        assert [p.reviewer_id for p in reference.registry().trained([MSK])] == ["az"]
        db.session.execute(update(Reviewer).where(Reviewer.reviewer_id == "az").values(name="Z"))
        assert reference.registry().profiles["az"].name == "Z"
        db.session.rollback()
        assert [p.reviewer_id for p in reference.registry().trained([MSK])] == ["az", "ny"]
        db.session.rollback()


def test_a_slot_search_runs_outside_a_transaction_on_postgresql(app, client, portal, two_reviewers):
    """A read-only view saves the BEGIN and ROLLBACK round trips; the next request on the
    same pooled connection, one that writes, has its transaction back."""
    assert client.put("/api/v1/cases/A1", json=_case(), headers=portal).status_code == 201
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite keeps BEGIN IMMEDIATE for every request")
    seen = []

    def listener(connection, _cursor, statement, *_):
        driver = connection.connection.driver_connection
        seen.append((statement.split()[0], driver.info.transaction_status.name, driver.autocommit))

    event.listen(engine, "after_cursor_execute", listener)
    try:
        assert search(client, portal, case_refs="A1").status_code == 200
        searched, seen[:] = list(seen), []
        assert client.put("/api/v1/cases/A2", json=_case(), headers=portal).status_code == 201
    finally:
        event.remove(engine, "after_cursor_execute", listener)
    assert searched and {(status, autocommit) for _, status, autocommit in searched} == {
        ("IDLE", True)
    }
    writes = [entry for entry in seen if entry[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes and all(entry[1:] == ("INTRANS", False) for entry in writes)


def test_every_kind_of_write_in_a_transaction_is_seen_by_its_next_read(app, two_reviewers):
    """Unflushed ORM changes, Core writes on the session's connection, and a savepoint's
    rollback all reach the next read of the copy in the same transaction."""
    with app.app_context():
        trained = lambda: [p.reviewer_id for p in reference.registry().trained([MSK])]  # noqa: E731
        assert trained() == ["az", "ny"]
        db.session.get(Reviewer, "ny").active = False  # not flushed yet
        assert trained() == ["az"]
        db.session.connection().execute(
            update(Reviewer).where(Reviewer.reviewer_id == "az").values(name="Dr. Core")
        )
        assert reference.registry().profiles["az"].name == "Dr. Core"
        savepoint = db.session.begin_nested()
        db.session.connection().execute(
            text("UPDATE reviewers SET active = false WHERE reviewer_id = 'az'")
        )
        assert trained() == []
        savepoint.rollback()
        assert trained() == ["az"]
        db.session.rollback()
        assert trained() == ["az", "ny"]
        db.session.rollback()


def test_a_reviewer_row_written_around_the_api_is_left_out_not_fatal(
    app, client, portal, two_reviewers, caplog
):
    """A time zone no engine can use, written straight into the table: that reviewer is
    left out of searches (and logged by id), booking them is a 422, and the others stay."""
    assert client.put("/api/v1/cases/A1", json=_case(), headers=portal).status_code == 201
    with app.app_context():
        db.session.execute(
            text("UPDATE reviewers SET time_zone = 'Mars/Olympus' WHERE reviewer_id = 'az'")
        )
        db.session.commit()
    response = search(client, portal, case_refs="A1")
    assert response.status_code == 200
    assert {r["reviewer_id"] for g in response.json["groups"] for r in g["reviewers"]} == {"ny"}
    assert "reviewer az left out of scheduling" in caplog.text
    booking = client.post(
        "/api/v1/appointments",
        json=booking_body(reviewer_id="az"),
        headers=portal,
    )
    assert booking.status_code == 422
    assert "reviewer_id" in booking.json["error"]["fields"]
