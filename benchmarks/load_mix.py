"""A portal day's mix of requests, at the seeds' scale and at ten times the reviewers: the
service as deployed (gunicorn, PostgreSQL, the limits counted in Redis), each kind timed
beside the /healthz floor of the same run.

    .venv/bin/python -m benchmarks.load_mix                   # both scales, about 8 minutes
    .venv/bin/python -m benchmarks.load_mix --scale seeds --burst-seconds 20

Where the rates come from (printed at the start). The seeds: 8,000 new cases a day, >300
medical directors (DOMAIN.md); the calendar of benchmarks/slots.py (300 reviewers, 20,000
bookings over four weeks: 714 a day). Per new case, assumed and stated here:

    availability checks   2 per case (the portal's "P2P AVAILABILITY" on the case, and
                          again when the provider opens the option)       16,000 a day
    bookings              10% of cases book a P2P (matches 714/day)          800 a day
    slot searches         5 per booking (weeks and preferences tried)      4,000 a day
    holds                 1.25 per booking (some forms are abandoned)      1,000 a day
    reschedules, cancels  10% of bookings each                            80 + 80 a day

The day's traffic falls in 10 busy hours (US providers, four zones), so the average rate is
a day's count / 36,000 s; a burst is 10 times that (about 6 requests/s in all at the seeds'
scale). At ten times the reviewers (3,000 reviewers, 200,000 bookings on the calendar) the
burst runs twice: at the seeds' traffic (what the data's growth alone costs), and at ten
times the cases (80,000 a day), ten times those rates.

Each scale runs, on a database of its own:
- the floor: GET /healthz from one client (what any request costs over this HTTP stack);
- each kind alone, from one client: what it costs with nothing queued before it;
- the burst: every kind at its burst rate, open loop (Poisson arrivals, each latency counted
  from the instant the request was due, so a slow server is not hidden by waiting clients),
  with /healthz sent alongside at 2 requests/s as the floor under that load; bounded: what
  has not started when the time is up is reported as not sent;
- capacity: the same mix, each kind at least 5% of it (so that reschedules and cancels are
  timed too) and /healthz as 2%, from `--clients` clients as fast as they go, closed loop:
  how far above the burst the service goes on this machine (the load generator shares its
  two cores, so this understates the server).
Holds and bookings take times the searches offered; bookings mostly use a hold; reschedules
and cancellations are of appointments booked by the run. An error is any answer >= 400.
"""

import argparse
import heapq
import json
import os
import random
import statistics
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytz
from sqlalchemy import text

from benchmarks.harness import flask, gunicorn, postgres_database, request
from benchmarks.slots import book_appointments
from p2p import context, create_app
from p2p.demo.reviewers import demo_reviewers
from p2p.extensions import db
from p2p.models import Case
from p2p.schemas.reviewers import ReviewerSchema
from p2p.services import cases as case_service
from p2p.services import reviewers as reviewer_service

UTC = pytz.utc
ZONE = "America/New_York"

# The derivation above, as numbers.
CASES_PER_DAY = 8_000
BUSY_SECONDS = 10 * 3600
BURST = 10
PER_CASE = {
    "availability": 2.0,
    "search": 0.10 * 5,
    "hold": 0.10 * 1.25,
    "book": 0.10,
    "reschedule": 0.10 * 0.10,
    "cancel": 0.10 * 0.10,
}
KINDS = list(PER_CASE)
FLOOR_RATE = 2.0  # /healthz during the burst, requests/s
CAPACITY_FLOOR = 0.05  # the least share of a kind in the capacity mix
# Each scale's bursts: the seeds' traffic, and at ten times the reviewers also ten times
# the traffic (the data's growth and the traffic's, told apart).
SCALES = {
    "seeds": {"reviewers": 300, "bookings": 20_000, "traffic": [CASES_PER_DAY]},
    "tenfold": {"reviewers": 3_000, "bookings": 200_000,
                "traffic": [CASES_PER_DAY, 10 * CASES_PER_DAY]},
}
CASE_TYPES = ["MSK Spine Surgery"] * 4 + ["MSK Joint Surgery"] * 3 + [
    "Interventional Pain"] * 2 + ["PT/OT/ST"]
