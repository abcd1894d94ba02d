"""A minimal durable store with the contract the desk's mail store will have.

One SQLite file; ``messages`` has a UNIQUE key (Message-ID, else sha256 of the bytes),
``deliveries`` logs every call so tests can see re-deliveries. Each call commits in its
own transaction before returning, as the fetcher requires.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from accord.intake.mail.parse import parse_message


class DedupeStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connect() as db:
            db.executescript(
                """
                CREATE TABLE IF NOT EXISTS messages (
                    dedupe_key TEXT PRIMARY KEY, raw BLOB NOT NULL, folder TEXT NOT NULL,
                    uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, dedupe_key TEXT NOT NULL,
                    folder TEXT NOT NULL, uidvalidity INTEGER NOT NULL, uid INTEGER NOT NULL);
                """
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=60, isolation_level=None)

    def __call__(self, raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        key = parse_message(raw).dedupe_key
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO deliveries (dedupe_key, folder, uidvalidity, uid) VALUES (?, ?, ?, ?)",
                (key, folder, uidvalidity, uid),
            )
            db.execute(
                "INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?)",
                (key, raw, folder, uidvalidity, uid),
            )
            db.execute("COMMIT")
        finally:
            db.close()

    def keys(self) -> list[str]:
        with self._connect() as db:
            return [r[0] for r in db.execute("SELECT dedupe_key FROM messages ORDER BY dedupe_key")]

    def deliveries(self) -> list[tuple[str, int]]:
        with self._connect() as db:
            return [
                (r[0], r[1])
                for r in db.execute("SELECT dedupe_key, uid FROM deliveries ORDER BY id")
            ]
