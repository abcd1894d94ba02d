"""Seed a desk database for the CLI tests (run as a script, not collected).

    python seed.py [IMAP_JSON]

Uses ACCORD_DATA_DIR/DATABASE_URL from the environment, like `accord`: the
shared personas, a capella support address (the default) and a capsure one,
and, with IMAP_JSON, an IMAP source ({"name", "host", "port", "username",
"password", "folders"}).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")

import django  # noqa: E402

django.setup()

from desk.personas import build_desk  # noqa: E402
from django.utils import timezone  # noqa: E402

from accord.intake.models import ImapSource  # noqa: E402
from intake.support import add_addresses  # noqa: E402


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--imap":
        ImapSource.objects.create(security="plain", **json.loads(argv[1]))
        return 0
    build_desk(timezone.now())
    add_addresses()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
