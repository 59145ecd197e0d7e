"""Reference data each process keeps: the reviewer registry, the policies and state rules,
and the live API keys.

Every slot search and booking reads them, and every API call checks its key; they change
rarely (a reviewer import, a policy file, a key created or revoked). Database triggers draw
a new random version per kind on every write to their tables, in the writer's transaction
(migrations 0005 and 0006). A request reads the versions (one
small query) and uses its process's copy while the version it was loaded at is still the
database's; otherwise it loads the data again. A write is therefore seen by the first
request that starts after it commits, in every process, as without the copy.

Read order makes this safe without locking the database: the versions are read before the
data, so a copy is never tagged with a version newer than its content (a write that lands
in between leaves the copy tagged with the older version, and the next request reloads it).
Versions are random rather than counted so that one a rolled-back write drew (and a copy may
have been tagged with, read inside that transaction) is never drawn again.

One read of the versions serves a whole transaction until it writes: the API key check at
the start of a request and the slot search or booking after it share one round trip. Any
statement but a SELECT on the connection drops the read (a flush, an ORM or Core write, raw
SQL, a savepoint's rollback), and pending ORM changes are flushed first, so a transaction
that changes reference data sees its own change.
"""

from __future__ import annotations

import logging
import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from p2p import eligibility, slots
from p2p.extensions import db
from p2p.models import ApiKey, Policy, ReferenceVersion, Reviewer, StateRule
from p2p.services import policies as policy_service

log = logging.getLogger(__name__)

REVIEWERS = "reviewers"
POLICIES = "policies"
API_KEYS = "api_keys"


@dataclass(frozen=True)
class Registry:
    """Every reviewer as the slot engine's profile (no calendar), and who is trained for
    what among the active ones."""

    version: int | None
    profiles: dict[str, slots.Reviewer]
    active_by_case_type: dict[str, frozenset[str]]

    def trained(self, case_types: Iterable[str]) -> list[slots.Reviewer]:
        """Active reviewers trained for every one of the case types, by id."""
        sets = [self.active_by_case_type.get(case_type, frozenset()) for case_type in case_types]
        if not sets:
            return []
        return [self.profiles[rid] for rid in sorted(frozenset.intersection(*sets))]


@dataclass(frozen=True)
class PolicyBook:
    """The eligibility engine's policy per (health plan, line of business), and the state
    rules, both as the domain code takes them."""

    version: int | None
    policies: dict[tuple[str, str], eligibility.Policy]
    state_rules: tuple[slots.StateRule, ...]


@dataclass(frozen=True)
class KeyRing:
    """The live (unrevoked) API keys: SHA-256 of the key -> (name, role, health plans or
    None for every plan)."""

    version: int | None
    live: dict[str, tuple[str, str, frozenset[str] | None]]


def profile(row: Reviewer) -> slots.Reviewer:
    """A stored reviewer as the engine's profile, with an empty calendar."""
    return slots.Reviewer(
        reviewer_id=row.reviewer_id,
        name=row.name,
        credentials=row.credentials,
        specialties=frozenset(row.specialties),
        case_types=frozenset(row.case_types),
        licensed_states=frozenset(row.licensed_states),
        time_zone=row.time_zone,
        weekly_hours=slots.weekly_hours_from_strings(row.weekly_hours),
        active=row.active,
    )


def _load_registry(version: int | None) -> Registry:
    profiles, trained = {}, defaultdict(set)
    # populate_existing: rows the session holds already are read afresh, not reused.
    for row in db.session.scalars(select(Reviewer).execution_options(populate_existing=True)):
        try:
            profiles[row.reviewer_id] = profile(row)
        except slots.SlotsError as error:
            # A row the API would have refused (written by hand in SQL): that reviewer is
            # left out of every search, not every search refused.
            log.warning("reviewer %s left out of scheduling: %s", row.reviewer_id, error)
            continue
        if row.active:
            for case_type in row.case_types:
                trained[case_type].add(row.reviewer_id)
    return Registry(
        version, profiles, {case_type: frozenset(ids) for case_type, ids in trained.items()}
    )


def _load_policies(version: int | None) -> PolicyBook:
    return PolicyBook(
        version,
        {
            (row.health_plan, row.line_of_business): policy_service.to_domain(row)
            for row in db.session.scalars(select(Policy).execution_options(populate_existing=True))
        },
        tuple(
            slots.StateRule(
                rule.state,
                rule.requires_state_license,
                rule.requires_same_specialty,
                rule.requires_member_consent,
            )
            for rule in db.session.scalars(
                select(StateRule)
                .order_by(StateRule.state)
                .execution_options(populate_existing=True)
            )
        ),
    )


def _load_api_keys(version: int | None) -> KeyRing:
    return KeyRing(
        version,
        {
            key_hash: (name, role, frozenset(plans) if plans is not None else None)
            for key_hash, name, role, plans in db.session.execute(
                select(ApiKey.key_hash, ApiKey.name, ApiKey.role, ApiKey.health_plans).where(
                    ApiKey.revoked_at.is_(None)
                )
            )
        },
    )


_LOADERS = {REVIEWERS: _load_registry, POLICIES: _load_policies, API_KEYS: _load_api_keys}
# Key of the connection's info: (the session transaction, the versions it read).
_VERSIONS_READ = "p2p_reference_versions"


_COPIES: weakref.WeakKeyDictionary[Engine, dict] = weakref.WeakKeyDictionary()


def _copies() -> dict[str, Registry | PolicyBook | KeyRing]:
    """The copies of this app's database (one per engine). A plain dict: replacing an entry
    is atomic, and two threads reloading at once only repeat each other's work."""
    return _COPIES.setdefault(db.engine, {})


def _versions() -> dict[str, int]:
    """Every kind's version, read once per transaction until it writes (see above)."""
    session = db.session()
    if session.new or session.dirty or session.deleted:
        session.flush()  # this transaction's own pending writes first: they may redraw
    connection = session.connection()
    transaction = session.get_transaction()
    held = connection.info.get(_VERSIONS_READ)
    if held is not None and held[0] is transaction:
        return held[1]
    versions = dict(
        db.session.execute(select(ReferenceVersion.name, ReferenceVersion.version)).all()
    )
    connection.info[_VERSIONS_READ] = (transaction, versions)
    return versions


@event.listens_for(Engine, "before_cursor_execute")
def _forget_versions_before_a_write(connection, _cursor, statement: str, *_) -> None:
    """Any statement but a SELECT, however it is sent (a flush, Session.execute, a
    Connection, raw SQL, a savepoint or its rollback), may change what was read."""
    if statement.lstrip()[:6].upper() != "SELECT":
        connection.info.pop(_VERSIONS_READ, None)


@event.listens_for(Pool, "checkin")
def _forget_versions_at_checkin(_dbapi_connection, record) -> None:
    record.info.pop(_VERSIONS_READ, None)


def _current(names: tuple[str, ...]) -> list:
    versions = _versions()
    copies = _copies()
    found = []
    for name in names:
        version = versions.get(name)
        held = copies.get(name)
        if held is None or version is None or held.version != version:
            # A missing version (a wiped table) is never trusted: load every time.
            held = copies[name] = _LOADERS[name](version)
        found.append(held)
    return found


def registry() -> Registry:
    return _current((REVIEWERS,))[0]


def policy_book() -> PolicyBook:
    return _current((POLICIES,))[0]


def key_ring() -> KeyRing:
    return _current((API_KEYS,))[0]


def both() -> tuple[Registry, PolicyBook]:
    """The registry and the policies, checked with one query."""
    registry_, book = _current((REVIEWERS, POLICIES))
    return registry_, book
