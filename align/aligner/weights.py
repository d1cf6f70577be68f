"""The aligner's settings: which bead types exist, and the coefficients of a bead's quality, the
search's gains and the confidences' calibrations, all tuned in one place on the dev sets."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from align.records import LOW_CONFIDENCE_SCORE


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
