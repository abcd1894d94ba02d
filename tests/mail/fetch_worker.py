"""A fetcher in its own process, for the crash test (run as a script, not collected).

    python fetch_worker.py HOST PORT USER PASSWORD FOLDER DB [HANG_AFTER MARKER]

With HANG_AFTER=n it commits the n-th message, touches MARKER and then hangs before the
fetcher can flag it, so that the test can kill it at the worst possible moment.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from dedupe_store import DedupeStore

from accord.intake.mail.imap import ImapAccount, fetch


def main(argv: list[str]) -> int:
    host, port, user, password, folder, db = argv[:6]
    hang_after = int(argv[6]) if len(argv) > 6 else 0
    marker = Path(argv[7]) if len(argv) > 7 else None
    store = DedupeStore(Path(db))
    calls = 0

    def hanging_store(raw: bytes, mailbox: str, folder: str, uidvalidity: int, uid: int) -> None:
        nonlocal calls
        store(raw, mailbox, folder, uidvalidity, uid)
        calls += 1
        if calls == hang_after and marker is not None:
            marker.write_text(str(uid))
            time.sleep(600)

    account = ImapAccount(
        host=host, port=int(port), username=user, password=password,
        folders=(folder,), mailbox="support", security="plain", batch_size=2,
    )  # fmt: skip
    result = fetch(account, hanging_store)
    print(f"stored={result.stored} failed={result.failed} ok={result.ok}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
