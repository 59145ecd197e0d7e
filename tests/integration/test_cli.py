"""The administration commands (`flask p2p ...`, p2p/cli.py) through Flask's CLI runner on a
migrated database: what each leaves in the database, what it prints, and that bad input
is refused with a message naming the line or field, a non-zero exit and nothing changed."""

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from p2p.extensions import db
from p2p.models import ApiKey, Policy, Reviewer, SignInLink, StateRule
from p2p.schemas.policy_file import DEFAULT_POLICY_FILE
from tests.integration.test_cases_api import case_body
from tests.integration.test_reviewers_api import CSV_HEADER
from tests.pages.conftest import csrf_of


def run(runner, *args):
    return runner.invoke(args=["p2p", *args])


def bearer(output: str) -> dict:
    return {"Authorization": "Bearer " + output.strip().splitlines()[-1]}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# API keys ----------------------------------------------------------------------------------


def test_an_admin_key_made_on_the_command_line_authenticates(runner, client):
    made = run(runner, "create-api-key", "ops", "--role", "admin")
    assert made.exit_code == 0, made.output
    assert "Created admin key 'ops'" in made.output
    key = made.output.strip().splitlines()[-1]
    assert key.startswith("p2p_")
    assert client.get("/api/v1/state-rules", headers=bearer(made.output)).status_code == 200
    assert client.get("/api/v1/state-rules",
                      headers={"Authorization": "Bearer p2p_not-a-key"}).status_code == 401


def test_only_the_hash_of_a_key_is_kept(app, runner):
    key = run(runner, "create-api-key", "ops", "--role", "admin").output.strip().splitlines()[-1]
    with app.app_context():
        row = db.session.scalar(select(ApiKey).where(ApiKey.name == "ops"))
        assert row.role == "admin"
        assert key not in json.dumps({c.key: str(getattr(row, c.key))
                                      for c in ApiKey.__table__.columns})


def test_a_portal_key_limited_to_a_plan_writes_its_cases_only(runner, client):
    assert run(runner, "load-policies").exit_code == 0
    made = run(runner, "create-api-key", "aetna", "--role", "portal",
               "--health-plan", "aetna-better-health", "--health-plan", "aetna-better-health")
    assert made.exit_code == 0, made.output
    assert "for aetna-better-health." in made.output
    headers = bearer(made.output)
    assert client.put("/api/v1/cases/CLI-1", json=case_body(), headers=headers).status_code == 201
    other = client.put("/api/v1/cases/CLI-2", headers=headers,
                       json=case_body(health_plan="the-health-plan",
                                      line_of_business="commercial"))
    assert (other.status_code, list(other.json["error"]["fields"])) == (422, ["health_plan"])
    # A portal key is no admin key.
    assert client.get("/api/v1/state-rules", headers=headers).status_code == 403


def test_a_revoked_key_gets_401_from_then_on(runner, client):
    headers = bearer(run(runner, "create-api-key", "ops", "--role", "admin").output)
    revoked = run(runner, "revoke-api-key", "ops")
    assert revoked.exit_code == 0, revoked.output
    assert "Revoked API key 'ops'." in revoked.output
    assert client.get("/api/v1/state-rules", headers=headers).status_code == 401


def test_revoking_a_key_there_is_not_fails_and_names_it(runner):
    result = run(runner, "revoke-api-key", "nobody")
    assert result.exit_code != 0
    assert "nobody" in result.output


def test_a_second_key_of_the_same_name_is_refused_and_the_first_still_works(app, runner, client):
    first = bearer(run(runner, "create-api-key", "ops", "--role", "admin").output)
    again = run(runner, "create-api-key", "ops", "--role", "portal")
    assert again.exit_code != 0
    assert "ops" in again.output and "p2p_" not in again.output
    assert count(app, ApiKey) == 1
    assert client.get("/api/v1/state-rules", headers=first).status_code == 200


