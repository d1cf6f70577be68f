"""The durable review store: beads and history in SQLite beside the corpus.

Every decision is committed (WAL, ``synchronous=FULL``) before the page hears back, so a
killed server loses nothing; the corpus files are never written. Each bead carries a version
number, and a change based on an older version is refused (:class:`Conflict`, HTTP 409)
rather than overwriting what another tab or reviewer did.

A store holds copies of the corpus's beads: the shared copy ``""`` that a team reviews
together, and in double review one copy per reviewer, started from the original alignment
(which the shared copy then keeps untouched), so that neither reviewer sees the other's work.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from align.errors import DataError
from align.formats import read_corpus
from align.review.actions import Outcome
from align.review.beads import (
    SEQ_STEP,
    STATUSES,
    Conflict,
    Refused,
    ReviewBead,
    RunSentences,
    beads_from_pairs,
    run_sentences,
)

RUN_PAIRS = "pairs.jsonl"
RUN_STORE = "review.sqlite3"
STORE_SUFFIX = ".review.sqlite3"
SHARED = ""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS beads (
    copy TEXT NOT NULL, id INTEGER NOT NULL, version INTEGER NOT NULL, live INTEGER NOT NULL,
    seq REAL NOT NULL, state TEXT NOT NULL, PRIMARY KEY (copy, id)
);
CREATE INDEX IF NOT EXISTS beads_order ON beads (copy, live, seq);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, reviewer TEXT NOT NULL, action TEXT NOT NULL,
    summary TEXT NOT NULL, changes TEXT NOT NULL, undone_by INTEGER, copy TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, token_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created REAL NOT NULL, last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settlements (
    region TEXT PRIMARY KEY, chosen TEXT NOT NULL, beads TEXT NOT NULL, adjudicator TEXT NOT NULL, at TEXT NOT NULL
);
"""
# Stores written before copies existed: one copy, no copy column.
_MIGRATE_V1 = """
ALTER TABLE beads RENAME TO beads_v1;
DROP INDEX beads_order;
ALTER TABLE history ADD COLUMN copy TEXT NOT NULL DEFAULT '';
"""


@dataclass
class Progress:
    total: int
    reviewed: int
    accepted: int
    rejected: int
    by_reviewer: dict[str, int] = field(default_factory=dict)


@dataclass
class HistoryEntry:
    id: int
    at: str
    reviewer: str
    action: str
    summary: str
    undone: bool = False


@dataclass
class Change:
    """What one request did: the beads as they are now, and the history line it left."""

    beads: list[ReviewBead]
    entry: HistoryEntry
    focus: int | None = None
    structural: bool = True


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def store_paths(corpus: Path) -> tuple[Path, Path]:
    """(corpus file to read, review store beside it) for a run directory or a corpus file."""
    if corpus.is_dir():
        pairs = corpus / RUN_PAIRS
        if not pairs.is_file():
            raise DataError(f"{corpus}: no {RUN_PAIRS} here (not a run directory with a reference)")
        return pairs, corpus / RUN_STORE
    if not corpus.is_file():
        raise DataError(f"{corpus}: no such file or run directory")
    return corpus, corpus.with_name(corpus.name + STORE_SUFFIX)


