"""Booking under load: 16 concurrent clients over HTTP (gunicorn, 2 workers, PostgreSQL),
booking times that slot searches offered, then an overlap check that must print 0.

    .venv/bin/python -m benchmarks.booking

Target (issue 4, this 2-core machine): >= 100 bookings/s, p99 < 100 ms.
"""

import argparse
import json
import random
import threading
import time
from datetime import datetime, timedelta

import psycopg
import pytz

from benchmarks.harness import flask, gunicorn, load, postgres_database, request
from p2p.demo.reviewers import demo_reviewers

CASE_TYPES = [
    "MSK Spine Surgery",
    "Interventional Pain",
    "PT/OT/ST",
    "Radiology",
    "MSK Joint Surgery",
    "Cardiology",
]


def case_body(n: int, case_type: str, determined: str) -> dict:
    return {
        "episode_id": f"E{n}",
        "member": {
            "name": "Bench Member",
            "dob": "1961-04-02",
            "state": "PA",
            "member_id": f"M{n}",
        },
        "health_plan": "the-health-plan",
        "line_of_business": "commercial",
        "status": "denied",
        "determination_at": determined,
        "case_type": case_type,
        "specialty": "orthopedic_surgery",
        "ordering_provider": {"npi": "1234567893", "name": "Dr. Jane Doe"},
    }


def booking_body(case_ref: str, reviewer_id: str, start: str) -> dict:
    return {
        "case_refs": [case_ref],
        "reviewer_id": reviewer_id,
        "start": start,
        "time_zone": "America/Los_Angeles",
        "requesting_provider": {
            "npi": "1234567893",
            "name": "Dr. Jane Doe",
            "email": "jd@clinic.example.org",
        },
        "contact": {
            "name": "John Doe",
            "location": "Provider Office",
            "phone": "(555) 555-5555",
            "instructions": "Select option 4, ask for Dr. Doe",
        },
        "performer": {"kind": "requesting_provider", "name": "Dr. Jane Doe", "credential": "MD"},
        "acknowledge_consultative_only": True,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn sync workers (a booking waits on ~15 database round trips, so more "
        "workers than cores keep both cores busy)",
    )
    args = parser.parse_args()
    rng = random.Random(4)
    determined = (datetime.now(pytz.utc) - timedelta(days=1)).isoformat()
    with postgres_database() as url:
        flask("p2p", "load-policies", database_url=url)
        admin = (
            flask("p2p", "create-api-key", "bench-admin", "--role", "admin", database_url=url)
            .strip()
            .splitlines()[-1]
        )
        # One caller books for the whole portal here: its abuse limit is lifted.
        limits = {"P2P_RATE_LIMITS": "bookings=1000000 per minute,holds=1000000 per minute"}
        with gunicorn(url, workers=args.workers, extra_env=limits) as port:
            headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
            for reviewer_id, body in demo_reviewers():
                body = {**body, "licensed_states": sorted(set(body["licensed_states"]) | {"PA"})}
                status, answer = request(
                    port,
                    "PUT",
                    f"/api/v1/reviewers/{reviewer_id}",
                    headers,
                    json.dumps(body).encode(),
                )
                assert status in (200, 201), answer
            cases = []
            for n in range(args.cases):
                ref = f"BOOK-{n}"
                status, answer = request(
                    port,
                    "PUT",
                    f"/api/v1/cases/{ref}",
                    headers,
                    json.dumps(case_body(n, CASE_TYPES[n % len(CASE_TYPES)], determined)).encode(),
                )
                assert status == 201, answer
                cases.append(ref)
            # Candidate times: what the slot search offers for each case over two weeks.
            candidates = []
            today = datetime.now(pytz.timezone("America/Los_Angeles")).date()
            for ref in cases:
                for week in (today + timedelta(days=7), today + timedelta(days=14)):
                    status, answer = request(
                        port,
                        "GET",
                        f"/api/v1/slots?case_refs={ref}&time_zone=America/Los_Angeles"
                        f"&week_of={week.isoformat()}&days=mon,tue,wed,thu,fri,sat,sun"
                        f"&hours={','.join(map(str, range(24)))}",
                        headers,
                    )
                    assert status == 200, answer
                    for group in json.loads(answer)["groups"]:
                        for entry in group["reviewers"]:
                            if entry["match_acknowledgement_required"]:
                                continue
                            for slot in entry["slots"]:
                                candidates.append((ref, entry["reviewer_id"], slot["start"]))
            rng.shuffle(candidates)
            print(
                f"seeded: 300 reviewers, {len(cases)} cases, {len(candidates):,} offered slots "
                f"to choose from"
            )
            created = []
            lock = threading.Lock()

            # Bodies encoded before the clock starts: the load generator shares the two
            # cores with the server, and its own JSON work is not what is measured.
            bodies = [
                json.dumps(booking_body(*candidate)).encode()
                for candidate in candidates[: args.requests + 100]
            ]

            def book(i: int) -> int:
                status, _ = request(
                    port, "POST", "/api/v1/appointments", headers, bodies[i % len(bodies)]
                )
                if status == 201:
                    with lock:
                        created.append(1)
                return 0 if status in (201, 409) else status

            load(lambda i: book(args.requests + i), 100, args.concurrency)  # warm-up
            created.clear()
            began = time.perf_counter()
            result = load(book, args.requests, args.concurrency, max_seconds=120)
            seconds = time.perf_counter() - began
            print(
                result.line(
                    f"POST /api/v1/appointments ({args.concurrency} clients, "
                    f"{args.workers} gunicorn workers)"
                )
            )
            print(
                f"  {len(created)} booked (201) and {result.requests - len(created)} refused "
                f"(409, already taken) in {seconds:.1f} s: {len(created) / seconds:,.0f} "
                f"bookings/s, {result.per_second:,.0f} booking requests/s"
            )
        with psycopg.connect(url) as connection:
            overlaps = connection.execute(
                "SELECT count(*) FROM reservations a JOIN reservations b ON a.reviewer_id = "
                "b.reviewer_id AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at"
            ).fetchone()[0]
            double = connection.execute(
                "SELECT count(*) FROM appointments a JOIN appointments b ON a.reviewer_id = "
                "b.reviewer_id AND a.id < b.id AND a.status = 'scheduled' AND b.status = "
                "'scheduled' AND a.start_at < b.end_at AND b.start_at < a.end_at"
            ).fetchone()[0]
    print(f"overlapping reservations: {overlaps}; overlapping scheduled appointments: {double}")
    rate = len(created) / seconds
    print(
        f"target: >= 100 bookings/s and p99 < 100 ms -> "
        f"{'met' if rate >= 100 and result.percentile(99) < 100 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
