"""Policies and state rules: data, editable without a code change."""

from __future__ import annotations

from datetime import datetime

from p2p import eligibility
from p2p.errors import NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import Policy, StateRule
from p2p.services import transaction

OPTIONS = ("reconsideration", "first_level_appeal", "second_level_appeal")


def _window(document: dict) -> eligibility.Window:
    return eligibility.Window(length=document["length"], unit=document["unit"])


def to_domain(row: Policy) -> eligibility.Policy:
    """The stored policy as the eligibility engine's value."""
    reconsideration = row.reconsideration and eligibility.Reconsideration(
        delegated=row.reconsideration["delegated"], window=_window(row.reconsideration["window"])
    )

    def appeal(document: dict | None) -> eligibility.Appeal | None:
        if not document:
            return None
        return eligibility.Appeal(
            handled_by=document["handled_by"], window=_window(document["window"])
        )

    return eligibility.Policy(
        deadline_time_zone=row.deadline_time_zone,
        reconsideration=reconsideration or None,
        first_level_appeal=appeal(row.first_level_appeal),
        second_level_appeal=appeal(row.second_level_appeal),
    )


def find_policy(health_plan: str, line_of_business: str) -> Policy | None:
    return db.session.get(Policy, (health_plan, line_of_business))


def get_policy(health_plan: str, line_of_business: str) -> Policy:
    policy = find_policy(health_plan, line_of_business)
    if policy is None:
        raise NotFound(f"No policy for health plan {health_plan!r}, line {line_of_business!r}.")
    return policy


def _store_policy(
    health_plan: str, line_of_business: str, document: dict, source: str, now: datetime
) -> tuple[Policy, bool]:
    policy = find_policy(health_plan, line_of_business)
    created = policy is None
    if created:
        policy = Policy(health_plan=health_plan, line_of_business=line_of_business)
        db.session.add(policy)
    policy.deadline_time_zone = document["deadline_time_zone"]
    for option in OPTIONS:
        setattr(policy, option, document[option])
    policy.source = source[:100]
    policy.updated_at = now
    _check_consistency(policy)
    return policy, created


def _check_consistency(policy: Policy) -> None:
    # [000][001][002][004] Medicare denials are never reconsidered here: refusing such a
    # policy keeps the data from promising what the rules will not do.
    if policy.line_of_business == "medicare" and policy.reconsideration:
        raise ValidationFailed.on(
            "reconsideration", "Medicare denials have no reconsideration option; send null."
        )


def put_policy(
    health_plan: str, line_of_business: str, document: dict, source: str, now: datetime
) -> tuple[Policy, bool]:
    with transaction():
        policy, created = _store_policy(health_plan, line_of_business, document, source, now)
    return policy, created


def load_policy_file(document: dict, now: datetime) -> dict[str, int]:
    """Load a validated policy file in one transaction: all of it or nothing."""
    source = f"policy file {document['version']}"
    counts = {"policies_created": 0, "policies_updated": 0, "state_rules": 0}
    with transaction():
        for entry in document["policies"]:
            _, created = _store_policy(
                entry["health_plan"], entry["line_of_business"], entry, source, now
            )
            counts["policies_created" if created else "policies_updated"] += 1
        for entry in document["state_rules"]:
            rule = db.session.get(StateRule, entry["state"]) or StateRule(state=entry["state"])
            for name in (
                "requires_state_license",
                "requires_same_specialty",
                "requires_member_consent",
            ):
                setattr(rule, name, entry[name])
            rule.source, rule.updated_at = source, now
            db.session.add(rule)
            counts["state_rules"] += 1
    return counts
