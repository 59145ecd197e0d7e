"""The operations report page for staff (issue 16): signed in by an admin's handoff, the
figures with a chart and a table each, the CSV."""

import csv
import io

from tests.integration.test_operations_report import fixture  # noqa: F401 (a fixture)
from tests.pages.conftest import csrf_of, link_path


def sign_in_staff(client, admin):
    response = client.post("/api/v1/staff-sessions", json={"name": "Pat Operations"},
                           headers=admin)
    assert response.status_code == 201, response.json
    path = link_path(response.json["url"])
    page = client.get(path)
    assert "Sign in and continue" in page.get_data(as_text=True)  # by POST: it is emailed
    signed = client.post(path, data={"csrf_token": csrf_of(page)})
    assert signed.status_code == 303 and signed.headers["Location"] == "/report"


def test_only_an_admin_hands_out_the_report(client, portal):
    answer = client.post("/api/v1/staff-sessions", json={"name": "x"}, headers=portal)
    assert answer.status_code == 403


def test_the_report_page_shows_the_weeks(client, admin, fixture):  # noqa: F811
    sign_in_staff(client, admin)
    page = client.get("/report?from=2026-11-23&to=2026-12-06")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert "<dt>Booked</dt><dd>6</dd>" in shown
    assert "<dt>Overturn rate</dt><dd>67%</dd>" in shown
    assert shown.count("<img src=\"/report/charts/") == 6
    assert '<th scope="row">2026-11-30</th><td>50%</td>' in shown  # held before deadline
    chart = client.get("/report/charts/missed-calls.svg?from=2026-11-23&to=2026-12-06")
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert b"<script" not in chart.data
    assert b"Missed-call rate" in chart.data
    assert client.get("/report/charts/nothing.svg").status_code == 404
    file = client.get("/report/operations.csv?from=2026-11-23&to=2026-12-06")
    rows = list(csv.reader(io.StringIO(file.get_data(as_text=True))))
    assert rows[1][:2] == ["2026-11-23", "4"]


def test_a_reversed_span_says_so(client, admin, fixture):  # noqa: F811
    sign_in_staff(client, admin)
    shown = client.get("/report?from=2026-12-06&to=2026-11-23").get_data(as_text=True)
    assert "The last day is before the first" in shown


def test_providers_and_reviewers_do_not_see_it(client, signed_in):
    signed_in()
    assert client.get("/report").status_code == 404
