"""SMTP security settings against a real TLS server: STARTTLS with login, and implicit TLS."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.reminder_support import MailSink
from tracker.reminders.digest import OutgoingMail
from tracker.reminders.mailer import SmtpConfig, send_batch

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
USER, PASSWORD = "tracker", "mat-khau-thu"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (key, cert)."""
    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return key, cert


def server_context(certificate) -> ssl.SSLContext:
    """The server side of TLS."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate[1]), str(certificate[0]))
    return context


def check_login(_server, _session, _envelope, _mechanism, auth_data):
    """Accept only the configured user."""
    return AuthResult(
        success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    )


def mail() -> OutgoingMail:
    """One reminder."""
    return OutgoingMail(
        key="tls-1",
        items=(),
        to_email="dau-moi@demo.mof.gov.vn",
        to_name="Đầu mối Bộ Tài chính",
        subject="[Nhắc việc] Bộ Tài chính: 1 quá hạn",
        text="Nhiệm vụ quá hạn",
        html="<p>Quá hạn</p>",
    )


def config(port: int, security: str, username: str = "", password: str = "") -> SmtpConfig:
    """SMTP settings for the test server."""
    sender = "Theo dõi nhiệm vụ <tracker@localhost>"
    return SmtpConfig("127.0.0.1", port, security, username, password, 10, sender)


@pytest.fixture
def trusted(certificate, monkeypatch):
    """Make the client trust the test certificate (as an operator's CA bundle would)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[1]))


def run_server(sink: MailSink, **options) -> Controller:
    """Start an SMTP server for the sink with TLS options."""
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **options)
    controller.start()
    return controller


def test_starttls_with_login(certificate, trusted):
    sink = MailSink()
    controller = run_server(
        sink,
        tls_context=server_context(certificate),
        require_starttls=True,
        authenticator=check_login,
        auth_require_tls=True,
    )
    try:
        (result,) = send_batch(
            config(sink.port, "starttls", USER, PASSWORD), [mail()], NOW, lambda: True
        )
        wrong = send_batch(config(sink.port, "starttls", USER, "sai"), [mail()], NOW, lambda: True)
    finally:
        controller.stop()
    assert result.sent, result.detail
    assert [r.recipients for r in sink.received] == [["dau-moi@demo.mof.gov.vn"]]
    assert str(sink.received[0].message["Subject"]) == "[Nhắc việc] Bộ Tài chính: 1 quá hạn"
    assert not wrong[0].sent


def test_plain_connection_is_refused_where_starttls_is_required(certificate):
    sink = MailSink()
    controller = run_server(sink, tls_context=server_context(certificate), require_starttls=True)
    try:
        (result,) = send_batch(config(sink.port, "none"), [mail()], NOW, lambda: True)
    finally:
        controller.stop()
    assert not result.sent and sink.received == []


def test_implicit_tls(certificate, trusted):
    sink = MailSink()
    controller = run_server(sink, ssl_context=server_context(certificate))
    try:
        (result,) = send_batch(config(sink.port, "tls"), [mail()], NOW, lambda: True)
    finally:
        controller.stop()
    assert result.sent, result.detail
    assert len(sink.received) == 1


def test_untrusted_certificate_is_a_temporary_failure(certificate):
    sink = MailSink()
    controller = run_server(sink, tls_context=server_context(certificate))
    try:
        (result,) = send_batch(config(sink.port, "starttls"), [mail()], NOW, lambda: True)
    finally:
        controller.stop()
    assert not result.sent and result.temporary
    assert sink.received == []
