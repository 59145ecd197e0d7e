"""What every benchmark needs: a throwaway PostgreSQL database, the app served by gunicorn on
loopback, and a bounded load loop that reports throughput and latency percentiles.

Benchmarks print their figures; they never assert on time (machines here are noisy).
"""

import contextlib
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database; dropped afterwards."""
    import psycopg

    name = f"p2p_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = POSTGRES.rsplit("/", 1)[0] + "/" + name
    try:
        flask("db", "upgrade", database_url=url)
        yield url
    finally:
        with psycopg.connect(POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flask(*args: str, database_url: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(
    database_url: str,
    workers: int = 2,
    extra_env: dict | None = None,
    app_spec: str = "wsgi:app",
) -> Iterator[int]:
    """The app served by gunicorn on a free loopback port; yields the port."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # gunicorn.conf.py's access log (written, not shown)
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                status, _ = request(port, "GET", "/readyz")
                if status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not become ready")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def request(
    port: int, method: str, path: str, headers: dict | None = None, body: bytes | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def line(self, label: str) -> str:
        return (
            f"{label}: {self.per_second:,.0f} req/s over {self.requests} requests "
            f"({self.errors} errors), p50 {self.percentile(50):.2f} ms, "
            f"p99 {self.percentile(99):.2f} ms, mean {statistics.fmean(self.latencies_ms):.2f} ms"
        )


def load(
    send: Callable[[int], int], total: int, concurrency: int, max_seconds: float = 60.0
) -> LoadResult:
    """Send `total` requests from `concurrency` threads (bounded in count and time).

    `send(i)` performs request i and returns its HTTP status.
    """
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))
    lock = threading.Lock()
    stop_at = time.monotonic() + max_seconds

    def worker() -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            status = send(i)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if status >= 400:
                    errors += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(len(latencies), errors, time.perf_counter() - began, latencies)
