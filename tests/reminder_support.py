"""Real servers for the reminder tests: an SMTP server (aiosmtpd) and an HTTP webhook receiver."""

from __future__ import annotations

import dataclasses
import email
import json
import logging
import socket
import threading
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from jobs import reminders
from jobs.runner import run_job

# aiosmtpd logs every SMTP command at INFO; the tests need only its warnings.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def free_port() -> int:
    """Return a loopback TCP port that is free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclasses.dataclass
class Received:
    """One mail as the server got it."""

    recipients: list[str]
    message: EmailMessage

    @property
    def to(self) -> str:
        return self.recipients[0]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()

    @property
    def key(self) -> str:
        return str(self.message["X-Tracker-Idempotency-Key"])


class LoopbackSmtpServer:
    """An aiosmtpd server (this object is its handler) on a free loopback port."""

    def __init__(self):
        self.port = free_port()
        self.lock = threading.Lock()
        self.controller: Controller | None = None

    def start(self):
        """Listen on the port (again, after `stop`); return self."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Close the port: connections are refused until `start`."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


class MailSink(LoopbackSmtpServer):
    """An SMTP server on a free loopback port that keeps what it receives.

    `reply` makes it answer every DATA with a given reply (e.g. "451 ..." or "554 ...");
    `refuse` maps addresses to a RCPT reply.
    """

    def __init__(self):
        super().__init__()
        self.received: list[Received] = []
        self.reply: str | None = None
        self.refuse: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def take(self) -> list[Received]:
        """Return and forget what arrived so far."""
        with self.lock:
            taken, self.received = self.received, []
        return taken


@dataclasses.dataclass
class Delivery:
    """One POST the webhook receiver got."""

    path: str
    headers: dict
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class WebhookReceiver:
    """An HTTP server in a thread; answers with queued statuses, then 200."""

    def __init__(self):
        self.deliveries: list[Delivery] = []
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.deliveries.append(Delivery(self.path, dict(self.headers), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/events"

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def plan(app, *, force: bool = False) -> dict:
    """Run the planning job as the scheduler would (force: as `tracker reminders plan`)."""
    return run_job(app, "reminders.plan", lambda: reminders.plan(force=force))


def deliver(app) -> dict:
    """Run the delivery job."""
    return run_job(app, "reminders.deliver", reminders.deliver)
