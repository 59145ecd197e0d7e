"""`flask p2p demo` (what `make run` calls) on a migrated database: it leaves cases for every
eligibility outcome, medical directors with hours and emails, keys that authenticate, calls
booked, and sign-in links; loaded again, or with `--reset`, it leaves the same rows (and the
same medical director), no duplicates, and `--reset` also clears what people did with the
demo's cases."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from p2p.extensions import db
from p2p.models import ApiKey, Case, LookupLock, Reviewer, WaitlistEntry
from p2p.vocabulary import OUTCOMES
from tests.conftest import FIXED_NOW

KEY = re.compile(r"^API key (demo-portal|demo-admin) \((portal|admin)\): (p2p_\S+)$", re.M)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def demo(runner, *options):
    result = runner.invoke(args=["p2p", "demo", *options])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_leaves_what_the_pages_and_the_api_need(app, runner, client):
    output = demo(runner)
    shown = dict(re.findall(r"^  (DEMO-\S+)\s+DOB \S+\s+(\w+)", output, re.M))
    assert set(shown.values()) == set(OUTCOMES)  # every eligibility outcome
    keys = {name: (role, key) for name, role, key in KEY.findall(output)}
    assert set(keys) == {"demo-portal", "demo-admin"}
    admin = {"Authorization": "Bearer " + keys["demo-admin"][1]}
    portal = {"Authorization": "Bearer " + keys["demo-portal"][1]}
    assert client.get("/api/v1/state-rules", headers=admin).status_code == 200
    for case_ref, outcome in shown.items():
        with app.app_context():
            dob = db.session.scalar(select(Case.member_dob).where(Case.case_ref == case_ref))
        answer = client.get(f"/api/v1/cases/{case_ref}/p2p-availability",
                            headers={**portal, "X-Member-DOB": dob.isoformat()})
        assert answer.status_code == 200, (case_ref, answer.json)
        assert answer.json["outcome"] == outcome, case_ref
    with app.app_context():
        people = db.session.scalars(select(Reviewer)).all()
        assert len(people) == 300
        assert all(person.email and "@" in person.email for person in people)
        assert len({person.email for person in people}) == 300
        assert sum(person.active for person in people) > 250
    assert "Calls with the demo's medical director" in output
    assert len(re.findall(r"/sign-in/\S+", output)) == 3
    assert "booked" not in output.split("The past:")[0].split("director")[1]  # all 3 booked


def test_loaded_again_or_reset_the_demo_leaves_the_same_rows(app, runner):
    first = demo(runner)
    once = counts(app)
    assert once["cases"] > 14 and once["appointments"] > 0 and once["api_keys"] == 2
    # Loaded again (make run does, every time): nothing more, the same medical director.
    again = demo(runner)
    director = re.compile(r"^Calls with the demo's medical director, .*$", re.M)
    assert director.search(again).group(0) == director.search(first).group(0)
    assert "(booked before)" in again and "(loaded before)" in again
    loaded_again = counts(app)
    assert {t: n for t, n in loaded_again.items() if t != "sign_in_links"} == {
        t: n for t, n in once.items() if t != "sign_in_links"}
    with app.app_context():  # someone tried the demo: a waitlist entry, a wrong DOB or two
        db.session.add(WaitlistEntry(
            id="w-demo", caller="demo-portal", health_plans=None,
            case_refs=["DEMO-MEDICAID-OPEN"], npi="1234567893", email="jane@example.org",
            time_zone="America/New_York", days=[0], hours=[9], status="waiting",
            before=FIXED_NOW + timedelta(days=7), created_at=FIXED_NOW, position=1))
        db.session.add(LookupLock(case_ref="DEMO-MEDICAID-OPEN", attempts=3,
                                  window_started_at=FIXED_NOW))
        db.session.commit()

    demo(runner, "--reset")
    reset = counts(app)
    # What the reset made is what a first load makes; the demo's earlier sign-in links go
    # with the rows they opened on.
    assert reset == once
    with app.app_context():
        assert db.session.get(WaitlistEntry, "w-demo") is None
        assert db.session.get(LookupLock, "DEMO-MEDICAID-OPEN") is None
        refs = db.session.scalars(select(Case.case_ref)).all()
        assert len(refs) == len(set(refs))
        names = db.session.scalars(select(ApiKey.name)).all()
        assert sorted(names) == ["demo-admin", "demo-portal"]
