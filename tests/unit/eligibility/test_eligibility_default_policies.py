"""The shipped `p2p/defaults/policies.json` says what the seeds say (DOMAIN.md rule 3, 7).

Reads one small package data file; no other I/O.
"""

import json
from datetime import datetime
from importlib import resources

import pytest
import pytz

from p2p.eligibility import (
    Appeal,
    CaseFacts,
    Policy,
    Reconsideration,
    Window,
    decide,
)
from p2p.vocabulary import (
    CONSULTATIVE_ONLY,
    HANDLED_BY,
    LINES_OF_BUSINESS,
    OUTCOME_CHANGING,
    WINDOW_UNITS,
)

DOCUMENT = json.loads(
    resources.files("p2p").joinpath("defaults/policies.json").read_text(encoding="utf-8")
)


def window(document):
    return Window(document["length"], document["unit"])


def as_policy(entry) -> Policy:
    reconsideration = entry["reconsideration"]
    first, second = entry["first_level_appeal"], entry["second_level_appeal"]
    return Policy(
        entry["deadline_time_zone"],
        reconsideration
        and Reconsideration(reconsideration["delegated"], window(reconsideration["window"])),
        first and Appeal(first["handled_by"], window(first["window"])),
        second and Appeal(second["handled_by"], window(second["window"])),
    )


POLICIES = {(e["health_plan"], e["line_of_business"]): as_policy(e) for e in DOCUMENT["policies"]}
SIXTY_CALENDAR_DAYS = Window(60, "calendar_days")


def test_every_plan_covers_the_lines_its_seed_names_once():
    assert len(POLICIES) == len(DOCUMENT["policies"])
    assert set(POLICIES) == {
        # [000] "Applicable Membership": CHIP, Commercial, Medicaid, Medicare
        ("the-health-plan", "commercial"),
        ("the-health-plan", "medicaid"),
        ("the-health-plan", "chip"),
        ("the-health-plan", "medicare"),
        # [001] Medicare, Medicaid
        ("aetna-better-health", "medicaid"),
        ("aetna-better-health", "medicare"),
        # [004] Medicare and Medicaid members
        ("health-partners-plans", "medicaid"),
        ("health-partners-plans", "medicare"),
    }
    assert all(line in LINES_OF_BUSINESS for _, line in POLICIES)


@pytest.mark.parametrize(
    ("key", "reconsideration"),
    [
        (("the-health-plan", "commercial"), Reconsideration(True, SIXTY_CALENDAR_DAYS)),
        (("the-health-plan", "medicaid"), Reconsideration(True, SIXTY_CALENDAR_DAYS)),
        (("the-health-plan", "chip"), Reconsideration(True, SIXTY_CALENDAR_DAYS)),
        (("aetna-better-health", "medicaid"), Reconsideration(True, Window(5, "business_days"))),
        (("health-partners-plans", "medicaid"), Reconsideration(True, Window(2, "business_days"))),
        (("the-health-plan", "medicare"), None),
        (("aetna-better-health", "medicare"), None),
        (("health-partners-plans", "medicare"), None),
    ],
)
def test_reconsideration_windows_are_the_seeds(key, reconsideration):
    assert POLICIES[key].reconsideration == reconsideration


@pytest.mark.parametrize(
    ("key", "first_level_appeal"),
    [
        # [000] "EviCore will process first-level appeals ... within 180 calendar days"
        (("the-health-plan", "commercial"), Appeal("us", Window(180, "calendar_days"))),
        (("the-health-plan", "medicaid"), Appeal("us", Window(180, "calendar_days"))),
        (("the-health-plan", "chip"), Appeal("us", Window(180, "calendar_days"))),
        # [004] "to HPP within 60 calendar days of the denial notification"
        (("health-partners-plans", "medicaid"), Appeal("health_plan", SIXTY_CALENDAR_DAYS)),
        (("health-partners-plans", "medicare"), Appeal("health_plan", SIXTY_CALENDAR_DAYS)),
        # [000][001] not processed by us and no window stated: left out.
        (("the-health-plan", "medicare"), None),
        (("aetna-better-health", "medicaid"), None),
        (("aetna-better-health", "medicare"), None),
    ],
)
def test_first_level_appeals_are_the_seeds(key, first_level_appeal):
    assert POLICIES[key].first_level_appeal == first_level_appeal
    assert POLICIES[key].second_level_appeal is None


def test_the_file_is_versioned_sourced_and_uses_only_known_values():
    assert DOCUMENT["version"]
    for health_plan, line in POLICIES:
        assert f"{health_plan}/{line}" in DOCUMENT["sources"]
    for entry in DOCUMENT["policies"]:
        assert entry["deadline_time_zone"] == "America/New_York"
        for option in ("reconsideration", "first_level_appeal", "second_level_appeal"):
            if entry[option]:
                assert entry[option]["window"]["unit"] in WINDOW_UNITS
                assert entry[option].get("handled_by", "us") in HANDLED_BY
    assert {rule["state"] for rule in DOCUMENT["state_rules"]} == {"TX", "OH"}


def test_the_seeds_example_reconsideration_p2p():
    # [004] "Reconsideration allowed through eviCore until 11/11/2020 12:00:00 AM": with HPP's
    # 2 business days, a denial on Fri 6 Nov 2020 gives Mon 9 (1), Tue 10 (2), and the window
    # closes Wed 11 Nov 2020 00:00 EST (Veterans Day itself is outside it).
    eastern = pytz.timezone("America/New_York")
    case = CaseFacts("denied", "medicaid", eastern.localize(datetime(2020, 11, 6, 14)), None)
    plan = POLICIES["health-partners-plans", "medicaid"]

    open_ = decide(case, plan, eastern.localize(datetime(2020, 11, 10, 16)))
    closed = decide(case, plan, eastern.localize(datetime(2020, 11, 11)))

    assert open_.outcome == OUTCOME_CHANGING
    assert open_.message.startswith("Reconsideration allowed until 11/11/2020 12:00:00 AM EST.")
    assert closed.outcome == CONSULTATIVE_ONLY
