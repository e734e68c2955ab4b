"""The production topology on one machine: 2 API servers, 2 schedulers, PostgreSQL, SMTP.

Loopback ports stand in for hosts. Every process runs on the same accelerated clock (a day
per minute), so reminders are planned and delivered several times within the soak.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import subprocess
import threading
import time
from collections import Counter
from contextlib import contextmanager, suppress
from pathlib import Path

import flask_migrate
import psycopg
import requests

from api.app import create_app
from bench.server import free_port
from jobs import reminders
from jobs.runner import run_job
from tests.factories import Factories
from tests.topology import invariants
from tests.topology.clients import (
    REQUEST_TIMEOUT,
    Agency,
    Api,
    Observations,
    Office,
    World,
    new_key,
    task_body,
)
from tests.topology.cluster import PrivatePostgres
from tests.topology.faults import half_sent_write, was_cut, worker_holding
from tests.topology.mailserver import SoakMailServer
from tests.topology.services import ApiServer, Scheduler, service_environment
from tracker.agencies.data import load_agency_records
from tracker.agencies.service import load_registry
from tracker.clock import AcceleratedClock, clock_for
from tracker.config import load_settings
from tracker.extensions import db
from tracker.reminders.calendar import vietnam_calendar

# A Monday, 07:00. At a day a minute Saturday comes 4 min 42 s later; the harness takes 1.5 to 2.5.
CLOCK_START = "2026-05-04T07:00:00+07:00"
CLOCK_SPEED = 1440  # a day per real minute
AGENCIES = ("MOF", "MOH", "MOIT", "MOET", "MOC")
FOCAL_POINTS = 3
SEED_TASKS = 60
SETTLE_SECONDS = 60
OUTAGE_GRACE_SECONDS = 2  # a 503 may still come this long after PostgreSQL is back


class Topology:
    """Starts, drives, breaks and checks the whole service."""

    def __init__(self, root: Path):
        self.root = root
        self.pg = PrivatePostgres(free_port())
        self.mail = SoakMailServer()
        self.apis: list[ApiServer] = []
        self.schedulers: list[Scheduler] = []
        self.seen = Observations()
        self.faults: Counter = Counter()
        self.allowed_repeats = 0
        self.outages: list[tuple[float, float]] = []
        self.outage_seconds = 0.0
        self.tokens: dict[str, str] = {}
        self.world: World | None = None
        self.app = None  # in this process: seeding, and what an operator runs by hand
        self.started = time.monotonic()
        self.anchor = dt.datetime.now(dt.UTC)

    # -- start and stop -------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        """The service's settings, the same for every process."""
        return {
            "DATABASE_URL": self.pg.url,
            "SECRET_KEY": "topology-test-secret-key-0123456789",
            "LOG_LEVEL": "WARNING",
            "CLOCK_START": CLOCK_START,
            "CLOCK_SPEED": str(CLOCK_SPEED),
            "CLOCK_ANCHOR": self.anchor.isoformat(),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.mail.port),
            "SMTP_TIMEOUT_SECONDS": "10",
            "REMINDER_LEASE_SECONDS": "10",
            "REMINDER_RETRY_BASE_SECONDS": "1",
            "REMINDER_RETRY_MAX_SECONDS": "2",
            "REMINDER_BATCH_SIZE": "4",
            "REMINDER_SEND_HOUR": "0",  # a day's reminders go out at once, whatever the hour
            "SCHEDULER_PLAN_SECONDS": "2",
            "SCHEDULER_DELIVER_SECONDS": "1",
        }

    def env(self) -> dict[str, str]:
        return service_environment(self.settings()) | {"PYTHONUNBUFFERED": "1"}

    @property
    def clock(self) -> AcceleratedClock:
        return clock_for(load_settings(self.settings(), environ={}))

    def start(self) -> None:
        self.pg.create()
        self.pg.start()
        with psycopg.connect(self.pg.admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE tracker")
        self.mail.start()
        self.anchor = dt.datetime.now(dt.UTC)
        self.seed()
        self.apis = [ApiServer(f"api-{i}", self.env(), self.root) for i in (1, 2)]
        for api in self.apis:
            api.start()
        for i in (1, 2):
            self.add_scheduler(f"scheduler-{i}", wait=False)
        for process in [*self.apis, *self.schedulers]:
            process.wait_ready(90)

    def seed(self) -> None:
        """Schema, registry, users with tokens, contacts, a directive with dated tasks."""
        self.app = app = create_app(self.settings())
        with app.app_context():
            flask_migrate.upgrade()
            load_registry(load_agency_records())
            db.session.commit()
            make = Factories(db.session)
            self.tokens["office-1"] = make.user("office")[1]
            self.tokens["office-2"] = make.user("office")[1]
            for code in AGENCIES:
                self.tokens[code] = make.user("agency", code)[1]
                make.contact(code, f"truong.{code.lower()}@example.gov.vn", role="head")
                for n in range(FOCAL_POINTS):
                    make.contact(code, f"dau.moi{n}.{code.lower()}@example.gov.vn")
            make.contact("OOG", "theo.doi@vpcp.gov.vn")
            directive = make.directive(issued_on=dt.date(2026, 4, 1))
            self.seed_tasks(make, directive)
            self.world = World(directive.id, list(AGENCIES))
            db.session.remove()

    def seed_tasks(self, make: Factories, directive) -> None:
        """Tasks due from five weeks ago to four weeks ahead: every reminder rule has work."""
        first = dt.date(2026, 3, 30)
        for n in range(SEED_TASKS):
            make.task(
                directive,
                title=f"Nhiệm vụ có sẵn số {n + 1}",
                lead_agency=AGENCIES[n % len(AGENCIES)],
                coordinating_agencies=["MOJ"],
                due_date=max(first + dt.timedelta(days=n), directive.issued_on),
            )

    def add_scheduler(self, name: str, wait: bool = True) -> Scheduler:
        scheduler = Scheduler(name, self.env(), self.root)
        scheduler.start()
        self.schedulers.append(scheduler)
        if wait:
            scheduler.wait_ready(60)
        return scheduler

    def close(self) -> None:
        for scheduler in self.schedulers:
            if scheduler.alive():
                scheduler.resume()
        for process in [*self.apis, *self.schedulers]:
            with suppress(OSError, subprocess.SubprocessError):
                process.stop()
        self.mail.stop()
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
        self.pg.destroy()

    def tracebacks(self, most: int = 4) -> str:
        """The end of the first tracebacks of unhandled errors the API servers logged."""
        found = []
        for api in self.apis:
            text = api.log_path.read_text(errors="replace")
            for block in re.split("unhandled error|Exception on ", text)[1:]:
                lines = block.splitlines()
                end = next((i for i, line in enumerate(lines[1:], 1) if line[:4] == "2026"), None)
                found.append(f"{api.name}:\n" + "\n".join(lines[:end][-40:]))
        return "\n".join(found[:most])

    def logs(self) -> str:
        return "\n".join(p.log_tail(15) for p in [*self.apis, *self.schedulers])

    # -- load -------------------------------------------------------------------------------

    @contextmanager
    def load(self, seed: int):
        """Run the office and agency clients until the block ends."""
        stop, rng = threading.Event(), random.Random(seed)  # noqa: S311  (a repeatable workload)
        bases = [api.base_url for api in self.apis]

        def api(token_name: str) -> tuple[Api, Api]:
            token = self.tokens[token_name]
            rngs = [random.Random(rng.random()) for _ in "ab"]  # noqa: S311
            return tuple(Api(bases, token, self.seen, r) for r in rngs)

        clock = self.clock
        assert vietnam_calendar().is_working_day(clock.today()), (
            f"the accelerated clock reached a day off ({clock.now():%A %d/%m %H:%M}): the harness "
            "ran too slowly for the clock's working week, and mails wait for working days"
        )
        actors = [
            Office(f"office-{i}", api(f"office-{i}"), self.world, clock, stop) for i in (1, 2)
        ]
        actors += [Agency(code, code, api(code), self.world, clock, stop) for code in AGENCIES]
        for actor in actors:
            actor.start()
        try:
            yield
        finally:
            stop.set()
            for actor in actors:
                actor.join(120)
                actor.api.session.close()
                actor.twin.session.close()
        failures = [f"{a.name}: {a.failure!r}" for a in actors if a.failure or a.is_alive()]
        assert not failures, "client threads failed:\n" + "\n".join(failures)

    @staticmethod
    def run_for(seconds: float) -> None:
        time.sleep(seconds)

    def plan_by_hand(self) -> dict:
        """What `tracker reminders plan` does for an operator or cron: today's rows, new tasks'.

        The same job, run here rather than in a new process, which a loaded machine is slow
        to start.
        """
        return run_job(self.app, "reminders.plan", lambda: reminders.plan(force=True))

    def plan_until_rows(self, tries: int = 5) -> dict:
        """Plan by hand until new tasks gave today's reminders (the clients keep creating)."""
        for _ in range(tries):
            planned = self.plan_by_hand()
            if planned["created"]:
                return planned
            time.sleep(2)
        raise AssertionError(f"no reminder planned for the new tasks: {planned}")

    # -- faults -----------------------------------------------------------------------------

    def kill_api_worker_mid_request(self) -> None:
        """kill -9 the worker reading a write's body; the client sends it to the other server."""
        api, token, key = self.apis[0], self.tokens["office-1"], new_key()
        body = task_body(self.world.directive_id, AGENCIES[0], self.clock.today(), key)
        started = time.monotonic()
        with half_sent_write(api.port, "/api/v1/tasks", token, key, body) as sock:
            os.kill(worker_holding(api.worker_pids, sock), signal.SIGKILL)
            self.faults["API worker killed (kill -9)"] += 1
            assert was_cut(sock), "the killed worker's client got an answer"
        self.seen.transport_error(ConnectionResetError("worker killed"), time.monotonic() - started)
        bases = [server.base_url for server in self.apis]
        client = Api(bases, token, self.seen, random.Random(key))  # noqa: S311
        response = client.post("/api/v1/tasks", body, key, first=1)
        assert response.status_code == 201, response.text
        self.seen.ack("task", key, response.json()["id"])

    def kill_busy_worker(self) -> None:
        """kill -9 a worker of the second server while the clients keep it busy."""
        os.kill(random.choice(self.apis[1].worker_pids()), signal.SIGKILL)  # noqa: S311
        self.faults["API worker killed (kill -9)"] += 1

    def scheduler_delivering(self) -> tuple[Scheduler, list[int]]:
        """Return a scheduler that holds claimed rows now, with those rows."""
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            claims = conn.execute(
                "SELECT id, claimed_by FROM notifications WHERE state = 'sending'"
            ).fetchall()
        for scheduler in self.schedulers:
            rows = [i for i, worker in claims if f":{scheduler.pid}:" in (worker or "")]
            if rows and scheduler.alive():
                return scheduler, rows
        raise AssertionError(f"no scheduler holds claimed rows: {claims}")

    @contextmanager
    def postgresql_down(self, seconds: float):
        """Stop the private PostgreSQL (fast: every session cut) for a while, then start it."""
        began = time.monotonic()
        self.pg.stop("fast")
        self.faults["PostgreSQL stopped"] += 1
        try:
            time.sleep(seconds)
            yield
        finally:
            self.pg.start()
            self.outages.append((began, time.monotonic() + OUTAGE_GRACE_SECONDS))
            self.outage_seconds += time.monotonic() - began

    def pids(self) -> dict[str, list[int]]:
        """Every service process: masters, workers and schedulers."""
        pids = {api.name: [api.pid, *sorted(api.worker_pids())] for api in self.apis}
        return pids | {s.name: [s.pid] for s in self.schedulers if s.alive()}

    def rows(self, ids: list[int]) -> list[tuple[str, int, str | None]]:
        """State, attempts and worker of ledger rows."""
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            return conn.execute(
                "SELECT state, attempts, claimed_by FROM notifications WHERE id = ANY(%s)", [ids]
            ).fetchall()

    def retried_rows(self) -> int:
        """E-mail rows that needed more than one attempt."""
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            return conn.execute(
                "SELECT count(*) FROM notifications WHERE channel = 'email' AND attempts > 1"
            ).fetchone()[0]

    # -- checks -----------------------------------------------------------------------------

    def ledger_busy(self, conn) -> int:
        return conn.execute(
            "SELECT count(*) FROM notifications WHERE channel = 'email'"
            " AND state IN ('pending', 'sending')"
        ).fetchone()[0]

    @contextmanager
    def quiet(self, timeout: float = SETTLE_SECONDS):
        """Wait until no e-mail is left to send, then hold the schedulers still (SIGSTOP)."""
        deadline = time.monotonic() + timeout
        with psycopg.connect(self.pg.url, autocommit=True) as conn:
            while True:
                if self.ledger_busy(conn) == 0:
                    live = [s for s in self.schedulers if s.alive()]
                    for scheduler in live:
                        scheduler.pause()
                    if self.ledger_busy(conn) == 0:
                        break
                    for scheduler in live:
                        scheduler.resume()
                if time.monotonic() > deadline:
                    busy = conn.execute(
                        "SELECT state, count(*), max(attempts), max(last_error) FROM notifications"
                        " WHERE state IN ('pending', 'sending') GROUP BY state"
                    ).fetchall()
                    raise AssertionError(f"reminders stuck for {timeout} s: {busy}\n{self.logs()}")
                time.sleep(0.5)
        try:
            yield
        finally:
            for scheduler in live:
                scheduler.resume()

    def verify(self) -> dict:
        """Check every invariant; return the figures so far."""
        self.check_http()
        with self.quiet(), psycopg.connect(self.pg.url, autocommit=True) as conn:
            writes = invariants.check_writes(conn, self.seen.acks)
            histories = invariants.check_histories(conn)
            ledger = invariants.check_ledger(conn, self.mail.keys(), self.allowed_repeats)
            table = self.office_get("/api/v1/stats/agencies")
            counted = invariants.check_statistics(conn, table)
            days = conn.execute("SELECT count(*) FROM reminder_days").fetchone()[0]
        return self.figures(writes, histories, ledger, counted, days)

    def check_http(self) -> None:
        seen = self.seen
        assert not seen.server_errors, f"5xx: {seen.server_errors[:5]}\n{self.tracebacks()}"
        assert not seen.gave_up, f"requests that never got an answer: {seen.gave_up[:5]}"
        hung = {name: n for name, n in seen.transport_errors.items() if "Timeout" in name}
        assert not hung, f"requests that hung for {REQUEST_TIMEOUT} s: {hung}"
        malformed = [body for _at, ok, body in seen.unavailable if not ok]
        assert not malformed, f"503s without Retry-After or the JSON error shape: {malformed[:3]}"
        stray = [at for at, _ok, _b in seen.unavailable if not self.during_outage(at)]
        assert not stray, f"{len(stray)} 503s while PostgreSQL was up"

    def during_outage(self, at: float) -> bool:
        return any(start <= at <= end for start, end in self.outages)

    def office_get(self, path: str) -> dict:
        response = requests.get(
            self.apis[0].base_url + path,
            headers={"Authorization": f"Bearer {self.tokens['office-1']}"},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()

    def figures(self, writes, histories, ledger, counted, days) -> dict:
        seen = self.seen
        return {
            "wall_seconds": round(time.monotonic() - self.started, 1),
            "clock_now": self.clock.now().astimezone(self.clock.zone).isoformat(timespec="minutes"),
            "requests": seen.requests,
            "requests_served": sum(seen.statuses.values()),
            "responses_by_status": dict(sorted(seen.statuses.items())),
            "requests_cut": dict(seen.transport_errors),
            "writes_sent_again": dict(seen.sent_again),
            "idempotent_replays": seen.replays,
            "slowest_request_seconds": round(seen.max_seconds, 2),
            **writes,
            "writes_refused": dict(seen.refused_writes),
            "tasks_with_history": histories,
            "tasks_in_statistics": counted,
            "days_planned": days,
            "faults": dict(self.faults),
            "postgresql_down_seconds": round(self.outage_seconds, 1),
            **ledger,
            "losses": writes["writes_lost"]
            + ledger["reminders_undelivered"]
            + ledger["mails_lost"],
        }
