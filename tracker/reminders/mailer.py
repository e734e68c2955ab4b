"""SMTP delivery: one connection per batch, stable Message-ID, failures sorted into retry or not."""

from __future__ import annotations

import dataclasses
import datetime as dt
import smtplib
import ssl
from collections.abc import Callable, Iterable, Iterator
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from tracker.config import Settings
from tracker.reminders.digest import OutgoingMail

IDEMPOTENCY_HEADER = "X-Tracker-Idempotency-Key"


@dataclasses.dataclass(frozen=True)
class SmtpConfig:
    """Where and how to connect."""

    host: str
    port: int
    security: str
    username: str
    password: str
    timeout: float
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig:
        """Read the SMTP settings."""
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_timeout_seconds,
            settings.mail_from,
        )

    @property
    def domain(self) -> str:
        """The sender's domain, used in Message-IDs."""
        return parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"


@dataclasses.dataclass(frozen=True)
class Result:
    """What happened to one mail: sent, or failed (temporary: try again later), or not tried."""

    mail: OutgoingMail
    sent: bool = False
    temporary: bool = False
    detail: str | None = None
    message_id: str | None = None
    attempted: bool = True


def build_message(mail: OutgoingMail, config: SmtpConfig, now: dt.datetime) -> MIMEMultipart:
    """Return the multipart (text + HTML) message, UTF-8 throughout, bodies in base64.

    Built with the classic MIME classes: Python 3.11's newer header folding drops the space
    between two encoded words, which turns "đến hạn" into "đếnhạn" in long subjects.
    """
    message = MIMEMultipart("alternative")
    message["From"] = _address(*parseaddr(config.sender))
    message["To"] = _address(mail.to_name, mail.to_email)
    message["Subject"] = Header(mail.subject, "utf-8")
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(mail.key, config)
    message[IDEMPOTENCY_HEADER] = mail.key
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.attach(MIMEText(mail.text, "plain", "utf-8"))
    message.attach(MIMEText(mail.html, "html", "utf-8"))
    return message


def message_id(key: str, config: SmtpConfig) -> str:
    """Return the Message-ID of the mail with an idempotency key."""
    return f"<{key}@{config.domain}>"


def key_of(value: str | None) -> str | None:
    """Return the idempotency key inside a Message-ID we made (None for none)."""
    if not value:
        return None
    return value.strip("<>").rpartition("@")[0] or None


def _address(name: str, address: str) -> str:
    """Return `Name <address>` with the name encoded as needed, or the bare address."""
    return formataddr((name, address), "utf-8") if name else address


def send_batch(
    config: SmtpConfig, mails: list[OutgoingMail], now: dt.datetime, time_left: Callable[[], bool]
) -> list[Result]:
    """Send mails over one connection; a lost connection leaves the rest for a later attempt."""
    return list(send_each(config, mails, now, time_left))


def send_each(
    config: SmtpConfig, mails: list[OutgoingMail], now: dt.datetime, time_left: Callable[[], bool]
) -> Iterator[Result]:
    """Like `send_batch`, yielding each result as soon as it is known.

    The caller records each outcome before the next mail goes: a worker killed mid-batch
    then leaves at most the one mail in flight to be sent again.
    """
    if not mails:
        return
    try:
        connection = _connect(config)
    except (OSError, smtplib.SMTPException) as exc:
        yield from (Result(m, temporary=True, detail=_describe(exc)) for m in mails)
        return
    try:
        yield from _send_each(connection, config, mails, now, time_left)
    finally:
        _quit(connection)


def _send_each(connection, config, mails, now, time_left) -> Iterator[Result]:
    pending = iter(mails)
    for mail in pending:
        if not time_left():
            yield Result(mail, attempted=False)
            continue
        message = build_message(mail, config, now)
        try:
            connection.send_message(message, parseaddr(config.sender)[1], [mail.to_email])
        except smtplib.SMTPServerDisconnected as exc:
            yield Result(mail, temporary=True, detail=_describe(exc))
            yield from _not_sent(pending, exc)
            return
        except smtplib.SMTPException as exc:  # a reply about this mail; the connection lives
            yield Result(mail, temporary=_temporary(exc), detail=_describe(exc))
            continue
        except OSError as exc:  # the network failed (SMTPException is an OSError, caught above)
            yield Result(mail, temporary=True, detail=_describe(exc))
            yield from _not_sent(pending, exc)
            return
        yield Result(mail, sent=True, message_id=message["Message-ID"])


def _not_sent(rest: Iterable[OutgoingMail], exc: Exception) -> Iterator[Result]:
    """The connection is gone: the remaining mails wait for the next attempt."""
    for mail in rest:
        yield Result(mail, temporary=True, detail=f"Not sent, connection lost: {_describe(exc)}")


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    """Open, secure and authenticate one connection."""
    if config.security == "tls":
        context = ssl.create_default_context()
        connection = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    try:
        connection.ehlo()
        if config.security == "starttls":
            connection.starttls(context=ssl.create_default_context())
            connection.ehlo()
        if config.username:
            connection.login(config.username, config.password)
    except BaseException:
        _quit(connection)
        raise
    return connection


def _quit(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()


def _temporary(exc: Exception) -> bool:
    """4xx replies and network trouble are temporary; 5xx replies are permanent."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return all(400 <= code < 500 for code in codes)
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return 400 <= code < 500
    return True


def _describe(exc: Exception) -> str:
    """Return an error's description without secrets (replies and errno text only)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = [f"{code} {_text(msg)}" for code, msg in exc.recipients.values()]
        return "Recipient refused: " + "; ".join(replies)
    code = getattr(exc, "smtp_code", None)
    if isinstance(code, int):
        return f"SMTP {code} {_text(getattr(exc, 'smtp_error', b''))}"
    return f"{type(exc).__name__}: {exc}"


def _text(message) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
