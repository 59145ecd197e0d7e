"""Unit tests: the pure core, no database.

Under `make mutation` (P2P_MUTATION=1) every property test runs 10 examples, the same
ones each time (derandomized), so each of the ~2,000 mutants costs seconds and a mutant
killed once is killed again.

It also empties the core's memo caches (functools.lru_cache) before each test: mutmut runs
each mutant in a process forked from the one that ran the whole suite first, so a cached
function would hand a mutant the answers the unmutated code computed, and the mutant would
survive without ever running."""

import functools
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

MUTATION_EXAMPLES = 10


def pytest_collection_modifyitems(items):
    if not os.environ.get("P2P_MUTATION"):
        return
    for item in items:
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        if current is not None:
            test._hypothesis_internal_use_settings = settings(
                current,
                max_examples=min(current.max_examples, MUTATION_EXAMPLES),
                derandomize=True,
                database=None,
                # Coverage tracing and a shared machine make generation slow, not wrong.
                suppress_health_check=list(HealthCheck),
                deadline=None,
            )


CORE = ("p2p.eligibility", "p2p.slots", "p2p.appointments", "p2p.time_zones")


def _core_caches():
    for name, module in list(sys.modules.items()):
        if name.startswith(CORE):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    yield value


@pytest.fixture(autouse=True)
def _no_answers_from_before():
    if os.environ.get("P2P_MUTATION"):
        for cached in _core_caches():
            cached.cache_clear()
