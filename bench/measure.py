"""The HTTP measurements of `bench.run`, against our service and against the Redmine peer.

Every request carries `Connection: close` (gunicorn's sync workers close anyway; for puma it stops a
keep-alive connection from pinning a client to one worker, as the peer's own wrk runs do), so both
services pay the same loopback connection per request. Latencies are the load generator's (client
side, on loopback, one connection, one request at a time); throughput is with `connections` at once.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlencode

from bench.loadgen import Request, run_load
from bench.redmine import RedminePeer
from bench.server import Gunicorn
from bench.workload import Workload

API = "/api/v1"
PROGRESS = {
    "kind": "progress",
    "summary": "Đã lấy ý kiến các bộ, ngành; đang hoàn thiện",
    "percent": 60,
}


@dataclasses.dataclass(frozen=True)
class LoadPlan:
    """How hard and how long to drive a service."""

    generator: str
    connections: int = 8
    duration: float = 10.0
    latency_duration: float = 10.0
    filter_duration: float = 3.0
    warmup: float = 2.0
    threads: int = 1


@dataclasses.dataclass(frozen=True)
class Target:
    """A service under test: where it listens, and how much CPU its workers have used so far."""

    base_url: str
    plan: LoadPlan
    worker_cpu_s: Callable[[], float]

    def load(
        self,
        requests: Sequence[Request],
        connections: int | None = None,
        duration: float | None = None,
    ) -> dict:
        """Run one load (default: the plan's connections and duration), with workers' CPU."""
        plan = self.plan
        before = self.worker_cpu_s()
        result = run_load(
            plan.generator,
            self.base_url,
            requests,
            connections or plan.connections,
            plan.duration if duration is None else duration,
            plan.threads,
        )
        spent = self.worker_cpu_s() - before
        count = result["requests"]
        result["worker_cpu_ms_per_request"] = round(spent * 1000 / count, 2) if count else None
        return result

    def latency(self, requests: Sequence[Request], duration: float | None = None) -> dict:
        """Run requests one at a time on one connection."""
        return self.load(requests, 1, duration or self.plan.latency_duration)


def log(message: str) -> None:
    """Progress on standard error (standard output carries the JSON)."""
    print(f"[bench.run] {message}", file=sys.stderr, flush=True)


def bearer(token: str, json_body: bool = False) -> dict[str, str]:
    """Request headers of a token."""
    headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
    return headers | ({"Content-Type": "application/json"} if json_body else {})


def get(path: str, params: dict, token: str) -> Request:
    """A GET of an API path with query parameters."""
    query = f"?{urlencode(params)}" if params else ""
    return Request("GET", f"{API}{path}{query}", bearer(token))


def post(path: str, body: dict, token: str) -> Request:
    """A JSON POST to an API path."""
    return Request(
        "POST", f"{API}{path}", bearer(token, True), json.dumps(body, ensure_ascii=False)
    )


def fetch(base_url: str, request: Request, expected: int) -> dict:
    """Send one request; fail unless it gets the expected status; return its JSON body."""
    host, port = base_url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.request(
        request.method, request.path, request.body and request.body.encode(), request.headers
    )
    response = conn.getresponse()
    body = response.read()
    conn.close()
    if response.status != expected:
        raise RuntimeError(f"{request.method} {request.path}: {response.status} {body[:500]!r}")
    return json.loads(body)


class OurRequests:
    """The requests of the load on our service, built from the workload."""

    def __init__(self, workload: Workload):
        self.w = workload
        office = workload.office_token
        self.list = get("/tasks", workload.list_params, office)
        self.page100 = get("/tasks", workload.list_params | {"page_size": 100}, office)
        self.gets = [get(f"/tasks/{i}", {}, office) for i in workload.get_ids]
        self.create = post("/tasks", workload.create_body, office)
        self.reports = [post(f"/tasks/{i}/reports", PROGRESS, t) for t, i in workload.report_pairs]
        self.stats = get("/stats/agencies", workload.stats_params, office)
        self.filters = {name: get("/tasks", p, office) for name, p in workload.list_filters.items()}


def check_ours(base_url: str, req: OurRequests) -> dict:
    """Send each kind of request once and check the answers; return what the list found."""
    page = fetch(base_url, req.list, 200)
    if not isinstance(page["total"], int) or len(page["items"]) != min(50, page["total"]):
        raise RuntimeError(f"unexpected list page: total {page['total']}, {len(page['items'])}")
    fetch(base_url, req.gets[0], 200)
    fetch(base_url, req.create, 201)
    if not req.reports:
        raise RuntimeError("no open task to report on: seed more tasks")
    fetch(base_url, req.reports[0], 201)
    stats = fetch(base_url, req.stats, 200)
    return {"list_total": page["total"], "stats_rows": len(stats["items"])}


def measure_ours(server: Gunicorn, workload: Workload, plan: LoadPlan, compare: bool) -> dict:
    """Drive our service: latencies on one connection, throughput on `connections`."""
    target, req = Target(server.base_url, plan, server.worker_cpu_s), OurRequests(workload)
    found = check_ours(server.base_url, req)
    log("warming up")
    for requests in (req.list, *req.filters.values()), req.gets, (req.stats,):
        target.load(list(requests), 2, plan.warmup)
    result = {"checked": found}
    log("list: latency on one connection")
    result["list_latency"] = target.latency([req.list])
    for name, requests in (
        ("list", [req.list]),
        ("get", req.gets),
        ("create", [req.create]),
        ("report", req.reports),
    ):
        log(f"{name}: {plan.connections} connections for {plan.duration:g} s")
        result[f"{name}_load"] = target.load(requests)
    log("statistics: latency on one connection")
    result["stats_latency"] = target.latency([req.stats])
    if plan.filter_duration > 0:
        log("list filters: latency on one connection each")
        result["filters"] = {
            name: target.latency([request], plan.filter_duration)
            for name, request in req.filters.items()
        }
    if compare:
        log("page of 100 (the Redmine comparison)")
        result["page100_latency"] = target.latency([req.page100])
        result["page100_load"] = target.load([req.page100])
        page = fetch(server.base_url, req.page100, 200)
        result["page100_rows"], result["page100_total"] = len(page["items"]), page["total"]
    result["worker_rss_mb"] = server.worker_rss_mb()
    return result


def measure_redmine(peer: RedminePeer, plan: LoadPlan) -> dict:
    """Drive Redmine with the equivalent requests, the same generator, connections, durations."""
    target = Target(peer.base_url, plan, peer.worker_cpu_s)
    page, reference = peer.page_request(), peer.reference_request()
    gets, create = peer.get_requests(), peer.create_request()
    first = peer.fetch(page)
    result = {
        "issues": peer.issue_count(),
        "page_rows": len(first["issues"]),
        "page_total": first["total_count"],
        "reference_rows": len(peer.fetch(reference)["issues"]),
    }
    log("Redmine: warming up")
    target.load([page, reference], 2, plan.warmup)
    target.load(gets, 2, plan.warmup)
    log("Redmine: page of 100, latency then load")
    result["page_latency"] = target.latency([page])
    result["reference_latency"] = target.latency([reference])
    result["page_load"] = target.load([page])
    log("Redmine: get one, create")
    result["get_load"] = target.load(gets)
    result["create_load"] = target.load([create])
    result["worker_rss_mb"] = peer.worker_rss_mb()
    log("Redmine: send_reminders")
    result["reminders"] = peer.reminders()
    return result


def ratios(ours: dict, theirs: dict) -> dict:
    """Ours/theirs for throughput, theirs/ours for latency (above 1: we are better)."""

    def share(a: float | None, b: float | None) -> float | None:
        return round(a / b, 1) if a and b else None

    return {
        "page100_rps": share(ours["page100_load"]["rps"], theirs["page_load"]["rps"]),
        "get_rps": share(ours["get_load"]["rps"], theirs["get_load"]["rps"]),
        "create_rps": share(ours["create_load"]["rps"], theirs["create_load"]["rps"]),
        "page100_p50": share(theirs["page_latency"]["p50_ms"], ours["page100_latency"]["p50_ms"]),
        "page100_p95": share(theirs["page_latency"]["p95_ms"], ours["page100_latency"]["p95_ms"]),
    }
