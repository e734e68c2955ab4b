"""The production topology under load and faults: nothing lost, nothing done twice.

Two gunicorn API servers and two schedulers on one PostgreSQL and a real SMTP server, all on one
accelerated clock; office and agency clients write through both servers with idempotency keys.
Each test ends with the invariants of `invariants.py`, over everything since the harness started.
"""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.topology


def test_soak_across_two_api_servers_and_two_schedulers(topology, record_figures):
    with topology.load(seed=1):
        topology.run_for(10)
        planned = topology.plan_by_hand()
        topology.run_for(10)
    figures = topology.verify()
    record_figures("soak", figures)
    assert figures["requests"] > 200
    assert sum(figures["writes_acknowledged"].values()) > 50
    assert figures["losses"] == figures["writes_duplicated"] == 0
    assert figures["mails_received"] > 0, planned
    assert figures["days_planned"] >= 1


def test_api_worker_killed_mid_request(topology, record_figures):
    with topology.load(seed=2):
        topology.run_for(3)
        topology.kill_api_worker_mid_request()
        topology.kill_busy_worker()
        topology.run_for(5)
    figures = topology.verify()
    record_figures("API worker killed", figures)
    for api in topology.apis:
        assert len(api.worker_pids()) == api.workers  # gunicorn replaced the dead worker


def test_scheduler_killed_while_delivering(topology, record_figures):
    topology.mail.delay = 1.0
    with topology.load(seed=3):
        topology.run_for(2)
        topology.plan_until_rows()
        assert topology.mail.wait_in_flight(30), "no delivery started"
        victim, claimed = topology.scheduler_delivering()
        victim.kill()
        topology.faults["scheduler killed while delivering (kill -9)"] += 1
        topology.allowed_repeats += 1  # the mail in flight may arrive twice, same key
        topology.mail.delay = 0.1
        topology.add_scheduler("scheduler-3")
        topology.run_for(3)
    figures = topology.verify()
    record_figures("scheduler killed", figures)
    taken_over = topology.rows(claimed)
    assert {state for state, _attempts, _worker in taken_over} <= {"sent", "skipped"}
    assert all(attempts >= 2 for _state, attempts, _worker in taken_over)


def test_postgresql_down_for_ten_seconds(topology, record_figures):
    pids = topology.pids()
    cut_before = len(topology.seen.unavailable)
    topology.mail.delay = 0.5  # reminders are being delivered when the database goes
    with topology.load(seed=4):
        topology.run_for(2)
        topology.plan_until_rows()
        assert topology.mail.wait_in_flight(30), "no delivery started"
        with topology.postgresql_down(10):
            # Each scheduler may have had a mail in flight whose outcome it could not record.
            topology.allowed_repeats += sum(s.alive() for s in topology.schedulers)
            topology.mail.delay = 0
        back = time.monotonic()
        topology.run_for(6)
    figures = topology.verify()
    record_figures("PostgreSQL down", figures)
    assert len(topology.seen.unavailable) > cut_before, "no request met the outage"
    assert topology.pids() == pids, "a process had to be restarted"
    for api in topology.apis:  # both servers answer again, and no 503 came after the outage
        assert topology.seen.last_ok[api.base_url] > back, f"{api.name} did not recover"


def test_smtp_down_then_back(topology, record_figures):
    retried_before = topology.retried_rows()
    with topology.load(seed=5):
        topology.run_for(2)
        topology.mail.stop()
        topology.faults["SMTP server down"] += 1
        topology.plan_until_rows()
        topology.run_for(6)
        topology.mail.start()
        topology.run_for(3)
    figures = topology.verify()
    record_figures("SMTP down", figures)
    assert topology.retried_rows() > retried_before
