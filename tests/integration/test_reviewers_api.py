"""Reviewer registry: PUT/GET, time off, appointments listing, and the CSV import."""

import pytest

ANN = {
    "name": "Dr. Ann Lee",
    "credentials": "MD",
    "specialties": ["orthopedic_surgery"],
    "case_types": ["MSK Spine Surgery"],
    "licensed_states": ["TX", "AZ"],
    "time_zone": "America/Chicago",
    "weekly_hours": {
        "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        "tue": [],
        "wed": [["08:00", "17:00"]],
    },
    "active": True,
}


def test_put_creates_then_updates_and_get_returns_it(client, admin):
    created = client.put("/api/v1/reviewers/r1", json=ANN, headers=admin)
    assert created.status_code == 201, created.json
    assert created.json["weekly_hours"] == {
        "mon": [["08:00", "12:00"], ["13:00", "17:00"]],
        "wed": [["08:00", "17:00"]],
    }
    updated = client.put("/api/v1/reviewers/r1", json={**ANN, "active": False}, headers=admin)
    assert updated.status_code == 200
    got = client.get("/api/v1/reviewers/r1", headers=admin).json
    assert got["active"] is False
    assert got["licensed_states"] == ["AZ", "TX"]


def test_reviewers_are_admin_only(client, portal):
    assert client.put("/api/v1/reviewers/r1", json=ANN, headers=portal).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Central"}, "time_zone"),
        ({"licensed_states": ["Texas"]}, "licensed_states.0"),
        ({"weekly_hours": {"mon": [["08:00", "07:00"]]}}, "weekly_hours.mon[0]"),
        (
            {"weekly_hours": {"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}},
            "weekly_hours.mon[1]",
        ),
        ({"weekly_hours": {"mon": [["08:10", "12:00"]]}}, "weekly_hours.mon[0]"),
        ({"weekly_hours": {"funday": [["08:00", "12:00"]]}}, "weekly_hours.funday.key"),
        ({"weekly_hours": {"mon": [["08:00"]]}}, "weekly_hours.mon.value.0"),
        ({"specialties": "orthopedic_surgery"}, "specialties"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_reviewer_is_422_naming_the_field(client, admin, change, field):
    response = client.put("/api/v1/reviewers/r1", json={**ANN, **change}, headers=admin)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json
    assert client.get("/api/v1/reviewers/r1", headers=admin).status_code == 404


def test_time_off(client, admin):
    client.put("/api/v1/reviewers/r1", json=ANN, headers=admin)
    response = client.post(
        "/api/v1/reviewers/r1/time-off",
        json={
            "start": "2026-12-24T00:00:00-06:00",
            "end": "2026-12-28T00:00:00-06:00",
            "reason": "Holidays",
        },
        headers=admin,
    )
    assert response.status_code == 201
    assert response.json["start"] == "2026-12-24T06:00:00+00:00"
    backwards = client.post(
        "/api/v1/reviewers/r1/time-off",
        json={"start": "2026-12-28T00:00:00-06:00", "end": "2026-12-24T00:00:00-06:00"},
        headers=admin,
    )
    assert backwards.status_code == 422
    assert "end" in backwards.json["error"]["fields"]
    naive = client.post(
        "/api/v1/reviewers/r1/time-off",
        json={"start": "2026-12-24T00:00:00", "end": "2026-12-25T00:00:00"},
        headers=admin,
    )
    assert naive.status_code == 422
    assert {"start", "end"} <= set(naive.json["error"]["fields"])
    unknown = client.post(
        "/api/v1/reviewers/nobody/time-off",
        json={"start": "2026-12-24T00:00:00Z", "end": "2026-12-25T00:00:00Z"},
        headers=admin,
    )
    assert unknown.status_code == 404


def test_appointments_listing_validates_its_dates(client, admin):
    client.put("/api/v1/reviewers/r1", json=ANN, headers=admin)
    ok = client.get(
        "/api/v1/reviewers/r1/appointments?from=2026-11-23&to=2026-11-29", headers=admin
    )
    assert ok.status_code == 200
    assert ok.json == {"appointments": []}
    backwards = client.get(
        "/api/v1/reviewers/r1/appointments?from=2026-11-29&to=2026-11-23", headers=admin
    )
    assert backwards.status_code == 422
    assert "to" in backwards.json["error"]["fields"]
    assert client.get("/api/v1/reviewers/nobody/appointments", headers=admin).status_code == 404


CSV_HEADER = (
    "reviewer_id,name,credentials,specialties,case_types,licensed_states,time_zone,"
    "mon,tue,wed,thu,fri,sat,sun,active\n"
)


def test_csv_import_loads_all_rows(runner, client, admin, tmp_path):
    path = tmp_path / "reviewers.csv"
    path.write_text(
        CSV_HEADER + "r1,Dr. Ann Lee,MD,orthopedic_surgery,MSK Spine Surgery;Joint Surgery,TX;AZ,"
        "America/Chicago,08:00-12:00;13:00-17:00,,08:00-17:00,,,,,true\n"
        + 'r2,"Dr. Bo Kim, DO",DO,pain_medicine,Interventional Pain,HI,Pacific/Honolulu,'
        "07:00-15:00,07:00-15:00,,,,,,false\n"
    )
    result = runner.invoke(args=["p2p", "import-reviewers", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 reviewers created" in result.output
    r1 = client.get("/api/v1/reviewers/r1", headers=admin).json
    assert r1["case_types"] == ["Joint Surgery", "MSK Spine Surgery"]
    assert r1["weekly_hours"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]
    r2 = client.get("/api/v1/reviewers/r2", headers=admin).json
    assert r2["name"] == "Dr. Bo Kim, DO"
    assert r2["active"] is False
    again = runner.invoke(args=["p2p", "import-reviewers", str(path)])
    assert "0 reviewers created, 2 updated" in again.output


def test_csv_import_reports_every_bad_row_and_loads_nothing(runner, client, admin, tmp_path):
    path = tmp_path / "reviewers.csv"
    path.write_text(
        CSV_HEADER + "r1,Dr. Ann Lee,MD,orthopedic_surgery,MSK Spine Surgery,TX,America/Chicago,"
        "08:00-12:00,,,,,,,true\n"
        + "r2,Dr. Bad Zone,MD,x,MSK Spine Surgery,TX,Mars/Base,08:00-12:00,,,,,,,true\n"
        + "r3,Dr. Bad Hours,MD,x,MSK Spine Surgery,Texas,America/Chicago,12:00-08:00,,,,,,,maybe\n"
        + "r1,Dr. Twice,MD,x,MSK Spine Surgery,TX,America/Chicago,,,,,,,,true\n"
    )
    result = runner.invoke(args=["p2p", "import-reviewers", str(path)])
    assert result.exit_code != 0
    output = result.output
    assert "line 3: time_zone" in output
    assert "line 4: licensed_states.0" in output
    assert "line 4: weekly_hours.mon[0]" in output
    assert "line 4: active" in output
    assert "line 5: reviewer_id" in output
    assert client.get("/api/v1/reviewers/r1", headers=admin).status_code == 404


def test_csv_without_the_columns_is_refused(runner, tmp_path):
    path = tmp_path / "reviewers.csv"
    path.write_text("id,name\n1,x\n")
    result = runner.invoke(args=["p2p", "import-reviewers", str(path)])
    assert result.exit_code != 0
    assert "missing column" in result.output
