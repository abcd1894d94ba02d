"""IMAP polling: hand every new message to a durable store, then mark it on the server.

The contract (see docs/mail.md):

* For each configured folder the fetcher SELECTs it, reads its UIDVALIDITY, searches the
  messages not yet marked (without the keyword, ``UNSEEN`` for ``\\Seen``, or not
  ``\\Deleted`` in delete mode) and fetches each with ``BODY.PEEK[]`` (fetching alone
  changes nothing on the server).
* ``store(raw, mailbox, folder, uidvalidity, uid)`` is called with the exact bytes. It
  must return only once the message is durably committed, and it must be idempotent:
  the same message (by Message-ID, else by the sha256 of its bytes) stored twice is
  stored once. A UNIQUE constraint on that key in the database is what makes two
  fetchers running at once, a re-delivery, a crash between commit and flag, or a
  UIDVALIDITY change import nothing twice: the loser of a race sees the key taken and
  returns normally.
* Only after ``store`` returned is the message flagged (``+FLAGS``) or deleted
  (``\\Deleted`` then ``UID EXPUNGE``). If ``store`` raises, the message stays as it was
  (it is fetched again on the next run) and the fetcher carries on with the next one:
  a poison message never blocks the others. ``store`` should quarantine what it cannot
  process and raise only on temporary failures (database down).
* If the server announces a different UIDVALIDITY while a folder is selected, nothing
  more is flagged in that folder during this run (a UID could name another message).
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import logging
import re
import ssl as ssl_module
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

log = logging.getLogger(__name__)

_UID_RE = re.compile(rb"\bUID (\d+)", re.IGNORECASE)


class StoreCallback(Protocol):
    def __call__(
        self, raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int
    ) -> None: ...


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    username: str
    password: str = field(repr=False)
    folders: tuple[str, ...] = ("INBOX",)
    mailbox: str = ""  # the name of this mailbox in the desk, passed to store()
    security: Literal["plain", "starttls", "ssl"] = "ssl"
    after_store: Literal["flag", "delete"] = "flag"
    flag: str = "$Accord"  # a keyword, or \\Seen
    batch_size: int = 25
    timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.after_store == "flag" and not re.fullmatch(r"\\?[A-Za-z0-9$_.-]+", self.flag):
            raise ValueError(f"not a valid IMAP flag or keyword: {self.flag!r}")
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")


@dataclass
class FolderResult:
    folder: str
    uidvalidity: int | None = None
    uidvalidity_changed: bool = False  # differs from the value the caller remembered
    stored: list[int] = field(default_factory=list)  # UIDs stored and then flagged/deleted
    failed: dict[int, str] = field(default_factory=dict)  # UID -> why store() failed
    unmarked: list[int] = field(default_factory=list)  # stored, but flagging failed
    error: str | None = None  # the folder could not be processed


@dataclass
class FetchResult:
    folders: list[FolderResult] = field(default_factory=list)
    error: str | None = None  # connection or login failure

    @property
    def stored(self) -> int:
        return sum(len(f.stored) for f in self.folders)

    @property
    def failed(self) -> int:
        return sum(len(f.failed) for f in self.folders)

    @property
    def ok(self) -> bool:
        return self.error is None and all(f.error is None for f in self.folders)


class _UidValidityChanged(Exception):
    pass


def encode_mailbox_name(name: str) -> str:
    """A folder name as an IMAP quoted string in modified UTF-7 (RFC 3501 5.1.3)."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            data = "".join(pending).encode("utf-16-be")
            out.append(
                "&" + base64.b64encode(data).decode("ascii").rstrip("=").replace("/", ",") + "-"
            )
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    encoded = "".join(out)
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(account: ImapAccount) -> imaplib.IMAP4:
    """An authenticated connection for the account."""
    conn: imaplib.IMAP4
    if account.security == "ssl":
        conn = imaplib.IMAP4_SSL(
            account.host,
            account.port,
            ssl_context=ssl_module.create_default_context(),
            timeout=account.timeout,
        )
    else:
        conn = imaplib.IMAP4(account.host, account.port, timeout=account.timeout)
        if account.security == "starttls":
            conn.starttls(ssl_module.create_default_context())
    conn.login(account.username, account.password)
    return conn


