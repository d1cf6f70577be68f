"""Review workbench: a local web page for accepting, fixing and re-aligning pairs.

Every decision is committed to SQLite beside the corpus (WAL, ``synchronous=FULL``) before
the page hears back, so a killed server loses nothing; the corpus files are never written.
Each bead carries a version number, and a change based on an older version is refused
(HTTP 409) rather than overwriting what another tab or reviewer did.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import secrets
import shutil
import socket
import sqlite3
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Awaitable, Callable, Iterator
from urllib.parse import urlencode

import jinja2
import uvicorn
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from align.errors import DataError
from align.formats import read_corpus, write_corpus
from align.records import LOW_CONFIDENCE_SCORE, Pair

ASSETS = Path(__file__).with_name("review_assets")
RUN_PAIRS = "pairs.jsonl"
RUN_STORE = "review.sqlite3"
STORE_SUFFIX = ".review.sqlite3"
EXPORT_FORMATS = ("tmx", "tsv", "jsonl")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PAGE_SIZE = 50
STATUSES = ("accepted", "rejected")
# Gap between neighbouring beads' positions, so a split can slot a bead in without renumbering.
SEQ_STEP = 1024.0

# A sentence end: terminal punctuation, closing quotes/brackets, then the space to split at,
# unless a lowercase letter follows (an abbreviation such as "M. le ministre").
_SENTENCE_END = re.compile(r"[.!?…]+(?:\s*[»”\"’)\]])*(\s+)(?![a-zà-ÿ])")
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class Refused(Exception):
    """A change that makes no sense for this bead (HTTP 400); the message says why."""


class Conflict(Exception):
    """A change based on a version of a bead that is no longer current (HTTP 409)."""


# ---------------------------------------------------------------------------------------------
# Beads under review


@dataclass
class Sentence:
    """One sentence of a bead side; ``ids`` has several ids only when the joined text could
    not be split back into its sentences. ``draft`` is set on source sentences only."""

    ids: list[int]
    text: str
    draft: str | None = None


@dataclass
class ReviewBead:
    """A pair as the reviewer sees and reshapes it: sentences per side, review state, version."""

    id: int
    seq: float
    doc: str
    src: list[Sentence]
    tgt: list[Sentence]
    score: float
    flags: list[str]
    status: str | None = None
    live: bool = True
    version: int = 0

    @property
    def kind(self) -> str:
        return f"{sum(len(s.ids) for s in self.src)}-{sum(len(s.ids) for s in self.tgt)}"

    def state(self) -> dict:
        """Everything a change can alter (what history stores and undo restores)."""
        row = asdict(self)
        del row["id"], row["version"]
        return row

    def to_pair(self) -> Pair:
        drafts = [s.draft for s in self.src if s.draft is not None]
        return Pair(
            doc=self.doc,
            src_ids=[i for s in self.src for i in s.ids],
            tgt_ids=[i for s in self.tgt for i in s.ids],
            src=" ".join(s.text for s in self.src),
            tgt=" ".join(s.text for s in self.tgt),
            draft=" ".join(drafts) if drafts else None,
            score=self.score,
            bead=self.kind,
            flags=list(self.flags),
            status=self.status,
        )

    @classmethod
    def from_state(cls, id: int, version: int, state: dict) -> "ReviewBead":
        sides = {side: [Sentence(**s) for s in state[side]] for side in ("src", "tgt")}
        return cls(id=id, version=version, **{**state, **sides})


def split_sentences(text: str, count: int) -> list[str] | None:
    """``text`` cut into exactly ``count`` sentences, or None when its sentence ends are
    ambiguous (more or fewer than ``count``); a guess that might pair wrong is never made."""
    ends = [m.span(1) for m in _SENTENCE_END.finditer(text)]
    if len(ends) != count - 1:
        return None
    bounds = [0, *(i for span in ends for i in span), len(text)]
    return [text[bounds[i] : bounds[i + 1]].strip() for i in range(0, len(bounds), 2)]


def _side(text: str, ids: list[int], known: dict[int, str]) -> list[Sentence]:
    """Sentences of one side: from the run's segment files when they agree with the joined
    text, else by splitting at sentence ends, else one unsplittable sentence."""
    if not ids:
        return [Sentence([], text)] if text.strip() else []
    texts = [known[i] for i in ids] if all(i in known for i in ids) else None
    if texts is None or " ".join(texts) != text:
        texts = split_sentences(text, len(ids))
    if texts is None:
        return [Sentence(list(ids), text)]
    return [Sentence([i], t) for i, t in zip(ids, texts, strict=True)]


def _attach_drafts(src: list[Sentence], draft: str | None, known: dict[int, str]) -> list[Sentence]:
    """Give each source sentence its draft; when the draft cannot be cut the same way, the
    source side becomes one sentence so that no draft text is lost or misplaced."""
    if draft is None or not src:
        return src
    ids = [i for s in src for i in s.ids]
    drafts = [" ".join(known[i] for i in s.ids) for s in src] if all(i in known for i in ids) else None
    if drafts is None or " ".join(drafts) != draft:
        drafts = split_sentences(draft, len(src))
    if drafts is None:
        return [Sentence(ids, " ".join(s.text for s in src), draft)]
    return [replace(s, draft=d) for s, d in zip(src, drafts, strict=True)]


def beads_from_pairs(pairs: list[Pair], known: dict[str, dict[int, str]]) -> list[ReviewBead]:
    """Review beads in corpus order; ``known`` maps "fr"/"en"/"draft" to sentence texts by id."""
    beads = []
    for n, pair in enumerate(pairs):
        src = _side(pair.src, pair.src_ids, known.get("fr", {}))
        beads.append(
            ReviewBead(
                id=n + 1,
                seq=(n + 1) * SEQ_STEP,
                doc=pair.doc,
                src=_attach_drafts(src, pair.draft, known.get("draft", {})),
                tgt=_side(pair.tgt, pair.tgt_ids, known.get("en", {})),
                score=pair.score,
                flags=list(pair.flags),
                status=pair.status,
            )
        )
    return beads


def _run_sentences(run_dir: Path) -> dict[str, dict[int, str]]:
    """Per-sentence texts a run directory keeps beside pairs.jsonl (segments and drafts)."""
    files = {"fr": "segments.fr.jsonl", "en": "segments.en.jsonl", "draft": "drafts.jsonl"}
    known: dict[str, dict[int, str]] = {}
    for key, name in files.items():
        path = run_dir / name
        if not path.is_file():
            continue
        try:
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            known[key] = {row["id"]: " ".join(row["text"].split()) for row in rows}
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # only a hint: without it, sentences are found in the joined text
    return known


# ---------------------------------------------------------------------------------------------
# Bead operations: pure functions from current beads to changed beads


def _union(*lists: list[str]) -> list[str]:
    return list(dict.fromkeys(x for xs in lists for x in xs))


def merge(bead: ReviewBead, following: ReviewBead) -> list[ReviewBead]:
    merged = replace(
        bead,
        src=bead.src + following.src,
        tgt=bead.tgt + following.tgt,
        score=min(bead.score, following.score),
        flags=_union(bead.flags, following.flags),
        status=None,
    )
    return [merged, replace(following, live=False)]


def split(bead: ReviewBead, new_id: int, new_seq: float) -> list[ReviewBead]:
    """Cut after the first sentence of each side (repeat to cut further)."""
    if len(bead.src) < 2 and len(bead.tgt) < 2:
        raise Refused(f"#{bead.id} has one sentence per side: nothing to split (mark a sentence unaligned instead)")
    first = replace(bead, src=bead.src[:1], tgt=bead.tgt[:1], status=None)
    rest = replace(bead, id=new_id, seq=new_seq, src=bead.src[1:], tgt=bead.tgt[1:], status=None, version=0)
    return [first, rest]


def move(bead: ReviewBead, side: str, neighbour: ReviewBead, to_previous: bool) -> list[ReviewBead]:
    """Move the first sentence of ``side`` to the end of the previous bead, or the last one
    to the start of the next bead; a bead left empty disappears."""
    sentences = getattr(bead, side)
    if not sentences:
        raise Refused(f"#{bead.id} has no sentence on that side to move")
    moved, kept = (sentences[0], sentences[1:]) if to_previous else (sentences[-1], sentences[:-1])
    theirs = getattr(neighbour, side)
    theirs = theirs + [moved] if to_previous else [moved] + theirs
    left = replace(bead, **{side: kept}, status=None)
    left.live = bool(left.src or left.tgt)
    return [left, replace(neighbour, **{side: theirs}, status=None)]


def unalign(bead: ReviewBead, side: str, first: bool, new_id: int, new_seq: float) -> list[ReviewBead]:
    """Detach the first (or last) sentence of ``side`` into a bead of its own (1-0 or 0-1)."""
    sentences = getattr(bead, side)
    other = bead.tgt if side == "src" else bead.src
    if not sentences:
        raise Refused(f"#{bead.id} has no sentence on that side")
    if len(sentences) == 1 and not other:
        raise Refused(f"#{bead.id} is already unaligned")
    detached, kept = (sentences[0], sentences[1:]) if first else (sentences[-1], sentences[:-1])
    sides: dict[str, list[Sentence]] = {"src": [], "tgt": [], side: [detached]}
    alone = replace(bead, id=new_id, seq=new_seq, src=sides["src"], tgt=sides["tgt"], status=None, version=0)
    return [replace(bead, **{side: kept}, status=None), alone]


def edit(bead: ReviewBead, field_name: str, text: str) -> list[ReviewBead]:
    """Replace the English reference (``tgt``) or the draft; one line per sentence."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    if not lines:
        raise Refused("Empty text: to take a sentence out of a pair, mark it unaligned")
    if field_name == "tgt":
        if len(lines) == len(bead.tgt):
            tgt = [replace(s, text=t) for s, t in zip(bead.tgt, lines, strict=True)]
        else:
            tgt = [Sentence([i for s in bead.tgt for i in s.ids], " ".join(lines))]
        return [replace(bead, tgt=tgt)]
    if not bead.src:
        raise Refused(f"#{bead.id} has no French sentence to draft from")
    if len(bead.src) == 1:
        lines = [" ".join(lines)]
    if len(lines) != len(bead.src):
        raise Refused(f"Give one draft line per French sentence ({len(bead.src)} lines, got {len(lines)})")
    return [replace(bead, src=[replace(s, draft=d) for s, d in zip(bead.src, lines, strict=True)])]


