"""A dead database (issue 14): every route answers 503 `unavailable` with Retry-After and
no traceback, /healthz still answers, and the service recovers without a restart."""

import logging
import os

import pytest
from sqlalchemy.engine import make_url

from p2p import create_app
from p2p.extensions import db
from tests.conftest import _test_config
from tests.integration.tcp_proxy import TcpProxy

ROUTES = [
    ("get", "/api/v1/appointments?npi=1234567893"),
    ("get", "/api/v1/slots?case_refs=A1&time_zone=America/New_York"),
    ("put", "/api/v1/cases/A1"),
    ("post", "/api/v1/appointments"),
    ("get", "/calendar-feeds/secret.ics"),
]


def assert_unavailable(client, headers, caplog):
    caplog.clear()
    for method, path in ROUTES:
        answer = getattr(client, method)(path, json={}, headers=headers)
        assert answer.status_code == 503, (path, answer.status_code, answer.data[:200])
        assert answer.json["error"]["code"] == "unavailable"
        assert int(answer.headers["Retry-After"]) > 0
        assert b"Traceback" not in answer.data
    assert client.get("/readyz").status_code == 503
    assert client.get("/healthz").status_code == 200
    assert "Traceback" not in caplog.text


def test_no_database_at_all_answers_503(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    url = "sqlite:///" + str(tmp_path / "missing-folder" / "p2p.sqlite3")
    if os.environ.get("DATABASE_URL"):
        url = "postgresql+psycopg://postgres@127.0.0.1:1/none"  # nothing listens on port 1
    app = create_app({**_test_config(url), "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                      "hide_parameters": True, "connect_args": {}}})
    assert_unavailable(app.test_client(), {"Authorization": "Bearer p2p_x"}, caplog)


def test_a_database_that_goes_away_and_comes_back(migrated, portal, caplog):
    """PostgreSQL behind a forwarder: cut it, every route is 503; bring it back on the same
    port, the same app answers again."""
    if make_url(migrated).get_backend_name() != "postgresql":
        pytest.skip("a network path to cut is a PostgreSQL thing; SQLite is a local file")
    caplog.set_level(logging.WARNING)
    real = make_url(migrated)
    proxy = TcpProxy((real.host or "127.0.0.1", real.port or 5432))
    port = proxy.start()
    url = real.set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    app = create_app({
        **_test_config(url),
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            "hide_parameters": True,
            "connect_args": {"connect_timeout": 2},
        },
    })
    client = app.test_client()
    try:
        assert client.get("/api/v1/appointments?npi=1234567893", headers=portal).status_code == 200
        proxy.stop()
        assert_unavailable(client, portal, caplog)
        proxy.start(port)
        answer = client.get("/api/v1/appointments?npi=1234567893", headers=portal)
        assert answer.status_code == 200, answer.json
        assert client.get("/readyz").status_code == 200
    finally:
        proxy.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
