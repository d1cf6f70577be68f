"""Sentence alignment: order-preserving beads from embeddings, drafts, lengths and anchors.

Design, in the spirit of Vecalign but with its own scoring:

* **Evidence** per sentence: a cross-lingual embedding, character length, hashed lexical anchor
  counts and, when drafts are given, a draft↔target embedding in the draft embedder's space.
  Runs of 2 and 3 sentences are embedded as joined text (measurably better than summing);
  longer runs combine those joined pieces (4 = 2+2, 5 = 3+2).
* **Bead quality** is linear in the run cosine, its margin over the k best in-band
  alternatives of the same bead type on each side (which makes scores comparable across
  documents and embedders), a length-ratio term and anchor overlap. A calibrated logistic of
  it is the bead's confidence: how often such a pair is right in a translation, or, for the
  not-a-translation verdict and sentences left out, in general (unrelated documents included).
* **Search** is a dynamic programme over bead boundaries restricted to a band. The band comes
  from aligning a coarsened copy of the documents (neighbouring sentences pooled, recursively)
  and widening its path, so time and memory grow linearly with document length. The fine
  search's gain is Bertalign's (run cosine × length penalty, summed over beads, a cost per
  unaligned sentence, here growing with how well it matches a sentence of the other side)
  plus a loss for merges whose joined runs beat none of their member pairs; the quality above
  only sets confidences there.
* **Rescoring** (opt-in, slow): where a short stretch of the path has a rival reading whose
  gain is nearly as high, a translation model's PMI of each reading's pairs decides between
  them (:func:`rescore_path`, :mod:`align.likelihood`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from align.embed import Embedder, embed_runs, get_embedder
from align.lexical import anchor_counts
from align.likelihood import TranslationLikelihood
from align.records import DEFAULT_MAX_BEAD, LOW_CONFIDENCE_SCORE, Bead

NOT_TRANSLATIONS = "the documents do not look like translations of each other"
LOW_CONFIDENCE = "low-confidence"

BeadType = tuple[int, int]


def bead_types(max_bead: int) -> list[BeadType]:
    """Pair types of at most ``max_bead`` sentences in all (1-1 first), then 1-0 and 0-1."""
    pairs = [(a, total - a) for total in range(2, max_bead + 1) for a in range(1, total)]
    return pairs + [(1, 0), (0, 1)]


SUBSTANTIAL = 30.0  # characters: shorter sentences weigh less in the search (tuned on dev)
FEATURES = ("bias", "cosine", "margin", "length", "anchors", "extra_sentences")


@dataclass(frozen=True)
class Weights:
    """A bead's quality, linear in ``FEATURES``, and the search's settings.

    Coefficients were tuned for strict F1 on Text+Berg dev, starting from a logistic fit of
    gold against other in-band beads; the calibration maps quality to a probability. The
    quality now drives the coarse pass and the confidences; the fine search uses the gain
    settings below.
    """

    bias: float = 3.6
    cosine: float = 3.9
    margin: float = 21.8
    length: float = 8.3
    anchors: float = 1.0
    extra_sentences: float = -1.0  # per sentence beyond a 1-1 bead
    neighbours: int = 4  # k nearest in-band partners defining the margin's background
    # The fine search's gain (Bertalign-like, see ``search``), set on Text+Berg dev: a pair
    # bead gains run cosine × length penalty − ``pair_floor`` (so two unrelated sentences are
    # not paired just to avoid two skips); leaving a source / target sentence out gains
    # ``skip_source`` / ``skip_target``, scaled down for fragments shorter than SUBSTANTIAL
    # (``skip_by_length``); a merged bead loses ``merge_loss`` × how far its run cosine falls
    # short of its best member 1-1 pair's cosine + ``merge_margin``. Leaving out a sentence
    # that is some in-band sentence's best match costs more: (1 + ``skip_by_match`` × how far
    # that cosine exceeds ``skip_match_floor``) times the skip (captions and junk match nothing;
    # a real sentence left out is a wrong bead under Vecalign's scoring). Leaving out a sentence
    # between two that have their own matches costs (1 + ``skip_isolated`` × the lesser of their
    # excesses) times more again: what is really missing from a translation comes in blocks
    # (captions, a paragraph), and a wrongly left-out sentence costs three errors under that
    # scoring where a wrong merge costs two.
    pair_floor: float = 0.1
    skip_source: float = -0.1
    skip_target: float = -0.1
    skip_by_length: bool = True
    skip_by_match: float = 6.0
    skip_match_floor: float = 0.2
    skip_isolated: float = 2.0
    merge_loss: float = 1.0
    merge_margin: float = 0.05
    # A pair bead's confidence in a translation: logistic(scale × (quality − offset) + extra ×
    # sentences beyond a 1-1 bead), the probability that a pair the search found is exactly right,
    # a logistic regression on the 394 pair beads found in Text+Berg dev (eval/results/align.md,
    # "Calibrated confidence")
    calibration_scale: float = 0.213
    calibration_offset: float = -0.78
    calibration_extra: float = -0.234
    # The general calibration, logistic(scale × (quality − offset)), fitted on the beads found in
    # Text+Berg dev and in two pairs of unrelated Text+Berg documents, so that pairs of unrelated
    # documents score low: it decides the verdict, scores pairs under it, and scores a sentence left
    # out by how likely its best 1-1 candidate is wrong (mostly unrelated text)
    general_scale: float = 0.7
    general_offset: float = 7.4
    low_confidence: float = LOW_CONFIDENCE_SCORE
    verdict_coverage: float = 0.25  # below this share of either side's sentences in confident pairs: verdict

    def coefficients(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in FEATURES], dtype=np.float32)


@dataclass
class Alignment:
    beads: list[Bead]
    verdict: str | None = None


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


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=-1, keepdims=True), 1e-12)


def _runs(rows: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """Sum of ``rows[s : s+size]`` for each start (starts clipped into range)."""
    starts = np.clip(starts, 0, max(len(rows) - size, 0))
    total = rows[starts].copy()
    for offset in range(1, size):
        total += rows[np.minimum(starts + offset, len(rows) - 1)]
    return total


@dataclass
class Band:
    """Allowed columns ``[lo[i], hi[i])`` of each DP row i, stored flat row after row."""

    lo: np.ndarray
    hi: np.ndarray

    def __post_init__(self) -> None:
        self.offsets = np.concatenate([[0], np.cumsum(self.hi - self.lo)]).astype(np.int64)
        self.rows = np.repeat(np.arange(len(self.lo)), self.hi - self.lo)
        self.cols = np.arange(self.offsets[-1]) - np.repeat(self.offsets[:-1] - self.lo, self.hi - self.lo)

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    @classmethod
    def full(cls, n: int, m: int) -> "Band":
        return cls(np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64))

    @classmethod
    def around(cls, path: list[tuple[int, int]], n: int, m: int, radius: int) -> "Band":
        """Cells within ``radius`` rows and columns of a monotone path of (i, j) boundaries."""
        lo = np.full(n + 1, m + 1, dtype=np.int64)
        hi = np.zeros(n + 1, dtype=np.int64)
        for (i0, j0), (i1, j1) in zip(path, path[1:]):
            lo[i0 : i1 + 1] = np.minimum(lo[i0 : i1 + 1], j0)
            hi[i0 : i1 + 1] = np.maximum(hi[i0 : i1 + 1], j1 + 1)
        window = np.lib.stride_tricks.sliding_window_view
        lo = window(np.pad(lo, radius, mode="edge"), 2 * radius + 1).min(axis=1) - radius
        hi = window(np.pad(hi, radius, mode="edge"), 2 * radius + 1).max(axis=1) + radius
        return cls(np.clip(lo, 0, m), np.clip(hi, 1, m + 1))

    def cell(self, i: int, j: int) -> int:
        """Flat index of the in-band cell (i, j)."""
        return int(self.offsets[i] + j - self.lo[i])

    def index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Flat index of cells (rows, cols), or ``size`` (a sentinel) where outside the band."""
        safe_rows = np.clip(rows, 0, len(self.lo) - 1)
        inside = (rows >= 0) & (cols >= self.lo[safe_rows]) & (cols < self.hi[safe_rows])
        return np.where(inside, self.offsets[safe_rows] + cols - self.lo[safe_rows], self.size).astype(np.int32)


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
        return 0.5 * (_runs(src_weight, band.rows - a, a) + _runs(tgt_weight, band.cols - b, b))

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
        src_len = _runs(self.src.lengths, rows - a, a) * self.length_ratio
        tgt_len = _runs(self.tgt.lengths, cols - b, b)
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
        src_run = _runs(src_counts, self.src_starts, self.a)
        tgt_run = _runs(tgt_counts, self.tgt_starts, self.b)
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
    return _unit(_runs(rows, starts, size))


