"""`accord import`: another desk's history, streamed in batches, resumable.

    accord import FILE [--format jsonl|django-helpdesk|zammad|osticket]
                       [--source NAME] [--messages FILE] [--history FILE]
                       [--organization NAME] [--level-map FROM=TO,...]
                       [--batch N] [--checkpoint PATH] [--no-progress]

Records are read one at a time and imported `--batch` at a time, each batch in
its own transaction (`accord.tickets.history.Importer`). After each committed
batch the checkpoint file records how many records are done; run the same
command again after an interruption and it skips that many records without
touching the database, then goes on. Importing is idempotent by source id
anyway, so a lost checkpoint costs time, never duplicates. The checkpoint is
removed when the file is done. docs/import.md describes the formats.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from accord.cli.desk import _guarded

FORMATS = ("jsonl", "django-helpdesk", "zammad", "osticket")


def register(sub: Any) -> None:
    p = sub.add_parser("import", help="import another desk's history (requests, messages, SLA)")
    p.add_argument("file", type=Path, help="the JSONL file, or the export's tickets CSV")
    p.add_argument("--format", choices=FORMATS, default="jsonl")
    p.add_argument("--source", help="name of the desk it comes from (default: the format)")
    p.add_argument("--messages", type=Path, help="CSV formats: the export's messages file")
    p.add_argument("--history", type=Path, help="CSV formats: the status/priority history file")
    p.add_argument("--organization", default="", help="CSV formats: organisation of every row")
    p.add_argument("--level-map", default="", help="CSV formats: PRIORITY=LEVEL,... e.g. High=high")
    p.add_argument("--batch", type=int, default=2000, help="records per transaction")
    p.add_argument("--checkpoint", type=Path, help="default: FILE.accord-import.json")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(handler=_guarded(_run))


def _records(args: argparse.Namespace) -> Iterator[Any]:
    from accord.tickets import history_csv, history_format

    if args.format == "jsonl":
        with args.file.open(encoding="utf-8") as stream:
            yield from history_format.read_jsonl(stream)
        return
    reader = history_csv.reader(
        args.format,
        organization=args.organization,
        level_map=history_csv.parse_level_map(args.level_map),
    )
    yield from reader.read(args.file, args.messages, args.history)


def _load_checkpoint(path: Path, key: dict[str, Any]) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(data, dict) or data.get("key") != key:
        return 0  # another file, source or version of the file: start over
    done = data.get("records")
    return done if isinstance(done, int) and done > 0 else 0


def _save_checkpoint(path: Path, key: dict[str, Any], records: int) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"key": key, "records": records}), encoding="utf-8")
    os.replace(tmp, path)  # atomic: a crash leaves the old checkpoint or the new


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _run(args: argparse.Namespace) -> int:
    from django.utils import timezone
    from tqdm import tqdm

    from accord.accounts.actor import Actor
    from accord.errors import Invalid
    from accord.tickets.history import Importer

    if not args.file.is_file():
        raise Invalid("file", f"no such file: {args.file}")
    if args.batch < 1:
        raise Invalid("batch", "at least 1")
    source = args.source or args.format
    stat = args.file.stat()
    key = {
        "file": str(args.file.resolve()),
        "size": stat.st_size,
        "format": args.format,
        "source": source,
    }
    checkpoint = args.checkpoint or args.file.with_name(args.file.name + ".accord-import.json")
    start = _load_checkpoint(checkpoint, key)
    importer = Importer(Actor(can_import=True), source, timezone.now())
    totals = {"imported": 0, "skipped": 0, "vector": 0}
    bar = tqdm(
        unit=" req",
        disable=True if args.no_progress else None,  # None: only on a terminal
        file=sys.stderr,
        initial=start,
        desc=f"import {args.file.name}",
    )
    records = _records(args)
    if start:
        print(f"accord import: resuming after {start} records ({checkpoint})", file=sys.stderr)
        for _ in islice(records, start):
            pass
    done = start
    with bar:
        for chunk in _chunks(records, args.batch):
            result = importer.import_batch(chunk)
            done += len(chunk)
            _save_checkpoint(checkpoint, key, done)
            totals["imported"] += result.imported
            totals["skipped"] += result.skipped
            totals["vector"] += result.vector
            bar.update(len(chunk))
    checkpoint.unlink(missing_ok=True)
    print(
        f"accord import: {totals['imported']} imported, {totals['skipped']} already there "
        f"({done} records in {args.file.name}; {totals['vector']} replayed on the array path)"
    )
    return 0
