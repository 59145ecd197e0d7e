"""The abuse limits' setting `P2P_RATE_LIMITS`, read from the environment (so that every
gunicorn worker and instance of a deployment is given the same limits): unset, the
defaults; a kind that is no limit, or a limit Flask-Limiter cannot read, is refused when
the app is created."""

import pytest

from p2p import config, create_app
from p2p.limits import LIMITS


def app_with(monkeypatch, tmp_path, value: str | None):
    monkeypatch.delenv("P2P_RATE_LIMITS", raising=False)
    if value is not None:
        monkeypatch.setenv("P2P_RATE_LIMITS", value)
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unused.sqlite3"})


def test_unset_every_kind_keeps_its_default(monkeypatch, tmp_path):
    assert app_with(monkeypatch, tmp_path, None).config["P2P_RATE_LIMITS"] == {}


def test_limits_are_given_as_kind_equals_limit(monkeypatch, tmp_path):
    app = app_with(monkeypatch, tmp_path, " holds=5 per minute, bookings = 30/minute;300/hour ,")
    assert app.config["P2P_RATE_LIMITS"] == {
        "holds": "5 per minute",
        "bookings": "30/minute;300/hour",
    }


@pytest.mark.parametrize("value", ["holds", "holds=", "=5 per minute"])
def test_a_malformed_item_is_refused(value):
    with pytest.raises(ValueError, match="is not kind=limit"):
        config.limits_by_kind(value)


def test_a_limit_flask_limiter_cannot_read_is_refused(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="P2P_RATE_LIMITS: 'holds=five a minute'"):
        app_with(monkeypatch, tmp_path, "holds=five a minute")


def test_a_kind_that_is_no_limit_is_refused_naming_the_kinds(monkeypatch, tmp_path):
    with pytest.raises(ValueError, match="no limit named hold ") as refused:
        app_with(monkeypatch, tmp_path, "hold=5 per minute")
    assert all(kind in str(refused.value) for kind in LIMITS)
