"""The background jobs' settings: the scheduler lease and the job intervals, read from the
environment (unset: the defaults as they always were), refused when they make no sense."""

import math

import pytest

from p2p import config, jobs

DEFAULT_INTERVALS = {
    "deliver_outbox": 30,
    "expire_holds": 60,
    "send_reminders": 60,
    "complete_past": 300,
    "purge_lookups": 900,
    "purge_sign_ins": 3600,
    "pass_waitlist_offers": 60,
}


def settings(monkeypatch, tmp_path, **environment) -> dict:
    for name in ("P2P_SCHEDULER_LEASE_SECONDS", "P2P_JOB_INTERVALS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return config.from_environment(str(tmp_path))


def test_unset_the_lease_is_30_seconds_and_each_job_keeps_its_interval(monkeypatch, tmp_path):
    unset = settings(monkeypatch, tmp_path)
    config.check(unset)
    assert unset["P2P_SCHEDULER_LEASE_SECONDS"] == jobs.LEASE_SECONDS == 30
    assert jobs.job_intervals(unset["P2P_JOB_INTERVALS"]) == DEFAULT_INTERVALS


def test_intervals_are_given_as_name_equals_seconds(monkeypatch, tmp_path):
    given = settings(
        monkeypatch,
        tmp_path,
        P2P_SCHEDULER_LEASE_SECONDS="1.5",
        P2P_JOB_INTERVALS=" deliver_outbox=0.2, send_reminders = 5 ,",
    )
    config.check(given)
    assert given["P2P_SCHEDULER_LEASE_SECONDS"] == 1.5
    assert jobs.job_intervals(given["P2P_JOB_INTERVALS"]) == {
        **DEFAULT_INTERVALS,
        "deliver_outbox": 0.2,
        "send_reminders": 5,
    }


@pytest.mark.parametrize("value", ["deliver_outbox", "deliver_outbox=", "=5", "outbox=soon"])
def test_a_malformed_interval_is_refused(value):
    with pytest.raises(ValueError, match="is not name=seconds"):
        config.seconds_by_name(value)


@pytest.mark.parametrize("seconds", [0, -1, math.inf, math.nan])
def test_no_lease_or_interval_of_zero_less_or_forever(monkeypatch, tmp_path, seconds):
    lease = settings(monkeypatch, tmp_path, P2P_SCHEDULER_LEASE_SECONDS=str(seconds))
    with pytest.raises(ValueError, match="P2P_SCHEDULER_LEASE_SECONDS"):
        config.check(lease)
    interval = settings(monkeypatch, tmp_path, P2P_JOB_INTERVALS=f"complete_past={seconds}")
    with pytest.raises(ValueError, match="P2P_JOB_INTERVALS"):
        config.check(interval)


def test_a_name_that_is_no_job_is_refused():
    with pytest.raises(ValueError, match="no job named send_remindres"):
        jobs.job_intervals({"send_remindres": 5})