class ReviewStore:
    """One copy's beads and history; each change is one transaction, committed durably."""

    def __init__(self, db: sqlite3.Connection, path: Path, corpus: Path, copy: str = SHARED) -> None:
        self.db = db
        self.path = path
        self.corpus = corpus
        self.copy = copy

    @classmethod
    def open(cls, corpus: Path) -> "ReviewStore":
        """Open the review of ``corpus`` (its shared copy), starting one on first use; refuse a
        store that was made from a different version of the corpus rather than mixing the two."""
        source, path = store_paths(corpus)
        fingerprint = _fingerprint(source)
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            store = cls(db, path, source)
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                store._create(fingerprint)
            elif store.meta("fingerprint") != fingerprint:
                raise DataError(f"{path}: made for another version of {source}; move it aside to start a new review")
            else:
                store._upgrade()
        except sqlite3.DatabaseError as exc:
            raise DataError(f"{path}: cannot use as a review store ({exc})") from exc
        except OSError as exc:
            raise DataError(f"{path}: cannot write the review store ({exc.strerror})") from exc
        return store

    def _create(self, fingerprint: str) -> None:
        """Fill a new store from the corpus; a corpus that cannot be read leaves no store."""
        try:
            pairs = read_corpus(self.corpus)
            if not pairs:
                raise DataError(f"{self.corpus}: no pairs to review")
        except DataError:
            self.db.close()
            for leftover in (self.path, *(self.path.with_name(self.path.name + s) for s in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)
            raise
        known = run_sentences(self.corpus.parent) if self.corpus.name == RUN_PAIRS else RunSentences()
        with self.transaction():
            self._create_tables()
            meta = {"fingerprint": fingerprint, "csrf": secrets.token_urlsafe(32), "corpus": str(self.corpus)}
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            for bead in beads_from_pairs(pairs, known):
                self._write(bead, version=1)

    def _create_tables(self) -> None:
        for statement in _SCHEMA.split(";")[:-1]:
            self.db.execute(statement)

    def _upgrade(self) -> None:
        """Bring a store from before copies, accounts or session expiry to the current tables.
        Sessions from before expiry had no last-seen time: they end (their holders sign in
        again with their links; no decision hangs on a session)."""
        columns = [row[1] for row in self.db.execute("PRAGMA table_info(beads)")]
        session_columns = [row[1] for row in self.db.execute("PRAGMA table_info(sessions)")]
        with self.transaction():
            if session_columns and "last_seen" not in session_columns:
                self.db.execute("DROP TABLE sessions")
            if "copy" not in columns:
                for statement in _MIGRATE_V1.split(";")[:-1]:
                    self.db.execute(statement)
                self._create_tables()
                self.db.execute("INSERT INTO beads SELECT '', id, version, live, seq, state FROM beads_v1")
                self.db.execute("DROP TABLE beads_v1")
            else:
                self._create_tables()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction; COMMIT returns only once the WAL is synced to disk."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- the store as a whole -----------------------------------------------------------------

    @property
    def title(self) -> str:
        """The run directory's name, or the corpus file's."""
        return self.corpus.parent.name if self.corpus.name == RUN_PAIRS else self.corpus.name

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def csrf_token(self) -> str:
        """Kept in the store so that a page loaded before a restart still works after it."""
        return self.meta("csrf") or ""

    @property
    def double(self) -> bool:
        """Whether each reviewer reviews a copy of their own (double review)."""
        return self.meta("mode") == "double"

    def start_double_review(self) -> None:
        """Switch to double review; only before anyone has changed the shared copy, whose
        beads every reviewer's copy then starts from."""
        if self.double:
            return
        if self.db.execute("SELECT 1 FROM history LIMIT 1").fetchone():
            raise DataError(f"{self.path}: this review has started as a shared one; double review needs a fresh store")
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('mode', 'double')")

    def copy_of(self, reviewer: str) -> "ReviewStore":
        """The copy ``reviewer`` works on: the shared one, or their own in double review."""
        if not self.double:
            return self
        name = f"@{reviewer}"  # never the shared copy's name, whatever the reviewer is called
        if not self.db.execute("SELECT 1 FROM beads WHERE copy = ? LIMIT 1", (name,)).fetchone():
            with self.transaction():
                self.db.execute(
                    "INSERT INTO beads SELECT ?, id, version, live, seq, state FROM beads WHERE copy = ? "
                    "AND NOT EXISTS (SELECT 1 FROM beads WHERE copy = ?)",
                    (name, SHARED, name),
                )
        return ReviewStore(self.db, self.path, self.corpus, name)

    def reviewer_copies(self) -> list[tuple[str, "ReviewStore"]]:
        """Every reviewer's own copy in double review, by reviewer name."""
        rows = self.db.execute("SELECT DISTINCT copy FROM beads WHERE copy != ? ORDER BY copy", (SHARED,))
        return [(copy[1:], ReviewStore(self.db, self.path, self.corpus, copy)) for (copy,) in rows]

    # -- one copy -----------------------------------------------------------------------------

    def _write(self, bead: ReviewBead, version: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO beads (copy, id, version, live, seq, state) VALUES (?, ?, ?, ?, ?, ?)",
            (self.copy, bead.id, version, int(bead.live), bead.seq, json.dumps(bead.state(), ensure_ascii=False)),
        )

    @staticmethod
    def _bead(row: tuple) -> ReviewBead:
        return ReviewBead.from_state(row[0], row[1], json.loads(row[2]))

    def find(self, bead_id: int) -> ReviewBead | None:
        row = self.db.execute(
            "SELECT id, version, state FROM beads WHERE copy = ? AND id = ?", (self.copy, bead_id)
        ).fetchone()
        return self._bead(row) if row else None

    def get(self, bead_id: int) -> ReviewBead:
        bead = self.find(bead_id)
        if bead is None or not bead.live:
            raise Conflict(f"Pair #{bead_id} no longer exists (merged or undone elsewhere); reload the page")
        return bead

    def beads(self) -> list[ReviewBead]:
        """Live beads in document order."""
        rows = self.db.execute(
            "SELECT id, version, state FROM beads WHERE copy = ? AND live = 1 ORDER BY seq", (self.copy,)
        )
        return [self._bead(row) for row in rows]

    def neighbour(self, bead: ReviewBead, following: bool) -> ReviewBead | None:
        """The bead just after (or before) ``bead`` in the same document."""
        compare, order = (">", "ASC") if following else ("<", "DESC")
        rows = self.db.execute(
            f"SELECT id, version, state FROM beads WHERE copy = ? AND live = 1 AND seq {compare} ? "
            f"ORDER BY seq {order} LIMIT 1",
            (self.copy, bead.seq),
        )
        found = [self._bead(row) for row in rows]
        return found[0] if found and found[0].doc == bead.doc else None

    def _new_id(self) -> int:
        return self.db.execute("SELECT max(id) + 1 FROM beads WHERE copy = ?", (self.copy,)).fetchone()[0]

    def slot_after(self, bead: ReviewBead) -> tuple[int, float]:
        """A fresh id and a position between ``bead`` and whatever follows it."""
        row = self.db.execute("SELECT min(seq) FROM beads WHERE copy = ? AND seq > ?", (self.copy, bead.seq)).fetchone()
        after = row[0] if row[0] is not None else bead.seq + 2 * SEQ_STEP
        return self._new_id(), (bead.seq + after) / 2

    def slot_before(self, bead: ReviewBead) -> tuple[int, float]:
        row = self.db.execute("SELECT max(seq) FROM beads WHERE copy = ? AND seq < ?", (self.copy, bead.seq)).fetchone()
        before = row[0] if row[0] is not None else bead.seq - 2 * SEQ_STEP
        return self._new_id(), (before + bead.seq) / 2

    def progress(self) -> Progress:
        """Counts of this copy, with how many decisions each reviewer made."""
        beads = self.beads()
        counts = {status: sum(bead.status == status for bead in beads) for status in STATUSES}
        by_reviewer: dict[str, int] = {}
        for bead in beads:
            if bead.status is not None and bead.reviewer is not None:
                by_reviewer[bead.reviewer] = by_reviewer.get(bead.reviewer, 0) + 1
        return Progress(len(beads), sum(counts.values()), counts["accepted"], counts["rejected"], by_reviewer)

    def history(self, limit: int = 30) -> list[HistoryEntry]:
        rows = self.db.execute(
            "SELECT id, at, reviewer, action, summary, undone_by IS NOT NULL FROM history WHERE copy = ? "
            "ORDER BY id DESC LIMIT ?",
            (self.copy, limit),
        )
        return [
            HistoryEntry(id, at, who, action, summary, bool(undone)) for id, at, who, action, summary, undone in rows
        ]

    def record(self, reviewer: str, action: str, summary: str, changes: list[dict]) -> HistoryEntry:
        at = now()
        cursor = self.db.execute(
            "INSERT INTO history (at, reviewer, action, summary, changes, copy) VALUES (?, ?, ?, ?, ?, ?)",
            (at, reviewer, action, summary, json.dumps(changes, ensure_ascii=False), self.copy),
        )
        return HistoryEntry(cursor.lastrowid or 0, at, reviewer, action, summary)

    def change(
        self,
        reviewer: str,
        action: str,
        expected: dict[int, int],
        compute: Callable[[], Outcome],
    ) -> Change:
        """Run ``compute`` (→ summary, changed beads, bead to focus) and store its result,
        provided every existing bead it changes is still at the version the page showed;
        every bead it changes is marked as ``reviewer``'s."""
        with self.transaction():
            summary, changed, focus = compute()
            changes = []
            for bead in changed:
                current = self.find(bead.id)
                if current is not None and expected.get(bead.id) != current.version:
                    raise Conflict(
                        f"Pair #{bead.id} was changed in another tab or by another reviewer since this page "
                        "was loaded; nothing was saved. Reload to see the current version."
                    )
                bead.version = current.version + 1 if current else 1
                bead.reviewer = reviewer
                self._write(bead, bead.version)
                before = current.state() if current else None
                changes.append({"id": bead.id, "before": before, "after": bead.state()})
            entry = self.record(reviewer, action, summary, changes)
        return Change(changed, entry, focus, structural=action not in STATUSES)

    def undo(self, reviewer: str) -> Change:
        """Undo this reviewer's latest change that is not undone yet, unless a bead it touched
        is no longer as that change left it (undoing would silently discard the later change).
        Restored beads get new versions, so pages showing the undone state must reload."""
        with self.transaction():
            row = self.db.execute(
                "SELECT id, summary, changes FROM history WHERE copy = ? AND reviewer = ? AND action != 'undo' "
                "AND undone_by IS NULL ORDER BY id DESC LIMIT 1",
                (self.copy, reviewer),
            ).fetchone()
            if row is None:
                raise Refused("Nothing to undo")
            entry_id, summary, changes = row[0], row[1], json.loads(row[2])
            restored, reverse = [], []
            for change in reversed(changes):
                current = self.find(change["id"])
                if current is None or current.state() != change["after"]:
                    raise Conflict(f"Cannot undo '{summary}': pair #{change['id']} has changed since")
                state = change["before"] or {**change["after"], "live": False}
                bead = ReviewBead.from_state(current.id, current.version + 1, state)
                self._write(bead, bead.version)
                restored.append(bead)
                reverse.append({"id": bead.id, "before": current.state(), "after": state})
            entry = self.record(reviewer, "undo", f"undid: {summary}", reverse)
            self.db.execute("UPDATE history SET undone_by = ? WHERE id = ?", (entry.id, entry_id))
        live = [bead.id for bead in restored if bead.live]
        return Change(restored, entry, min(live) if live else None)
