"""The real SMTP server of the topology tests: counts idempotency keys, can be slow or down."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import logging
import time
from collections import Counter
from email import policy

from tests.reminder_support import LoopbackSmtpServer
from tracker.reminders.mailer import IDEMPOTENCY_HEADER

logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclasses.dataclass(frozen=True)
class Mail:
    """One message as the server accepted it."""

    key: str
    message_id: str
    to: tuple[str, ...]
    at: float


class SoakMailServer(LoopbackSmtpServer):
    """aiosmtpd on a fixed loopback port; with `delay`, each mail stays in flight that long."""

    def __init__(self):
        super().__init__()
        self.delay = 0.0
        self.mails: list[Mail] = []
        self.in_flight = 0

    @property
    def up(self) -> bool:
        return self.controller is not None

    async def handle_DATA(self, server, session, envelope):
        """Keep the message, then (slowly, with `delay`) say so.

        Like a mail server that queues a message once it has all of it: a sender that dies
        before the reply has delivered a mail it does not know about.
        """
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        mail = Mail(
            key=str(message[IDEMPOTENCY_HEADER]),
            message_id=str(message["Message-ID"]),
            to=tuple(envelope.rcpt_tos),
            at=time.monotonic(),
        )
        with self.lock:
            self.mails.append(mail)
            self.in_flight += 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        return "250 Message accepted"

    def keys(self) -> Counter:
        """How many times each idempotency key arrived."""
        with self.lock:
            return Counter(mail.key for mail in self.mails)

    def count(self) -> int:
        with self.lock:
            return len(self.mails)

    def wait_in_flight(self, timeout: float) -> bool:
        """Wait until a message is being received (its sender waits for our reply)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.in_flight:
                return True
            time.sleep(0.02)
        return False
