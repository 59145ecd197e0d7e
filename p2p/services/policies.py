"""Policies and state rules: data, editable without a code change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from p2p import eligibility
from p2p.database import transaction
from p2p.errors import NotFound, ValidationFailed
from p2p.extensions import db
from p2p.models import Policy, StateRule

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


def policy_document(policy: Policy) -> dict:
    """A stored policy as plain values (API.md, Policies)."""
    return {
        "health_plan": policy.health_plan,
        "line_of_business": policy.line_of_business,
        "deadline_time_zone": policy.deadline_time_zone,
        **{option: getattr(policy, option) for option in OPTIONS},
        "source": policy.source,
        "updated_at": policy.updated_at,
    }


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
) -> tuple[dict, bool]:
    with transaction():
        policy, created = _store_policy(health_plan, line_of_business, document, source, now)
        stored = policy_document(policy)
    return stored, created


# State rules (API.md, State rules) -------------------------------------------------------------

RULE_FIELDS = ("requires_state_license", "requires_same_specialty", "requires_member_consent")


def state_rule_document(rule: StateRule) -> dict:
    return {
        "state": rule.state,
        **{name: getattr(rule, name) for name in RULE_FIELDS},
        "source": rule.source,
        "updated_at": rule.updated_at,
    }


def _store_rule(state: str, document: dict, source: str, now: datetime) -> tuple[StateRule, bool]:
    rule = db.session.get(StateRule, state)
    created = rule is None
    if created:
        rule = StateRule(state=state)
        db.session.add(rule)
    for name in RULE_FIELDS:
        setattr(rule, name, document[name])
    rule.source, rule.updated_at = source[:100], now
    return rule, created


def put_state_rule(state: str, document: dict, source: str, now: datetime) -> tuple[dict, bool]:
    """What a member's state requires of the reviewer or the booking; seen by the next
    search and booking in every process (the rules' version is redrawn by the database)."""
    with transaction():
        rule, created = _store_rule(state, document, source, now)
        stored = state_rule_document(rule)
    return stored, created


def get_state_rule(state: str) -> dict:
    rule = db.session.get(StateRule, state)
    if rule is None:
        raise NotFound(f"No state rule for {state}.")
    return state_rule_document(rule)


def list_state_rules() -> list[dict]:
    rules = db.session.scalars(select(StateRule).order_by(StateRule.state))
    return [state_rule_document(rule) for rule in rules]


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
            _store_rule(entry["state"], entry, source, now)
            counts["state_rules"] += 1
    return counts
