"""The service under gunicorn with deploy/gunicorn.conf.py: slow clients, refusals, logs, bodies.

One server per database backend, with a client timeout of 1 s and one worker of two threads,
so that two slow clients are enough to hold every thread.
"""

from __future__ import annotations

import io
import json
import logging
import os
import select
import socket
import threading
import time

import openpyxl
import pytest

from api.serving import DeadlineSocket, RequestTooSlow, ResponseNotTaken
from bench.seed import seed
from tests.conftest import BACKENDS, PG_URL
from tests.live_server import LiveServer, prepare, private_database

TIMEOUT = 1.0
SLACK = 3.0  # a busy 2-core machine may be late to notice
EXPORT_TASKS = 8000


def seed_tasks() -> None:
    """Enough tasks for an export that takes a while (the benchmark's fast seeding)."""
    seeded = seed(EXPORT_TASKS)
    assert seeded["tasks"] == EXPORT_TASKS


@pytest.fixture(scope="module", params=BACKENDS)
def live(request, tmp_path_factory):
    """(server, admin headers) on a database of its own."""
    tmp = tmp_path_factory.mktemp("live")
    with private_database(request.param, PG_URL, tmp) as url:
        headers = prepare(url, seed_tasks)
        env = {
            "TRACKER_CLIENT_TIMEOUT_SECONDS": str(int(TIMEOUT)),
            "TRACKER_LOG_FORMAT": "json",
            "TRACKER_LOG_LEVEL": "INFO",
        }
        server = LiveServer(url, tmp / "server.log", env, ["--workers", "1", "--threads", "2"])
        server.start()
        yield server, headers
        server.stop()


class Trickler(threading.Thread):
    """A client that sends the start of a request, then one byte every 0.25 s, until cut off."""

    def __init__(self, port: int, head: bytes) -> None:
        super().__init__(daemon=True)
        self.port, self.head = port, head
        self.response, self.cut_after = b"", None
        self.ready = threading.Event()

    def run(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.sendall(self.head)
        started = time.monotonic()
        self.ready.set()
        try:
            while time.monotonic() - started < 30:
                if select.select([sock], [], [], 0.25)[0]:
                    data = sock.recv(65536)
                    if not data:
                        break
                    self.response += data
                    continue
                sock.sendall(b"x")
        except OSError:
            pass  # reset by the server: cut off too
        finally:
            self.cut_after = time.monotonic() - started
            sock.close()


def timed_get(server, path: str) -> tuple[int, float]:
    started = time.monotonic()
    status = server.status(path)
    return status, time.monotonic() - started


def header_trickler(server) -> Trickler:
    trickler = Trickler(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    trickler.start()
    trickler.ready.wait(5)
    return trickler


def test_slow_senders_are_cut_at_the_timeout_and_others_are_served_meanwhile(live):
    server, _headers = live
    first = header_trickler(server)
    status, took = timed_get(server, "/healthz")
    assert status == 200 and took < 1.5, "the second thread should serve at once"
    second = header_trickler(server)
    time.sleep(0.2)
    status, waited = timed_get(server, "/healthz")  # both threads held: waits for a cut
    assert status == 200 and waited < TIMEOUT + SLACK
    for trickler in (first, second):
        trickler.join(30)
        assert TIMEOUT - 0.1 <= trickler.cut_after < TIMEOUT + SLACK
        assert trickler.response == b""  # no whole request, no answer: closed


def test_a_slow_body_gets_a_408_json_at_the_timeout(live):
    server, headers = live
    head = (
        "POST /api/v1/directives HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Authorization: {headers['Authorization']}\r\nContent-Length: 5000\r\n\r\n"
        '{"title": "'
    ).encode()
    trickler = Trickler(server.port, head)
    trickler.start()
    trickler.join(30)
    assert TIMEOUT - 0.1 <= trickler.cut_after < TIMEOUT + SLACK
    status_line, _, rest = trickler.response.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 408 ")
    body = json.loads(rest.partition(b"\r\n\r\n")[2])
    assert body["code"] == "request_timeout" and body["request_id"]
    assert any("sent no whole request" in line for line in server.log_lines())


def test_a_kept_alive_connection_has_the_full_time_for_each_request(live):
    server, _headers = live
    conn = server.connection()
    conn.request("GET", "/healthz")
    assert conn.getresponse().read() == b'{"status":"ok"}\n'
    time.sleep(TIMEOUT + 0.5)  # idle longer than the client timeout, shorter than keep-alive
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200
    conn.close()


def test_an_export_longer_than_the_client_timeout_is_not_cut(live):
    server, headers = live
    conn = server.connection(timeout=120)
    started = time.monotonic()
    conn.request("GET", "/api/v1/tasks?format=xlsx", headers=headers)
    response = conn.getresponse()
    data = response.read()
    took = time.monotonic() - started
    conn.close()
    assert response.status == 200, data[:300]
    rows = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].max_row
    assert rows == EXPORT_TASKS + 1
    if took <= TIMEOUT:
        pytest.skip(f"the export took {took:.1f} s, not longer than the timeout: inconclusive")


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /api/v1/tasks?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /healthz HTTP/1.1\r\n" + b"X-A: 1\r\n" * 60 + b"\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 431),
        (b"GET /healthz HTTP/1.1\r\nX-Nul: a\x00b\r\n\r\n", 400),
        (b"GET /api/v1/agencies/%FF HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    ],
    ids=["request-line", "header-count", "header-size", "nul-in-header", "path-not-utf8"],
)
def test_refusals_are_json_in_the_one_error_shape(live, request_bytes, status):
    server, _headers = live
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request_bytes)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), answer[:200]
    assert b"Content-Type: application/json" in head
    error = json.loads(body)
    assert error["status"] == status and error["code"] and error["request_id"]


