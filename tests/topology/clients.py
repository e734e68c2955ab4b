"""Concurrent API clients: the Government Office and agencies, across both API servers.

Every write carries an `Idempotency-Key` (and the key inside its text, so the database can be
searched for it) and is retried with the same key on a connection error or a 503, on the other
server, honouring Retry-After. Every acknowledged write (2xx) is recorded with the id it returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import threading
import time
import uuid
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor

import requests
from requests.exceptions import ChunkedEncodingError

from tracker.clock import SystemClock
from tracker.reminders.calendar import vietnam_calendar

REQUEST_TIMEOUT = 20  # seconds: longer would be a hang
RETRY_BUDGET = 90  # seconds one logical request may spend retrying
# Clients whose answer got lost send a write again with its key: some at once to both servers.
RESEND_SHARE = 0.08
RACE_SHARE = 0.03
MARKER = "[k:{}]"


class GaveUp(Exception):
    """A request kept failing for longer than the retry budget."""


@dataclasses.dataclass(frozen=True)
class Ack:
    """An acknowledged write: what, under which key, and the id the service gave."""

    kind: str
    key: str
    id: int


@dataclasses.dataclass
class Observations:
    """Everything the clients saw, shared by their threads."""

    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    statuses: Counter = dataclasses.field(default_factory=Counter)
    transport_errors: Counter = dataclasses.field(default_factory=Counter)
    unavailable: list = dataclasses.field(default_factory=list)  # (time, well formed, body)
    server_errors: list = dataclasses.field(default_factory=list)  # (status, method, path, body)
    acks: list[Ack] = dataclasses.field(default_factory=list)
    refused_writes: Counter = dataclasses.field(default_factory=Counter)
    sent_again: Counter = dataclasses.field(default_factory=Counter)
    replays: int = 0
    last_ok: dict = dataclasses.field(default_factory=dict)  # server -> time of its last 2xx
    max_seconds: float = 0.0
    gave_up: list = dataclasses.field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(self.statuses.values()) + sum(self.transport_errors.values())

    def response(self, method: str, path: str, response: requests.Response, seconds: float):
        with self.lock:
            self.statuses[response.status_code] += 1
            if response.ok:
                self.last_ok[response.url.split("/api/", 1)[0]] = time.monotonic()
            self.max_seconds = max(self.max_seconds, seconds)
            if response.headers.get("Idempotent-Replayed") == "true":
                self.replays += 1
            if response.status_code == 503:
                self.unavailable.append(
                    (time.monotonic(), well_formed_503(response), _text(response))
                )
            elif response.status_code >= 500:
                self.server_errors.append((response.status_code, method, path, _text(response)))

    def transport_error(self, exc: Exception, seconds: float) -> None:
        with self.lock:
            self.transport_errors[type(exc).__name__] += 1
            self.max_seconds = max(self.max_seconds, seconds)

    def ack(self, kind: str, key: str, id_: int) -> None:
        with self.lock:
            self.acks.append(Ack(kind, key, id_))

    def refused(self, kind: str, status: int) -> None:
        with self.lock:
            self.refused_writes[f"{kind} {status}"] += 1


def well_formed_503(response: requests.Response) -> bool:
    """A 503 must say when to retry and use the one error shape."""
    try:
        body = response.json()
    except ValueError:
        return False
    return (
        response.headers.get("Retry-After", "").isdigit()
        and body.get("status") == 503
        and body.get("code") == "unavailable"
        and isinstance(body.get("message"), str)
    )


def _text(response: requests.Response) -> str:
    return response.text[:300]


class Api:
    """One client's HTTP session over both servers; a retry goes to the other server."""

    def __init__(self, bases: list[str], token: str, seen: Observations, rng: random.Random):
        self.bases = bases
        self.seen = seen
        self.rng = rng
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

        self.last = 0  # the server that gave the last answer

    def get(self, path: str, **params) -> requests.Response:
        return self._send("GET", path, None, {}, params)

    def post(self, path: str, body: dict, key: str, first: int | None = None) -> requests.Response:
        """POST with an idempotency key, to a random server unless told which one first."""
        return self._send("POST", path, body, {"Idempotency-Key": key}, None, first)

    def _send(self, method, path, body, headers, params, first=None) -> requests.Response:
        first = self.rng.randrange(len(self.bases)) if first is None else first
        deadline = time.monotonic() + RETRY_BUDGET
        for attempt in range(10_000):
            self.last = (first + attempt) % len(self.bases)
            url = self.bases[self.last] + path
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, json=body, headers=headers, params=params, timeout=REQUEST_TIMEOUT
                )
            except (requests.ConnectionError, requests.Timeout, ChunkedEncodingError) as exc:
                # (a body cut short, as a server that lost its database mid-stream leaves it)
                self.seen.transport_error(exc, time.monotonic() - started)
                pause = 0.2
            else:
                self.seen.response(method, path, response, time.monotonic() - started)
                if response.status_code != 503:
                    return response
                pause = float(response.headers.get("Retry-After") or 1)
            if time.monotonic() + pause > deadline:
                break
            time.sleep(pause)
        self.seen.gave_up.append((method, path))
        raise GaveUp(f"{method} {path}")


