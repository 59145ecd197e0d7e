"""Unit tests: the pure core, no database.

Under `make mutation` (P2P_MUTATION=1) every property test runs 10 examples, the same
ones each time (derandomized), so each of the ~2,000 mutants costs seconds and a mutant
killed once is killed again."""

import os

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
