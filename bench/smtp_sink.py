"""A local SMTP server for the benchmarks: aiosmtpd in its own process, counting what it gets."""

from __future__ import annotations

import logging
import multiprocessing
import socket
import time

from aiosmtpd.controller import Controller


class CountingSink:
    """An aiosmtpd server in its own process (as a real server would be) that counts messages."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        spawn = multiprocessing.get_context("spawn")
        self.counter = spawn.Value("q", 0)
        self.stop_event = spawn.Event()
        self.process = spawn.Process(
            target=_serve, args=(self.port, self.counter, self.stop_event), daemon=True
        )

    @property
    def count(self) -> int:
        return self.counter.value

    def start(self) -> None:
        self.process.start()
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)


class _Counter:
    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def _serve(port: int, counter, stop_event) -> None:
    """The sink process: serve until told to stop."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(_Counter(counter), hostname="127.0.0.1", port=port)
    controller.start()
    stop_event.wait()
    controller.stop()
