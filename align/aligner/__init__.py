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

One module each, every import pointing down this list: :mod:`~align.aligner.weights` (the tuned
settings), :mod:`~align.aligner.band`, :mod:`~align.aligner.scoring` (evidence and bead quality),
:mod:`~align.aligner.pathsearch` (the dynamic programme), :mod:`~align.aligner.beads`
(confidences, the verdict's dissolving, grouping) and :mod:`~align.aligner.rescoring`;
:func:`align_sentences` here ties them together, and the names used elsewhere are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from threadpoolctl import threadpool_limits

from align.aligner.band import Band
from align.aligner.beads import (
    LOW_CONFIDENCE,
    bead_confidences,
    beads_from_steps,
    confidence_flags,
    dissolve_doubtful_pairs,
    is_confident_pair,
    join_unaligned_runs,
    unaligned_beads,
)
from align.aligner.pathsearch import Search, Step, best_path, search
from align.aligner.rescoring import STRETCH_BASELINE, STRETCH_MARGIN, STRETCH_WEIGHT, Rescoring, rescore_path
from align.aligner.scoring import Evidence, Scorer, evidence
from align.aligner.weights import FEATURES, SUBSTANTIAL, BeadType, Weights, bead_types
from align.embed import Embedder, get_embedder
from align.records import DEFAULT_MAX_BEAD, Bead

# What the rest of the project and the benchmarks import from align.aligner, wherever it lives now.
__all__ = [
    "FEATURES", "LOW_CONFIDENCE", "NOT_TRANSLATIONS", "STRETCH_BASELINE", "STRETCH_MARGIN", "STRETCH_WEIGHT",
    "SUBSTANTIAL", "Alignment", "Band", "BeadType", "Evidence", "Rescoring", "Scorer", "Search", "Step", "Weights",
    "align_sentences", "bead_confidences", "bead_types", "beads_from_steps", "best_path", "confidence_flags",
    "dissolve_doubtful_pairs", "evidence", "is_confident_pair", "join_unaligned_runs", "rescore_path", "search",
    "unaligned_beads",
]


NOT_TRANSLATIONS = "the documents do not look like translations of each other"


@dataclass
class Alignment:
    """The beads in order; ``verdict`` says why doubtful pairs were left out (:data:`NOT_TRANSLATIONS`)."""

    beads: list[Bead]
    verdict: str | None = None


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
