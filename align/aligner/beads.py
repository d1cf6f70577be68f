"""From the search's path to beads: each with a calibrated confidence, doubtful pairs dissolved
when the documents are no translations of each other, runs left out grouped on request."""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from align.aligner.band import Band
from align.aligner.pathsearch import Search
from align.aligner.scoring import Scorer, evidence
from align.aligner.weights import BeadType, Weights
from align.embed import Embedder
from align.records import Bead

LOW_CONFIDENCE = "low-confidence"


def unaligned_beads(n: int, m: int) -> list[Bead]:
    """Every sentence of an ``n``-sentence source and an ``m``-sentence target left out: what an
    alignment is when one side is empty."""
    return [Bead((i,), ()) for i in range(n)] + [Bead((), (j,)) for j in range(m)]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


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