# Texas and Ohio members need call notes some reviewers would not get; the mix leaves them
# to the tests and books what the search offers without acknowledgements.
STATES = ["PA", "NY", "NJ", "FL", "GA", "CA", "AZ", "IL", "WA", "NC", "MI", "CO"]
GENEROUS = "availability=1000000 per minute,holds=1000000 per minute,bookings=1000000 per minute"


def capacity_weights() -> dict[str, float]:
    """The day's mix, each kind at least `CAPACITY_FLOOR` of it (reschedules and cancels are
    0.4% each, too few to time in 30 s), and /healthz as 2%."""
    total = sum(PER_CASE.values())
    weights = {kind: max(share / total, CAPACITY_FLOOR) for kind, share in PER_CASE.items()}
    return {**weights, "healthz": 0.02 * sum(weights.values())}


def burst_rates(cases_per_day: int) -> dict[str, float]:
    """Requests per second of each kind in a burst."""
    return {kind: BURST * cases_per_day * share / BUSY_SECONDS for kind, share in PER_CASE.items()}


# Seeding --------------------------------------------------------------------------------------


def case_document(n: int, now: datetime, rng: random.Random) -> dict:
    return {
        "episode_id": f"E{n}",
        "member": {"name": "Bench Member", "dob": "1961-04-02", "state": rng.choice(STATES),
                   "member_id": f"M{n}"},
        "health_plan": "the-health-plan",
        "line_of_business": "commercial",
        "status": "denied",
        "determination_at": now - timedelta(days=1),
        "info_due_at": None,
        "additional_info_received": False,
        "appeal_filed": False,
        "reconsideration_completed": False,
        "service_rendered": False,
        "case_type": CASE_TYPES[n % len(CASE_TYPES)],
        "specialty": "orthopedic_surgery",
        "ordering_provider": {"npi": "1234567893", "name": "Dr. Jane Doe"},
    }


def seed(url: str, reviewers: int, bookings: int, cases: int, now: datetime) -> list[str]:
    """Policies, reviewers, cases and the calendar's bookings, in-process; the case refs."""
    rng = random.Random(5)
    flask("p2p", "load-policies", database_url=url)
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url.replace("postgresql://", "postgresql+psycopg://"),
        "P2P_CLOCK": lambda: now,
    })
    began = time.perf_counter()
    with app.app_context():
        people = [(rid, ReviewerSchema().load(body)) for rid, body in demo_reviewers(reviewers)]
        reviewer_service.import_reviewers(people, now, context.scheduling())
        refs = [f"MIX-{n}" for n in range(cases)]
        for n, ref in enumerate(refs):
            case_service.put_case(ref, case_document(n, now, rng), now)
        zone = pytz.timezone("America/Los_Angeles")
        today = now.astimezone(zone).date()
        monday = zone.localize(
            datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time())
        )
        case_id = db.session.query(Case.id).filter_by(case_ref=refs[0]).scalar()
        booked = book_appointments(people, monday, bookings, now, case_id, rng)
        # The bookings were given their ids: the service's own come after them.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('reservations', 'id'), "
                                "(SELECT max(id) FROM reservations))"))
        db.session.commit()
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                text("VACUUM ANALYZE")
            )
        db.engine.dispose()
    print(f"  seeded {len(people):,} reviewers, {len(refs)} cases, {booked:,} bookings over "
          f"4 weeks from {monday.date()} in {time.perf_counter() - began:.0f} s")
    return refs


# The clients ------------------------------------------------------------------------------------


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, milliseconds: float, status: int) -> None:
        self.latencies.append(milliseconds)
        if status >= 400:
            self.errors[status] += 1

    def timing(self) -> str:
        ordered = sorted(self.latencies)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        errors = sum(self.errors.values())
        detail = f" {dict(self.errors)}" if errors else ""
        return (f"{len(ordered):6d} requests  p50 {statistics.median(ordered):7.1f} ms  "
                f"p99 {p99:7.1f} ms  errors {errors}{detail}")

    def line(self, kind: str, seconds: float | None = None) -> str:
        if not self.latencies:
            return f"    {kind:<13} no requests"
        rate = f"{len(self.latencies) / seconds:8.2f} req/s " if seconds else ""
        return f"    {kind:<13} {rate}{self.timing()}"