def _top_k_mean(groups: np.ndarray, values: np.ndarray, n_groups: int, k: int) -> np.ndarray:
    """Mean of the k largest ``values`` in each group (0 for empty groups)."""
    order = np.argsort(groups * 4.0 - values, kind="stable")  # by group, then value descending
    groups, values = groups[order], values[order]
    first = np.searchsorted(groups, groups, side="left")
    keep = np.arange(len(groups)) - first < k
    sums = np.bincount(groups[keep], values[keep], minlength=n_groups)
    counts = np.bincount(groups[keep], minlength=n_groups)
    return (sums / np.maximum(counts, 1)).astype(np.float32)


@dataclass(frozen=True)
class Step:
    """A bead found by the search: ``kind`` ends at boundary (i, j) with this ``quality``."""

    kind: BeadType
    i: int
    j: int
    quality: float

    def sentences(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(source ids, target ids) of the bead."""
        a, b = self.kind
        return tuple(range(self.i - a, self.i)), tuple(range(self.j - b, self.j))


def unaligned_beads(n: int, m: int) -> list[Bead]:
    """Every sentence of an ``n``-sentence source and an ``m``-sentence target left out: what an
    alignment is when one side is empty."""
    return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]


def best_path(band: Band, types: list[BeadType], gains: np.ndarray) -> list[Step]:
    """Highest-gain monotone path from (0, 0) to the band's last cell.

    ``gains[t]`` is the gain of a bead of ``types[t]`` (all with a ≥ 1) ending at each cell.
    Leaving a target sentence out (0-1) gains 0; those moves stay within a row, so they are
    one running maximum along it instead of a loop.
    """
    n = len(band.lo) - 1
    score = np.full(band.size + 1, -np.inf)  # last entry: the out-of-band sentinel
    back = np.full(band.size, -1, dtype=np.int8)
    predecessors = np.stack([band.index(band.rows - a, band.cols - b) for a, b in types])
    skip_type = len(types)
    for i in range(n + 1):
        cells = slice(band.offsets[i], band.offsets[i + 1])
        candidates = score[predecessors[:, cells]] + gains[:, cells]
        best = candidates.max(axis=0)
        choice = candidates.argmax(axis=0).astype(np.int8)
        if i == 0 and band.lo[0] == 0:
            best[0], choice[0] = 0.0, -1
        running = np.maximum.accumulate(best)
        score[cells] = running
        back[cells] = np.where(running > best, skip_type, choice)
    steps: list[Step] = []
    i, j = n, int(band.hi[n] - 1)
    while i > 0 or j > 0:
        cell = band.cell(i, j)
        t = int(back[cell])
        if t == skip_type:
            steps.append(Step((0, 1), i, j, 0.0))
            j -= 1
            continue
        a, b = types[t]
        steps.append(Step((a, b), i, j, float(gains[t, cell])))
        i, j = i - a, j - b
    return steps[::-1]


@dataclass
class Search:
    """The chosen steps, plus each sentence's best 1-1 quality (for unaligned confidence); with
    ``keep_gains``, each pair and 1-0 type's gain and quality over the band too."""

    steps: list[Step]
    band: Band
    best_src: np.ndarray
    best_tgt: np.ndarray
    types: list[BeadType]
    gains: np.ndarray | None = None
    qualities: np.ndarray | None = None


def _length_penalty(scorer: Scorer, band: Band, kind: BeadType) -> np.ndarray:
    """Bertalign's length penalty log2(1 + shorter/longer), source lengths scaled by the
    document's length ratio: 1 for runs of matching length, towards 0 for very unequal ones."""
    a, b = kind
    src_len = _runs(scorer.src.lengths, band.rows - a, a) * scorer.length_ratio
    tgt_len = _runs(scorer.tgt.lengths, band.cols - b, b)
    return np.log2(1.0 + np.minimum(src_len, tgt_len) / np.maximum(np.maximum(src_len, tgt_len), 1.0))


def search(
    scorer: Scorer, max_bead: int, radius: int = 8, full_limit: int = 20_000, coarse: bool = False, keep_gains: bool = False
) -> Search:
    """Coarse-to-fine: align pooled documents, then search a band around their path.

    The fine search maximises, as Bertalign does, the sum over beads of run cosine × length
    penalty, so a merge must be worth as much as the beads it replaces; a merged bead whose
    joined runs match no better than its best member pair (a neighbour swallowed for free)
    loses ``merge_loss`` × the shortfall, and leaving a sentence out costs more the better its
    own match (:func:`_skip_weights`). The coarse pass (``coarse``, pooled documents) only
    places the band and keeps the size-weighted linear quality. Either way each step's
    ``quality`` is the linear quality, which the confidences calibrate.
    """
    weights = scorer.weights
    n, m = len(scorer.src), len(scorer.tgt)
    if n * m <= full_limit or min(n, m) <= 8:
        band = Band.full(n, m)
    else:
        pooled = Scorer(scorer.src.pooled(), scorer.tgt.pooled(), weights)
        # The coarse path only places the band; small beads suffice there and halve the work.
        coarse_steps = search(pooled, min(max_bead, 3), radius, full_limit, coarse=True).steps
        path = [(0, 0)] + [(min(2 * s.i, n), min(2 * s.j, m)) for s in coarse_steps]
        band = Band.around(path, n, m, radius)
    types = [kind for kind in bead_types(max_bead) if kind[0] >= 1]
    coefficients = weights.coefficients()
    qualities = np.zeros((len(types), band.size), dtype=np.float32)
    gains = np.zeros((len(types), band.size), dtype=np.float32)
    one_to_one_cosine = np.empty(0, dtype=np.float32)
    inner = (band.rows >= 1) & (band.cols >= 1)
    for t, kind in enumerate(types):  # 1-1 first: merges and skips compare with its cosines
        if not kind[1]:
            if coarse:
                continue
            gains[t] = weights.skip_source * _runs(src_skip, band.rows - 1, 1)
            continue
        features = scorer.features(band, kind)
        qualities[t] = features @ coefficients
        if coarse:
            # A bead's gain is its quality times its size, so merging sentences into one good
            # bead is worth as much as aligning them apart; a fragment adds little size.
            gains[t] = qualities[t] * scorer.bead_sizes(band, kind)
            continue
        cosine = features[:, 1]
        if kind == (1, 1):
            one_to_one_cosine = np.append(cosine, np.float32(-1.0))  # last: out-of-band sentinel
            src_match, tgt_match = _own_matches(band.rows[inner] - 1, band.cols[inner] - 1, cosine[inner], n, m)
            src_skip = _skip_weights(scorer.src.lengths, src_match, weights)
            tgt_skip = _skip_weights(scorer.tgt.lengths, tgt_match, weights)
        gains[t] = cosine * _length_penalty(scorer, band, kind) - weights.pair_floor
        # best_path gives a 0-1 step 0: charging its cost is crediting every target sentence
        # placed in a pair bead with minus that cost
        gains[t] -= weights.skip_target * _runs(tgt_skip, band.cols - kind[1], kind[1])
        if kind != (1, 1) and weights.merge_loss:
            a, b = kind
            best_member = np.full(band.size, -1.0, dtype=np.float32)
            for da in range(a):
                for db in range(b):
                    member = one_to_one_cosine[band.index(band.rows - da, band.cols - db)]
                    np.maximum(best_member, member, out=best_member)
            shortfall = np.minimum(cosine - best_member - weights.merge_margin, 0.0)
            gains[t] += weights.merge_loss * shortfall
        del features

    def with_quality(step: Step) -> Step:
        if not step.kind[0]:
            return step
        cell = band.cell(step.i, step.j)
        return replace(step, quality=float(qualities[types.index(step.kind), cell]))

    steps = [with_quality(step) for step in best_path(band, types, gains)]
    one_to_one = qualities[types.index((1, 1))][inner]
    best_src, best_tgt = _best_by(band.rows[inner] - 1, one_to_one, n), _best_by(band.cols[inner] - 1, one_to_one, m)
    if keep_gains:
        return Search(steps, band, best_src, best_tgt, types, gains, qualities)
    return Search(steps, band, best_src, best_tgt, types)


def _best_by(sentences: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """The largest of ``values`` for each of ``count`` sentences (-inf where it has none)."""
    best = np.full(count, -np.inf)
    np.maximum.at(best, sentences, values)
    return best


def _own_matches(rows: np.ndarray, cols: np.ndarray, cosine: np.ndarray, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's best 1-1 cosine among the in-band partners it matches best of all
    (-inf where it is no partner's best): a title that echoes the first sentence matches it
    well, but that sentence matches its own translation better."""
    best_of_src, best_of_tgt = _best_by(rows, cosine, n), _best_by(cols, cosine, m)
    src_own, tgt_own = cosine >= best_of_tgt[cols], cosine >= best_of_src[rows]
    return _best_by(rows[src_own], cosine[src_own], n), _best_by(cols[tgt_own], cosine[tgt_own], m)


def _skip_weights(lengths: np.ndarray, best_cosine: np.ndarray, weights: Weights) -> np.ndarray:
    """Cost of leaving each sentence out, in skips: less for a fragment (a stray "Share" line),
    more the better its own match (:func:`_own_matches`), as a real sentence has one, and more
    again when both its neighbours have their own matches (an isolated gap, not a block)."""
    weight = np.minimum(1.0, lengths / SUBSTANTIAL) if weights.skip_by_length else np.ones_like(lengths)
    excess = np.maximum(best_cosine - weights.skip_match_floor, 0.0)
    neighbours = np.minimum(np.append(0.0, excess[:-1]), np.append(excess[1:], 0.0))
    return (weight * (1.0 + weights.skip_by_match * excess) * (1.0 + weights.skip_isolated * neighbours)).astype(np.float32)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


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


def _confidence_in_translation(quality: float, kind: BeadType, weights: Weights) -> float:
    """Probability that a pair bead of ``kind`` the search found in a translation is right."""
    extra = sum(kind) - 2
    return _sigmoid(weights.calibration_scale * (quality - weights.calibration_offset) + weights.calibration_extra * extra)


def _confidence_in_general(quality: float, weights: Weights) -> float:
    """Probability that a pair bead is right in documents that may be unrelated (see ``Weights``)."""
    return _sigmoid(weights.general_scale * (quality - weights.general_offset))


def beads_from_steps(found: Search, weights: Weights, in_translation: bool = True) -> list[Bead]:
    """Beads with confidences: a pair's is its calibrated probability of being right (in a
    translation, or in general); an unaligned sentence's is the general probability that its best
    1-1 candidate is wrong."""

    beads = []
    for step in found.steps:
        a, b = step.kind
        src_ids, tgt_ids = step.sentences()
        if a and b and in_translation:
            confidence = _confidence_in_translation(step.quality, step.kind, weights)
        elif a and b:
            confidence = _confidence_in_general(step.quality, weights)
        elif a:
            confidence = 1.0 - _confidence_in_general(float(found.best_src[step.i - 1]), weights)
        else:
            confidence = 1.0 - _confidence_in_general(float(found.best_tgt[step.j - 1]), weights)
        beads.append(Bead(src_ids, tgt_ids, round(confidence, 4), confidence_flags(confidence, weights)))
    return beads


def confidence_flags(confidence: float, weights: Weights) -> tuple[str, ...]:
    return (LOW_CONFIDENCE,) if confidence < weights.low_confidence else ()


def is_confident_pair(bead: Bead) -> bool:
    return bool(bead.src and bead.tgt) and LOW_CONFIDENCE not in bead.flags


# The weight of a whole stretch's score where it is asked for, and of its French-less baseline:
# chosen by leave-one-novel-out on the TransRead novels (eval/results/align.md, "Whole-stretch scoring").
STRETCH_WEIGHT = 0.0075
STRETCH_BASELINE = 0.5
# Where gain + PMI already part the best two readings by more, the stretch score is not asked for:
# on the novels every decision it changed lay within 0.25, so 0.25 leaves them all as they were
# and asks for 42 % of the stretch readings (eval/results/align.md, "Stretches asked only where close").
STRETCH_MARGIN = 0.25


@dataclass(frozen=True)
class Rescoring:
    """The translation-likelihood second pass (:func:`rescore_path`): a stretch of at most
    ``span`` sentences a side is re-decided when a rival reading's gain is within ``gap`` of
    the best, by gain + ``weight`` × the PMI (nats) summed over the reading's pair beads.

    Set on Text+Berg dev through a German→French variant since removed (the base model with a
    prompt naming the languages; on test it did not help). Dev strict F1 at weight 0.015 / 0.02
    / 0.03 with gap 0.3 was 0.915 / 0.920 / 0.906, and at gap 0.1 / 0.15 / 0.2 / 0.3 / 0.5 with
    weight 0.02 it was 0.898 / 0.909 / 0.913 / 0.920 / 0.921, against 0.907 without; a wider
    gap costs more likelihood passes (342 pairs at 0.3, 723 at 0.5). On the French–English
    novels, leave-one-novel-out choice over the same range matched these defaults.

    ``span`` 6 and ``rivals`` 8 (from 4 and 4) let a stretch hold longer beads and more rival
    readings: on the novels strict F1 rises with ``--stretches`` (0.9543 → 0.9553 cold, 0.9565
    warm; no novel loses) and with the PMI alone (0.9504 → 0.9519 cold), lax falls by about 0.0006; every
    leave-one-novel-out fold chose them (eval/results/align.md, "Longer stretches").
    """

    likelihood: TranslationLikelihood
    weight: float = 0.02
    gap: float = 0.3
    span: int = 6
    rivals: int = 8  # readings compared at most
    # × each close reading's whole stretch scored at once (TranslationLikelihood.stretch_log_likelihoods);
    # 0 leaves it out, as it about doubles the PMI's likelihood passes
    stretch_weight: float = 0.0
    # × the same layout's score with the French left out, subtracted: what the bead structure
    # alone makes likely (a merged bead's English runs on in one line), not what the French says
    stretch_baseline: float = STRETCH_BASELINE
    # stretches are scored only where the best two readings by gain + PMI lie within this margin
    # (in gain units); math.inf scores every close stretch
    stretch_margin: float = STRETCH_MARGIN


Reading = tuple[float, tuple[Step, ...]]


def _readings(found: Search, start: tuple[int, int], end: tuple[int, int], limit: int) -> list[Reading]:
    """The ``limit`` highest-gain bead sequences from boundary ``start`` to ``end``, best first:
    the search's dynamic programme, keeping several partial paths per cell."""
    assert found.gains is not None and found.qualities is not None, "search(..., keep_gains=True)"
    band, (i0, j0), (i1, j1) = found.band, start, end
    fitting = [(t, kind) for t, kind in enumerate(found.types) if kind[0] <= i1 - i0 and kind[1] <= j1 - j0]
    best: dict[tuple[int, int], list[Reading]] = {start: [(0.0, ())]}
    for i in range(i0, i1 + 1):
        for j in range(j0, j1 + 1):
            if (i, j) == start:
                continue
            if not band.lo[i] <= j < band.hi[i]:  # as in the search, no path leaves the band
                best[i, j] = []
                continue
            cell = band.cell(i, j)
            options = []
            for t, (a, b) in fitting:  # bead types first: on a tie the search prefers them too
                if i - a >= i0 and j - b >= j0:
                    gain, step = float(found.gains[t, cell]), Step((a, b), i, j, float(found.qualities[t, cell]))
                    options += [(g + gain, r + (step,)) for g, r in best[i - a, j - b]]
            if j > j0:
                options += [(g, r + (Step((0, 1), i, j, 0.0),)) for g, r in best[i, j - 1]]
            options.sort(key=lambda option: -option[0])
            best[i, j] = _distinct_pairs(options)[:limit]
    return best[end]


def _pair_key(steps: Sequence[Step]) -> tuple[tuple[BeadType, int, int], ...]:
    return tuple((s.kind, s.i, s.j) for s in steps if s.kind[0] and s.kind[1])


def _distinct_pairs(readings: Sequence[Reading]) -> list[Reading]:
    """The best of each set of readings with the same pair beads: they differ only in the order
    of the sentences left out (1-0 then 0-1, or 0-1 then 1-0), which gains the same and means
    the same; without this they would crowd real rivals out."""
    seen: set[tuple[tuple[BeadType, int, int], ...]] = set()
    distinct = []
    for reading in readings:
        key = _pair_key(reading[1])
        if key not in seen:
            seen.add(key)
            distinct.append(reading)
    return distinct


def rescore_path(found: Search, src: Sequence[str], tgt: Sequence[str], rescoring: Rescoring) -> list[Step]:
    """The search's path with each close stretch of two consecutive beads re-decided by
    translation likelihood, left to right (a replaced stretch's last bead opens the next one).

    Only readings whose embedding gain is within ``gap`` of the best are compared, so the
    likelihood model runs where the embeddings cannot decide; the beads of the original path's
    close stretches are scored in one batch. With a ``stretch_weight`` each reading is also
    scored whole, its beads laid out in one prompt: the per-bead PMI of a 2-2 bead and of two
    1-1 beads rest on different unconditional baselines, a whole stretch's English on none;
    it is asked for only where gain + PMI leave the best two readings within ``stretch_margin``.
    """

    readings_of: dict[tuple[tuple[int, int], tuple[int, int]], list[Reading]] = {}

    def window_readings(corner: tuple[int, int], window: Sequence[Step]) -> list[Reading]:
        end = (window[-1].i, window[-1].j)
        if len(window) < 2 or max(end[0] - corner[0], end[1] - corner[1]) > rescoring.span:
            return []
        if (corner, end) not in readings_of:
            readings = _readings(found, corner, end, rescoring.rivals)
            close = [r for r in readings if readings[0][0] - r[0] <= rescoring.gap]
            readings_of[corner, end] = close if len(close) > 1 else []
        return readings_of[corner, end]

    def texts(step: Step) -> tuple[str, str]:
        src_ids, tgt_ids = step.sentences()
        return " ".join(src[k] for k in src_ids), " ".join(tgt[k] for k in tgt_ids)

    def pair_steps(readings: Sequence[Reading]) -> list[Step]:
        return [step for _, steps in readings for step in steps if step.kind[0] and step.kind[1]]

    pmi: dict[tuple[str, str], float] = {}

    def score(steps: Sequence[Step]) -> None:
        wanted = [pair for pair in dict.fromkeys(texts(s) for s in steps) if pair not in pmi]
        pmi.update(zip(wanted, rescoring.likelihood.pmi(wanted)))

    stretch: dict[tuple[tuple[str, str], ...], float] = {}

    def layout(reading: Reading) -> tuple[tuple[str, str], ...]:
        return tuple(texts(step) for step in reading[1])

    def blanked(beads: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        return tuple(("", tgt) for _, tgt in beads)

    def score_stretches(readings: Sequence[Reading]) -> None:
        if readings:
            layouts = list(map(layout, readings))
            if rescoring.stretch_baseline:
                layouts += [blanked(beads) for beads in layouts]
            wanted = [r for r in dict.fromkeys(layouts) if r not in stretch]
            stretch.update(zip(wanted, rescoring.likelihood.stretch_log_likelihoods(wanted)))

    def stretch_score(reading: Reading) -> float:
        beads = layout(reading)
        baseline = stretch[blanked(beads)] if rescoring.stretch_baseline else 0.0
        return stretch[beads] - rescoring.stretch_baseline * baseline

    def by_pmi(reading: Reading) -> float:
        return reading[0] + rescoring.weight * sum(pmi[texts(s)] for s in pair_steps([reading]))

    def contested(close: Sequence[Reading]) -> bool:
        """Whether the stretch score is read for these readings: the best two by gain + PMI lie
        within ``stretch_margin`` (their PMIs scored already)."""
        if not rescoring.stretch_weight:
            return False
        first, second = sorted(map(by_pmi, close), reverse=True)[:2]
        return first - second <= rescoring.stretch_margin

    def chosen(close: Sequence[Reading]) -> Reading:
        """The best reading by gain + weight × PMI (+ stretch_weight × its stretch's score less
        its baseline, where the readings are contested and every one has a score); the first of
        equals: the embeddings' order breaks ties."""
        score(pair_steps(close))
        stretches = [0.0] * len(close)
        if contested(close):
            score_stretches(close)
            stretches = [stretch_score(r) for r in close]
            if any(math.isnan(value) for value in stretches):
                stretches = [0.0] * len(close)
        combined = [by_pmi(reading) + rescoring.stretch_weight * value for reading, value in zip(close, stretches)]
        return close[combined.index(max(combined))]

    corners = [(0, 0)] + [(s.i, s.j) for s in found.steps]
    first_pass = [close for k in range(len(found.steps)) if (close := window_readings(corners[k], found.steps[k : k + 2]))]
    score(pair_steps([r for close in first_pass for r in close]))
    score_stretches([r for close in first_pass if contested(close) for r in close])
    done: list[Step] = []
    pending = list(found.steps)
    corner = (0, 0)
    while pending:
        close = window_readings(corner, pending[:2])
        if close:
            best = chosen(close)
            if _pair_key(best[1]) != _pair_key(pending[:2]):
                pending[:2] = best[1]
        step = pending.pop(0)
        done.append(step)
        corner = (step.i, step.j)
    return done


def dissolve_doubtful_pairs(beads: Sequence[Bead], weights: Weights = Weights()) -> list[Bead]:
    """For documents that are not translations of each other: only confident pairs next to
    another confident pair stay (a passage the two share); the others' sentences are left out,
    since a weak pair, or a lone strong one amid unrelated text, would be invented.

    A sentence let go is left out with the complement of its pair's confidence (flagged when
    that is low). Between kept pairs the source's left-out sentences come first, so each side's
    stretch reads, and groups, as one run."""
    sure = [is_confident_pair(b) for b in beads]
    passage = [here and any(sure[k] for k in (n - 1, n + 1) if 0 <= k < len(sure)) for n, here in enumerate(sure)]
    kept: list[Bead] = []
    stretch: list[Bead] = []
    for bead, keep in zip([*beads, None], [*passage, True]):
        if not keep:
            if bead.src and bead.tgt:
                score = round(1.0 - bead.score, 4)
                flags = confidence_flags(score, weights)
                stretch += [Bead((i,), (), score, flags) for i in bead.src] + [Bead((), (j,), score, flags) for j in bead.tgt]
            else:
                stretch.append(bead)
            continue
        kept += [b for b in stretch if b.src] + [b for b in stretch if b.tgt]
        stretch = []
        if bead is not None:
            kept.append(bead)
    return kept


def join_unaligned_runs(beads: Sequence[Bead]) -> list[Bead]:
    """Each run of consecutive sentences left out on one side as one bead (``[]:[5,6,7]``), as
    TransRead's gold writes them and as a reviewer reads a passage missing from the other side;
    the run's confidence is its least confident sentence's."""
    grouped: list[Bead] = []
    for bead in beads:
        last = grouped[-1] if grouped else None
        if last is not None and not (bead.src and bead.tgt) and not (last.src and last.tgt):
            side = "src" if bead.src else "tgt"
            ids, last_ids = getattr(bead, side), getattr(last, side)
            if last_ids and ids[0] == last_ids[-1] + 1:
                flags = tuple(dict.fromkeys(last.flags + bead.flags))  # union, in order
                grouped[-1] = replace(last, score=min(last.score, bead.score), flags=flags, **{side: last_ids + ids})
                continue
        grouped.append(bead)
    return grouped


def bead_confidences(
    src: Sequence[str],
    tgt: Sequence[str],
    beads: Sequence[Bead],
    embedder: Embedder,
    weights: Weights = Weights(),
) -> list[float]:
    """Confidence of given pair beads (e.g. a reviewed or gold alignment), with margins taken
    against in-band neighbours of their path; calibrated in general, since beads the search did
    not choose may be anything, where the in-translation calibration holds for its own choices."""
    if any(not b.src or not b.tgt for b in beads):
        raise ValueError("bead_confidences scores pair beads only")
    src_side, tgt_side = evidence(src, embedder), evidence(tgt, embedder)
    scorer = Scorer(src_side, tgt_side, weights)
    path = [(0, 0)] + [(max(b.src) + 1, max(b.tgt) + 1) for b in beads if b.src and b.tgt]
    band = Band.around(path + [(len(src), len(tgt))], len(src), len(tgt), radius=8)
    confidences = []
    with threadpool_limits(1, user_api="blas"):
        for kind in {(len(b.src), len(b.tgt)) for b in beads}:
            quality = scorer.qualities(band, kind)
            for index, bead in enumerate(beads):
                if (len(bead.src), len(bead.tgt)) == kind:
                    cell = band.index(np.array([max(bead.src) + 1]), np.array([max(bead.tgt) + 1]))[0]
                    confidences.append((index, float(quality[cell])))
    return [_confidence_in_general(quality, weights) for _, quality in sorted(confidences)]


def align_sentences(
    src: Sequence[str],
    tgt: Sequence[str],
    embedder: Embedder,
    *,
    drafts: Sequence[str] | None = None,
    draft_embedder: Embedder | None = None,
    max_bead: int = DEFAULT_MAX_BEAD,
    group_unaligned: bool = False,
    rescoring: Rescoring | None = None,
    weights: Weights = Weights(),
) -> Alignment:
    """Align two sentence lists; ``drafts[i]`` is an English machine translation of ``src[i]``.

    Beads have at most ``max_bead`` sentences in all (6: up to 1-5, 2-4, 3-3, 4-2, 5-1).
    ``group_unaligned``: a run of sentences left out on one side is one bead (:func:`join_unaligned_runs`).
    ``rescoring``: re-decide close stretches of the path by translation likelihood (:func:`rescore_path`).
    """
    arranged = join_unaligned_runs if group_unaligned else list
    if not src or not tgt:
        return Alignment(arranged(unaligned_beads(len(src), len(tgt))))
    src_side, tgt_side = evidence(src, embedder), evidence(tgt, embedder)
    if drafts is not None:
        if len(drafts) != len(src):
            raise ValueError(f"{len(drafts)} drafts for {len(src)} source sentences")
        draft_embedder = draft_embedder or get_embedder("minilm")
        src_side.draft = draft_embedder.encode(drafts)
        tgt_side.draft = draft_embedder.encode(tgt)
    # Small matrix products: one BLAS thread is ~10x faster than two contending ones.
    with threadpool_limits(1, user_api="blas"):
        found = search(Scorer(src_side, tgt_side, weights), max_bead, keep_gains=rescoring is not None)
    if rescoring is not None:
        found.steps = rescore_path(found, src, tgt, rescoring)
    # The better-covered side decides, so a text translated in full inside a much longer one
    # (a statement against a whole bulletin) is not called unrelated. That is judged on the
    # general confidences, which hold whether or not the documents are translations.
    general = beads_from_steps(found, weights, in_translation=False)
    confident = [x for x in general if is_confident_pair(x)]
    covered = max(sum(len(x.src) for x in confident) / len(src), sum(len(x.tgt) for x in confident) / len(tgt))
    if covered >= weights.verdict_coverage:
        return Alignment(arranged(beads_from_steps(found, weights)))
    return Alignment(arranged(dissolve_doubtful_pairs(general, weights)), NOT_TRANSLATIONS)
