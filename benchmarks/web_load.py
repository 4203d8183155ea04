"""Load test of the web site: `probity serve` under 50 concurrent clients, scenario by scenario.

    .venv/bin/python benchmarks/web_load.py                 # 15 s a scenario, 50 clients
    .venv/bin/python benchmarks/web_load.py --seconds 5 --workers 3 --threads 2

Starts `probity serve` itself on a free loopback port with a throwaway PROBITY_HOME (or
--home, kept, so a second run skips computing embeddings), waits until pages and searches
answer, drives it with asyncio and aiohttp, and stops it at the end (on error too). Traffic
goes to 127.0.0.1 only, and every scenario is bounded in time (--seconds) and in requests
(--max-requests).

Scenarios: a static file served by the same server (the baseline every other scenario is
compared with), clause pages, the search page (a few queries) and POST /api/advise (a few
situations). For each: requests/s, p50/p95/p99 latency, errors, the throughput and p95
relative to the static file, and the CPU time a request of the server (gunicorn's master and
workers) and of this client. The aims for clause pages are p95 <= 100 ms and >= 300 req/s.

The client shares the machine's cores with the server, and so does anything else running:
the load average is printed before and after. Latency and throughput move with that load;
CPU time a request hardly does, and "req/s if N free" turns it into what the server alone
could do on the machine's N cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import aiohttp

HOST = "127.0.0.1"
START_TIMEOUT = 300.0  # seconds; the first start with a new PROBITY_HOME computes embeddings
REQUEST_TIMEOUT = 30.0  # seconds for one request; a slower answer counts as an error
AIM_CLAUSE_P95_MS = 100.0
AIM_CLAUSE_RPS = 300.0


class Request(NamedTuple):
    method: str
    path: str
    body: bytes | None = None


class Scenario(NamedTuple):
    name: str
    requests: tuple[Request, ...]  # taken in turn, so each scenario mixes a few inputs


def _situation(roles: dict, matter: str, facts: dict) -> Request:
    body = json.dumps({"roles": roles, "matter": matter, "facts": facts}).encode()
    return Request("POST", "/api/advise", body)


SCENARIOS = (
    Scenario("static", (Request("GET", "/static/govuk/probity.css"),)),
    Scenario(
        "clause",
        tuple(
            Request("GET", f"/codes/{path}")
            for path in (
                "essex-probation/7.4",
                "essex-probation/1.1",
                "opcc/2.1",
                "probation-institute/value.1",
                "moj-volunteers/must.1",
            )
        ),
    ),
    Scenario(
        "search",
        tuple(
            Request("GET", f"/search?q={query}")
            for query in (
                "gift+from+a+service+user",
                "can+I+do+uber+driving+at+weekends",
                "social+media",
                "relationship+with+a+colleague",
                "political+activity",
            )
        ),
    ),
    Scenario(
        "advise",
        (
            _situation(
                {"essex-probation": "employee"},
                "gift",
                {"offered_by": "service-user"},
            ),
            _situation(
                {"essex-probation": "employee", "probation-institute": "member"},
                "gift",
                {"offered_by": "service-user", "kind": "item", "value_gbp": 10},
            ),
            _situation({"opcc": "employee"}, "outside-employment", {}),
            _situation({"essex-probation": "employee"}, "relationship", {}),
        ),
    ),
)


class Result(NamedTuple):
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]  # of the answers that were not errors
    server_cpu_s: float = 0.0  # CPU time of gunicorn's master and workers meanwhile
    client_cpu_s: float = 0.0  # CPU time of this process meanwhile

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.requests if self.requests else float("nan")

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        if len(self.latencies_ms) == 1:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[round(p) - 1]


def group_cpu_seconds(group: int) -> float:
    """CPU time of a process group's live processes and of the children they have reaped.

    Under contention from other work, latency and throughput say little about the server;
    CPU time a request says what it costs wherever it runs.
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group:  # pgrp; then utime, stime, cutime, cstime
            total += sum(int(value) for value in fields[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(
    workers: int, threads: int, log_path: Path, home: Path | None = None
) -> Iterator[tuple[str, int]]:
    """`probity serve` on a free loopback port with a throwaway home; stopped on leaving.

    Yields its address and its process group (its own session: the master and workers).
    """
    port = free_port()
    throwaway = home is None
    if home is None:
        home = Path(tempfile.mkdtemp(prefix="probity-load-"))
    env = {**os.environ, "PROBITY_HOME": str(home)}
    for name in ("DATABASE_URL", "PROBITY_DEBUG", "PROBITY_HTTPS", "PROBITY_ALLOWED_HOSTS"):
        env.pop(name, None)
    command = [sys.executable, "-m", "probity", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers), "--threads", str(threads)]
    with open(log_path, "wb") as log:
        # A session of its own: the gunicorn master and its workers are one process group,
        # which is stopped as a whole however this function is left.
        server = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            base = f"http://{HOST}:{port}"
            asyncio.run(_wait_until_up(base, server, connections=2 * workers * threads))
            yield base, server.pid
        finally:
            _stop(server)
            if throwaway:
                shutil.rmtree(home, ignore_errors=True)


async def _wait_until_up(base: str, server: subprocess.Popen, connections: int) -> None:
    """Until pages answer, then until searches do on every connection at once.

    Each worker loads the search model in the background as it starts and a search waits for
    it; `connections` searches at once reach every worker, so none is still loading (and
    taking CPU from the others) when the measuring starts.
    """
    deadline = time.monotonic() + START_TIMEOUT

    async def answers(session: aiohttp.ClientSession, path: str) -> bool:
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.get(base + path) as response:
                await response.read()
                return response.status == 200
        return False

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for path, at_once in (("/codes", 1), ("/search?q=gift+from+a+service+user", connections)):
            while time.monotonic() < deadline:
                if server.poll() is not None:
                    raise RuntimeError(f"probity serve exited with status {server.returncode}")
                if all(await asyncio.gather(*(answers(session, path) for _ in range(at_once)))):
                    break
                await asyncio.sleep(0.5)
            else:
                raise RuntimeError(f"probity serve did not answer within {START_TIMEOUT:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


async def drive(
    base: str, scenario: Scenario, *, clients: int, seconds: float, max_requests: int
) -> Result:
    """`clients` loops sending the scenario's requests back to back until time or count runs out."""
    connector = aiohttp.TCPConnector(limit=clients, force_close=False)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    json_body = {"Content-Type": "application/json"}
    turns = itertools.cycle(scenario.requests)
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def client() -> None:
            while time.perf_counter() < deadline and counts["requests"] < max_requests:
                request = next(turns)
                counts["requests"] += 1
                sent = time.perf_counter()
                try:
                    async with session.request(
                        request.method,
                        base + request.path,
                        data=request.body,
                        headers=json_body if request.body else None,
                    ) as response:
                        await response.read()
                        ok = response.status == 200
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - sent) * 1000)
                else:
                    counts["errors"] += 1

        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return Result(scenario.name, counts["requests"], counts["errors"], elapsed, latencies)


