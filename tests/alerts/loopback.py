"""Real servers on 127.0.0.1 for the alert tests: an SMTP server (aiosmtpd) that demands
STARTTLS with a self-signed certificate and a login, and an HTTP server for the webhook.

Both record what they accepted. The SMTP server can hold the n-th message before it
answers (the test kills the sender meanwhile) and then refuse it, so a message counts as
delivered only when the server acknowledged it, as a real server's 250 means.
"""

from __future__ import annotations

import asyncio
import email
import json
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

SMTP_USER = "alerts"
SMTP_PASSWORD = "s3cret-Pa55"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key); clients trust it through SSL_CERT_FILE."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Accepted:
    sender: str
    recipients: list[str]
    message: Message

    @property
    def alert_ids(self) -> list[str]:
        return (self.message["X-Sales-Targets-Alerts"] or "").split(",")

    @property
    def text(self) -> str:
        return self.message.get_payload(decode=True).decode()


@dataclass
class SmtpRecorder:
    accepted: list[Accepted] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    hold_message: int | None = None  # the n-th DATA to hold, counted from 1
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    received: int = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.received += 1
        if self.hold_message == self.received:
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 120)
            return "451 4.3.0 not taken"
        self.accepted.append(
            Accepted(envelope.mail_from, list(envelope.rcpt_tos),
                     email.message_from_bytes(envelope.content))
        )  # fmt: skip
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login, auth_data.password))
            ok = (
                auth_data.login == SMTP_USER.encode()
                and auth_data.password == SMTP_PASSWORD.encode()
            )
            # handled=False: aiosmtpd answers a refusal with 535 itself; by default it
            # assumes the authenticator replied, and the client waits for its timeout
            return AuthResult(success=ok, handled=False)
        return AuthResult(success=False, handled=False)


class SmtpServer:
    def __init__(self, cert: Path, key: Path) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.recorder = SmtpRecorder()
        self.port = free_port()
        self.controller = Controller(
            self.recorder, hostname="127.0.0.1", port=self.port, tls_context=context,
            require_starttls=True, authenticator=self.recorder.authenticate,
            auth_require_tls=True, auth_exclude_mechanism=["CRAM-MD5"],
        )  # fmt: skip

    def url(self, password: str = SMTP_PASSWORD) -> str:
        return f"smtp://{SMTP_USER}:{password}@127.0.0.1:{self.port}?from=sales-targets@example.com"

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.recorder.release.set()
        self.controller.stop()


class WebhookServer:
    """Records each JSON body; answers 500 to the first `fail_first` requests."""

    def __init__(self) -> None:
        self.payloads: list[dict] = []
        self.failed = 0
        self.fail_first = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if outer.failed < outer.fail_first:
                    outer.failed += 1
                    self.send_response(500)
                else:
                    outer.payloads.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/T0000/B0000/secret-token"

    def __enter__(self) -> WebhookServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
