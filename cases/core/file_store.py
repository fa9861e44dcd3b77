"""Where the papers of a case file live: content-addressed files, named by their SHA-256.

The audit chain carries each paper's hash, so a stored file either matches its trail or is
named as altered; a file is written once and never replaced, so several app servers can
share one store on a shared volume (NFS, a mounted disk) with no locking: two servers
writing the same paper write the same bytes under the same name.

The store sits behind ``FileStore`` (put, read, check) so an S3-compatible object store
can be added later without touching the case file's rules.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import make_url

FILES_DIR_VARIABLE = "DRUKFLOW_FILES_DIR"


class FileStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data``; returns its SHA-256 (hex), its name in the store."""

    def read(self, sha256: str) -> bytes:
        """The stored bytes; FileNotFoundError when the store has none by that name."""

    def check(self, sha256: str) -> str:
        """ "ok", "missing", or "altered" (the bytes no longer hash to their name)."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def safe_name(given: str) -> str:
    """The name as shown and downloaded: the last path part, no control or path
    characters, at most 200 characters (Dzongkha and other letters kept)."""
    name = unicodedata.normalize("NFC", given).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._") or "paper"
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 199 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name


class LocalStore:
    """A directory: ``ab/abcdef...`` for the file whose SHA-256 is ``abcdef...``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        target = self.path(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest  # the same paper again: already stored, byte for byte
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written under a temporary name, flushed, then renamed: a crash never leaves a
        # half-written file under a paper's name.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def check(self, sha256: str) -> str:
        try:
            data = self.read(sha256)
        except FileNotFoundError:
            return "missing"
        return "ok" if sha256_of(data) == sha256 else "altered"


def default_dir(database_url: str) -> Path:
    """DRUKFLOW_FILES_DIR, else ``files/`` beside the SQLite database, else (PostgreSQL)
    ``drukflow-files`` in the working directory."""
    given = os.environ.get(FILES_DIR_VARIABLE, "").strip()
    if given:
        return Path(given)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / "drukflow-files"  # type: ignore[arg-type]
    return Path("drukflow-files").resolve()


def store_for(database_url: str) -> LocalStore:
    return LocalStore(default_dir(database_url))
