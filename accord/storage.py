"""Files by content: written whole or not at all, checked before they are trusted.

Attachments are stored under the SHA-256 of their bytes (`mail/ab/abcd...`),
through Django's Storage API (`default_storage`), so the backend is one
setting: the local `DurableFileSystemStorage` below, or S3-compatible object
storage through django-storages (docs/reliability.md).

The local backend writes to a temporary file in the target's directory,
fsyncs it, reads it back to check its size and hash, and only then renames it
into place (and fsyncs the directory), so a full disk or a crash leaves either
the old name absent or a complete file under it, never a truncated one.

`put` trusts an existing file only after checking it: its size always, its
hash when the file is small enough to read cheaply (`VERIFY_HASH_UP_TO`); a
bad one is rewritten. Any failure of the storage is raised as
`StorageUnavailable`, a temporary failure: the caller keeps the work pending
and tries again later, it never quarantines it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

CHUNK = 1024 * 1024
# Reading back a file this small to hash it costs less than a millisecond or two.
VERIFY_HASH_UP_TO = 8 * 1024 * 1024


class StorageUnavailable(Exception):
    """The file store cannot take or give a file right now (disk full, read-only, down)."""


class DurableFileSystemStorage(FileSystemStorage):
    """FileSystemStorage whose writes are atomic and durable (temp, fsync, verify, rename).

    A name that exists is replaced (the content store decides when: a file under a
    hash name that fails its check), never given a new suffix.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_overwrite", True)
        super().__init__(**kwargs)

    def _save(self, name: str, content: File) -> str:  # type: ignore[type-arg]
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        self._ensure_directory(directory)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        try:
            written = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                if hasattr(content, "seek"):
                    content.seek(0)
                for chunk in content.chunks(CHUNK):
                    data = chunk.encode() if isinstance(chunk, str) else chunk
                    out.write(data)
                    written.update(data)
                    size += len(data)
                out.flush()
                os.fsync(out.fileno())
            if _digest(tmp) != (written.hexdigest(), size):
                raise OSError(f"{name}: the bytes read back differ from the bytes written")
            if self.file_permissions_mode is not None:
                os.chmod(tmp, self.file_permissions_mode)
            os.replace(tmp, full_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _fsync_directory(directory)
        return str(name).replace("\\", "/")

    def _ensure_directory(self, directory: str) -> None:
        if self.directory_permissions_mode is not None:
            old = os.umask(0o777 & ~self.directory_permissions_mode)
            try:
                os.makedirs(directory, self.directory_permissions_mode, exist_ok=True)
            finally:
                os.umask(old)
        else:
            os.makedirs(directory, exist_ok=True)


def _digest(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (the directory entry)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def content_name(sha256: str) -> str:
    return f"mail/{sha256[:2]}/{sha256}"


def check(name: str, sha256: str, size: int, storage: Storage | None = None) -> str | None:
    """Why the stored file `name` is not these bytes, or None when it is.

    The hash is read only for files up to VERIFY_HASH_UP_TO unless `full` checks
    are asked for through `verify`. Raises StorageUnavailable when it cannot look.
    """
    return _check(name, sha256, size, storage or default_storage, full=size <= VERIFY_HASH_UP_TO)


def verify(name: str, sha256: str, size: int, storage: Storage | None = None) -> str | None:
    """`check` with the hash always read (`accord files verify`)."""
    return _check(name, sha256, size, storage or default_storage, full=True)


def _check(name: str, sha256: str, size: int, storage: Storage, *, full: bool) -> str | None:
    try:
        if not storage.exists(name):
            return "missing"
        actual = storage.size(name)
        if actual != size:
            return f"{actual} bytes stored, {size} expected"
        if not full:
            return None
        h = hashlib.sha256()
        with storage.open(name, "rb") as fh:
            for chunk in fh.chunks(CHUNK):
                h.update(chunk)
        if h.hexdigest() != sha256:
            return "content does not match its hash"
        return None
    except OSError as exc:
        raise StorageUnavailable(f"file store: {exc}") from exc


def put(sha256: str, data: bytes, storage: Storage | None = None) -> str:
    """Store `data` once under its hash; returns the storage name.

    An existing file is reused only if it checks out; a bad one is rewritten.
    Raises StorageUnavailable (temporary) when the store fails.
    """
    storage = storage or default_storage
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("put: the hash given is not the hash of the data")
    name = content_name(sha256)
    if check(name, sha256, len(data), storage) is None:
        return name
    try:
        saved = storage.save(name, ContentFile(data))
    except OSError as exc:
        raise StorageUnavailable(f"file store: {exc}") from exc
    problem = check(name, sha256, len(data), storage)
    if saved != name or problem is not None:
        raise StorageUnavailable(f"file store: {name} did not verify after writing ({problem})")
    return name


def put_file(sha256: str, size: int, fileobj: Any, storage: Storage | None = None) -> str:
    """`put` for content already in an open file (read in chunks, never whole in
    memory): a message too large to hold (accord/intake/oversize.py). The caller
    computed `sha256` and `size` while writing it; they are checked again here."""
    storage = storage or default_storage
    name = content_name(sha256)
    if check(name, sha256, size, storage) is None:
        return name
    fileobj.seek(0)
    try:
        saved = storage.save(name, File(fileobj, name=name))
    except OSError as exc:
        raise StorageUnavailable(f"file store: {exc}") from exc
    problem = verify(name, sha256, size, storage)
    if saved != name or problem is not None:
        raise StorageUnavailable(f"file store: {name} did not verify after writing ({problem})")
    return name
