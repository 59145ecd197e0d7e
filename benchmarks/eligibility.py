"""Eligibility: in-process decisions per second, and the availability endpoint over HTTP.

    .venv/bin/python -m benchmarks.eligibility

Targets (issue 2, on this 2-core machine): >= 50,000 decisions/s in-process; the endpoint,
served by gunicorn with 2 workers over PostgreSQL on loopback, >= 500 req/s with p99 < 20 ms.
Needs the local PostgreSQL server (BENCH_POSTGRES_URL, default postgres@127.0.0.1:5432).
"""

import argparse
import json
import random
import statistics
import time
from datetime import datetime, timedelta

import pytz

from benchmarks.harness import flask, gunicorn, load, postgres_database, request
from p2p import eligibility

UTC = pytz.utc
START = UTC.localize(datetime(2026, 1, 1, 14))  # noqa: DTZ001 (localize is the pytz way)

POLICIES = [
    eligibility.Policy(
        "America/New_York",
        eligibility.Reconsideration(True, eligibility.Window(5, "business_days")),
        eligibility.Appeal("health_plan", eligibility.Window(60, "calendar_days")),
        None,
    ),
    eligibility.Policy(
        "America/Phoenix",
        eligibility.Reconsideration(True, eligibility.Window(60, "calendar_days")),
        eligibility.Appeal("us", eligibility.Window(180, "calendar_days")),
        eligibility.Appeal("health_plan", eligibility.Window(60, "calendar_days")),
    ),
    eligibility.Policy("America/Chicago", None, None, None),
]


def sample_decisions(count: int, rng: random.Random) -> list[tuple]:
    samples = []
    for _ in range(count):
        determined = START + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        status = rng.choice(
            ["denied", "denied", "denied", "partially_approved", "pended", "approved", "withdrawn"]
        )
        facts = eligibility.CaseFacts(
            status=status,
            line_of_business=rng.choice(["commercial", "medicaid", "chip", "medicare"]),
            determination_at=None if status == "pended" else determined,
            info_due_at=determined + timedelta(days=5) if status == "pended" else None,
            appeal_filed=rng.random() < 0.1,
            reconsideration_completed=rng.random() < 0.05,
        )
        at = determined + timedelta(hours=rng.randrange(0, 24 * 90))
        samples.append((facts, rng.choice(POLICIES), at))
    return samples


def in_process(seconds: float) -> float:
    samples = sample_decisions(20_000, random.Random(7))
    decide = eligibility.decide
    for facts, policy, at in samples[:2000]:  # warm the caches (zones, holiday years)
        decide(facts, policy, at)
    rates = []
    for _ in range(3):
        done, began = 0, time.perf_counter()
        while time.perf_counter() - began < seconds / 3:
            for facts, policy, at in samples:
                decide(facts, policy, at)
            done += len(samples)
        rates.append(done / (time.perf_counter() - began))
    return statistics.median(rates)


def case_body(i: int, rng: random.Random) -> dict:
    determined = f"2026-11-{rng.randrange(2, 22):02d}T15:04:00-05:00"
    return {
        "episode_id": f"E-{i}",
        "member": {
            "name": f"Bench Member {i}",
            "dob": "1961-04-02",
            "state": "PA",
            "member_id": f"M{i}",
        },
        "health_plan": rng.choice(["aetna-better-health", "health-partners-plans"]),
        "line_of_business": "medicaid",
        "status": "denied",
        "determination_at": determined,
        "case_type": "MSK Spine Surgery",
        "specialty": "orthopedic_surgery",
        "ordering_provider": {"npi": "1234567893", "name": "Dr. Jane Doe"},
    }


def over_http(total: int, concurrency: int, case_count: int = 500) -> None:
    rng = random.Random(11)
    with postgres_database() as url:
        flask("p2p", "load-policies", database_url=url)
        key = (
            flask("p2p", "create-api-key", "bench", "--role", "portal", database_url=url)
            .strip()
            .splitlines()[-1]
        )
        auth = {"Authorization": f"Bearer {key}"}
        # One caller sends the whole load: its per-caller limit (600 a minute) is lifted, or
        # most answers would be 429.
        limits = {"P2P_RATE_LIMITS": "availability=1000000 per minute"}
        with gunicorn(url, workers=2, extra_env=limits) as port:
            for i in range(case_count):
                status, body = request(
                    port,
                    "PUT",
                    f"/api/v1/cases/B{i}",
                    {**auth, "Content-Type": "application/json"},
                    json.dumps(case_body(i, rng)).encode(),
                )
                assert status == 201, body
            headers = {**auth, "X-Member-DOB": "1961-04-02"}

            def availability(i: int) -> int:
                return request(
                    port, "GET", f"/api/v1/cases/B{i % case_count}/p2p-availability", headers
                )[0]

            load(availability, 300, concurrency)  # warm-up
            result = load(availability, total, concurrency)
            print(
                result.line(
                    f"availability endpoint (gunicorn 2 workers, PostgreSQL, {concurrency} clients)"
                )
            )
            print(
                f"  target: >= 500 req/s and p99 < 20 ms -> "
                f"{'met' if result.per_second >= 500 and result.percentile(99) < 20 else 'NOT met'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="in-process timing budget")
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-http", action="store_true")
    args = parser.parse_args()
    rate = in_process(args.seconds)
    print(
        f"eligibility.decide in-process: {rate:,.0f} decisions/s "
        f"(target >= 50,000 -> {'met' if rate >= 50_000 else 'NOT met'})"
    )
    if not args.skip_http:
        over_http(args.requests, args.concurrency)


if __name__ == "__main__":
    main()
