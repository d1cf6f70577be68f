"""The dynamic programme: the highest-gain path of beads through the band, coarse to fine."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from align.aligner.band import Band
from align.aligner.scoring import Scorer, run_sums
from align.aligner.weights import SUBSTANTIAL, BeadType, Weights, bead_types


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
    src_len = run_sums(scorer.src.lengths, band.rows - a, a) * scorer.length_ratio
    tgt_len = run_sums(scorer.tgt.lengths, band.cols - b, b)
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
            gains[t] = weights.skip_source * run_sums(src_skip, band.rows - 1, 1)
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
        gains[t] -= weights.skip_target * run_sums(tgt_skip, band.cols - kind[1], kind[1])
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
