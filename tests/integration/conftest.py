"""Fixtures shared by the integration tests."""

from tests.integration.booking_helpers import booking_world  # noqa: F401 (a fixture)
