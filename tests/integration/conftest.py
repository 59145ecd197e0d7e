"""Fixtures shared by the integration tests."""

from tests.integration.booking_helpers import booking_world  # noqa: F401 (a fixture)
from tests.integration.test_slots_api import world  # noqa: F401 (a fixture)
