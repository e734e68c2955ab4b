"""Load generator, in a process of its own: wrk (Debian's package) or a Python fallback client.

Both read the same requests file (one request per line: METHOD, PATH, BODY, headers; tab-separated)
and send the requests in turn over C connections for D seconds; both report the same figures:
requests, seconds, requests per second, latency percentiles (from sending a request to the end of
its response, on the client, over loopback) and errors (socket errors, and statuses >= 400, as wrk
counts them). wrk is preferred: a Python client on a 2-core machine takes CPU from the server.

    python -m bench.loadgen --url http://127.0.0.1:PORT --requests FILE -c 8 -d 10   (fallback)
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

WRK_SCRIPT = Path(__file__).with_name("wrk_requests.lua")
MARKER = "BENCH_JSON "


@dataclasses.dataclass(frozen=True)
class Request:
    """One HTTP request of a load."""

    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None

    def line(self) -> str:
        """Return the request as one line of the requests file."""
        fields = [self.method, self.path, self.body or ""]
        fields += [f"{name}: {value}" for name, value in self.headers.items()]
        if any("\t" in field or "\n" in field for field in fields):
            raise ValueError(f"tab or newline in a request field: {fields}")
        return "\t".join(fields)


def read_requests(path: Path) -> list[Request]:
    """Read a requests file."""
    requests = []
    for line in path.read_text(encoding="utf-8").splitlines():
        method, target, body, *headers = line.split("\t")
        pairs = dict(header.split(": ", 1) for header in headers)
        requests.append(Request(method, target, pairs, body or None))
    return requests


def available_generator(preferred: str = "auto") -> str:
    """Return 'wrk' if installed (as root: installed with apt first), else 'python'."""
    if preferred == "python":
        return "python"
    if shutil.which("wrk") is None and preferred in {"auto", "wrk"} and os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "wrk"],
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            capture_output=True,
            check=False,
        )
    if shutil.which("wrk"):
        return "wrk"
    if preferred == "wrk":
        raise SystemExit("wrk is not installed: apt-get install -y wrk (as root)")
    return "python"


def run_load(
    generator: str,
    base_url: str,
    requests: Sequence[Request],
    connections: int,
    duration: float,
    threads: int = 1,
) -> dict:
    """Send the requests over `connections` connections for `duration` seconds; return figures."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        path = Path(folder) / "requests.tsv"
        path.write_text("\n".join(r.line() for r in requests) + "\n", encoding="utf-8")
        if generator == "wrk":
            raw = _run_wrk(base_url, path, connections, duration, min(threads, connections))
        else:
            raw = _run_python(base_url, path, connections, duration)
    return summarise(raw, generator, connections)


def _run_wrk(base_url: str, path: Path, connections: int, duration: float, threads: int) -> dict:
    """Run wrk with our Lua script and return its JSON line."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
    command += ["--timeout", "10s", "-s", str(WRK_SCRIPT), base_url]
    done = subprocess.run(
        command,
        env={**os.environ, "BENCH_REQUESTS": str(path)},
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    )
    return _marked_json(done.stdout)


def _run_python(base_url: str, path: Path, connections: int, duration: float) -> dict:
    """Run the fallback client in a process of its own and return its JSON line."""
    command = [sys.executable, "-m", "bench.loadgen", "--url", base_url, "--requests", str(path)]
    command += ["-c", str(connections), "-d", str(duration)]
    root = str(Path(__file__).resolve().parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.getenv("PYTHONPATH")])),
    }
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=True
    )
    return _marked_json(done.stdout)


def _marked_json(output: str) -> dict:
    """Return the JSON object on the marked line of a generator's output."""
    for line in output.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError(f"no figures in the load generator's output: {output[-2000:]}")


def summarise(raw: dict, generator: str, connections: int) -> dict:
    """Turn a generator's raw figures into the benchmark's (milliseconds, requests per second)."""
    seconds = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    socket_errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors"))
    socket_errors += raw["timeouts"]
    return {
        "generator": generator,
        "connections": connections,
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else None,
        "p50_ms": round(latency["p50"] / 1000, 2),
        "p95_ms": round(latency["p95"] / 1000, 2),
        "p99_ms": round(latency["p99"] / 1000, 2),
        "mean_ms": round(latency["mean"] / 1000, 2),
        "max_ms": round(latency["max"] / 1000, 2),
        "status_errors": raw["status_errors"],
        "socket_errors": socket_errors,
        "errors": raw["status_errors"] + socket_errors,
    }


class FallbackClient:
    """Threads with one keep-alive connection each (reopened when the server closes it)."""

    def __init__(self, base_url: str, requests: list[Request], connections: int, duration: float):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.requests, self.connections, self.duration = requests, connections, duration
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors = {"status_errors": 0, "read_errors": 0, "bytes": 0}

    def run(self) -> dict:
        """Run the load and return the raw figures in wrk's form."""
        deadline = time.perf_counter() + self.duration
        started = time.perf_counter()
        workers = [
            threading.Thread(target=self._loop, args=(n, deadline)) for n in range(self.connections)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        return self._raw(time.perf_counter() - started)

    def _loop(self, number: int, deadline: float) -> None:
        """Send requests in turn until the deadline."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        position, latencies, errors = number * 7, [], {"status_errors": 0, "read_errors": 0}
        size = 0
        bodies = {id(r): r.body.encode() if r.body else None for r in self.requests}
        while time.perf_counter() < deadline:
            request = self.requests[position % len(self.requests)]
            position += 1
            started = time.perf_counter()
            try:
                conn.request(request.method, request.path, bodies[id(request)], request.headers)
                response = conn.getresponse()
                size += len(response.read())
            except (OSError, http.client.HTTPException):
                errors["read_errors"] += 1
                conn.close()
                continue
            latencies.append(time.perf_counter() - started)
            if response.status >= 400:
                errors["status_errors"] += 1
        conn.close()
        with self.lock:
            self.latencies += latencies
            for key, value in errors.items():
                self.errors[key] += value
            self.errors["bytes"] += size

    def _raw(self, seconds: float) -> dict:
        """Return the figures as wrk's script prints them."""
        ordered = sorted(self.latencies) or [0.0]

        def pct(share: float) -> int:
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1e6)

        return {
            "requests": len(self.latencies) + self.errors["read_errors"],
            "duration_us": round(seconds * 1e6),
            "bytes": self.errors["bytes"],
            "connect_errors": 0,
            "read_errors": self.errors["read_errors"],
            "write_errors": 0,
            "status_errors": self.errors["status_errors"],
            "timeouts": 0,
            "latency_us": {
                "p50": pct(0.5),
                "p95": pct(0.95),
                "p99": pct(0.99),
                "mean": sum(ordered) / len(ordered) * 1e6,
                "max": round(ordered[-1] * 1e6),
            },
        }


def main(argv: Sequence[str] | None = None) -> None:
    """Run the fallback client and print its figures on a marked line."""
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--requests", type=Path, required=True)
    parser.add_argument("-c", "--connections", type=int, default=8)
    parser.add_argument("-d", "--duration", type=float, default=10.0)
    args = parser.parse_args(argv)
    client = FallbackClient(args.url, read_requests(args.requests), args.connections, args.duration)
    print(MARKER + json.dumps(client.run()), flush=True)


if __name__ == "__main__":
    main()
