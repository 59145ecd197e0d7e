"""The one place the service reads the clock. The domain core never does: it is handed "now"."""

from datetime import datetime

import pytz
from flask import current_app


def now() -> datetime:
    """The current instant in UTC; `P2P_CLOCK` (a callable) replaces it in tests and demos."""
    clock = current_app.config.get("P2P_CLOCK")
    return clock() if clock else datetime.now(pytz.utc)
