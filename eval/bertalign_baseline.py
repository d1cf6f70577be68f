"""Bertalign's algorithm (Liu & Zhu 2022) with its default settings, reimplemented for the
benchmark on this project's DP core, so that its figures come from the same embedder, the same
data and the same scorer as the aligner's.

Two passes. The first finds 1-1 anchors: a path through a wide diagonal window that gains a
source sentence's cosine with each of its ``top_k`` most similar target sentences and nothing
otherwise. The second searches beads of up to ``max_align`` sentences within ``window``
sentences of the anchors; a bead scores the cosine of its joined runs (runs of up to
``max_align - 1`` sentences embedded as joined text) less the mean cosine of each run with the
sentences next to its partner (the margin), times log2(1 + shorter/longer) of the runs' UTF-8
lengths, the target's scaled by the documents' length ratio; leaving a sentence out scores
``skip``.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from align.aligner import Band, best_path, unaligned_beads
from align.embed import Embedder, embed_runs
from align.records import Bead


def bertalign(src: Sequence[str], tgt: Sequence[str], embedder: Embedder, max_align: int = 5,
              top_k: int = 3, window: int = 5, skip: float = -0.1) -> list[Bead]:
    n, m = len(src), len(tgt)
    if not n or not m:
        return unaligned_beads(n, m)
    sizes = range(1, max_align)
    src_runs, tgt_runs = embed_runs(embedder, src, sizes), embed_runs(embedder, tgt, sizes)
    src_bytes, tgt_bytes = _joined_lengths(src, sizes), _joined_lengths(tgt, sizes)
    ratio = src_bytes[1].sum() / tgt_bytes[1].sum()
    band = _second_band(_anchors(src_runs[1], tgt_runs[1], top_k), window, n, m)
    types = [(1, 0)] + [(a, b) for a in sizes for b in sizes if a + b <= max_align and a <= n and b <= m]
    rows, cols = band.rows, band.cols
    gains = []
    for a, b in types:
        # best_path scores a 0-1 step 0: every path leaves out or pairs each target sentence
        # once, so crediting -skip per target sentence paired gives the same best path.
        if not b:
            gains.append(np.full(band.size, skip))
            continue
        src_vec = _at(src_runs[a], rows - a)
        tgt_vec = _at(tgt_runs[b], cols - b)
        similarity = np.einsum("ij,ij->i", src_vec, tgt_vec)
        margin = 0.5 * (_neighbours(src_vec, tgt_runs[1], cols - b - 1, cols)
                        + _neighbours(tgt_vec, src_runs[1], rows - a - 1, rows))
        src_len = _at(src_bytes[a], rows - a)
        tgt_len = _at(tgt_bytes[b], cols - b) * ratio
        penalty = np.log2(1.0 + np.minimum(src_len, tgt_len) / np.maximum(np.maximum(src_len, tgt_len), 1.0))
        gains.append((similarity - margin) * penalty - skip * b)
    return [Bead(*step.sentences()) for step in best_path(band, types, np.stack(gains).astype(np.float32))]


def _joined_lengths(texts: Sequence[str], sizes: range) -> dict[int, np.ndarray]:
    """UTF-8 length of each run of ``size`` sentences joined by spaces, by first sentence."""
    lengths = np.array([len(t.encode("utf-8")) for t in texts], dtype=np.float64)
    prefix = np.concatenate([[0.0], np.cumsum(lengths)])
    return {size: prefix[size:] - prefix[:-size] + (size - 1) for size in sizes if size <= len(texts)}


def _at(table: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Rows of a per-run table (clipped where no such run fits: those cells are never used)."""
    return table[np.clip(starts, 0, len(table) - 1)]


def _neighbours(vectors: np.ndarray, sentences: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Mean cosine of each vector with the sentences just before and after its partner run
    (a missing neighbour counts 0, and the mean is over the neighbours with a nonzero cosine
    when both are there)."""
    def cosine(index: np.ndarray) -> np.ndarray:
        inside = (index >= 0) & (index < len(sentences))
        return np.where(inside, np.einsum("ij,ij->i", vectors, _at(sentences, index)), 0.0)

    before, after = cosine(left), cosine(right)
    return np.where((before != 0) & (after != 0), 0.5 * (before + after), before + after)


def _anchors(src: np.ndarray, tgt: np.ndarray, top_k: int) -> list[tuple[int, int]]:
    """First pass: (i, j) boundaries after each anchoring 1-1 bead."""
    n, m = len(src), len(tgt)
    band = Band.around([(0, 0), (n, m)], n, m, max(250, int(0.06 * max(n, m))))
    similarity = src @ tgt.T
    top_k = min(top_k, m)
    nearest = np.argsort(-similarity, axis=1)[:, :top_k]
    bonus = np.zeros((n + 1, m + 1), dtype=np.float32)
    rows = np.repeat(np.arange(n), top_k)
    bonus[rows + 1, nearest.ravel() + 1] = similarity[rows, nearest.ravel()]
    gains = np.stack([np.zeros(band.size, dtype=np.float32), bonus[band.rows, band.cols]])
    steps = best_path(band, [(1, 0), (1, 1)], gains)
    return [(s.i, s.j) for s in steps if s.kind == (1, 1) and bonus[s.i, s.j] > 0]


def _second_band(anchors: list[tuple[int, int]], window: int, n: int, m: int) -> Band:
    """Rows between two anchors may reach ``window`` target sentences beyond either."""
    if anchors and anchors[-1][0] == n:
        anchors = anchors[:-1]
    elif anchors and anchors[-1][1] == m:
        anchors = anchors[:-1]
    anchors = anchors + [(n, m)]
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    previous_i, previous_j = 0, 0
    for i, j in anchors:
        lo[previous_i + 1 : i + 1] = max(0, previous_j - window)
        hi[previous_i + 1 : i + 1] = min(m, j + window) + 1
        previous_i, previous_j = i, j
    lo[0], hi[0] = lo[1], hi[1]
    return Band(lo, hi)
