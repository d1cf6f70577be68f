"""What the search weighs: each side's evidence (embeddings of sentences and of joined runs,
lengths, lexical anchors) and the quality of every bead type over the band's cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from align.aligner.band import Band
from align.aligner.weights import SUBSTANTIAL, BeadType, Weights
from align.embed import Embedder, embed_runs
from align.lexical import anchor_counts


@dataclass
class Evidence:
    """Per-sentence features of one side; ``draft`` lives in the draft embedder's space."""

    vectors: np.ndarray
    lengths: np.ndarray
    anchors: np.ndarray
    draft: np.ndarray | None = None
    run_vectors: dict[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.lengths)

    def pooled(self) -> "Evidence":
        """Neighbouring sentences merged in pairs: the coarse document for the first pass."""

        def pairs(rows: np.ndarray) -> np.ndarray:
            padded = np.concatenate([rows, np.zeros_like(rows[: len(rows) % 2])])
            return padded[0::2] + padded[1::2]

        return Evidence(
            _unit(pairs(self.vectors)),
            pairs(self.lengths),
            pairs(self.anchors),
            None if self.draft is None else _unit(pairs(self.draft)),
        )


def evidence(texts: Sequence[str], embedder: Embedder, exact_runs: Sequence[int] = (2, 3)) -> Evidence:
    """Features of one side; runs of the sizes in ``exact_runs`` are embedded as joined text."""
    texts = list(texts)
    run_vectors = embed_runs(embedder, texts, (1, *exact_runs))
    return Evidence(
        run_vectors.pop(1),
        np.array([len(t) for t in texts], dtype=np.float32),
        anchor_counts(texts),
        run_vectors=run_vectors,
    )


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)


