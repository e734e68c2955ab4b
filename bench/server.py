"""The real service under gunicorn on a free loopback port, for the duration of a benchmark.

`gunicorn -c deploy/gunicorn.conf.py --workers 2 --bind 127.0.0.1:PORT` (the production settings:
threaded workers), or with `server="sync"` gunicorn's default sync workers and no config file;
from the project root, with the database in TRACKER_DATABASE_URL and no other TRACKER_* variable
inherited (an unknown one stops the service). Workers' resident memory is read from /proc.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.secret import throwaway_secret

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_CONFIG = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
SERVERS = ("production", "sync")
READY_PATH = "/api/v1/openapi.json"


def free_port() -> int:
    """Return a TCP port that is free on the loopback interface now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_environment(database_url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Return the service's environment: ours without TRACKER_*, plus the benchmark's settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    pythonpath = [str(PROJECT_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    env.update(
        PYTHONPATH=os.pathsep.join(pythonpath),
        TRACKER_DATABASE_URL=database_url,
        TRACKER_SECRET_KEY=throwaway_secret(),
        TRACKER_LOG_LEVEL="WARNING",
    )
    env.update(extra or {})
    return env


class Gunicorn:
    """A gunicorn master with its workers, started and stopped by us (by pid, never by name)."""

    def __init__(
        self,
        database_url: str,
        workers: int = 2,
        log_path: Path | None = None,
        server: str = "production",
    ):
        if server not in SERVERS:
            raise ValueError(f"server must be one of {SERVERS}")
        self.port = free_port()
        self.workers = workers
        self.server = server
        self.database_url = database_url
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        """Start the master and wait until every worker answers."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *(["-c", str(PRODUCTION_CONFIG)] if self.server == "production" else []),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--backlog",
            "256",
            *private_control(),
            "wsgi:app",
        ]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=service_environment(self.database_url),
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        """Poll until the workers are up and a request succeeds (twice: one per worker, likely)."""
        deadline = time.monotonic() + timeout
        answered = 0
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            if len(self.worker_pids()) >= self.workers and _answers(self.port):
                answered += 1
                if answered >= self.workers:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer on port {self.port} within {timeout} s")

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's children (the workers)."""
        if self.process is None:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        """Return each worker's resident memory now, in MB."""
        return [rss for pid in self.worker_pids() if (rss := rss_mb(pid)) is not None]

    def worker_cpu_s(self) -> float:
        """Return the CPU time the workers have used so far, in seconds.

        Workers that exited (recycled after max_requests, or killed) count through the master's
        reaped-children times, so a replaced worker's CPU is not lost from the difference.
        """
        live = sum(cpu_seconds(pid) for pid in self.worker_pids())
        return live + (cpu_seconds(self.process.pid, children=True) if self.process else 0.0)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the master to stop gracefully (it stops its workers); kill it if it lingers."""
        stop_gracefully(self.process, timeout)

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def stop_gracefully(process: subprocess.Popen | None, timeout: float = 30.0) -> None:
    """SIGTERM a process we started in its own session; kill its process group if it lingers."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def private_control() -> list[str]:
    """Turn off gunicorn's control socket where it has one (one shared path per user)."""
    done = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True, check=False
    )
    return ["--no-control-socket"] if "--no-control-socket" in done.stdout else []


def cpu_seconds(pid: int, children: bool = False) -> float:
    """Return a process's user + system CPU time in seconds (0 if it is gone).

    With `children`, the CPU time of its children that it has waited for instead.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    first = 13 if children else 11  # utime, stime; cutime, cstime (proc(5), after the name)
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """Return a process's resident memory (VmRSS) in MB, None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _answers(port: int) -> bool:
    """Return whether the service answers a public request with 200."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", READY_PATH)
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except OSError:
        return False