def report(results: list[Result]) -> str:
    """The figures, each scenario against the static file; CPU a request, server and client."""
    baseline = next((r for r in results if r.name == "static"), None)
    cores = os.cpu_count() or 1
    lines = [
        f"{'scenario':9} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6} "
        f"{'req/s÷static':>12} {'p95÷static':>10} {'server CPU':>10} {'client CPU':>10} "
        f"{'req/s if':>9}",
        f"{'':9} {'':>7} {'':>8} {'':>8} {'':>8} {'':>6} {'':>12} {'':>10} "
        f"{'ms/req':>10} {'ms/req':>10} {f'{cores} free':>9}",
    ]
    for result in results:
        if baseline and baseline.per_second and baseline.percentile(95):
            speed = f"{result.per_second / baseline.per_second:.2f}x"
            slowness = f"{result.percentile(95) / baseline.percentile(95):.1f}x"
        else:
            speed = slowness = "-"
        server_ms = result.cpu_ms(result.server_cpu_s)
        capacity = cores * 1000 / server_ms if server_ms > 0 else float("nan")
        lines.append(
            f"{result.name:9} {result.per_second:7.1f} {result.percentile(50):8.1f} "
            f"{result.percentile(95):8.1f} {result.percentile(99):8.1f} {result.errors:6d} "
            f"{speed:>12} {slowness:>10} {server_ms:10.2f} "
            f"{result.cpu_ms(result.client_cpu_s):10.2f} {capacity:9.0f}"
        )
    lines.append(
        f"('req/s if {cores} free': what the server's CPU a request allows on {cores} cores with "
        "nothing else running, this client included)"
    )
    clause = next((r for r in results if r.name == "clause"), None)
    if clause:
        p95, rate = clause.percentile(95), clause.per_second
        lines.append("")
        lines.append(
            f"aim: clause p95 <= {AIM_CLAUSE_P95_MS:.0f} ms: {p95:.1f} ms "
            f"({'met' if p95 <= AIM_CLAUSE_P95_MS else 'NOT met'})"
        )
        lines.append(
            f"aim: clause >= {AIM_CLAUSE_RPS:.0f} req/s: {rate:.1f} req/s "
            f"({'met' if rate >= AIM_CLAUSE_RPS else 'NOT met'})"
        )
    return "\n".join(lines)


