"""The gunicorn worker the service runs under (deploy/gunicorn.conf.py).

gunicorn's threaded worker, plus two things it lacks:

- **Slow clients.** Each request must arrive (request line, headers and body) within
  `TRACKER_CLIENT_TIMEOUT_SECONDS` of its first byte, and each piece of a response must be taken
  within as long. A client that trickles bytes is cut off then, instead of holding a thread
  forever. A long export is not cut: its time goes on reading the database, not on the client.
- **JSON refusals.** What gunicorn refuses itself (a request line or headers too long, a malformed
  request) is answered in the API's one JSON error shape instead of an HTML page.

The connection is wrapped only where gunicorn serves plain HTTP; TLS is the reverse proxy's job.
"""

from __future__ import annotations

import errno
import json
import time
import uuid

from gunicorn import util
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from api.errors import HTTP_CODES
from tracker.config import load_settings


class RequestTooSlow(NoMoreData, TimeoutError):
    """The request did not arrive in time: gunicorn closes quietly, the app answers 408."""


class ResponseNotTaken(ConnectionResetError):
    """The client stopped taking the response: gunicorn drops the connection quietly."""


class DeadlineSocket:
    """A client connection whose reads stop at a per-request deadline and whose sends time out."""

    def __init__(self, sock, peer, timeout: float, log) -> None:
        self._sock, self._peer, self._timeout, self._log = sock, peer, timeout, log
        self._deadline: float | None = None

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def start_request(self) -> None:
        """Give the next request on this connection its full time."""
        self._deadline = time.monotonic() + self._timeout

    def recv(self, size: int, *flags) -> bytes:
        """Read, but not past the request's deadline."""
        remaining = self._deadline - time.monotonic() if self._deadline else None
        if remaining is None:
            return self._sock.recv(size, *flags)
        if remaining <= 0:
            raise self._too_slow()
        previous = self._sock.gettimeout()
        self._sock.settimeout(remaining if previous is None else min(previous, remaining))
        try:
            return self._sock.recv(size, *flags)
        except TimeoutError:
            if time.monotonic() < self._deadline:
                raise  # a shorter timeout of gunicorn's own (draining a closed connection)
            raise self._too_slow() from None
        finally:
            self._sock.settimeout(previous)

    def sendall(self, data, *flags) -> None:
        """Send, giving up when the client takes nothing for the timeout."""
        previous = self._sock.gettimeout()
        self._sock.settimeout(self._timeout)
        try:
            self._sock.sendall(data, *flags)
        except TimeoutError:
            self._log.warning("client %s took no response data for %s s", self._peer, self._timeout)
            raise ResponseNotTaken(errno.ECONNRESET, "response not taken") from None
        finally:
            self._sock.settimeout(previous)

    def _too_slow(self) -> RequestTooSlow:
        self._log.warning("client %s sent no whole request in %s s", self._peer, self._timeout)
        self._deadline = time.monotonic() - 1  # stays expired until the next request
        return RequestTooSlow()


class TrackerWorker(ThreadWorker):
    """gthread with request deadlines, send timeouts and JSON refusals."""

    def init_process(self) -> None:
        self.client_timeout = load_settings().client_timeout_seconds
        util.write_error = write_json_error  # gunicorn's refusals, in this worker process
        super().init_process()

    def enqueue_req(self, conn) -> None:
        """Hand a connection with a request (starting) to a thread, its deadline set."""
        if not self.cfg.is_ssl:
            if not isinstance(conn.sock, DeadlineSocket):
                conn.sock = DeadlineSocket(conn.sock, conn.client, self.client_timeout, self.log)
            conn.sock.start_request()
        super().enqueue_req(conn)


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """Write gunicorn's refusal of a request as the API's JSON error."""
    request_id = uuid.uuid4().hex
    body = json.dumps(
        {
            "status": status_int,
            "code": HTTP_CODES.get(status_int, "bad_request"),
            "message": mesg or reason,
            "request_id": request_id,
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-Request-Id: {request_id}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)