def _check(typ: str, data: Sequence[object], what: str) -> None:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise imaplib.IMAP4.error(f"{what} failed: {typ} {detail}")


def _uidvalidity(conn: imaplib.IMAP4, folder: str) -> int:
    _, data = conn.response("UIDVALIDITY")
    if data and data[-1] is not None:
        return int(data[-1])
    typ, status = conn.status(encode_mailbox_name(folder), "(UIDVALIDITY)")
    _check(typ, status, "STATUS")
    match = re.search(rb"UIDVALIDITY (\d+)", status[0] if isinstance(status[0], bytes) else b"")
    if not match:
        raise imaplib.IMAP4.error(f"no UIDVALIDITY for {folder!r}")
    return int(match.group(1))


def _check_flag_allowed(conn: imaplib.IMAP4, account: ImapAccount, folder: str) -> None:
    """Refuse to run when the server would not keep our mark (we would refetch forever)."""
    _, data = conn.response("PERMANENTFLAGS")
    if not data or data[-1] is None:
        return  # not announced: RFC 3501 says all flags are then permanent
    raw = data[-1]
    allowed = {
        f.decode().lower()
        for f in re.findall(rb"[\\$\w.*-]+", raw if isinstance(raw, bytes) else b"")
    }
    wanted = "\\deleted" if account.after_store == "delete" else account.flag.lower()
    if wanted in allowed:
        return
    if "\\*" in allowed and not wanted.startswith("\\"):
        return
    raise imaplib.IMAP4.error(
        f"{folder!r} does not keep the flag {wanted} (PERMANENTFLAGS {raw!r}); "
        "use flag=\\Seen or after_store=delete"
    )


def _assert_same_uidvalidity(conn: imaplib.IMAP4, expected: int) -> None:
    _, data = conn.response("UIDVALIDITY")
    for value in data or []:
        if value is not None and int(value) != expected:
            raise _UidValidityChanged(f"UIDVALIDITY changed from {expected} to {int(value)}")


def _search(conn: imaplib.IMAP4, account: ImapAccount) -> list[int]:
    if account.after_store == "delete":
        criteria: tuple[str, ...] = ("UNDELETED",)
    elif account.flag.lower() == "\\seen":
        criteria = ("UNSEEN", "UNDELETED")
    elif account.flag.startswith("\\"):
        criteria = (f"UN{account.flag[1:].upper()}", "UNDELETED")
    else:
        criteria = ("UNKEYWORD", account.flag, "UNDELETED")
    typ, data = conn.uid("SEARCH", *criteria)
    _check(typ, data, "UID SEARCH")
    uids: list[int] = []
    for chunk in data:
        if isinstance(chunk, bytes):
            uids.extend(int(x) for x in chunk.split() if x.isdigit())
    return sorted(set(uids))


def _fetch_batch(conn: imaplib.IMAP4, uids: list[int]) -> dict[int, bytes]:
    typ, data = conn.uid("FETCH", ",".join(str(u) for u in uids), "(UID BODY.PEEK[])")
    _check(typ, data, "UID FETCH")
    found: dict[int, bytes] = {}
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2:
            match = _UID_RE.search(item[0])
            if match and isinstance(item[1], bytes):
                found[int(match.group(1))] = item[1]
    return found


def _mark(conn: imaplib.IMAP4, account: ImapAccount, uid: int, uidplus: bool) -> None:
    if account.after_store == "delete":
        typ, data = conn.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)")
        _check(typ, data, "UID STORE \\Deleted")
        if uidplus:
            typ, data = conn.uid("EXPUNGE", str(uid))
            _check(typ, data, "UID EXPUNGE")
    else:
        typ, data = conn.uid("STORE", str(uid), "+FLAGS.SILENT", f"({account.flag})")
        _check(typ, data, "UID STORE")


