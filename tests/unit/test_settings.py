"""Every setting read from the environment (p2p/config.py): each one parsed, and a value the
service cannot use refused when the app is created, with a message naming the variable
(never a bare `int()` error that leaves the operator guessing which of twenty it was)."""

from datetime import timedelta

import pytest

from p2p import config, create_app

NUMERIC = (
    "P2P_MAX_BODY_BYTES",
    "P2P_PROXY_HOPS",
    "P2P_MINUTES_PER_CASE",
    "P2P_MINIMUM_NOTICE_MINUTES",
    "P2P_HOLD_MINUTES",
    "P2P_SLOT_ANSWERS_MB",
    "P2P_SMTP_PORT",
    "P2P_SMTP_TIMEOUT",
    "P2P_MAIL_MAX_ATTEMPTS",
    "P2P_SCHEDULER_LEASE_SECONDS",
)
EVERY = (
    *NUMERIC,
    "P2P_SECRET_KEY",
    "P2P_BASE_URL",
    "P2P_TRUSTED_HOSTS",
    "P2P_RATE_LIMITS",
    "P2P_JOB_INTERVALS",
    "P2P_SMTP_HOST",
    "P2P_SMTP_SECURITY",
    "P2P_SMTP_USERNAME",
    "P2P_SMTP_PASSWORD",
    "P2P_MAIL_FROM",
    "RATELIMIT_STORAGE_URI",
    "REDIS_URL",
)


@pytest.fixture
def environment(monkeypatch):
    for name in EVERY:
        monkeypatch.delenv(name, raising=False)

    def set_(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_


def app_from(tmp_path):
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/unused.sqlite3"})


def test_unset_every_setting_has_its_default(environment, tmp_path):
    settings = config.from_environment(str(tmp_path))
    config.check(settings)
    assert settings["MAX_CONTENT_LENGTH"] == 2**20
    assert settings["P2P_PROXY_HOPS"] == 0
    assert settings["P2P_MINUTES_PER_CASE"] == 15
    assert settings["P2P_MINIMUM_NOTICE"] == timedelta(minutes=120)
    assert settings["P2P_HOLD_MINUTES"] == 10
    assert settings["P2P_SLOT_ANSWERS_MB"] == 16
    assert settings["P2P_SMTP_HOST"] == "localhost"
    assert settings["P2P_SMTP_PORT"] == 25
    assert settings["P2P_SMTP_SECURITY"] == "none"
    assert settings["P2P_SMTP_USERNAME"] is None and settings["P2P_SMTP_PASSWORD"] is None
    assert settings["P2P_SMTP_TIMEOUT"] == 10.0
    assert settings["P2P_MAIL_MAX_ATTEMPTS"] == 8
    assert settings["P2P_SCHEDULER_LEASE_SECONDS"] == 30.0
    assert settings["P2P_RATE_LIMITS"] == {} and settings["P2P_JOB_INTERVALS"] == {}
    assert settings["P2P_BASE_URL"] is None
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SECRET_KEY"] == "dev-only-not-secret"


def test_each_setting_is_read(environment, tmp_path):
    environment(
        P2P_SECRET_KEY="s3cret",
        P2P_MAX_BODY_BYTES="4096",
        P2P_PROXY_HOPS="2",
        P2P_MINUTES_PER_CASE=" 20 ",
        P2P_MINIMUM_NOTICE_MINUTES="0",
        P2P_HOLD_MINUTES="3",
        P2P_SLOT_ANSWERS_MB="0",
        P2P_SMTP_HOST="mail.example.org",
        P2P_SMTP_PORT="465",
        P2P_SMTP_SECURITY=" TLS ",
        P2P_SMTP_USERNAME="p2p",
        P2P_SMTP_PASSWORD="pw",
        P2P_MAIL_FROM="Plan <p2p@example.org>",
        P2P_SMTP_TIMEOUT="2.5",
        P2P_MAIL_MAX_ATTEMPTS="1",
        P2P_SCHEDULER_LEASE_SECONDS="12",
        P2P_RATE_LIMITS="holds=5 per minute",
        P2P_JOB_INTERVALS="deliver_outbox=5",
        P2P_BASE_URL="https://p2p.example.org",
        REDIS_URL="redis://cache:6379/0",
    )
    settings = config.from_environment(str(tmp_path))
    config.check(settings)
    assert settings["SECRET_KEY"] == "s3cret"
    assert settings["MAX_CONTENT_LENGTH"] == 4096
    assert settings["P2P_PROXY_HOPS"] == 2
    assert settings["P2P_MINUTES_PER_CASE"] == 20
    assert settings["P2P_MINIMUM_NOTICE"] == timedelta(0)
    assert settings["P2P_HOLD_MINUTES"] == 3
    assert settings["P2P_SLOT_ANSWERS_MB"] == 0
    assert settings["P2P_SMTP_HOST"] == "mail.example.org"
    assert settings["P2P_SMTP_PORT"] == 465
    assert settings["P2P_SMTP_SECURITY"] == "tls"
    assert (settings["P2P_SMTP_USERNAME"], settings["P2P_SMTP_PASSWORD"]) == ("p2p", "pw")
    assert settings["P2P_MAIL_FROM"] == "Plan <p2p@example.org>"
    assert settings["P2P_SMTP_TIMEOUT"] == 2.5
    assert settings["P2P_MAIL_MAX_ATTEMPTS"] == 1
    assert settings["P2P_SCHEDULER_LEASE_SECONDS"] == 12.0
    assert settings["P2P_RATE_LIMITS"] == {"holds": "5 per minute"}
    assert settings["P2P_JOB_INTERVALS"] == {"deliver_outbox": 5.0}
    assert settings["P2P_BASE_URL"] == "https://p2p.example.org"
    assert "p2p.example.org" in settings["TRUSTED_HOSTS"]
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_the_minutes_of_the_scheduling_use_cases_come_from_the_environment(
    environment, tmp_path
):
    environment(P2P_MINUTES_PER_CASE="30", P2P_MINIMUM_NOTICE_MINUTES="45", P2P_HOLD_MINUTES="7")
    scheduling = config.Scheduling.from_config(config.from_environment(str(tmp_path)))
    assert scheduling.minutes_per_case == 30
    assert scheduling.minimum_notice == timedelta(minutes=45)
    assert scheduling.hold == timedelta(minutes=7)


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("value", ["abc", "1O", "5 minutes", ""])
def test_a_number_that_is_no_number_is_refused_naming_the_variable(
    environment, tmp_path, name, value
):
    environment(**{name: value})
    with pytest.raises(config.SettingError, match=f"^{name} must be a number") as refused:
        app_from(tmp_path)
    assert repr(value) in str(refused.value)


@pytest.mark.parametrize("name", ["P2P_PROXY_HOPS", "P2P_SMTP_PORT", "P2P_HOLD_MINUTES"])
def test_a_whole_number_written_with_a_fraction_is_refused(environment, tmp_path, name):
    environment(**{name: "2.5"})
    with pytest.raises(config.SettingError, match=f"^{name} must be a whole number"):
        app_from(tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("P2P_HOLD_MINUTES", "0"),
        ("P2P_HOLD_MINUTES", "-5"),
        ("P2P_MINIMUM_NOTICE_MINUTES", "-1"),
        ("P2P_MINUTES_PER_CASE", "0"),
        ("P2P_MINUTES_PER_CASE", "-15"),
        ("P2P_MINUTES_PER_CASE", "121"),
        ("P2P_MAX_BODY_BYTES", "0"),
        ("P2P_PROXY_HOPS", "-1"),
        ("P2P_SLOT_ANSWERS_MB", "-1"),
        ("P2P_SMTP_PORT", "0"),
        ("P2P_SMTP_PORT", "65536"),
        ("P2P_SMTP_TIMEOUT", "0"),
        ("P2P_SMTP_TIMEOUT", "nan"),
        ("P2P_SMTP_TIMEOUT", "inf"),
        ("P2P_MAIL_MAX_ATTEMPTS", "0"),
        ("P2P_SCHEDULER_LEASE_SECONDS", "-30"),
    ],
)
def test_a_number_out_of_its_range_is_refused_naming_the_variable(
    environment, tmp_path, name, value
):
    environment(**{name: value})
    with pytest.raises(ValueError, match=f"^{name} must be"):
        app_from(tmp_path)


