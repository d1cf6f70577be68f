"""Fuzzy-match search over a large translation memory that scores a handful of segments and
loses no match.

Tokens are words and punctuation marks (:data:`TOKEN_RE`), case and accents kept, as the CAT
percentage counts them (:func:`percent`). A stored segment at least T % like the query shares at
least ``ceil(T·m/100)`` tokens with it, ``m`` the longer side's length, since one edit spoils at
most one token of the longer side; so its length is within the same bound of the query's. That
makes the prefix filter of similarity joins exact here: a segment that shares enough tokens holds
some of the query's rarest ones, and the more of those are read, the more of them it must hold.
The segments of the right length that hold enough of the rarest tokens, and then enough of all
the query's, are scored with rapidfuzz, and what they score is exactly :func:`percent` of the
two token lists.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, fields
from typing import Iterable, Mapping, Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

TOKEN_RE = re.compile(r"\w+|[^\w\s]")
# Postings read per lookup beyond those the filter needs: reading more of the query's rare
# tokens leaves fewer segments to score, until the reading costs more than the scoring saves.
POSTINGS_BUDGET = 8192


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def percent(a: Sequence, b: Sequence) -> int:
    """CAT-style match percentage of two token sequences: one minus their edit distance over the
    longer one's length, rounded down."""
    if not a and not b:
        return 100
    return int(Levenshtein.normalized_similarity(a, b) * 100 + 1e-9)


def _least_shared(threshold: int, longer: np.ndarray | int) -> np.ndarray | int:
    """Tokens two segments share at least when their percentage reaches ``threshold``."""
    return (threshold * longer + 99) // 100


def _positions(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices ``starts[i] … starts[i] + lengths[i] - 1`` of every i, one run after another."""
    ends = np.cumsum(lengths, dtype=np.int64)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - ends + lengths, lengths)


@dataclass(frozen=True)
class TokenIndex:
    """Stored segments as token ids, shortest first, and for each token the segments holding it;
    a segment's place in that order is its number here (``rows`` gives its number in the memory)."""

    vocabulary: dict[str, int]  # token → id
    rows: np.ndarray  # each segment's number in the memory
    lengths: np.ndarray  # tokens per segment, ascending
    starts: np.ndarray  # where each segment's ids begin in ``sequence`` (one more entry than segments)
    sequence: np.ndarray  # every segment's token ids, one segment after another
    posting_starts: np.ndarray  # where each token's segments begin in ``postings``
    postings: np.ndarray  # segment numbers grouped by token, ascending, a segment once per occurrence

    @classmethod
    def build(cls, sources: Iterable[str]) -> TokenIndex:
        ids: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        sequence, lengths = array("i"), array("i")
        for source in sources:
            before = len(sequence)
            sequence.extend(map(ids.__getitem__, TOKEN_RE.findall(source)))
            lengths.append(len(sequence) - before)
        length = np.frombuffer(lengths, dtype=np.int32)
        rows = np.argsort(length, kind="stable").astype(np.int32)
        starts = np.r_[0, np.cumsum(length, dtype=np.int64)]
        token = np.frombuffer(sequence, dtype=np.int32)[_positions(starts[rows], length[rows])]
        del sequence
        length = length[rows]
        segment = np.repeat(np.arange(len(length), dtype=np.int32), length)
        return cls(
            vocabulary=dict(ids),
            rows=rows,
            lengths=length,
            starts=np.r_[0, np.cumsum(length, dtype=np.int64)],
            sequence=token,
            posting_starts=np.r_[0, np.cumsum(np.bincount(token, minlength=len(ids)), dtype=np.int64)],
            postings=segment[np.argsort(token, kind="stable")],
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The index as named arrays (for ``np.savez``); :meth:`from_arrays` reads them back."""
        vocabulary = "\n".join(self.vocabulary).encode("utf-8")  # no token holds whitespace
        return {"vocabulary": np.frombuffer(vocabulary, dtype=np.uint8),
                **{f.name: getattr(self, f.name) for f in fields(self) if f.name != "vocabulary"}}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> TokenIndex:
        words = arrays["vocabulary"].tobytes().decode("utf-8").split("\n")
        return cls(vocabulary=dict(zip(words, range(len(words)))),
                   **{f.name: arrays[f.name] for f in fields(cls) if f.name != "vocabulary"})

    def search(self, query: str, threshold: int) -> list[tuple[int, int]]:
        """(row, percent) of every stored segment at least ``threshold`` % like ``query``."""
        words = tokens(query)
        if not words:
            return []
        unknown: dict[str, int] = {}  # tokens no segment holds, each an id of its own
        ids = [self.vocabulary[w] if w in self.vocabulary else unknown.setdefault(w, -1 - len(unknown))
               for w in words]
        found = []
        for segment in self._candidates(ids, threshold).tolist():
            score = percent(ids, self.sequence[self.starts[segment] : self.starts[segment + 1]].tolist())
            if score >= threshold:
                found.append((int(self.rows[segment]), score))
        return found

    def _candidates(self, ids: list[int], threshold: int) -> np.ndarray:
        """The segments that may be ``threshold`` % like the query of token ``ids``: all that are."""
        size = len(ids)
        least = _least_shared(threshold, size)
        # Only segments of least … size·100/T tokens can reach the threshold: a run of numbers.
        # (Bounds in the arrays' own type: others would make numpy copy the array to compare.)
        window = self.lengths.searchsorted(np.array([least, size * 100 // threshold + 1], np.int32))
        window = window.astype(np.int32)
        # Each distinct token of the query, rarest first: its postings in that run, and how
        # often the query has it.
        spans = []
        for i, times in Counter(ids).items():
            start = end = 0
            if i >= 0:
                start, end = self.posting_starts[i], self.posting_starts[i + 1]
                start, end = start + self.postings[start:end].searchsorted(window)
            spans.append((int(start), int(end), times))
        spans.sort(key=lambda span: span[1] - span[0])
        # Tokens a segment may share outside those read; a match shares at least ``least``, so
        # reading the rarest until fewer than ``least`` remain leaves no match unread.
        unread, read, total = size, 0, 0
        for start, end, times in spans:
            if unread < least and total + end - start > max(total, POSTINGS_BUDGET):
                break
            unread, read, total = unread - times, read + 1, total + end - start
        if not total:
            return np.empty(0, dtype=np.int32)
        segments, hits = np.unique(np.concatenate([self.postings[start:end] for start, end, _ in spans[:read]]),
                                   return_counts=True)
        other = self.lengths[segments]
        need = _least_shared(threshold, np.maximum(other, size))
        # Hits count a segment's repeats of a token even where the query has it once: an upper
        # bound of what it shares among the tokens read, so the test drops no match.
        keep = hits >= need - unread
        segments, other, need = segments[keep], other[keep], need[keep]
        if not len(segments):
            return segments
        # Then all of each one's tokens: those the query has bound what it can share.
        in_query = np.zeros(len(self.vocabulary), dtype=np.uint8)
        in_query[[i for i in ids if i >= 0]] = 1
        held_in_query = in_query[self.sequence[_positions(self.starts[segments], other)]]
        shared = np.add.reduceat(held_in_query, np.cumsum(other) - other, dtype=np.int32)
        return segments[shared >= need]