def run_sums(rows: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """Sum of ``rows[s : s+size]`` for each start (starts clipped into range)."""
    starts = np.clip(starts, 0, max(len(rows) - size, 0))
    total = rows[starts].copy()
    for offset in range(1, size):
        total += rows[np.minimum(starts + offset, len(rows) - 1)]
    return total


class Scorer:
    """Bead qualities over a band of cells, from the evidence of both sides."""

    def __init__(self, src: Evidence, tgt: Evidence, weights: Weights):
        self.src, self.tgt, self.weights = src, tgt, weights
        total_src, total_tgt = float(src.lengths.sum()), float(tgt.lengths.sum())
        # Translations differ in length by tens of percent, not more: a wider document ratio
        # means material present on one side only, which must not stretch every bead.
        self.length_ratio = float(np.clip((total_tgt + 1.0) / (total_src + 1.0), 0.7, 1.4))

    def bead_sizes(self, band: Band, kind: BeadType) -> np.ndarray:
        """Half the sentences in a ``kind`` bead, counting a sentence shorter than
        ``SUBSTANTIAL`` characters in proportion to its length."""
        a, b = kind
        src_weight = np.minimum(1.0, self.src.lengths / SUBSTANTIAL)
        tgt_weight = np.minimum(1.0, self.tgt.lengths / SUBSTANTIAL)
        return 0.5 * (run_sums(src_weight, band.rows - a, a) + run_sums(tgt_weight, band.cols - b, b))

    def qualities(self, band: Band, kind: BeadType) -> np.ndarray:
        """Quality of a ``kind`` bead ending at each band cell (higher: more likely right)."""
        return self.features(band, kind) @ self.weights.coefficients()

    def features(self, band: Band, kind: BeadType, block_rows: int = 128) -> np.ndarray:
        """(band.size, len(FEATURES)) features of a ``kind`` bead ending at each band cell
        (meaningless where no such bead fits)."""
        a, b = kind
        rows, cols = band.rows, band.cols
        has_drafts = self.src.draft is not None and self.tgt.draft is not None
        cosine = np.empty(band.size, dtype=np.float32)
        draft_cosine = np.empty(band.size, dtype=np.float32)
        anchors = np.empty(band.size, dtype=np.float32)
        for r0 in range(0, len(band.lo), block_rows):
            cells = slice(band.offsets[r0], band.offsets[min(r0 + block_rows, len(band.lo))])
            if cells.start == cells.stop:
                continue
            block = _Block(rows[cells], cols[cells], kind)
            cosine[cells] = block.similarity(self.src.vectors, self.tgt.vectors, self.src, self.tgt)
            if has_drafts:
                draft_cosine[cells] = block.similarity(self.src.draft, self.tgt.draft)
            anchors[cells] = block.anchor_overlap(self.src.anchors, self.tgt.anchors)
        margin = self._margin(cosine, rows, cols, kind)
        if has_drafts:
            cosine = 0.5 * (cosine + draft_cosine)
            margin = 0.5 * (margin + self._margin(draft_cosine, rows, cols, kind))
        src_len = run_sums(self.src.lengths, rows - a, a) * self.length_ratio
        tgt_len = run_sums(self.tgt.lengths, cols - b, b)
        length = -np.abs(np.log((tgt_len + 10.0) / (src_len + 10.0)))
        extra = np.full(band.size, a + b - 2, dtype=np.float32)
        return np.stack([np.ones_like(cosine), cosine, margin, length, anchors, extra], axis=1)

    def _margin(self, cosine: np.ndarray, rows: np.ndarray, cols: np.ndarray, kind: BeadType) -> np.ndarray:
        """Cosine minus the mean of each side's k best in-band cosines for this bead type,
        so a pair counts only by how much it stands out from its neighbours."""
        a, b = kind
        k = self.weights.neighbours
        fits = (rows >= a) & (cols >= b)
        by_row = _top_k_mean(rows[fits], cosine[fits], len(self.src) + 1, k)
        by_col = _top_k_mean(cols[fits], cosine[fits], len(self.tgt) + 1, k)
        return cosine - 0.5 * (by_row[rows] + by_col[cols])


class _Block:
    """A block of band cells whose runs are compared with one dense matrix product."""

    def __init__(self, rows: np.ndarray, cols: np.ndarray, kind: BeadType):
        self.a, self.b = kind
        self.src_starts = np.arange(rows.min(), rows.max() + 1) - self.a
        self.tgt_starts = np.arange(cols.min(), cols.max() + 1) - self.b
        self.r, self.c = rows - rows.min(), cols - cols.min()

    def similarity(
        self, src_rows: np.ndarray, tgt_rows: np.ndarray, src: Evidence | None = None, tgt: Evidence | None = None
    ) -> np.ndarray:
        src_run = _run_vectors(src_rows, self.src_starts, self.a, src)
        tgt_run = _run_vectors(tgt_rows, self.tgt_starts, self.b, tgt)
        return (src_run @ tgt_run.T)[self.r, self.c]

    def anchor_overlap(self, src_counts: np.ndarray, tgt_counts: np.ndarray) -> np.ndarray:
        """Dice overlap of anchor multisets (a smoothed share of anchors found on both sides)."""
        src_run = run_sums(src_counts, self.src_starts, self.a)
        tgt_run = run_sums(tgt_counts, self.tgt_starts, self.b)
        shared = (np.sqrt(src_run) @ np.sqrt(tgt_run).T)[self.r, self.c]
        return 2.0 * shared / (src_run.sum(1)[self.r] + tgt_run.sum(1)[self.c] + 2.0)


def _run_vectors(rows: np.ndarray, starts: np.ndarray, size: int, side: Evidence | None) -> np.ndarray:
    """Unit vectors of runs: the embedded joined text where known; a longer run is the
    length-weighted sum of embedded joined pieces (4 = 2+2, 5 = 3+2, ...), else the members' sum."""
    known = side.run_vectors if side is not None and side.run_vectors else {}
    if size in known:
        table = known[size]
        return table[np.clip(starts, 0, len(table) - 1)]
    if size > 1 and known:
        total, start, left = None, starts, size
        while left > 0:
            piece = max((p for p in known if p <= left and p != left - 1), default=1)
            if piece == 1:
                part = rows[np.clip(start, 0, len(rows) - 1)]
            else:
                part = known[piece][np.clip(start, 0, len(known[piece]) - 1)] * piece
            total = part if total is None else total + part
            start, left = start + piece, left - piece
        return _unit(total)
    return _unit(run_sums(rows, starts, size))


def _top_k_mean(groups: np.ndarray, values: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """Mean of the k largest ``values`` in each group (0 for empty groups)."""
    order = np.argsort(groups * 4.0 - values, kind="stable")  # by group, then value descending
    groups, values = groups[order], values[order]
    first = np.searchsorted(groups, groups, side="left")
    keep = np.arange(len(groups)) - first < k
    sums = np.bincount(groups[keep], values[keep], minlength=n_groups)
    counts = np.bincount(groups[keep], minlength=n_groups)
    return (sums / np.maximum(counts, 1)).astype(np.float32)
