"""A separate process that books one slot (for the multi-process race test)."""

from tests.conftest import FIXED_NOW


def book_once(database_url: str, key: str, body: dict, barrier, results) -> None:
    from p2p import create_app

    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "P2P_CLOCK": lambda: FIXED_NOW}
    )
    client = app.test_client()
    client.get("/readyz")  # connect before the start line
    barrier.wait(timeout=60)
    response = client.post(
        "/api/v1/appointments", json=body, headers={"Authorization": f"Bearer {key}"}
    )
    results.put(response.status_code)