class Mix:
    """What the kinds of request need: the cases, the times searches offered (each used
    once), the holds placed, and the appointments booked."""

    def __init__(self, port: int, key: str, refs: list[str], today, rng: random.Random):
        self.port, self.refs, self.rng = port, refs, rng
        self.headers = {"Authorization": f"Bearer {key}"}
        self.json_headers = {**self.headers, "Content-Type": "application/json"}
        self.weeks = [(today + timedelta(days=7 * n)).isoformat() for n in range(1, 5)]
        self.free: dict[tuple[str, str], list[str]] = defaultdict(list)  # (case, reviewer)
        self.held: list[tuple[str, str, str, str]] = []
        self.booked: list[tuple[str, str, str]] = []  # (id, case, reviewer)
        self.search_bytes: list[int] = []
        self.lock = threading.Lock()

    def search_path(self, ref: str, week: str) -> str:
        """The default days and hours (Mon-Fri, 7:00-19:00): the widest a portal asks."""
        return f"/api/v1/slots?case_refs={ref}&time_zone={ZONE}&week_of={week}"

    def gather(self, searches: int) -> int:
        """Times to book: first-priority slots of `searches` searches, each time once."""
        taken = set()
        for n in range(searches):
            ref, week = self.refs[n % len(self.refs)], self.weeks[n % 2]
            status, body = request(self.port, "GET", self.search_path(ref, week), self.headers)
            assert status == 200, body
            for group in json.loads(body)["groups"][:1]:
                for entry in group["reviewers"]:
                    if entry["match_acknowledgement_required"]:
                        continue
                    for slot in entry["slots"]:
                        if (entry["reviewer_id"], slot["start"]) not in taken:
                            taken.add((entry["reviewer_id"], slot["start"]))
                            self.free[(ref, entry["reviewer_id"])].append(slot["start"])
        for starts in self.free.values():
            self.rng.shuffle(starts)
        return len(taken)

    def _take(self, ref: str | None = None, reviewer: str | None = None):
        with self.lock:
            if ref is not None:
                starts = self.free.get((ref, reviewer))
                return (ref, reviewer, starts.pop()) if starts else None
            keys = [k for k, starts in self.free.items() if starts]
            if not keys:
                return None
            ref, reviewer = self.rng.choice(keys)
            return ref, reviewer, self.free[(ref, reviewer)].pop()

    # Each returns the HTTP status (0: nothing left to do it with, not counted).

    def healthz(self) -> int:
        return request(self.port, "GET", "/healthz")[0]

    def availability(self) -> int:
        ref = self.rng.choice(self.refs)
        return request(self.port, "GET", f"/api/v1/cases/{ref}/p2p-availability",
                       {**self.headers, "X-Member-DOB": "1961-04-02"})[0]

    def search(self) -> int:
        path = self.search_path(self.rng.choice(self.refs), self.rng.choice(self.weeks))
        status, body = request(self.port, "GET", path, self.headers)
        with self.lock:
            self.search_bytes.append(len(body))
        return status

    def hold(self) -> int:
        chosen = self._take()
        if chosen is None:
            return 0
        ref, reviewer, start = chosen
        status, body = request(self.port, "POST", "/api/v1/holds", self.json_headers, json.dumps(
            {"case_refs": [ref], "reviewer_id": reviewer, "start": start, "time_zone": ZONE}
        ).encode())
        if status == 201:
            with self.lock:
                self.held.append((ref, reviewer, start, json.loads(body)["id"]))
        return status

    def book(self) -> int:
        with self.lock:
            held = self.held.pop() if self.held and self.rng.random() < 0.8 else None
        if held:
            ref, reviewer, start, hold_id = held
        else:
            chosen = self._take()
            if chosen is None:
                return 0
            (ref, reviewer, start), hold_id = chosen, None
        body = booking_document(ref, reviewer, start, hold_id)
        status, answer = request(self.port, "POST", "/api/v1/appointments",
                                 {**self.json_headers, "Idempotency-Key": uuid.uuid4().hex},
                                 json.dumps(body).encode())
        if status == 201:
            with self.lock:
                self.booked.append((json.loads(answer)["id"], ref, reviewer))
        return status

    def reschedule(self) -> int:
        with self.lock:
            if not self.booked:
                return 0
            appointment, ref, reviewer = self.booked.pop(self.rng.randrange(len(self.booked)))
        chosen = self._take(ref, reviewer)
        if chosen is None:
            with self.lock:
                self.booked.append((appointment, ref, reviewer))
            return 0
        status, _ = request(self.port, "POST", f"/api/v1/appointments/{appointment}/reschedule",
                            self.json_headers, json.dumps(
                                {"start": chosen[2], "acknowledge_consultative_only": True}
                            ).encode())
        with self.lock:
            self.booked.append((appointment, ref, reviewer))
        return status

    def cancel(self) -> int:
        with self.lock:
            if not self.booked:
                return 0
            appointment, _, _ = self.booked.pop(self.rng.randrange(len(self.booked)))
        return request(self.port, "POST", f"/api/v1/appointments/{appointment}/cancel",
                       self.json_headers, b'{"reason": "Provider unavailable"}')[0]