# What a change returns: the history line, the beads it changed, the bead to show next.
Outcome = tuple[str, list[ReviewBead], int]


# ---------------------------------------------------------------------------------------------
# Durable store

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE beads (
    id INTEGER PRIMARY KEY, version INTEGER NOT NULL, live INTEGER NOT NULL,
    seq REAL NOT NULL, state TEXT NOT NULL
);
CREATE INDEX beads_order ON beads (live, seq);
CREATE TABLE history (
    id INTEGER PRIMARY KEY, at TEXT NOT NULL, reviewer TEXT NOT NULL, action TEXT NOT NULL,
    summary TEXT NOT NULL, changes TEXT NOT NULL, undone_by INTEGER
);
"""


@dataclass
class Progress:
    total: int
    reviewed: int
    accepted: int
    rejected: int


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
    """Beads and history in SQLite; each change is one transaction, committed durably."""

    def __init__(self, db: sqlite3.Connection, path: Path, corpus: Path) -> None:
        self.db = db
        self.path = path
        self.corpus = corpus

    @classmethod
    def open(cls, corpus: Path) -> "ReviewStore":
        """Open the review of ``corpus``, starting one on first use; refuse a store that was
        made from a different version of the corpus rather than mixing the two."""
        source, path = store_paths(corpus)
        fingerprint = _fingerprint(source)
        try:
            db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            store = cls(db, path, source)
            if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
                store._create(fingerprint)
            elif store._meta("fingerprint") != fingerprint:
                raise DataError(f"{path}: made for another version of {source}; move it aside to start a new review")
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
        known = _run_sentences(self.corpus.parent) if self.corpus.name == RUN_PAIRS else {}
        with self._transaction():
            for statement in _SCHEMA.split(";")[:-1]:
                self.db.execute(statement)
            meta = {"fingerprint": fingerprint, "csrf": secrets.token_urlsafe(32), "corpus": str(self.corpus)}
            self.db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            for bead in beads_from_pairs(pairs, known):
                self._write(bead, version=1)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; COMMIT returns only once the WAL is synced to disk."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    @property
    def title(self) -> str:
        """The run directory's name, or the corpus file's."""
        return self.corpus.parent.name if self.corpus.name == RUN_PAIRS else self.corpus.name

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @property
    def csrf_token(self) -> str:
        """Kept in the store so that a page loaded before a restart still works after it."""
        return self._meta("csrf") or ""

    def _write(self, bead: ReviewBead, version: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO beads (id, version, live, seq, state) VALUES (?, ?, ?, ?, ?)",
            (bead.id, version, int(bead.live), bead.seq, json.dumps(bead.state(), ensure_ascii=False)),
        )

    @staticmethod
    def _bead(row: tuple) -> ReviewBead:
        return ReviewBead.from_state(row[0], row[1], json.loads(row[2]))

    def find(self, bead_id: int) -> ReviewBead | None:
        row = self.db.execute("SELECT id, version, state FROM beads WHERE id = ?", (bead_id,)).fetchone()
        return self._bead(row) if row else None

    def get(self, bead_id: int) -> ReviewBead:
        bead = self.find(bead_id)
        if bead is None or not bead.live:
            raise Conflict(f"Pair #{bead_id} no longer exists (merged or undone elsewhere); reload the page")
        return bead

    def beads(self) -> list[ReviewBead]:
        """Live beads in document order."""
        rows = self.db.execute("SELECT id, version, state FROM beads WHERE live = 1 ORDER BY seq")
        return [self._bead(row) for row in rows]

    def neighbour(self, bead: ReviewBead, following: bool) -> ReviewBead | None:
        """The bead just after (or before) ``bead`` in the same document."""
        compare, order = (">", "ASC") if following else ("<", "DESC")
        rows = self.db.execute(
            f"SELECT id, version, state FROM beads WHERE live = 1 AND seq {compare} ? ORDER BY seq {order} LIMIT 1",
            (bead.seq,),
        )
        found = [self._bead(row) for row in rows]
        return found[0] if found and found[0].doc == bead.doc else None

    def slot_after(self, bead: ReviewBead) -> tuple[int, float]:
        """A fresh id and a position between ``bead`` and whatever follows it."""
        new_id = self.db.execute("SELECT max(id) + 1 FROM beads").fetchone()[0]
        row = self.db.execute("SELECT min(seq) FROM beads WHERE seq > ?", (bead.seq,)).fetchone()
        after = row[0] if row[0] is not None else bead.seq + 2 * SEQ_STEP
        return new_id, (bead.seq + after) / 2

    def slot_before(self, bead: ReviewBead) -> tuple[int, float]:
        new_id = self.db.execute("SELECT max(id) + 1 FROM beads").fetchone()[0]
        row = self.db.execute("SELECT max(seq) FROM beads WHERE seq < ?", (bead.seq,)).fetchone()
        before = row[0] if row[0] is not None else bead.seq - 2 * SEQ_STEP
        return new_id, (before + bead.seq) / 2

    def progress(self) -> Progress:
        counts = {status: 0 for status in STATUSES}
        beads = self.beads()
        for bead in beads:
            if bead.status in counts:
                counts[bead.status] += 1
        return Progress(len(beads), sum(counts.values()), counts["accepted"], counts["rejected"])

    def history(self, limit: int = 30) -> list[HistoryEntry]:
        rows = self.db.execute(
            "SELECT id, at, reviewer, action, summary, undone_by IS NOT NULL FROM history ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [
            HistoryEntry(id, at, who, action, summary, bool(undone)) for id, at, who, action, summary, undone in rows
        ]

    def _record(self, reviewer: str, action: str, summary: str, changes: list[dict]) -> HistoryEntry:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        cursor = self.db.execute(
            "INSERT INTO history (at, reviewer, action, summary, changes) VALUES (?, ?, ?, ?, ?)",
            (at, reviewer, action, summary, json.dumps(changes, ensure_ascii=False)),
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
        provided every existing bead it changes is still at the version the page showed."""
        with self._transaction():
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
                self._write(bead, bead.version)
                before = current.state() if current else None
                changes.append({"id": bead.id, "before": before, "after": bead.state()})
            entry = self._record(reviewer, action, summary, changes)
        return Change(changed, entry, focus, structural=action not in STATUSES)

    def undo(self, reviewer: str) -> Change:
        """Undo this reviewer's latest change that is not undone yet, unless a bead it touched
        is no longer as that change left it (undoing would silently discard the later change).
        Restored beads get new versions, so pages showing the undone state must reload."""
        with self._transaction():
            row = self.db.execute(
                "SELECT id, summary, changes FROM history WHERE reviewer = ? AND action != 'undo' "
                "AND undone_by IS NULL ORDER BY id DESC LIMIT 1",
                (reviewer,),
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
            entry = self._record(reviewer, "undo", f"undid: {summary}", reverse)
            self.db.execute("UPDATE history SET undone_by = ? WHERE id = ?", (entry.id, entry_id))
        live = [bead.id for bead in restored if bead.live]
        return Change(restored, entry, min(live) if live else None)

    def export_accepted(self, out: Path, fmt: str) -> list[Path]:
        """Write the accepted pairs, in document order, with ``status`` set; returns the files."""
        pairs = [bead.to_pair() for bead in self.beads() if bead.status == "accepted"]
        if not pairs:
            raise DataError("No accepted pairs to export yet")
        return write_corpus(pairs, out, fmt)


# ---------------------------------------------------------------------------------------------
# Requests: the operations a page can ask for


Action = Callable[["ReviewStore", ReviewBead, dict], Outcome]


def _action_merge(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    following = store.neighbour(bead, following=True)
    if following is None:
        raise Refused(f"#{bead.id} is the last pair of its document: nothing to merge with")
    return f"merged #{following.id} into #{bead.id}", merge(bead, following), bead.id


def _action_split(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    new_id, seq = store.slot_after(bead)
    return f"split #{bead.id} (new #{new_id})", split(bead, new_id, seq), bead.id


def _side_of(body: dict) -> str:
    side = body.get("side")
    if side not in ("src", "tgt"):
        raise Refused("side must be 'src' or 'tgt'")
    return side


def _action_move(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    side, to_previous = _side_of(body), body.get("direction") == "previous"
    neighbour = store.neighbour(bead, following=not to_previous)
    if neighbour is None:
        raise Refused(f"#{bead.id} has no {'previous' if to_previous else 'next'} pair in its document")
    changed = move(bead, side, neighbour, to_previous)
    focus = bead.id if changed[0].live else neighbour.id
    return f"moved a sentence of #{bead.id} to #{neighbour.id}", changed, focus


def _action_unalign(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    side, first = _side_of(body), bool(body.get("first"))
    new_id, seq = store.slot_before(bead) if first else store.slot_after(bead)
    changed = unalign(bead, side, first, new_id, seq)
    return f"marked a sentence of #{bead.id} unaligned (new #{new_id})", changed, bead.id


def _action_edit(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
    field_name = body.get("field")
    if field_name not in ("tgt", "draft"):
        raise Refused("field must be 'tgt' or 'draft'")
    label = "English" if field_name == "tgt" else "draft"
    return f"edited the {label} of #{bead.id}", edit(bead, field_name, str(body.get("text", ""))), bead.id


def _status_action(status: str) -> Action:
    def action(store: ReviewStore, bead: ReviewBead, body: dict) -> Outcome:
        return f"{status} #{bead.id}", [replace(bead, status=status)], bead.id

    return action


ACTIONS: dict[str, Action] = {
    "accepted": _status_action("accepted"),
    "rejected": _status_action("rejected"),
    "merge": _action_merge,
    "split": _action_split,
    "move": _action_move,
    "unalign": _action_unalign,
    "edit": _action_edit,
}


# ---------------------------------------------------------------------------------------------
# The page


@dataclass(frozen=True)
class View:
    """What the page shows: sort order, filters, search and page number (the query string)."""

    sort: str = "doc"
    status: str = "all"
    flagged: bool = False
    bead: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> "View":
        page = params.get("page", "1")
        return cls(
            sort="score" if params.get("sort") == "score" else "doc",
            status=params.get("status") if params.get("status") in ("unreviewed", *STATUSES) else "all",
            flagged=params.get("flagged") == "1",
            bead=params.get("bead", ""),
            q=params.get("q", "").strip(),
            page=int(page) if page.isdigit() and int(page) > 0 else 1,
        )

    def matches(self, bead: ReviewBead) -> bool:
        if self.status == "unreviewed" and bead.status is not None:
            return False
        if self.status in STATUSES and bead.status != self.status:
            return False
        if self.flagged and not bead.flags:
            return False
        if self.bead and bead.kind != self.bead:
            return False
        if self.q:
            pair = bead.to_pair()
            haystack = " ".join((pair.src, pair.tgt, pair.draft or "")).casefold()
            return self.q.casefold() in haystack
        return True

    def query(self, page: int) -> str:
        """The query string of this view at another page."""
        params = {**asdict(self), "flagged": "1" if self.flagged else "", "page": page}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", "all", "doc")})


@dataclass
class Row:
    """A bead on the page, with the versions of its neighbours (a merge or move changes them)."""

    bead: ReviewBead
    previous: ReviewBead | None
    following: ReviewBead | None


def page_rows(beads: list[ReviewBead], view: View) -> tuple[list[Row], int]:
    """The rows of ``view``'s page, and how many pages the view has."""
    rows = []
    for i, bead in enumerate(beads):
        previous = beads[i - 1] if i > 0 and beads[i - 1].doc == bead.doc else None
        following = beads[i + 1] if i + 1 < len(beads) and beads[i + 1].doc == bead.doc else None
        if view.matches(bead):
            rows.append(Row(bead, previous, following))
    if view.sort == "score":
        rows.sort(key=lambda row: row.bead.score)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    start = (min(view.page, pages) - 1) * PAGE_SIZE
    return rows[start : start + PAGE_SIZE], pages


def _templates() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(ASSETS / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


class _SecurityHeaders(BaseHTTPMiddleware):
    """No inline script, no framing, no sniffing: a second line behind escaping."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.update(_SECURITY_HEADERS)
        return response


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(corpus: Path, reviewer: str, *, host: str = "127.0.0.1") -> ASGIApp:
    """The review app for ``corpus`` (a run directory or a corpus file)."""
    return build_app(ReviewStore.open(corpus), reviewer, host)


def build_app(store: ReviewStore, reviewer: str, host: str) -> ASGIApp:
    """On a loopback ``host`` the app answers only requests addressed to loopback names, so a
    web page elsewhere cannot reach it through DNS rebinding."""
    templates = _templates()

    async def page(request: Request) -> HTMLResponse:
        view = View.from_query(request.query_params)
        beads = store.beads()
        rows, pages = page_rows(beads, view)
        html = templates.get_template("review.html").render(
            rows=rows,
            view=view,
            pages=pages,
            page=min(view.page, pages),
            kinds=sorted({bead.kind for bead in beads}),
            progress=store.progress(),
            history=store.history(),
            csrf=store.csrf_token,
            reviewer=reviewer,
            corpus=store.title,
            low_confidence=LOW_CONFIDENCE_SCORE,
            formats=EXPORT_FORMATS,
        )
        return HTMLResponse(html)

    async def guarded(request: Request, act: Callable[[dict], Change]) -> JSONResponse:
        """Check the CSRF token and run ``act`` on the JSON body, mapping refusals to replies."""
        token = request.headers.get("x-csrf-token", "")
        if not secrets.compare_digest(token, store.csrf_token):
            return _error(403, "This request did not come from the review page (missing or wrong token); reload it")
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return _error(415, "Expected a JSON body")
        try:
            body = await request.json()
            change = act(body if isinstance(body, dict) else {})
        except json.JSONDecodeError:
            return _error(400, "Malformed JSON body")
        except Refused as exc:
            return _error(400, str(exc))
        except Conflict as exc:
            return _error(409, str(exc))
        entry = asdict(change.entry)
        return JSONResponse(
            {
                "beads": [{"id": b.id, "version": b.version, "status": b.status, "live": b.live} for b in change.beads],
                "reload": change.structural,
                "focus": change.focus,
                "progress": asdict(store.progress()),
                "history": entry,
            }
        )

    async def bead_action(request: Request) -> JSONResponse:
        action = ACTIONS.get(request.path_params["action"])
        if action is None:
            return _error(404, "Unknown action")
        bead_id = request.path_params["bead_id"]

        def act(body: dict) -> Change:
            versions = body.get("versions") or {}
            expected = {int(k): int(v) for k, v in versions.items() if str(k).isdigit() and isinstance(v, int)}
            name = request.path_params["action"]
            return store.change(reviewer, name, expected, lambda: action(store, store.get(bead_id), body))

        return await guarded(request, act)

    async def undo(request: Request) -> JSONResponse:
        return await guarded(request, lambda body: store.undo(reviewer))

    async def export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in EXPORT_FORMATS:
            return _error(404, f"Export formats: {', '.join(EXPORT_FORMATS)}")
        folder = Path(tempfile.mkdtemp(prefix="align-review-"))
        name = f"{store.corpus.stem}.accepted.{fmt}"
        cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
        try:
            written = store.export_accepted(folder / name, fmt)
        except DataError as exc:
            await cleanup()
            return _error(400, str(exc))
        return FileResponse(written[0], filename=name, background=cleanup)

    loopback = host in LOOPBACK_HOSTS
    middleware = [Middleware(_SecurityHeaders)]
    if loopback:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]"]))
    routes = [
        Route("/", page),
        Route("/api/pairs/{bead_id:int}/{action}", bead_action, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Route("/export/{fmt}", export),
        Mount("/static", StaticFiles(directory=ASSETS / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=middleware)


def serve(corpus: Path, host: str = "127.0.0.1", port: int | None = None, reviewer: str = "reviewer") -> None:
    """Serve the review page until interrupted; ``port`` None picks a free one."""
    store = ReviewStore.open(corpus)
    app = build_app(store, reviewer, host)
    if host not in LOOPBACK_HOSTS:
        print(f"warning: serving on {host}: anyone who can reach this address can change the review", file=sys.stderr)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port or 0))
        sock.listen(128)  # connections queue from now on, before uvicorn starts accepting
    except OSError as exc:
        sock.close()
        raise DataError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    print(f"Reviewing {store.progress().total} pairs at http://{shown}:{bound}/", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _main(argv: list[str] | None = None) -> None:
    """``python -m align.review CORPUS [--host H] [--port N] [--reviewer NAME]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m align.review", description=_main.__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--reviewer", default="reviewer")
    args = parser.parse_args(argv)
    try:
        serve(args.corpus, args.host, args.port, args.reviewer)
    except DataError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    _main()
