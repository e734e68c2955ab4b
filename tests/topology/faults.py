"""A fault that must hit at a known moment: a write cut while its worker is reading it."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psutil


@contextmanager
def half_sent_write(port: int, path: str, token: str, key: str, body: dict) -> Iterator:
    """A connection that has sent a POST's headers and half its body, and waits."""
    payload = json.dumps(body).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nIdempotency-Key: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head.encode() + payload[: len(payload) // 2])
        yield sock


def worker_holding(
    worker_pids: Callable[[], list[int]], sock: socket.socket, timeout: float = 20
) -> int:
    """The worker process that accepted this client connection (once one has)."""
    client, server = sock.getsockname(), sock.getpeername()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in worker_pids():
            try:
                connections = psutil.Process(pid).net_connections(kind="tcp4")
            except psutil.NoSuchProcess:
                continue
            if any(c.laddr == server and c.raddr == client for c in connections):
                return pid
        time.sleep(0.05)
    raise AssertionError(f"no worker accepted the connection from port {client[1]}")


def was_cut(sock: socket.socket) -> bool:
    """Whether the server closed the connection without answering."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