def booking_document(ref: str, reviewer: str, start: str, hold_id: str | None) -> dict:
    return {
        "case_refs": [ref], "reviewer_id": reviewer, "start": start, "time_zone": ZONE,
        "requesting_provider": {"npi": "1234567893", "name": "Dr. Jane Doe",
                                "email": "jd@clinic.example.org"},
        "contact": {"name": "John Doe", "location": "Provider Office",
                    "phone": "(555) 555-5555", "instructions": "Ask for Dr. Doe"},
        "performer": {"kind": "requesting_provider", "name": "Dr. Jane Doe", "credential": "MD"},
        "acknowledge_consultative_only": True,
        **({"hold_id": hold_id} if hold_id else {}),
    }


def timed(send) -> tuple[float, int]:
    began = time.perf_counter()
    status = send()
    return (time.perf_counter() - began) * 1000, status


def open_loop(mix: Mix, rates: dict[str, float], seconds: float, rng: random.Random) -> dict:
    """Poisson arrivals of each kind at its rate for `seconds`; a latency is counted from the
    instant its request was due."""
    arrivals = []
    for kind, rate in rates.items():
        moment = rng.expovariate(rate)
        while moment < seconds:
            heapq.heappush(arrivals, (moment, kind))
            moment += rng.expovariate(rate)
    stats = defaultdict(Stats)
    lock = threading.Lock()
    began = time.perf_counter()

    def run(due: float, kind: str) -> None:
        status = getattr(mix, kind)()
        if status:
            with lock:
                stats[kind].add((time.perf_counter() - began - due) * 1000, status)

    pool = ThreadPoolExecutor(64)
    futures = []
    while arrivals:
        due, kind = heapq.heappop(arrivals)
        wait = began + due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        futures.append((kind, pool.submit(run, due, kind)))
    # Bounded: what has not started a second after the end (the server fell behind: the
    # pool's 64 clients all wait on it) is not sent.
    grace = time.perf_counter() + 1
    while time.perf_counter() < grace and not all(f.running() or f.done() for _, f in futures):
        time.sleep(0.01)
    pool.shutdown(wait=True, cancel_futures=True)
    unsent = Counter(kind for kind, future in futures if future.cancelled())
    return {"seconds": time.perf_counter() - began, "stats": stats, "unsent": unsent}


def closed_loop(mix: Mix, weights: dict[str, float], clients: int, seconds: float,
                rng: random.Random) -> dict:
    kinds, shares = list(weights), list(weights.values())
    stats = defaultdict(Stats)
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(seed_: int) -> None:
        own = random.Random(seed_)
        while time.perf_counter() < stop_at:
            kind = own.choices(kinds, shares)[0]
            milliseconds, status = timed(getattr(mix, kind))
            if status:
                with lock:
                    stats[kind].add(milliseconds, status)

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(rng.random(),)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"seconds": time.perf_counter() - began, "stats": stats}


def report(title: str, result: dict, kinds: list[str]) -> float:
    seconds, stats = result["seconds"], result["stats"]
    total = sum(len(stats[kind].latencies) for kind in kinds)
    print(f"  {title}: {total / seconds:,.1f} req/s in all over {seconds:.0f} s")
    for kind in kinds:
        print(stats[kind].line(kind, seconds))
    if unsent := result.get("unsent"):
        print(f"    NOT SENT (the server fell behind; due, never started): {dict(unsent)}")
    return total / seconds


def alone(mix: Mix, kinds: list[str], requests: int) -> dict:
    """Each kind by itself from one client: what it costs with nothing queued before it."""
    stats = defaultdict(Stats)
    began = time.perf_counter()
    for kind in kinds:
        for _ in range(requests):
            milliseconds, status = timed(getattr(mix, kind))
            if status:
                stats[kind].add(milliseconds, status)
    return {"seconds": time.perf_counter() - began, "stats": stats}


