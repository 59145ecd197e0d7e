"""Worker processes for the multi-process race tests.

One pool is spawned for the module and reused: starting a process and building its first
app (the imports) costs about a second each, a request a few milliseconds. Every worker
waits at one start line, a barrier the size of the pool, so a race sends exactly one request
per worker and they all leave together.
"""

from tests.conftest import FIXED_NOW

_start_line = None


def start(start_line, database_url: str) -> None:
    """Pool initializer: keep the start line, and pay for the first app now."""
    global _start_line
    _start_line = start_line
    _app(database_url)


def _app(database_url: str):
    from p2p import create_app

    return create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "P2P_CLOCK": lambda: FIXED_NOW}
    )


def book(database_url: str, key: str, body: dict, idempotency_key: str | None):
    """POST the booking once every worker is at the start line; its (status, JSON body)."""
    from p2p.extensions import db

    # A new app for each request: a worker outlives the test that made the data, and an
    # app's copies of reference data must not outlive it (each test rebuilds its world).
    app = _app(database_url)
    client = app.test_client()
    client.get("/readyz")  # connect before the start line
    headers = {"Authorization": f"Bearer {key}"}
    if idempotency_key:
        headers["Idempotency-Key"] = idempotency_key
    _start_line.wait(timeout=60)
    response = client.post("/api/v1/appointments", json=body, headers=headers)
    with app.app_context():
        db.engine.dispose()  # no connection left open between races
    return response.status_code, response.get_json()
