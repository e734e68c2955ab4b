"""The Redmine peer for `bench.run --compare-redmine`: the same requests, the same load generator.

`redmine_peer.sh` (../shared/peer/, run as root) installs Redmine 5 from Debian's packages with
SQLite and puma (2 workers x 1 thread) on loopback and seeds `PEER_ISSUES` issues
(`PEER_SEED_MODE=bulk`). We start it with `all`, send it the equivalent of our requests with the
same generator, connections and durations, time its `send_reminders` once, then `stop` it and
`reset` its database to the seeded snapshot (our creations removed) - only if we started it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import subprocess
from pathlib import Path

from bench.loadgen import Request
from bench.server import cpu_seconds, rss_mb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRIPT_PLACES = (
    PROJECT_ROOT.parent / "shared" / "peer" / "redmine_peer.sh",
    Path("/work/shared/peer/redmine_peer.sh"),
)
ASSIGNEE = 5  # the user the peer's own benchmark filters on
PAGE = 100


def find_script(given: str | None) -> Path:
    """Return the peer script: the one given, else ../shared/peer/redmine_peer.sh."""
    for place in [Path(given)] if given else SCRIPT_PLACES:
        if place.is_file():
            return place
    raise SystemExit(
        "redmine_peer.sh not found: pass --redmine-script PATH (it lives in ../shared/peer/)"
    )


class RedminePeer:
    """Drives redmine_peer.sh and knows the requests Redmine understands."""

    def __init__(self, script: Path, issues: int = 10_000, log_path: Path | None = None):
        self.script, self.issues, self.log_path = script, issues, log_path
        self.peer_dir = Path(os.environ.get("PEER_DIR", "/tmp/peer"))
        self.port = int(os.environ.get("PEER_PORT", "3000"))
        self.started_by_us = False

    def command(self, name: str, timeout: float = 1800) -> str:
        """Run one command of the peer script; return its standard output."""
        if os.geteuid() != 0:
            raise SystemExit("--compare-redmine needs root: redmine_peer.sh installs packages")
        env = {**os.environ, "PEER_SEED_MODE": "bulk", "PEER_ISSUES": str(self.issues)}
        done = subprocess.run(
            [str(self.script), name], env=env, capture_output=True, text=True, timeout=timeout
        )
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as log:
                log.write(f"$ {self.script} {name}\n{done.stdout}{done.stderr}\n")
        if done.returncode != 0:
            raise RuntimeError(f"redmine_peer.sh {name} failed: {done.stderr[-1500:]}")
        return done.stdout

    @property
    def puma_pid(self) -> int | None:
        """Return the pid of the running puma master, if any."""
        try:
            pid = int((self.peer_dir / "run" / "puma.pid").read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if Path(f"/proc/{pid}").exists() else None

    def start(self) -> None:
        """Install (idempotent), start and seed the peer; remember whether we started it."""
        self.started_by_us = self.puma_pid is None
        self.command("all")

    def finish(self) -> None:
        """Stop the peer and restore its seeded database, if we started it."""
        if self.started_by_us:
            self.command("stop")
            self.command("reset")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def headers(self) -> dict[str, str]:
        """The admin API key header, and Connection: close as the peer's own wrk runs use."""
        key = (self.peer_dir / "run" / "admin_api_key").read_text().strip()
        return {"X-Redmine-API-Key": key, "Connection": "close"}

    def page_request(self) -> Request:
        """A page of 100 of one assignee's open issues, soonest due first, with total_count."""
        path = f"/issues.json?project_id=bench&assigned_to_id={ASSIGNEE}&status_id=open"
        return Request("GET", f"{path}&sort=due_date&limit={PAGE}", self.headers())

    def reference_request(self) -> Request:
        """The peer's own filtered page (due within 7 days), the issue's 115 ms reference."""
        week = (dt.date.today() + dt.timedelta(days=7)).isoformat()
        path = f"/issues.json?limit={PAGE}&assigned_to_id={ASSIGNEE}&status_id=open"
        return Request("GET", f"{path}&due_date=%3C%3D{week}", self.headers())

    def get_requests(self, count: int = 1000) -> list[Request]:
        """GET one issue, for issues spread over the table."""
        last = self.issue_count()
        step = max(1, last // count)
        return [Request("GET", f"/issues/{i}.json", self.headers()) for i in range(1, last, step)]

    def create_request(self) -> Request:
        """Create an issue like the peer's own benchmark does (due outside the reminder window)."""
        due = (dt.date.today() + dt.timedelta(days=200)).isoformat()
        body = {
            "issue": {
                "project_id": "bench",
                "tracker_id": 1,
                "subject": "bench.run creation",
                "description": "created by bench.run",
                "assigned_to_id": ASSIGNEE,
                "due_date": due,
            }
        }
        headers = self.headers() | {"Content-Type": "application/json"}
        return Request("POST", "/issues.json", headers, json.dumps(body))

    def fetch(self, request: Request) -> dict:
        """Send one request and return its JSON body (failing on an error status)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(request.method, request.path, request.body, request.headers)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status >= 400:
            raise RuntimeError(f"Redmine {request.path}: {response.status} {body[:300]!r}")
        return json.loads(body)

    def issue_count(self) -> int:
        """Return the number of issues of the bench project."""
        return self.fetch(
            Request("GET", "/issues.json?project_id=bench&status_id=*&limit=1", self.headers())
        )["total_count"]

    def reminders(self) -> dict:
        """Time `rake redmine:send_reminders` once (the peer's `reminders` command)."""
        lines = [line for line in self.command("reminders").splitlines() if line.startswith("{")]
        return json.loads(lines[-1])

    def worker_pids(self) -> list[int]:
        """Return the pids of the puma workers."""
        pid = self.puma_pid
        if pid is None:
            return []
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def worker_rss_mb(self) -> list[float]:
        """Return the puma workers' resident memory, in MB."""
        return [rss for pid in self.worker_pids() if (rss := rss_mb(pid)) is not None]

    def worker_cpu_s(self) -> float:
        """Return the CPU time the puma workers have used so far, in seconds."""
        return sum(cpu_seconds(pid) for pid in self.worker_pids())