def _load() -> str:
    """The machine's load average: other work on the same cores skews every figure."""
    return "/".join(f"{load:.1f}" for load in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=15.0, help="measured time a scenario")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="unmeasured time a scenario, first"
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="at most this many requests a scenario"
    )
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads a worker (serve's)")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=[s.name for s in SCENARIOS],
        help="run only these (repeatable); the static baseline always runs",
    )
    parser.add_argument(
        "--home",
        type=Path,
        help="use this PROBITY_HOME and keep it (the next run skips computing embeddings); "
        "a throwaway one otherwise",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.clients < 1 or args.max_requests < 1:
        parser.error("--seconds, --clients and --max-requests must be positive")

    if args.workers is None or args.threads is None:
        from probity.cli import DEFAULT_THREADS, DEFAULT_WORKERS

        args.workers = args.workers or DEFAULT_WORKERS
        args.threads = args.threads or DEFAULT_THREADS
    workers, threads = args.workers, args.threads
    chosen = set(args.scenario or [s.name for s in SCENARIOS]) | {"static"}
    scenarios = [s for s in SCENARIOS if s.name in chosen]

    def run(server: tuple[str, int], scenario: Scenario, seconds: float) -> Result:
        base, group = server
        server_cpu, client_cpu = group_cpu_seconds(group), time.process_time()
        result = asyncio.run(
            drive(
                base, scenario, clients=args.clients, seconds=seconds,
                max_requests=args.max_requests,
            )
        )  # fmt: skip
        return result._replace(
            server_cpu_s=group_cpu_seconds(group) - server_cpu,
            client_cpu_s=time.process_time() - client_cpu,
        )

    log_path = Path(tempfile.gettempdir()) / f"probity-web-load-{os.getpid()}.log"
    print(
        f"probity serve --workers {workers} --threads {threads}; {args.clients} clients, "
        f"{args.seconds:g} s a scenario (after {args.warmup:g} s of warm-up each); "
        f"{os.cpu_count()} cores "
        f"shared with this client (server log: {log_path})",
        flush=True,
    )
    load_before = _load()
    results = []
    with running_server(workers, threads, log_path, args.home) as server:
        # Warm every scenario before measuring any (each worker's first requests compile
        # templates, fill caches and load the search model).
        if args.warmup > 0:
            print("  warming up…", flush=True)
            for scenario in scenarios:
                run(server, scenario, seconds=args.warmup)
        for scenario in scenarios:
            print(f"  {scenario.name}…", flush=True)
            results.append(run(server, scenario, seconds=args.seconds))
    print()
    print(report(results))
    print(f"load average (1, 5, 15 min): {load_before} before, {_load()} after")
    if args.json:
        figures = {
            "workers": workers,
            "threads": threads,
            "clients": args.clients,
            "seconds": args.seconds,
            "scenarios": {
                r.name: {
                    "requests": r.requests,
                    "errors": r.errors,
                    "per_second": round(r.per_second, 1),
                    "p50_ms": round(r.percentile(50), 2),
                    "p95_ms": round(r.percentile(95), 2),
                    "p99_ms": round(r.percentile(99), 2),
                    "server_cpu_ms_per_request": round(r.cpu_ms(r.server_cpu_s), 3),
                    "client_cpu_ms_per_request": round(r.cpu_ms(r.client_cpu_s), 3),
                }
                for r in results
            },
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