@dataclasses.dataclass
class World:
    """What the clients know of each other's work: tasks by agency, and work for the office."""

    directive_id: int
    agencies: list[str]
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    tasks: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    to_review: deque = dataclasses.field(default_factory=deque)  # (task id, report id)
    to_decide: deque = dataclasses.field(default_factory=deque)  # (task id, extension id)

    def add_task(self, agency: str, task_id: int) -> None:
        with self.lock:
            self.tasks.setdefault(agency, []).append(task_id)

    def some_task(self, rng: random.Random, agency: str | None = None) -> int | None:
        with self.lock:
            pool = (
                self.tasks.get(agency, [])
                if agency
                else [t for v in self.tasks.values() for t in v]
            )
            return rng.choice(pool) if pool else None

    def pop(self, queue: deque):
        with self.lock:
            return queue.popleft() if queue else None

    def push(self, queue: deque, item) -> None:
        with self.lock:
            queue.append(item)


def new_key() -> str:
    return uuid.uuid4().hex


def task_body(directive_id: int, agency: str, due: dt.date, key: str) -> dict:
    """A task to create, with its client key in the title."""
    return {
        "directive_id": directive_id,
        "title": f"Nhiệm vụ kiểm thử tải {MARKER.format(key)}",
        "lead_agency": agency,
        "coordinating_agencies": ["MOJ"],
        "deadline_kind": "date",
        "due_date": due.isoformat(),
    }


class Actor(threading.Thread):
    """A client thread that acts until told to stop."""

    def __init__(self, name: str, apis: tuple[Api, Api], world: World, clock: SystemClock, stop):
        super().__init__(name=name, daemon=True)
        (self.api, self.twin), self.world, self.clock, self.stop_event = apis, world, clock, stop
        self.rng = self.api.rng
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop_event.is_set():
                self.step()
        except BaseException as exc:  # reported by the test, not lost in a thread
            self.failure = exc

    def step(self) -> None:
        raise NotImplementedError

    def write(self, kind: str, path: str, body: dict, key: str) -> dict | None:
        """POST a write; record it if acknowledged, return its body (None if refused)."""
        draw = self.rng.random()
        if draw < RACE_SHARE:
            responses = self.both_at_once(path, body, key)
            self.api.seen.sent_again["at once to both servers"] += 1
        else:
            responses = [self.api.post(path, body, key)]
            if draw < RACE_SHARE + RESEND_SHARE and responses[0].ok:
                other = (self.api.last + 1) % len(self.api.bases)
                responses.append(self.api.post(path, body, key, first=other))
                self.api.seen.sent_again["again to the other server"] += 1
        return self.outcome(kind, key, responses)

    def both_at_once(self, path: str, body: dict, key: str) -> list[requests.Response]:
        """The same write sent to both servers at the same moment."""
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(self.api.post, path, body, key, 0)
            second = pool.submit(self.twin.post, path, body, key, 1)
            return [first.result(), second.result()]

    def outcome(self, kind: str, key: str, responses: list[requests.Response]) -> dict | None:
        """One answer however often the write was sent; record it if acknowledged."""
        statuses = {r.status_code for r in responses}
        if 400 in statuses:
            raise AssertionError(f"the client sent a bad {kind}: {responses[0].text[:300]}")
        if not all(200 <= status < 300 for status in statuses):
            assert len(statuses) == 1, f"{kind} {key} sent again got {statuses}"
            self.api.seen.refused(kind, responses[0].status_code)
            return None
        bodies = [r.json() for r in responses]
        assert len({b["id"] for b in bodies}) == 1, f"{kind} {key} sent again: {bodies}"
        self.api.seen.ack(kind, key, bodies[0]["id"])
        return bodies[0]


