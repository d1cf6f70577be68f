"""A translation memory as a CAT tool uses one: exact matches reused, fuzzy ones shown and lent.

For each sentence, a stored source identical to it (whitespace aside) gives its stored
translation, marked ``tm:100``, and the model is not asked. Otherwise the stored sources at
least :data:`DEFAULT_THRESHOLD` % alike are fuzzy matches: the draft is marked ``tm:<best %>``
and, for the few-shot gguf backend, the matches become examples in the batch's prompt.

The match percentage is what CAT tools compute: one minus the word-level edit distance over the
longer side's words (punctuation marks count as words), so one word changed in a 10-word
sentence is 90 %. A token index (:mod:`.tm_search`) narrows each lookup to the few segments that
can reach the threshold, losing none, so a lookup scores a handful of segments, not the whole
memory (speed at a million segments: eval/results/translate.md).

Memories: TMX (``.tmx``; entities refused), a run's or review's corpus (``.jsonl``, corpus
``.tsv``), plain ``French<TAB>English`` lines (any other name), or a review store
(``review.sqlite3``, or a run directory holding one), of which only the accepted pairs count.
Several may be given; for a source stored twice, the later one wins. A large memory's index is
kept in the cache folder, named by the files' contents, so the next process reads it back instead
of indexing again; the folder is kept to a month's use and a size cap (:func:`_prune_kept`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from align.cache import content_key, default_cache_path
from align.errors import DataError
from align.textio import atomic_writer, read_bytes
from align.translate.tm_search import TokenIndex, percent, tokens
from align.translate.xmlguard import refuse_entities

DEFAULT_THRESHOLD = 75
EXACT_FLAG = "tm:100"
# Memories of this many pairs or more keep their index in the cache folder: indexing a million
# segments takes about 23 CPU seconds, reading it back about 3 (eval/results/translate.md).
PERSIST_FROM = 20_000
_STORED_VERSION = "tm-index-1"
# Kept indexes pile up as memories change (a million pairs' is about 300 MB). Each time one is
# written, those not used for KEPT_INDEX_MAX_IDLE_DAYS go, then the least recently used until all
# together take at most KEPT_INDEXES_MAX_BYTES; the one written and those this process uses stay.
KEPT_INDEX_MAX_IDLE_DAYS = 30
KEPT_INDEXES_MAX_BYTES = 2 << 30
_used_here: set[Path] = set()  # kept indexes this process wrote or read back
_PARTIAL_WRITE_MAX_SECONDS = 86_400


@dataclass(frozen=True)
class Match:
    source: str
    target: str
    score: int  # percentage, 100 for an exact match

    @property
    def flag(self) -> str:
        return f"tm:{self.score}"


def _normalise(text: str) -> str:
    return " ".join(text.split())


def match_score(a: str, b: str) -> int:
    """CAT-style fuzzy match percentage: word-level edit distance over the longer side."""
    return percent(tokens(a), tokens(b))


class TMIndex:
    """Pairs indexed for exact and fuzzy lookup; also an example source for the few-shot model."""

    def __init__(self, pairs: Sequence[tuple[str, str]], threshold: int = DEFAULT_THRESHOLD,
                 index: TokenIndex | None = None):
        """``index``: one built before over ``pairs``, which are then an index's own pairs,
        normalised and unique (as read back from the cache folder)."""
        if not 1 <= threshold <= 100:
            raise DataError(f"translation memory threshold {threshold}: give a percentage from 1 to 100")
        exact: dict[str, str] = {}
        if index is None:
            for source, target in pairs:
                exact[_normalise(source)] = target  # later pairs win
        else:
            exact.update(pairs)
        if not exact:
            raise DataError("translation memory is empty")
        self.pairs = list(exact.items())
        self.threshold = threshold
        self._exact = exact
        self._index = index if index is not None else TokenIndex.build(exact)

    @functools.cached_property
    def digest(self) -> str:
        """Identifies the memory in cache keys: drafts that borrowed from it change with it."""
        digest = hashlib.sha256(str(self.threshold).encode())
        for source, target in self.pairs:
            digest.update(f"{source}\t{target}\n".encode("utf-8"))
        return digest.hexdigest()[:16]

    @property
    def name(self) -> str:
        return f"tm{self.threshold}-{self.digest}"

    def lookup(self, sentence: str, limit: int = 3) -> list[Match]:
        """The exact match alone, or up to ``limit`` fuzzy matches at or above the threshold, best first."""
        key = _normalise(sentence)
        if key in self._exact:
            return [Match(key, self._exact[key], 100)]
        found = sorted(self._index.search(key, self.threshold), key=lambda hit: (-hit[1], hit[0]))
        # 99 at most: the same tokens spaced otherwise are not the stored sentence.
        return [Match(*self.pairs[row], min(score, 99)) for row, score in found[:limit]]

    def examples(self, sentences: Sequence[str]) -> list[tuple[str, str]]:
        """The best fuzzy match of each sentence of the batch, weakest first."""
        best = [found[0] for found in map(self.lookup, sentences) if found and found[0].score < 100]
        best.sort(key=lambda m: m.score)
        return list(dict.fromkeys((m.source, m.target) for m in best))


def _tsv_pairs(path: Path) -> list[tuple[str, str]]:
    """A corpus TSV (with the header ``align`` writes) or plain ``French<TAB>English`` lines."""
    from align.formats import TSV_COLUMNS, read_corpus
    from align.translate.memory import read_memory

    with path.open(encoding="utf-8-sig", errors="replace") as fh:
        header = fh.readline().rstrip("\r\n").split("\t")
    if header == list(TSV_COLUMNS):
        return [(p.src, p.tgt) for p in read_corpus(path, "tsv")]
    return read_memory(path)


def _review_pairs(store: Path) -> list[tuple[str, str]]:
    """The pairs a reviewer accepted in ``align review`` (its shared copy), read through the
    review store of the corpus the store belongs to."""
    from align.review import ReviewStore
    from align.review.store import RUN_STORE, STORE_SUFFIX

    corpus = store.parent if store.name == RUN_STORE else store.with_name(store.name.removesuffix(STORE_SUFFIX))
    review = ReviewStore.open(corpus)
    try:
        return [(p.src, p.tgt) for p in (b.to_pair() for b in review.beads() if b.status == "accepted")]
    finally:
        review.db.close()


def _is_review_store(path: Path) -> bool:
    from align.review.store import RUN_STORE, STORE_SUFFIX

    return path.name == RUN_STORE or path.name.endswith(STORE_SUFFIX)


def read_tm(path: str | Path) -> list[tuple[str, str]]:
    """The (French, English) pairs of one memory file (formats: the module's docstring)."""
    from align.formats import read_corpus
    from align.review.store import RUN_STORE
    from align.tmx import parse_tmx

    path = Path(path)
    if path.is_dir():
        path = path / RUN_STORE
    if not path.is_file():
        raise DataError(f"translation memory {path}: no such file")
    suffix = path.suffix.lower()
    if _is_review_store(path):
        pairs = _review_pairs(path)
    elif suffix == ".tmx":
        data = read_bytes(path)  # read once: a million-unit memory is about 450 MB
        refuse_entities(data, f"translation memory {path}")
        pairs = [(p.src, p.tgt) for p in parse_tmx(data, str(path))]
    elif suffix == ".jsonl":
        pairs = [(p.src, p.tgt) for p in read_corpus(path, "jsonl")]
    else:
        pairs = _tsv_pairs(path)
    pairs = [(src, tgt) for src, tgt in pairs if src.strip() and tgt.strip()]
    if not pairs:
        hint = "; accept some pairs in `align review` first" if _is_review_store(path) else ""
        raise DataError(f"translation memory {path}: no French-English pairs in it{hint}")
    return pairs


def load_tm(paths: Iterable[str | Path], threshold: int = DEFAULT_THRESHOLD) -> TMIndex:
    """One index over the memories in ``paths``, in order (a later one wins an exact tie); built
    once per process while the files stay the same (``batch`` drafts many documents with it)."""
    return _load_tm(tuple((str(path), *_stamp(Path(path))) for path in paths), threshold)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:
        return (0, 0)  # read_tm says what is wrong
    return (status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=2)
def _load_tm(stamped: tuple[tuple[str, int, int], ...], threshold: int) -> TMIndex:
    paths = [path for path, *_ in stamped]
    stored = _stored_path(paths)
    if stored is not None and stored.is_file():
        with contextlib.suppress(OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            memory = _read_stored(stored, threshold)  # (a damaged one is written anew below)
            _used_here.add(stored)
            with contextlib.suppress(OSError):
                os.utime(stored)  # its modification time says when it was last used
            return memory
    memory = TMIndex([pair for path in paths for pair in read_tm(path)], threshold)
    if stored is not None and len(memory.pairs) >= PERSIST_FROM:
        with contextlib.suppress(DataError):  # a cache folder we may not write only costs time
            _store(stored, memory)
            _used_here.add(stored)
            _prune_kept(stored.parent, keep=_used_here)
    return memory


def _prune_kept(folder: Path, keep: set[Path]) -> None:
    """Remove the kept indexes in ``folder`` unused for :data:`KEPT_INDEX_MAX_IDLE_DAYS`, then
    the least recently used until the rest fit :data:`KEPT_INDEXES_MAX_BYTES`, sparing ``keep``;
    and the partial files of writers killed mid-write, once a day old (a write takes seconds).
    Another process that reads an index removed meanwhile keeps its open file (POSIX), and the
    next one indexes its memory again."""
    now = time.time()
    for partial in folder.glob(".*.npz.*.tmp"):  # left by a writer killed mid-write (atomic_writer)
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < now - _PARTIAL_WRITE_MAX_SECONDS:
                partial.unlink()
    idle_since = now - KEPT_INDEX_MAX_IDLE_DAYS * 86_400
    kept = []
    for path in folder.glob("*.npz"):
        with contextlib.suppress(OSError):  # (removed meanwhile by another process)
            status = path.stat()
            kept.append((status.st_mtime, status.st_size, path))
    kept.sort()
    total = sum(size for _, size, _ in kept)
    for used, size, path in kept:
        if used >= idle_since and total <= KEPT_INDEXES_MAX_BYTES:
            break
        if path in keep:
            continue
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue  # open elsewhere (Windows) or not ours to remove
        total -= size


def _stored_path(paths: Sequence[str]) -> Path | None:
    """Where the index of these memory files is kept, named by their contents and suffixes (which
    say how read_tm reads them). None for a review store, whose accepted pairs change inside
    SQLite, and for paths read_tm will refuse."""
    digests = [_STORED_VERSION]
    for name in paths:
        path = Path(name)
        if not path.is_file() or _is_review_store(path):
            return None
        with path.open("rb") as fh:
            digests += [path.suffix.lower(), hashlib.file_digest(fh, "sha256").hexdigest()]
    return default_cache_path().parent / "tm" / f"{content_key(*digests)[:32]}.npz"


def _store(path: Path, memory: TMIndex) -> None:
    sources, targets = zip(*memory.pairs)
    texts = {}
    for name, column in (("sources", sources), ("targets", targets)):
        texts[name] = np.frombuffer("".join(column).encode("utf-8"), dtype=np.uint8)
        texts[f"{name}_ends"] = np.cumsum([len(text) for text in column], dtype=np.int64)
    with atomic_writer(path, "wb") as fh:
        np.savez(fh, **texts, **memory._index.arrays())


def _read_stored(path: Path, threshold: int) -> TMIndex:
    with np.load(path) as stored:
        arrays = {name: stored[name] for name in stored.files}
    columns = []
    for name in ("sources", "targets"):
        text, ends = arrays.pop(name).tobytes().decode("utf-8"), [0, *arrays.pop(f"{name}_ends").tolist()]
        columns.append([text[start:end] for start, end in zip(ends, ends[1:])])
    return TMIndex(list(zip(*columns)), threshold, TokenIndex.from_arrays(arrays))
