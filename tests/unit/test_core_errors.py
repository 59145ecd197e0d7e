"""The core's exceptions carry their message as the exception's text too (what a log line
or an uncaught traceback shows), and the field they name."""

import pytest

from p2p.eligibility.errors import EligibilityError
from p2p.slots.errors import SlotsError


@pytest.mark.parametrize("error_class", [EligibilityError, SlotsError])
def test_the_message_is_the_exceptions_text(error_class):
    error = error_class("naive time", "determination_at")
    assert str(error) == error.message == "naive time"
    assert error.field == "determination_at"
    assert error_class("x").field is None
