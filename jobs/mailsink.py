"""A local SMTP server that writes each mail it receives to a folder, for development and demos.

    python -m jobs.mailsink --dir instance/mail [--host 127.0.0.1] [--port 8025]

Each message is kept as NNNNN-<time>.eml (raw) and NNNNN-<time>.txt (headers and the decoded
text part), so a newcomer can read what the scheduler sends.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email
import itertools
import signal
import threading
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller


class FolderHandler:
    """aiosmtpd handler: one .eml and one readable .txt per message."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        start = len(list(self.folder.glob("*.eml"))) + 1
        self.counter = itertools.count(start)

    async def handle_DATA(self, server, session, envelope):
        """Store the message; always accept it."""
        raw = envelope.original_content or envelope.content
        stem = f"{next(self.counter):05d}-{dt.datetime.now():%Y%m%d-%H%M%S}"
        (self.folder / f"{stem}.eml").write_bytes(raw)
        (self.folder / f"{stem}.txt").write_text(readable(raw, envelope.rcpt_tos), "utf-8")
        return "250 Message accepted for delivery"


def readable(raw: bytes, recipients: list[str]) -> str:
    """Return a message's main headers and its decoded plain-text part."""
    message = email.message_from_bytes(raw, policy=policy.default)
    headers = "\n".join(
        f"{name}: {message.get(name, '')}"
        for name in ("From", "To", "Subject", "Date", "Message-ID")
    )
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else "(no text part)"
    return f"{headers}\nEnvelope-To: {', '.join(recipients)}\n\n{text}"


def main(argv: list[str] | None = None) -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m jobs.mailsink", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--dir", default="instance/mail", help="folder for the mails")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args(argv)
    controller = Controller(FolderHandler(Path(args.dir)), hostname=args.host, port=args.port)
    controller.start()
    print(f"Mail sink on {args.host}:{args.port}, writing to {args.dir}/", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