@pytest.mark.parametrize("role", ["root", ""])
def test_a_role_that_is_none_is_refused(app, runner, role):
    result = run(runner, "create-api-key", "ops", "--role", role)
    assert result.exit_code == 2
    assert "--role" in result.output
    assert count(app, ApiKey) == 0


# Policy files ------------------------------------------------------------------------------

POLICY = {
    "deadline_time_zone": "America/New_York",
    "reconsideration": {"delegated": True, "window": {"length": 5, "unit": "business_days"}},
    "first_level_appeal": None,
    "second_level_appeal": None,
}
RULE = {"requires_state_license": True, "requires_same_specialty": False,
        "requires_member_consent": False}


def policy_file(tmp_path, policies, state_rules=()):
    path = tmp_path / "policies.json"
    path.write_text(json.dumps({"version": "cli-1", "policies": list(policies),
                                "state_rules": list(state_rules)}))
    return str(path)


def entry(plan="acme-health", line="medicaid", **changes):
    return {"health_plan": plan, "line_of_business": line, **POLICY, **changes}


def test_a_policy_file_loads_its_policies_and_rules(app, runner, client, admin, tmp_path):
    path = policy_file(tmp_path, [entry(), entry(line="commercial")],
                       [{"state": "AZ", **RULE}])
    result = run(runner, "load-policies", path)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Loaded policy file version cli-1: 2 policies created, 0 updated, 1 state rules."
    )
    got = client.get("/api/v1/policies/acme-health/medicaid", headers=admin).json
    assert got["reconsideration"] == POLICY["reconsideration"]
    assert got["source"] == "policy file cli-1"
    assert client.get("/api/v1/state-rules/AZ", headers=admin).json["requires_state_license"]


def _unchanged(app):
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Policy)),
                sorted((r.state, r.source) for r in db.session.scalars(select(StateRule))))


@pytest.mark.parametrize(
    ("policies", "named"),
    [
        # The same plan and line twice: which one was meant?
        ([entry(), entry(line="commercial"), entry()], "policies.2"),
        # Medicare denials have no reconsideration option.
        ([entry(), entry(line="medicare")], "policies.1.reconsideration"),
        ([entry(deadline_time_zone="Mars/Base")], "policies.0.deadline_time_zone"),
        ([entry(reconsideration={"delegated": True, "window": {"length": 0,
                                                               "unit": "business_days"}})],
         "policies.0.reconsideration.window.length"),
    ],
)
def test_a_bad_policy_file_names_the_entry_exits_non_zero_and_loads_nothing(
    app, runner, tmp_path, policies, named
):
    before = _unchanged(app)
    path = policy_file(tmp_path, policies, [{"state": "AZ", **RULE}])
    result = run(runner, "load-policies", path)
    assert result.exit_code == 1
    assert "nothing loaded" in result.output
    assert named in result.output
    assert "Traceback" not in result.output
    assert _unchanged(app) == before


def test_a_state_rule_twice_in_a_file_is_refused_naming_it(app, runner, tmp_path):
    before = _unchanged(app)
    result = run(runner, "load-policies", policy_file(
        tmp_path, [entry()], [{"state": "AZ", **RULE}, {"state": "AZ", **RULE}]))
    assert result.exit_code == 1
    assert "state_rules.1" in result.output and "AZ" in result.output
    assert _unchanged(app) == before


@pytest.mark.parametrize("text", ["{not json", "", "[]"])
def test_a_file_that_is_no_policy_file_is_refused(app, runner, tmp_path, text):
    path = tmp_path / "policies.json"
    path.write_text(text)
    result = run(runner, "load-policies", str(path))
    assert result.exit_code == 1
    assert str(path) in result.output
    assert count(app, Policy) == 0