def chunked(data: bytes, size: int = 65536):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_chunked_bodies_work_and_over_the_limit_are_413(live):
    server, headers = live
    post = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"} | headers
    small = json.dumps({"number": "9/TB", "title": "Nhỏ", "issued_on": "2026-02-02"}).encode()
    conn = server.connection()
    conn.request(
        "POST", "/api/v1/directives", body=chunked(small), headers=post, encode_chunked=True
    )
    response = conn.getresponse()
    assert response.status == 201, response.read()
    response.read()
    big = b'{"title": "' + b"x" * (1024 * 1024 + 100) + b'"}'
    conn.request("POST", "/api/v1/directives", body=chunked(big), headers=post, encode_chunked=True)
    response = conn.getresponse()
    assert response.status == 413
    assert json.loads(response.read())["code"] == "payload_too_large"
    conn.close()


def test_every_log_line_is_a_json_object_and_requests_carry_their_id(live):
    server, headers = live
    conn = server.connection()
    conn.request("GET", "/api/v1/tasks/424242", headers=headers | {"X-Request-Id": "live-log-1"})
    response = conn.getresponse()
    assert response.status == 404 and response.getheader("X-Request-Id") == "live-log-1"
    response.read()
    conn.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entries = [json.loads(line) for line in server.log_lines()]  # every line is JSON
        found = [e for e in entries if e.get("request_id") == "live-log-1"]
        if found:
            break
        time.sleep(0.1)
    (entry,) = found
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/tasks/424242", 404)
    assert entry["user_id"] and entry["duration_ms"] >= 0
    assert any(e["logger"] == "gunicorn.error" for e in entries)


@pytest.fixture
def pair():
    left, right = socket.socketpair()
    yield left, right
    left.close()
    right.close()


def test_the_deadline_holds_however_the_bytes_trickle(pair):
    server_side, client_side = pair
    conn = DeadlineSocket(server_side, "peer", 0.5, logging.getLogger("test"))
    conn.start_request()
    started = time.monotonic()
    with pytest.raises(RequestTooSlow):
        while True:
            client_side.sendall(b"x")
            assert conn.recv(10) == b"x"
            time.sleep(0.05)
    assert 0.45 <= time.monotonic() - started < 1.5
    conn.start_request()  # the next request gets its time again
    client_side.sendall(b"y")
    assert conn.recv(10).endswith(b"y")


def test_a_response_nobody_takes_times_out(pair):
    server_side, _client_side = pair
    conn = DeadlineSocket(server_side, "peer", 0.3, logging.getLogger("test"))
    with pytest.raises(ResponseNotTaken):
        for _ in range(10_000):
            conn.sendall(os.urandom(65536))
