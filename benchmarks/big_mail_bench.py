"""Peak memory of `accord mail ingest` for one large message (issue 9: under 300 MB at 250 MB).

    .venv/bin/python benchmarks/big_mail_bench.py [--mb 250]

Writes one message of about `--mb` megabytes (a short text part and one
base64 attachment of random bytes) to a scratch file, makes a demo desk on a
fresh SQLite database (`accord demo --no-serve`), and pipes the message into
`accord mail ingest` twice, each on its own copy of that database, in the same
run:

- `streamed`: the default `ACCORD_MAIL_MAX_BYTES` (50 MB): the message is
  spooled in chunks, stored whole by streaming, and opened from its headers
  (accord/intake/oversize.py);
- `in memory`: `ACCORD_MAIL_MAX_BYTES` raised above the message's size, so it
  is read and parsed whole as every message was before: the peer.

For each it prints the wall time, the peak resident memory of the `accord`
process (`ru_maxrss` from `os.wait4`) and the ratio between the two.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LINE = 57 * 16384  # whole base64 groups: chunks encode to lines that join cleanly


def write_message(path: Path, megabytes: int) -> int:
    boundary = "accord-bench-boundary"
    head = (
        "From: Hana <hana@aroha.example>\r\n"
        "To: support@capella.demo.example\r\n"
        "Subject: Full export attached\r\n"
        "Date: Fri, 20 Nov 2026 10:00:00 +1300\r\n"
        "Message-ID: <big-bench@aroha.example>\r\n"
        "MIME-Version: 1.0\r\n"
        f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'
        f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "The whole export is attached.\r\n"
        f"--{boundary}\r\nContent-Type: application/zip\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="export.zip"\r\n\r\n'
    )
    target = megabytes * 1024 * 1024 * 3 // 4  # base64 grows by a third
    with path.open("wb") as out:
        out.write(head.encode())
        written = 0
        while written < target:
            out.write(base64.encodebytes(os.urandom(LINE)).replace(b"\n", b"\r\n"))
            written += LINE
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return path.stat().st_size


def env_for(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DATABASE_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("SECRET_KEY", None)
    env.update(ACCORD_DATA_DIR=str(data_dir), **extra)
    return env


def ingest(message: Path, data_dir: Path, **extra: str) -> tuple[float, int, str]:
    """(seconds, peak RSS in bytes, the command's output) of one `accord mail ingest`."""
    with message.open("rb") as stdin:
        started = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "accord", "mail", "ingest"],
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env_for(data_dir, **extra),
            cwd=REPO,
        )
        assert proc.stdout is not None
        output = proc.stdout.read().decode(errors="replace").strip()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"accord mail ingest exited {proc.returncode}: {output}")
    return seconds, usage.ru_maxrss * 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=250, help="message size in MB (default 250)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accord-big-mail-") as scratch:
        root = Path(scratch)
        message = root / "big.eml"
        size = write_message(message, args.mb)
        template = root / "template"
        demo = subprocess.run(
            [sys.executable, "-m", "accord", "demo", "--no-serve"],
            env=env_for(template),
            capture_output=True,
            cwd=REPO,
        )
        if demo.returncode != 0:
            raise SystemExit(demo.stderr.decode())
        results = {}
        for name, extra in (
            ("streamed", {}),
            ("in memory", {"ACCORD_MAIL_MAX_BYTES": str(size + 1)}),
        ):
            data_dir = root / name.replace(" ", "-")
            shutil.copytree(template, data_dir)
            results[name] = ingest(message, data_dir, **extra)
        print(f"message: {size / 1e6:.1f} MB ({size:,} bytes)")
        print(f"{'path':<10} {'wall s':>8} {'peak RSS MB':>12}  output")
        for name, (seconds, peak, output) in results.items():
            print(f"{name:<10} {seconds:8.1f} {peak / 1e6:12.1f}  {output[:70]}")
        streamed, memory = results["streamed"][1], results["in memory"][1]
        print(f"peak memory, in memory / streamed: {memory / streamed:.1f}x")


if __name__ == "__main__":
    main()