def test_an_unknown_smtp_security_is_refused_at_start_not_at_the_first_send(
    environment, tmp_path
):
    environment(P2P_SMTP_SECURITY="ssl3")
    with pytest.raises(ValueError, match="^P2P_SMTP_SECURITY must be one of none, starttls, tls"):
        app_from(tmp_path)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("P2P_RATE_LIMITS", "holds", "P2P_RATE_LIMITS: 'holds' is not kind=limit"),
        ("P2P_RATE_LIMITS", "holds=lots", "P2P_RATE_LIMITS: 'holds=lots': not a limit"),
        ("P2P_JOB_INTERVALS", "deliver_outbox:5", "P2P_JOB_INTERVALS: 'deliver_outbox:5'"),
        ("P2P_JOB_INTERVALS", "deliver_outbox=0", "P2P_JOB_INTERVALS: every interval"),
        ("P2P_JOB_INTERVALS", "deliver=5", "P2P_JOB_INTERVALS: no job named deliver"),
    ],
)
def test_a_malformed_list_is_refused_at_start_naming_the_variable(
    environment, tmp_path, name, value, message
):
    environment(**{name: value})
    with pytest.raises(ValueError, match="^" + message):
        app_from(tmp_path)


def test_trusted_hosts_given_are_taken_as_listed_and_a_star_lets_any_in(environment):
    environment(P2P_TRUSTED_HOSTS=" p2p.example.org, ,10.0.0.5 ")
    assert config.trusted_hosts("https://ignored.example.org") == [
        "p2p.example.org",
        "10.0.0.5",
    ]
    environment(P2P_TRUSTED_HOSTS="p2p.example.org,*")
    assert config.trusted_hosts(None) is None


def test_trusted_hosts_unset_are_loopback_this_machine_and_the_base_urls_host(environment):
    hosts = config.trusted_hosts("https://p2p.example.org:8443/base")
    assert {"localhost", "127.0.0.1", "::1", ".localhost", "p2p.example.org"} <= set(hosts)
    assert hosts == sorted(set(hosts))
    assert "" not in hosts
    assert "p2p.example.org" not in config.trusted_hosts(None)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u@db/p2p", "postgresql+psycopg://u@db/p2p"),
        ("postgresql://u@db/p2p", "postgresql+psycopg://u@db/p2p"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_database_url_is_pinned_to_psycopg_3(monkeypatch, url, expected):
    monkeypatch.setenv("DATABASE_URL", url)
    assert config.database_uri("/instance") == expected


def test_no_database_url_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_uri("/instance") == "sqlite:////instance/p2p.sqlite3"