def test_a_policy_file_there_is_not_is_a_usage_error(runner, tmp_path):
    result = run(runner, "load-policies", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_the_shipped_defaults_are_loaded_when_no_file_is_named(app, runner):
    document = json.loads(DEFAULT_POLICY_FILE.read_text())
    result = run(runner, "load-policies")
    assert result.exit_code == 0, result.output
    assert count(app, Policy) == len(document["policies"])


# Reviewers ---------------------------------------------------------------------------------

ROW = ("r1,Dr. Ann Lee,MD,orthopedic_surgery,MSK Spine Surgery,TX,America/Chicago,"
       "08:00-12:00,,,,,,,true\n")


def test_a_bad_reviewer_file_changes_no_reviewer_already_there(app, runner, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(CSV_HEADER + ROW)
    assert run(runner, "import-reviewers", str(good)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + ROW.replace("Dr. Ann Lee", "Dr. Ann Changed")
                   + "r2,Dr. Bo Kim,DO,x,Interventional Pain,TX,America/Chicago,"
                   "25:00-26:00,,,,,,,true\n")
    result = run(runner, "import-reviewers", str(bad))
    assert result.exit_code == 1
    assert "nothing imported, 1 problem(s)" in result.output
    assert "line 3: weekly_hours.mon" in result.output
    with app.app_context():
        assert [r.name for r in db.session.scalars(select(Reviewer))] == ["Dr. Ann Lee"]


def test_a_reviewer_file_that_is_not_utf8_is_refused(app, runner, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((CSV_HEADER + ROW.replace("Ann Lee", "Anné Lee")).encode("latin-1"))
    result = run(runner, "import-reviewers", str(path))
    assert result.exit_code == 1
    assert "cannot read" in result.output
    assert count(app, Reviewer) == 0


# Sign-in links -----------------------------------------------------------------------------


def _signs_in(client, url: str) -> int:
    """Open the link as a browser would: reviewers' and staff's links (they may come by
    email) are used by the POST of the confirmation page their GET shows."""
    path = urlsplit(url).path
    opened = client.get(path)
    if opened.status_code == 200:
        opened = client.post(path, data={"csrf_token": csrf_of(opened)})
    return opened.status_code


def test_the_three_sign_in_links_sign_in_once(app, runner, client, tmp_path):
    csv = tmp_path / "r.csv"
    csv.write_text(CSV_HEADER + ROW)
    assert run(runner, "import-reviewers", str(csv)).exit_code == 0
    provider = run(runner, "sign-in-link", "provider", "--npi", "1234567893",
                   "--name", "Dr. Jane Doe", "--email", "jane@clinic.example.org")
    reviewer = run(runner, "sign-in-link", "reviewer", "r1")
    staff = run(runner, "sign-in-link", "staff", "Ops desk")
    for result in (provider, reviewer, staff):
        assert result.exit_code == 0, result.output
        assert result.output.startswith("http") and "/sign-in/" in result.output
    with app.app_context():
        links = {link.kind: link for link in db.session.scalars(select(SignInLink))}
        assert set(links) == {"provider", "reviewer", "staff"}
        assert (links["provider"].npi, links["provider"].email) == (
            "1234567893", "jane@clinic.example.org")
        assert links["reviewer"].reviewer_id == "r1"
        assert links["staff"].name == "Ops desk"
        assert all(link.issued_by == "cli" for link in links.values())
    for result in (provider, reviewer, staff):
        url = result.output.strip()
        assert _signs_in(app.test_client(), url) == 303
        assert _signs_in(app.test_client(), url) == 410  # once


def test_a_sign_in_link_for_nobody_is_refused(app, runner):
    unknown = run(runner, "sign-in-link", "reviewer", "nobody")
    assert unknown.exit_code == 1 and "nobody" in unknown.output
    bad = run(runner, "sign-in-link", "provider", "--npi", "12", "--name", "X", "--email", "x")
    assert bad.exit_code == 1
    assert "npi" in bad.output and "email" in bad.output
    assert count(app, SignInLink) == 0