# A scale ----------------------------------------------------------------------------------------


def run_scale(name: str, args, redis_url: str | None) -> None:
    scale = SCALES[name]
    rng = random.Random(7)
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"\n== {name}: {scale['reviewers']:,} reviewers, {scale['bookings']:,} bookings ==")
    with postgres_database() as url:
        refs = seed(url, scale["reviewers"], scale["bookings"], args.cases, now)
        key = flask("p2p", "create-api-key", f"mix-{uuid.uuid4().hex[:8]}", "--role", "portal",
                    database_url=url).strip().splitlines()[-1]
        environment = {"P2P_RATE_LIMITS": GENEROUS}
        if redis_url:
            environment["REDIS_URL"] = redis_url
        with gunicorn(url, workers=args.workers, extra_env=environment) as port:
            mix = Mix(port, key, refs, now.astimezone(pytz.timezone(ZONE)).date(), rng)
            offered = mix.gather(args.gather)
            for _ in range(20):  # every kind once or more before the clock starts
                for kind in KINDS:
                    getattr(mix, kind)()
            for _ in range(40):
                mix.book()
            print(f"  {offered:,} offered times gathered from {args.gather} searches; "
                  f"load average {os.getloadavg()[0]:.1f}")
            floor = closed_loop(mix, {"healthz": 1}, 1, 5, rng)
            report("floor, one client", floor, ["healthz"])
            single = alone(mix, KINDS, args.alone)
            print(f"  each kind alone, one client, {args.alone} requests each:")
            for kind in KINDS:
                print(single["stats"][kind].line(kind))
            print(f"    a search's answer: {statistics.median(mix.search_bytes) / 1000:,.0f} KB "
                  "(median; the week's times of every trained reviewer, 7:00-19:00 Mon-Fri)")
            for cases_per_day in scale["traffic"]:
                rates = burst_rates(cases_per_day)
                day = {kind: cases_per_day * share for kind, share in PER_CASE.items()}
                print(f"  traffic of {cases_per_day:,} new cases a day: "
                      + ", ".join(f"{k} {v:,.0f}" for k, v in day.items()) + " a day")
                print("    burst rates (req/s): "
                      + ", ".join(f"{k} {v:.3f}" for k, v in rates.items())
                      + f"; in all {sum(rates.values()):.2f}")
                burst = open_loop(mix, {**rates, "healthz": FLOOR_RATE}, args.burst_seconds, rng)
                report(f"burst of {cases_per_day:,} cases a day (open loop)", burst,
                       ["healthz", *KINDS])
            capacity = closed_loop(mix, capacity_weights(), args.clients, args.capacity_seconds,
                                   rng)
            most = report(f"capacity ({args.clients} clients, closed loop)", capacity,
                          ["healthz", *KINDS])
            for cases_per_day in scale["traffic"]:
                wanted = sum(burst_rates(cases_per_day).values())
                print(f"  capacity / burst of {cases_per_day:,} cases a day ({wanted:.1f} "
                      f"req/s): {most / wanted:.1f}x")
            print(f"  load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=[*SCALES, "both"], default="both")
    parser.add_argument("--burst-seconds", type=float, default=60)
    parser.add_argument("--capacity-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--cases", type=int, default=400, help="cases the portal asks about")
    parser.add_argument("--gather", type=int, default=40, help="searches for times to book")
    parser.add_argument("--alone", type=int, default=30, help="requests of each kind alone")
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="where the limits count ('none': in each process)",
    )
    args = parser.parse_args()
    redis_url = None if args.redis == "none" else args.redis
    print(f"per new case: {', '.join(f'{k} {v:g}' for k, v in PER_CASE.items())}; a day's "
          f"traffic in {BUSY_SECONDS // 3600} busy hours; bursts {BURST}x the average")
    print(f"gunicorn {args.workers} workers; limits counted in {redis_url or 'each process'}; "
          f"burst {args.burst_seconds:g} s, capacity {args.capacity_seconds:g} s per scale")
    for name in SCALES if args.scale == "both" else [args.scale]:
        run_scale(name, args, redis_url)


if __name__ == "__main__":
    main()
