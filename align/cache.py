"""Content-addressed cache for drafts and embeddings, in one SQLite file.

Keys are hashes of everything that determines a value (backend, model, prompt version, text),
so a rerun finds its work and an interrupted run resumes where it stopped. SQLite in WAL mode
lets several worker processes share the file safely.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable, Mapping


def default_cache_path() -> Path:
    root = os.environ.get("ALIGN_CACHE_DIR") or Path(
        os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")
    ) / "align-workbench"
    return Path(root) / "cache.sqlite3"


def content_key(*parts: str) -> str:
    """A stable hash of ``parts`` (separated so that ("ab","c") != ("a","bc"))."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


BUSY_TIMEOUT_S = 60.0


def _prepare(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS kv (ns TEXT, key TEXT, value BLOB, PRIMARY KEY (ns, key))")


def _retry_while_locked(step, deadline_s: float = BUSY_TIMEOUT_S) -> None:
    """Run ``step``, retrying while another process holds the lock.

    Switching a new file to WAL answers "database is locked" at once, without waiting on the busy
    timeout, when several workers open the same fresh cache together; so wait here instead.
    """
    give_up = time.monotonic() + deadline_s
    pause = 0.005
    while True:
        try:
            step()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > give_up:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


class Cache:
    """A namespaced key → bytes store; ``Cache(None)`` keeps nothing (for ``--no-cache``)."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> "Cache":
        return cls(default_cache_path())

    def _connection(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
            _retry_while_locked(lambda: _prepare(conn))
            self._conn = conn
        return self._conn

    def get_many(self, ns: str, keys: Iterable[str]) -> dict[str, bytes]:
        conn = self._connection()
        keys = list(dict.fromkeys(keys))
        if conn is None or not keys:
            return {}
        found: dict[str, bytes] = {}
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, value FROM kv WHERE ns = ? AND key IN ({marks})", (ns, *chunk)
                )
                found.update(rows)
        return found

    def put_many(self, ns: str, items: Mapping[str, bytes]) -> None:
        conn = self._connection()
        if conn is None or not items:
            return
        with self._lock, conn:
            conn.executemany(
                "INSERT OR REPLACE INTO kv (ns, key, value) VALUES (?, ?, ?)",
                [(ns, k, v) for k, v in items.items()],
            )

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
