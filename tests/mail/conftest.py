"""Fixtures for the mail tests: the corpus, a real Dovecot on loopback, an SMTP sink.

The Dovecot fixture runs ``scripts/dovecot-test-server`` (which installs Dovecot from
Debian's packages when it is missing). If that fails the tests that need it FAIL with
the script's message: they are never skipped.
"""

from __future__ import annotations

import imaplib
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from accord.intake.mail.imap import ImapAccount, encode_mailbox_name

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = REPO_ROOT.parent / "shared" / "corpus" / "mail"
DOVECOT_SCRIPT = REPO_ROOT / "scripts" / "dovecot-test-server"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "README.md")


@pytest.fixture(scope="session")
def corpus() -> list[Path]:
    files = corpus_files()
    assert files, f"mail corpus not found under {CORPUS}"
    return files


@dataclass
class Dovecot:
    host: str
    port: int
    user: str
    password: str
    directory: Path

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=30)
        conn.login(self.user, self.password)
        return conn

    def account(self, folders: tuple[str, ...], **options: object) -> ImapAccount:
        return ImapAccount(
            host=self.host,
            port=self.port,
            username=self.user,
            password=self.password,
            folders=folders,
            mailbox="support",
            security="plain",
            **options,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if shutil.which("bash") is None:
        pytest.fail("bash is needed to run scripts/dovecot-test-server")
    # Not under pytest's private 0700 tmp dirs: Dovecot's mail processes run as "mail".
    directory = Path(tempfile.mkdtemp(prefix="accord-dovecot-"))
    try:
        proc = subprocess.run(
            [str(DOVECOT_SCRIPT), "start", str(directory)],
            capture_output=True,
            text=True,
            timeout=900,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(directory, ignore_errors=True)
        pytest.fail(f"could not run {DOVECOT_SCRIPT} for the IMAP tests: {exc}", pytrace=False)
    if proc.returncode != 0 or not proc.stdout.strip().isdigit():
        shutil.rmtree(directory, ignore_errors=True)
        pytest.fail(
            "could not install or start Dovecot for the IMAP tests "
            f"(scripts/dovecot-test-server exit {proc.returncode}):\n{proc.stderr[-4000:]}",
            pytrace=False,
        )
    server = Dovecot("127.0.0.1", int(proc.stdout.strip()), "accord", "accord-test", directory)
    try:
        yield server
    finally:
        subprocess.run(
            [str(DOVECOT_SCRIPT), "stop", str(directory)], capture_output=True, timeout=60
        )


@dataclass
class Folder:
    """A fresh IMAP folder for one test, with helpers to fill and inspect it."""

    server: Dovecot
    name: str
    conn: imaplib.IMAP4 = field(init=False)

    def __post_init__(self) -> None:
        self.conn = self.server.connect()
        typ, data = self.conn.create(encode_mailbox_name(self.name))
        assert typ == "OK", data

    def append(self, raw: bytes) -> int:
        typ, data = self.conn.append(encode_mailbox_name(self.name), None, None, raw)
        assert typ == "OK", data
        text = data[0].decode() if isinstance(data[0], bytes) else ""
        # [APPENDUID <uidvalidity> <uid>] (UIDPLUS)
        return int(text.split("APPENDUID", 1)[1].split("]", 1)[0].split()[1])

    def flags(self) -> dict[int, set[str]]:
        """UID -> flags, read on a separate connection without changing anything."""
        conn = self.server.connect()
        try:
            conn.select(encode_mailbox_name(self.name), readonly=True)
            typ, data = conn.uid("FETCH", "1:*", "(UID FLAGS)")
            assert typ == "OK", data
            out: dict[int, set[str]] = {}
            for item in data:
                if not isinstance(item, bytes):
                    continue
                parts = imaplib.ParseFlags(item)
                uid = int(item.split(b"UID ", 1)[1].split()[0].rstrip(b")"))
                out[uid] = {f.decode() for f in parts}
            return out
        finally:
            conn.logout()

    def uidvalidity(self) -> int:
        typ, data = self.conn.status(encode_mailbox_name(self.name), "(UIDVALIDITY)")
        assert typ == "OK", data
        raw = data[0].decode() if isinstance(data[0], bytes) else ""
        return int(raw.split("UIDVALIDITY", 1)[1].strip(" )"))

    def recreate(self) -> None:
        """Delete the folder and create it again: the server assigns a new UIDVALIDITY."""
        self.conn.delete(encode_mailbox_name(self.name))
        typ, data = self.conn.create(encode_mailbox_name(self.name))
        assert typ == "OK", data

    def close(self) -> None:
        try:
            self.conn.delete(encode_mailbox_name(self.name))
        finally:
            self.conn.logout()


@pytest.fixture
def imap_folder(dovecot: Dovecot) -> Iterator[Folder]:
    folder = Folder(dovecot, f"accord-test-{uuid.uuid4().hex[:12]}")
    try:
        yield folder
    finally:
        folder.close()


@pytest.fixture
def make_folder(dovecot: Dovecot) -> Iterator[object]:
    created: list[Folder] = []

    def make(prefix: str = "accord-test") -> Folder:
        folder = Folder(dovecot, f"{prefix}-{uuid.uuid4().hex[:12]}")
        created.append(folder)
        return folder

    yield make
    for folder in created:
        folder.close()


def build_message(
    subject: str, message_id: str | None = None, body: str = "Hello", **headers: str
) -> bytes:
    msg = EmailMessage()
    msg["From"] = headers.pop("from_", "Customer <customer@example.org>")
    msg["To"] = "support@desk.example"
    msg["Subject"] = subject
    if message_id is not None:
        msg["Message-ID"] = f"<{message_id}>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.messages.append(
            (
                envelope.mail_from,  # type: ignore[attr-defined]
                list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                bytes(envelope.original_content or envelope.content),  # type: ignore[attr-defined]
            )
        )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: _Sink

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        return self.sink.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """An aiosmtpd server on a free loopback port that keeps what it receives."""
    sink = _Sink()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, sink)
    finally:
        controller.stop()