class Office(Actor):
    """Government Office staff: create tasks, review reports, decide extensions, withdraw."""

    def step(self) -> None:
        action = self.rng.choices(
            [self.create, self.create_group, self.review, self.decide, self.withdraw, self.read],
            weights=[25, 3, 20, 12, 3, 37],
        )[0]
        action()

    def due_date(self) -> dt.date:
        """Often a date today's reminders are about (due soon, today, overdue), else any."""
        today = self.clock.today()
        if self.rng.random() < 0.5:
            return today + dt.timedelta(days=self.rng.randint(-15, 12))
        choice = self.rng.choice([1, 3, 7, 0, -7, -14])
        if choice > 0:
            return vietnam_calendar().add_working_days(today, choice)
        return today + dt.timedelta(days=choice)

    def create(self) -> None:
        agency = self.rng.choice(self.world.agencies)
        key = new_key()
        body = task_body(self.world.directive_id, agency, self.due_date(), key)
        task = self.write("task", "/api/v1/tasks", body, key)
        if task:
            self.world.add_task(agency, task["id"])

    def create_group(self) -> None:
        members = self.rng.sample(self.world.agencies, 2)
        key = new_key()
        due = self.clock.today() + dt.timedelta(days=self.rng.randint(1, 12))
        body = {
            "directive_id": self.world.directive_id,
            "title": f"Nhiệm vụ nhóm kiểm thử {MARKER.format(key)}",
            "group": members,
            "deadline_kind": "date",
            "due_date": due.isoformat(),
        }
        self.write("task", "/api/v1/tasks", body, key)  # agencies find the children in lists

    def review(self) -> None:
        item = self.world.pop(self.world.to_review)
        if item is None:
            return self.read()
        task_id, report_id = item
        key = new_key()
        decision = self.rng.choices(["accept", "return"], weights=[75, 25])[0]
        body = {"decision": decision, "comment": f"Ý kiến {MARKER.format(key)}"}
        self.write("review", f"/api/v1/tasks/{task_id}/reports/{report_id}/review", body, key)

    def decide(self) -> None:
        item = self.world.pop(self.world.to_decide)
        if item is None:
            return self.read()
        task_id, extension_id = item
        key = new_key()
        decision = self.rng.choices(["approve", "reject"], weights=[70, 30])[0]
        body = {"decision": decision, "comment": f"Quyết định {MARKER.format(key)}"}
        path = f"/api/v1/tasks/{task_id}/extensions/{extension_id}/decision"
        self.write("decision", path, body, key)

    def withdraw(self) -> None:
        task_id = self.world.some_task(self.rng)
        if task_id is None:
            return self.read()
        key = new_key()
        body = {"reason": f"Không còn phù hợp {MARKER.format(key)}"}
        self.write("withdrawal", f"/api/v1/tasks/{task_id}/cancel", body, key)

    def read(self) -> None:
        choice = self.rng.randrange(5)
        if choice == 0:
            self.api.get("/api/v1/stats/agencies")
        elif choice == 1:
            self.api.get("/api/v1/tasks", timeliness="open_overdue", page_size=50)
        elif choice == 2:
            self.api.get("/api/v1/notifications", page_size=20)
        elif choice == 3:
            self.export("/api/v1/tasks", "csv")
        else:
            self.export("/api/v1/stats/agencies", "xlsx")

    def export(self, path: str, fmt: str) -> None:
        """A streamed export arrives whole (a cut one is retried), or as an error."""
        response = self.api.get(path, format=fmt)
        if response.ok and fmt == "csv":
            assert response.content.startswith(b"\xef\xbb\xbf"), response.content[:50]
        elif response.ok:
            assert response.content[:2] == b"PK", response.content[:50]


class Agency(Actor):
    """An agency's staff: progress and completion reports, extension requests, reading."""

    def __init__(self, agency: str, *args):
        super().__init__(*args)
        self.agency = agency

    def step(self) -> None:
        sort = self.rng.choice(["due_date", "-due_date", "-updated_at", "id", "-id"])
        listing = self.api.get(
            "/api/v1/tasks",
            lead_agency=self.agency,
            status="assigned,in_progress",
            sort=sort,
            page_size=50,
        )
        if not listing.ok or not listing.json()["items"] or self.rng.random() < 0.2:
            return
        task_id = self.rng.choice(listing.json()["items"])["id"]
        response = self.api.get(f"/api/v1/tasks/{task_id}")
        if not response.ok:
            return
        task = response.json()
        if task["status"] not in ("assigned", "in_progress"):
            return
        action = self.rng.choices([self.progress, self.complete, self.extend], [55, 30, 15])[0]
        action(task)

    def progress(self, task: dict) -> None:
        key = new_key()
        body = {
            "kind": "progress",
            "summary": f"Đang triển khai {MARKER.format(key)}",
            "percent": self.rng.randint(10, 90),
        }
        self.write("report", f"/api/v1/tasks/{task['id']}/reports", body, key)

    def complete(self, task: dict) -> None:
        key = new_key()
        body = {
            "kind": "completion",
            "summary": f"Đã hoàn thành {MARKER.format(key)}",
            "completed_on": (self.clock.today() - dt.timedelta(days=1)).isoformat(),
            "evidence": [{"document_number": f"{self.rng.randint(1, 999)}/BC-{self.agency}"}],
        }
        report = self.write("report", f"/api/v1/tasks/{task['id']}/reports", body, key)
        if report:
            self.world.push(self.world.to_review, (task["id"], report["id"]))

    def extend(self, task: dict) -> None:
        if task.get("due_date") is None:
            return
        key = new_key()
        wanted = dt.date.fromisoformat(task["due_date"]) + dt.timedelta(days=14)
        body = {
            "requested_due_date": wanted.isoformat(),
            "reason": f"Cần thêm {MARKER.format(key)}",
        }
        extension = self.write("extension", f"/api/v1/tasks/{task['id']}/extensions", body, key)
        if extension:
            self.world.push(self.world.to_decide, (task["id"], extension["id"]))
