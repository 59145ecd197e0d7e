"""`make test-contract`: schemathesis against the real service, bounded.

A fresh SQLite database is migrated and loaded with the demo (policies, cases, 300
reviewers, a portal and an admin key); `gunicorn wsgi:app` serves it on a free port; then
`st run` (tests/contract/schemathesis.toml, the hooks of tests/contract/hooks.py) sends the
examples, fuzzing and stateful phases at /api/v1/openapi.json with the admin key. The
stored state a schema cannot name is read from the running service (the reviewers offered
for two seeded cases and their free starts, another reviewer for time off) and handed to
the hooks, so that generated bookings, holds, reschedules, slot searches and waitlist
entries reach the scheduling code and succeed, and the stateful phase can follow a booking
through its links; the members' dates of birth go to schemathesis as a dictionary.

Fails (non-zero) on any failed check, on a server error in gunicorn's log, on the
"schema validation mismatch" warning, and on a run longer than CONTRACT_TIMEOUT.
"""

import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from p2p.demo.reviewers import demo_reviewers
from p2p.schemas.policy_file import DEFAULT_POLICY_FILE

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
# Each phase's test cases per operation, and the whole run's time budget (seconds).
MAX_EXAMPLES = os.environ.get("CONTRACT_MAX_EXAMPLES", "15")
# No --max-time by default: with one, schemathesis repeats fuzzing and stateful testing
# until it is spent, and each repeat is judged on its own few cases. Bounded by the
# examples instead, and by TIMEOUT (seconds) as a failure.
MAX_TIME = os.environ.get("CONTRACT_MAX_TIME", "")
TIMEOUT = int(os.environ.get("CONTRACT_TIMEOUT", "420"))
# A pinned seed, so that CI sends the same inputs every time (the free starts still depend on
# today, and two workers interleave); CONTRACT_SEED= (empty) for a random one.
SEED = os.environ.get("CONTRACT_SEED", "20261202")
# The coverage phase is left out by default: it enumerates every boundary of every schema
# (each of the 600 time zones among them), is not bounded by --max-time, and took over five
# minutes here on its own. `CONTRACT_PHASES=examples,coverage,fuzzing,stateful` runs it.
PHASES = os.environ.get("CONTRACT_PHASES", "examples,fuzzing,stateful")
# Where schemathesis's JSON and JUnit reports go (default: the run's temporary directory).
REPORTS = os.environ.get("CONTRACT_REPORTS", "")
# The abuse limits stay on (they are part of what is tested) but far above this run.
GENEROUS = "100000 per minute"
RATE_LIMITS = ",".join(
    f"{kind}={GENEROUS}" for kind in ("availability", "holds", "bookings", "sign_in")
)
# Two demo cases of one type and state: every start offered for both is offered for each.
BOOKABLE = ("DEMO-MEDICAID-OPEN", "DEMO-PARTIAL")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, key: str) -> dict:
    request = urllib.request.Request(  # noqa: S310 (our own service on loopback)
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {key}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return json.load(answer)


def seed(environment: dict) -> dict:
    """Migrate and load the demo; its keys and members' dates of birth."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=environment, cwd=ROOT, check=True,  # noqa: S603
                   capture_output=True)
    demo = subprocess.run([*flask, "p2p", "demo"], env=environment, cwd=ROOT, check=True,  # noqa: S603
                          capture_output=True, text=True).stdout
    keys = dict(re.findall(r"API key demo-(\w+) \(\w+\): (\S+)", demo))
    dobs = dict(re.findall(r"^\s+(DEMO-[A-Z-]+)\s+DOB (\S+)", demo, re.MULTILINE))
    return {"portal": keys["portal"], "admin": keys["admin"], "dobs": dobs}


def bookable(port: int, key: str) -> list[tuple[str, str]]:
    """(reviewer, free start) of the reviewers offered for every bookable case (those that
    need no call-note acknowledgement), four weeks."""
    cases = ",".join(BOOKABLE)
    pairs: list[tuple[str, str]] = []
    today = datetime.now(UTC).date()
    for days in (7, 14, 21, 28):
        week = today + timedelta(days=days)
        found = get(port, f"/api/v1/slots?case_refs={cases}&time_zone=America/New_York"
                          f"&week_of={week.isoformat()}", key)
        for group in found["groups"]:
            for entry in group["reviewers"]:
                if not entry["required_call_notes"]:
                    pairs += [(entry["reviewer_id"], slot["start"]) for slot in entry["slots"]]
    assert pairs, "the demo offers no slot to book"
    # Spread over the reviewers, so that consecutive bookings rarely meet on one calendar.
    random.Random(0).shuffle(pairs)
    return pairs


def values(directory: Path, pairs: list[tuple[str, str]]) -> Path:
    """The stored state tests/contract/hooks.py writes into generated requests."""
    booked = {reviewer for reviewer, _ in pairs}
    other = next(rid for rid, _ in demo_reviewers() if rid not in booked)
    path = directory / "values.json"
    path.write_text(json.dumps({
        "cases": list(BOOKABLE),
        "pairs": pairs,
        "other_reviewer": other,
        "before": (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds"),
        "determined": (datetime.now(UTC) - timedelta(days=2)).isoformat(timespec="seconds"),
        "week_of": (datetime.now(UTC) + timedelta(days=7)).date().isoformat(),
        "policies": [[policy["health_plan"], policy["line_of_business"]]
                     for policy in json.loads(DEFAULT_POLICY_FILE.read_text())["policies"]],
    }))
    return path


def config(directory: Path, dobs: dict) -> Path:
    """tests/contract/schemathesis.toml with this run's cases and members' dates of birth
    as dictionaries."""
    lines = [(HERE / "schemathesis.toml").read_text(), ""]
    for name, items in {"cases": list(BOOKABLE), "dobs": sorted(set(dobs.values()))}.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(items)}", ""]
    path = directory / "schemathesis.toml"
    path.write_text("\n".join(lines))
    return path


def schemathesis(command: list[str], environment: dict, directory: Path) -> tuple[str, int]:
    """`st run`, its output passed on as it comes and kept; a run past TIMEOUT fails."""
    process = subprocess.Popen(  # noqa: S603
        command, cwd=directory, env=environment, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    lines: list[str] = []
    deadline = threading.Timer(TIMEOUT, process.kill)
    deadline.start()
    try:
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
        code = process.wait()
    finally:
        deadline.cancel()
    if code < 0:
        print(f"contract: FAILED, schemathesis still running after {TIMEOUT} s")
        code = 1
    return "".join(lines), code


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="p2p-contract-") as folder:
        directory = Path(folder)
        port = free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{directory / 'p2p.db'}",
            "P2P_BASE_URL": f"http://127.0.0.1:{port}",
            "P2P_RATE_LIMITS": RATE_LIMITS,
            "PYTHONUNBUFFERED": "1",
        }
        environment.pop("REDIS_URL", None)
        started = time.monotonic()
        seeded = seed(environment)
        log = (directory / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "wsgi:app"],
            env={**environment, "P2P_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(100):
                try:
                    get(port, "/readyz", "")
                    break
                except OSError:
                    time.sleep(0.1)
            pairs = bookable(port, seeded["portal"])
            toml = config(directory, seeded["dobs"])
            held = values(directory, pairs)
            print(f"contract: seeded in {time.monotonic() - started:.1f} s; "
                  f"{len(pairs)} free starts of {len({r for r, _ in pairs})} reviewers",
                  flush=True)
            command = [
                str(BIN / "st"), "--config-file", str(toml), "run",
                f"http://127.0.0.1:{port}/api/v1/openapi.json",
                "--header", f"Authorization: Bearer {seeded['admin']}",
                "--max-examples", MAX_EXAMPLES,
                *(["--max-time", MAX_TIME] if MAX_TIME else []),
                "--workers", "2",
                # Bookings' `performer` is one of two shapes (oneOf), which Hypothesis
                # draws by filtering; that is the generator's cost, not the API's answer.
                "--suppress-health-check", "filter_too_much",
                "--report", "json,junit", "--report-dir", REPORTS or str(directory / "report"),
                *(["--seed", SEED] if SEED else []),
                *(["--phases", PHASES] if PHASES else []),
            ]
            output, code = schemathesis(command, {
                **environment, "SCHEMATHESIS_HOOKS": "tests.contract.hooks",
                "P2P_CONTRACT_VALUES": str(held), "PYTHONPATH": str(ROOT),
            }, directory)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        server_errors = [line for line in (directory / "gunicorn.log").read_text().splitlines()
                         if "Traceback" in line or "unhandled error" in line]
        for line in server_errors[:20]:
            print("server:", line)
        print(f"contract: {time.monotonic() - started:.0f} s in all", flush=True)
        # schemathesis exits non-zero on the warnings the config fails on; this says so
        # again from its own words, should a version stop doing it.
        mismatch = "Schema validation mismatch" in output
        if mismatch:
            print("contract: FAILED on the schema validation mismatch warning")
        for line in output.splitlines():
            if line.strip().startswith(("Scenarios:", "API Links:", "Tested:")) or (
                " generated, " in line
            ):
                print("contract:", line.strip())
        return code or (1 if server_errors or mismatch else 0)


if __name__ == "__main__":
    sys.exit(main())