def _process_folder(
    conn: imaplib.IMAP4,
    account: ImapAccount,
    folder: str,
    store: StoreCallback,
    result: FolderResult,
    limit: int | None,
) -> int:
    typ, data = conn.select(encode_mailbox_name(folder))
    _check(typ, data, f"SELECT {folder}")
    uidvalidity = _uidvalidity(conn, folder)
    result.uidvalidity = uidvalidity
    _check_flag_allowed(conn, account, folder)
    uidplus = "UIDPLUS" in conn.capabilities
    uids = _search(conn, account)
    if limit is not None:
        uids = uids[:limit]
    handled = 0
    try:
        for start in range(0, len(uids), account.batch_size):
            batch = uids[start : start + account.batch_size]
            messages = _fetch_batch(conn, batch)
            _assert_same_uidvalidity(conn, uidvalidity)
            for uid in batch:
                raw = messages.get(uid)
                if raw is None:  # expunged meanwhile (another fetcher in delete mode)
                    continue
                handled += 1
                try:
                    store(raw, account.mailbox, folder, uidvalidity, uid)
                except Exception as exc:  # a poison message must not block the others
                    log.warning(
                        "store failed for %s/%s uid %s: %r", account.mailbox, folder, uid, exc
                    )
                    result.failed[uid] = f"{type(exc).__name__}: {exc}"[:500]
                    continue
                _assert_same_uidvalidity(conn, uidvalidity)
                try:
                    _mark(conn, account, uid, uidplus)
                except imaplib.IMAP4.abort:
                    raise  # the connection is gone: reported by fetch()
                except imaplib.IMAP4.error as exc:
                    log.warning(
                        "could not mark %s/%s uid %s: %r", account.mailbox, folder, uid, exc
                    )
                    result.unmarked.append(uid)
                    continue
                result.stored.append(uid)
        if account.after_store == "delete" and not uidplus and result.stored:
            typ, data = conn.expunge()
            _check(typ, data, "EXPUNGE")
    except _UidValidityChanged as exc:
        result.error = str(exc)
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.close()
    return handled


def fetch(
    account: ImapAccount,
    store: StoreCallback,
    *,
    previous_uidvalidity: Mapping[str, int] | None = None,
    limit: int | None = None,
    connector: Callable[[ImapAccount], imaplib.IMAP4] = connect,
    folders: Iterable[str] | None = None,
) -> FetchResult:
    """Fetch the new messages of every folder of the account; see the module docstring.

    ``previous_uidvalidity`` (folder -> value the caller saw last time) only serves to
    report ``uidvalidity_changed``; correctness never depends on it. ``limit`` caps the
    number of messages handled per run across folders. Errors are reported in the
    result, not raised, except those of ``store`` itself, which are recorded per UID.
    """
    result = FetchResult()
    try:
        conn = connector(account)
    except (imaplib.IMAP4.error, OSError) as exc:
        result.error = f"connect/login to {account.host}:{account.port} failed: {exc}"
        return result
    remaining = limit
    try:
        for folder in folders if folders is not None else account.folders:
            if remaining is not None and remaining <= 0:
                break
            folder_result = FolderResult(folder=folder)
            result.folders.append(folder_result)
            try:
                handled = _process_folder(conn, account, folder, store, folder_result, remaining)
            except imaplib.IMAP4.abort as exc:
                folder_result.error = f"connection lost: {exc}"
                result.error = folder_result.error
                break
            except (imaplib.IMAP4.error, OSError) as exc:
                folder_result.error = str(exc)
                if isinstance(exc, OSError):
                    result.error = f"connection lost: {exc}"
                    break
                continue
            if previous_uidvalidity is not None and folder in previous_uidvalidity:
                folder_result.uidvalidity_changed = (
                    previous_uidvalidity[folder] != folder_result.uidvalidity
                )
            if remaining is not None:
                remaining -= handled
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return result
