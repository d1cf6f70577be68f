"""The aligner on synthetic documents with known beads, hard inputs, invariants and scale.

The fake embedder gives each word a fixed random vector and a text the normalised sum of its
words, so a "translation" (the same concept words) embeds identically and joined sentences
embed like their union, as real sentence embedders roughly do.
"""

from __future__ import annotations

import math
import re
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from align.aligner import (
    LOW_CONFIDENCE,
    NOT_TRANSLATIONS,
    Band,
    Evidence,
    Scorer,
    Search,
    Step,
    Weights,
    align_sentences,
    bead_confidences,
    bead_types,
    beads_from_steps,
    dissolve_doubtful_pairs,
    search,
    unaligned_beads,
)
from align.formats import read_beads
from align.records import Bead

from conftest import SEED_EN, SEED_FR, SEED_GOLD


class WordEmbedder:
    """Deterministic bag-of-words embedder; ``name`` seeds the word vectors."""

    def __init__(self, name: str = "words", dim: int = 128):
        self.name, self.dim = name, dim
        self._vectors: dict[str, np.ndarray] = {}
        self.calls = 0

    def _word(self, word: str) -> np.ndarray:
        if word not in self._vectors:
            rng = np.random.default_rng(zlib.crc32(f"{self.name}:{word}".encode()))
            self._vectors[word] = rng.standard_normal(self.dim).astype(np.float32)
        return self._vectors[word]

    def encode(self, texts):
        self.calls += 1
        rows = np.array(
            [sum((self._word(w) for w in text.split()), np.zeros(self.dim, np.float32)) for text in texts],
            dtype=np.float32,
        ).reshape(len(texts), self.dim)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


def sentence(concepts: list[int], side: str) -> str:
    """A sentence expressing ``concepts``: three words each, plus a function word per side."""
    words = [f"w{c}{part}" for c in concepts for part in "abc"]
    return " ".join(["le" if side == "fr" else "the", *words]) + " ."


def build(plan: list[tuple[int, int]], start: int = 0) -> tuple[list[str], list[str], list[Bead]]:
    """Documents realising a bead plan: in an a-b bead, the bead's concepts are spread over
    its a source and b target sentences in order (split unevenly when a == b, so no finer
    bead fits); 1-0 and 0-1 sentences get their own words."""
    src: list[str] = []
    tgt: list[str] = []
    gold: list[Bead] = []
    concept = start
    for a, b in plan:
        if a and b:
            concepts = list(range(concept, concept + a * b))
            concept += a * b
            src_parts = np.array_split(concepts, a)
            tgt_parts = np.array_split(concepts, b)
            if a == b > 1:
                src_parts = [concepts[:1], *np.array_split(concepts[1:], a - 1)]
                tgt_parts = [*np.array_split(concepts[:-1], b - 1), concepts[-1:]]
        else:
            src_parts = [[concept + k] for k in range(a)]
            tgt_parts = [[concept + k] for k in range(b)]
            concept += a + b
        gold.append(Bead(tuple(range(len(src), len(src) + a)), tuple(range(len(tgt), len(tgt) + b))))
        # one-sided sentences use words of their own that the other side never has
        src += [sentence(list(p), "fr") if b else f"le {' '.join(f'only{c}' for c in p)} seul ." for p in src_parts]
        tgt += [sentence(list(p), "en") if a else f"the {' '.join(f'alone{c}' for c in p)} only ." for p in tgt_parts]
    return src, tgt, gold


def links(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.src, b.tgt) for b in beads]


def assert_coverage(beads: list[Bead], n: int, m: int) -> None:
    """Every sentence in exactly one bead, in order, and bead ids consecutive."""
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    for bead in beads:
        for ids in (bead.src, bead.tgt):
            assert not ids or list(ids) == list(range(ids[0], ids[0] + len(ids)))
        assert 0.0 <= bead.score <= 1.0


EVERY_KIND = [(1, 1), (1, 2), (1, 1), (2, 1), (1, 1), (1, 3), (1, 1), (3, 1), (1, 1), (2, 2), (1, 1), (1, 0), (1, 1), (0, 1), (1, 1), (1, 1)]


def test_bead_types_are_bounded_by_max_bead() -> None:
    assert bead_types(3) == [(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)]
    assert set(bead_types(4)) == {(1, 1), (1, 2), (2, 1), (1, 3), (2, 2), (3, 1), (1, 0), (0, 1)}


def test_every_bead_type_is_recovered() -> None:
    src, tgt, gold = build(EVERY_KIND * 3)
    result = align_sentences(src, tgt, WordEmbedder(), max_bead=4)
    assert links(result.beads) == links(gold)
    assert result.verdict is None
    assert_coverage(result.beads, len(src), len(tgt))
    paired = [b for b in result.beads if b.src and b.tgt]
    assert all(b.score > 0.5 and not b.flags for b in paired)
    assert all(b.score > 0.9 for b in paired if b.kind == "1-1")


def test_max_bead_limits_what_is_produced() -> None:
    src, tgt, gold = build(EVERY_KIND)
    beads = align_sentences(src, tgt, WordEmbedder(), max_bead=3).beads
    assert all(len(b.src) + len(b.tgt) <= 3 for b in beads if b.src and b.tgt)
    assert_coverage(beads, len(src), len(tgt))


@pytest.mark.parametrize("n_src, n_tgt", [(0, 4), (3, 0), (0, 0)])
def test_an_empty_side_leaves_everything_unaligned(n_src: int, n_tgt: int) -> None:
    src = [sentence([i], "fr") for i in range(n_src)]
    tgt = [sentence([i], "en") for i in range(n_tgt)]
    result = align_sentences(src, tgt, WordEmbedder())
    assert all(not b.src or not b.tgt for b in result.beads)
    assert_coverage(result.beads, n_src, n_tgt)


def test_wildly_unequal_lengths_find_the_few_translated_sentences() -> None:
    """5 source sentences, 300 target sentences of which 5 (spread out) are their translations."""
    src = [sentence([k], "fr") for k in range(5)]
    tgt = [f"the filler{j} words{j} here ." for j in range(300)]
    where = [10, 70, 150, 220, 290]
    for k, j in enumerate(where):
        tgt[j] = sentence([k], "en")
    beads = align_sentences(src, tgt, WordEmbedder()).beads
    assert_coverage(beads, 5, 300)
    assert [(b.src, b.tgt) for b in beads if b.src and b.tgt] == [((k,), (j,)) for k, j in enumerate(where)]


def test_a_paragraph_on_one_side_only_is_left_unaligned() -> None:
    src, tgt, gold = build([(1, 1)] * 30 + [(0, 1)] * 12 + [(1, 1)] * 30)
    beads = align_sentences(src, tgt, WordEmbedder()).beads
    assert links(beads) == links(gold)
    unaligned = [b for b in beads if not b.src]
    assert [b.tgt[0] for b in unaligned] == list(range(30, 42))
    grouped = align_sentences(src, tgt, WordEmbedder(), group_unaligned=True).beads
    assert [b for b in grouped if b.src] == [b for b in beads if b.src]
    assert [(b.tgt, b.score) for b in grouped if not b.src] == [(tuple(range(30, 42)), min(b.score for b in unaligned))]


def test_join_unaligned_runs_joins_runs_on_one_side_only() -> None:
    from align.aligner import join_unaligned_runs

    beads = [Bead((0,), (0,)), Bead((1,), (), 0.9), Bead((2,), (), 0.4, ("low-confidence",)), Bead((), (1,), 0.8),
             Bead((), (2,), 0.7), Bead((3,), (3,)), Bead((), (4,)), Bead((5,), ()), Bead((4,), (5,))]
    assert join_unaligned_runs(beads) == [
        Bead((0,), (0,)), Bead((1, 2), (), 0.4, ("low-confidence",)), Bead((), (1, 2), 0.7),
        Bead((3,), (3,)), Bead((), (4,)), Bead((5,), ()), Bead((4,), (5,)),
    ]
    assert join_unaligned_runs([]) == []
    assert join_unaligned_runs(unaligned_beads(2, 0)) == [Bead((0, 1), ())]


def test_not_a_translation_gets_a_verdict_and_no_invented_pairs() -> None:
    src = [sentence([k], "fr") for k in range(40)]
    tgt = [sentence([1000 + k], "en") for k in range(35)]
    result = align_sentences(src, tgt, WordEmbedder())
    assert result.verdict == NOT_TRANSLATIONS
    assert [b for b in result.beads if b.src and b.tgt] == []
    assert all(b.score > 0.5 and not b.flags for b in result.beads)
    assert_coverage(result.beads, 40, 35)


def test_a_text_translated_in_full_inside_a_longer_one_is_not_called_unrelated() -> None:
    """The better-covered side decides: 8 of 8 French sentences paired is a translation, even
    though they are 16 of 76 sentences in all."""
    src, tgt, gold = build([(1, 1)] * 8)
    tgt = tgt + [sentence([1000 + k], "en") for k in range(60)]
    result = align_sentences(src, tgt, WordEmbedder(), group_unaligned=True)
    assert result.verdict is None
    assert links(result.beads) == links(gold) + [((), tuple(range(8, 68)))]


def test_a_passage_shared_by_unrelated_documents_keeps_its_pairs() -> None:
    """Under the verdict a shared passage is still aligned."""
    shared = [sentence([2000 + 5 * k + w for w in range(5)], lang) for k in range(4) for lang in ("fr", "en")]
    src = [sentence([k], "fr") for k in range(30)] + shared[0::2]
    tgt = [sentence([1000 + k], "en") for k in range(30)] + shared[1::2]
    result = align_sentences(src, tgt, WordEmbedder(), group_unaligned=True)
    assert result.verdict == NOT_TRANSLATIONS
    assert [(b.src, b.tgt) for b in result.beads if b.src and b.tgt] == [((30 + k,), (30 + k,)) for k in range(4)]
    assert [b.src or b.tgt for b in result.beads if not (b.src and b.tgt)] == [tuple(range(30)), tuple(range(30))]


def test_dissolving_doubtful_pairs_leaves_their_sentences_out() -> None:
    doubtful = Bead((0, 1), (0,), 0.3, (LOW_CONFIDENCE,))
    lone = Bead((2,), (1,), 0.9)
    passage = [Bead((4,), (2,), 0.8), Bead((5,), (3, 4), 0.7)]
    assert dissolve_doubtful_pairs([doubtful, lone, Bead((3,), (), 0.8), *passage]) == [
        Bead((0,), (), 0.7), Bead((1,), (), 0.7), Bead((2,), (), 0.1, (LOW_CONFIDENCE,)), Bead((3,), (), 0.8),
        Bead((), (0,), 0.7), Bead((), (1,), 0.1, (LOW_CONFIDENCE,)), *passage,
    ]
    stretch = [Bead((0,), (0,), 0.2, (LOW_CONFIDENCE,)), Bead((), (1,), 0.6), Bead((1,), (2,), 0.4, (LOW_CONFIDENCE,))]
    assert dissolve_doubtful_pairs(stretch) == [
        Bead((0,), (), 0.8), Bead((1,), (), 0.6), Bead((), (0,), 0.8), Bead((), (1,), 0.6), Bead((), (2,), 0.6),
    ]


def test_confidence_separates_right_from_wrong_pairs() -> None:
    src, tgt, _ = build([(1, 1)] * 40)
    right = [Bead((i,), (i,)) for i in range(40)]
    wrong = [Bead((i,), ((i + 7) % 40,)) for i in range(40)]
    embedder = WordEmbedder()
    assert min(bead_confidences(src, tgt, right, embedder)) > 0.9
    assert max(bead_confidences(src, tgt, wrong, embedder)) < 0.5


def test_found_pairs_are_calibrated_for_translations_and_left_out_sentences_in_general() -> None:
    """A middling pair the search chose in a translation is more likely right than not (most such
    pairs are, eval/results/align.md "Calibrated confidence"), a merged one a little less so; the
    general calibration, which unrelated documents shaped, calls the same pair doubtful. A
    sentence left out is scored by the general calibration either way."""
    steps = [Step((1, 1), 1, 1, 2.0), Step((2, 1), 3, 2, 2.0), Step((1, 0), 4, 2, 0.0), Step((1, 1), 5, 3, 12.0)]
    found = Search(steps, Band.full(5, 3), np.array([9.0, 9.0, 9.0, -3.0, 12.0]), np.full(3, 9.0), bead_types(6))
    in_translation, general = beads_from_steps(found, Weights()), beads_from_steps(found, Weights(), in_translation=False)
    assert [(b.src, b.tgt) for b in in_translation] == [(b.src, b.tgt) for b in general]
    one, merged, left_out, strong = in_translation
    assert 0.5 < merged.score < one.score < 0.7 and not one.flags and not merged.flags
    assert strong.score > 0.9
    assert general[0].score < 0.05 and general[0].flags == (LOW_CONFIDENCE,)
    assert left_out == general[2] and left_out.score > 0.99  # its best candidate (quality -3) is unrelated


def test_drafts_rescue_a_useless_cross_lingual_embedder() -> None:
    """The cross-lingual embedder sees two unrelated vocabularies; only the drafts (English,
    compared with the English target by the draft embedder) carry the signal."""

    class Unrelated(WordEmbedder):
        def encode(self, texts):  # every word is specific to its side: nothing is shared
            return super().encode([re.sub(r"\bw", "fr_w", t) if t.startswith("le") else t for t in texts])

    src, tgt, gold = build([(1, 1), (1, 2), (1, 1), (2, 1), (1, 1), (1, 1), (1, 1), (1, 1)] * 3)
    drafts = [s.replace("le ", "the ", 1) for s in src]
    embedder = Unrelated()
    without = align_sentences(src, tgt, embedder)
    assert without.verdict == NOT_TRANSLATIONS
    with_drafts = align_sentences(src, tgt, embedder, drafts=drafts, draft_embedder=WordEmbedder("draft"))
    assert links(with_drafts.beads) == links(gold)
    assert with_drafts.verdict is None


def test_drafts_must_match_the_source() -> None:
    with pytest.raises(ValueError):
        align_sentences(["a ."], ["b ."], WordEmbedder(), drafts=[], draft_embedder=WordEmbedder())


@pytest.mark.parametrize("seed", range(5))
def test_random_plans_keep_coverage_and_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    kinds = bead_types(4)
    plan = [kinds[k] for k in rng.choice(len(kinds), size=60, p=[0.6] + [0.4 / (len(kinds) - 1)] * (len(kinds) - 1))]
    src, tgt, gold = build(plan)
    beads = align_sentences(src, tgt, WordEmbedder(), max_bead=4).beads
    assert_coverage(beads, len(src), len(tgt))
    correct = len(set(links(beads)) & set(links(gold)))
    assert correct >= 0.9 * len(gold)


def test_band_follows_a_path() -> None:
    band = Band.around([(0, 0), (5, 3), (10, 10)], 10, 10, radius=1)
    assert np.all(np.diff(band.lo) >= 0) and np.all(np.diff(band.hi) >= 0)
    for i, j in [(0, 0), (5, 3), (3, 1), (10, 10)]:
        assert band.lo[i] <= j < band.hi[i]
    assert band.index(np.array([0, 10, 0]), np.array([0, 10, 10])).tolist()[:2] == [0, band.size - 1]
    assert band.index(np.array([0]), np.array([10]))[0] == band.size  # outside: the sentinel


def test_long_documents_use_a_band_linear_in_length() -> None:
    """Cells searched and traced memory grow linearly: 4x the sentences, about 4x the cost."""
    embedder = WordEmbedder(dim=64)
    cells, peaks = [], []
    for n in (500, 2000):
        src, tgt, gold = build([(1, 1), (1, 1), (1, 2), (1, 1), (2, 1)] * (n // 5))
        side_src = Evidence(embedder.encode(src), np.array([len(s) for s in src], np.float32), np.zeros((len(src), 8), np.float32))
        side_tgt = Evidence(embedder.encode(tgt), np.array([len(t) for t in tgt], np.float32), np.zeros((len(tgt), 8), np.float32))
        tracemalloc.start()
        found = search(Scorer(side_src, side_tgt, Weights()), max_bead=3)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        cells.append(found.band.size)
        assert len(found.steps) >= len(gold)
    assert cells[1] < 5 * cells[0] and cells[0] < 100 * 500
    assert peaks[1] < 5.5 * peaks[0]


def split_by_hand(path: Path) -> list[str]:
    """Lines, then sentence ends followed by a capital (enough for the seed document)."""
    return [
        part
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
        for part in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line.strip())
    ]


@pytest.mark.slow
def test_seed_document_with_the_default_embedder() -> None:
    from align.embed import get_embedder

    src, tgt = split_by_hand(SEED_FR), split_by_hand(SEED_EN)
    assert (len(src), len(tgt)) == (12, 10)
    result = align_sentences(src, tgt, get_embedder("use"))
    assert links(result.beads) == links(read_beads(SEED_GOLD))
    assert result.verdict is None
    assert all(b.score > 0.5 for b in result.beads if b.src and b.tgt)


def test_runs_longer_than_the_embedded_ones_combine_joined_pieces() -> None:
    """A run of 4 is the sum of two embedded 2-runs, a run of 5 of a 3-run and a 2-run."""
    from align.aligner.scoring import _run_vectors, _unit

    rng = np.random.default_rng(0)
    rows = _unit(rng.standard_normal((8, 16)).astype(np.float32))
    side = Evidence(rows, np.ones(8, np.float32), np.zeros((8, 4), np.float32))
    side.run_vectors = {size: _unit(rng.standard_normal((9 - size, 16)).astype(np.float32)) for size in (2, 3)}
    two, three = side.run_vectors[2], side.run_vectors[3]
    four = _run_vectors(rows, np.array([1]), 4, side)[0]
    five = _run_vectors(rows, np.array([1]), 5, side)[0]
    assert np.allclose(four, _unit(2 * two[1] + 2 * two[3]), atol=1e-6)
    assert np.allclose(five, _unit(3 * three[1] + 2 * two[4]), atol=1e-6)
    assert np.allclose(_run_vectors(rows, np.array([2]), 3, side)[0], three[2])


def test_leaving_out_a_sentence_costs_more_the_better_its_own_match() -> None:
    """A sentence that is its partner's best match is dear to leave out; a title echoing a
    sentence whose own translation matches that sentence better is not; a fragment is cheap."""
    from align.aligner.pathsearch import _own_matches, _skip_weights

    # source 0 (a title) and 1 both face target 0; source 2 (junk) faces target 1 weakly
    rows, cols = np.array([0, 1, 2, 0, 1, 2]), np.array([0, 0, 0, 1, 1, 1])
    cosine = np.array([0.6, 0.7, 0.1, 0.0, 0.1, 0.15], dtype=np.float32)
    src_match, tgt_match = _own_matches(rows, cols, cosine, 3, 2)
    assert src_match[0] == -np.inf and src_match[1] == pytest.approx(0.7) and src_match[2] == pytest.approx(0.15)
    assert tgt_match[0] == pytest.approx(0.7)  # target 0 is source 1's best match
    weights = Weights(skip_by_match=6.0, skip_match_floor=0.2)
    cost = _skip_weights(np.array([40.0, 40.0, 40.0], dtype=np.float32), src_match, weights)
    assert cost[0] == pytest.approx(1.0) and cost[2] == pytest.approx(1.0)  # the title, the junk
    assert cost[1] == pytest.approx(1.0 + 6.0 * 0.5)
    fragment = _skip_weights(np.array([6.0], dtype=np.float32), np.array([0.7]), weights)
    assert fragment[0] == pytest.approx(0.2 * 4.0)


def test_leaving_out_a_sentence_between_matched_ones_costs_more_than_one_in_a_block() -> None:
    """An isolated gap is dearer than the edge or the inside of a block of unmatched lines."""
    from align.aligner.pathsearch import _skip_weights

    own = np.array([0.7, 0.7, 0.4, 0.7, 0.1, 0.1, 0.1, 0.7])  # excesses over 0.2: .5 .5 .2 .5 0 0 0 .5
    weights = Weights(skip_by_match=6.0, skip_match_floor=0.2, skip_isolated=2.0)
    cost = _skip_weights(np.full(8, 40.0, dtype=np.float32), own, weights)
    assert cost[0] == pytest.approx(1.0 + 6.0 * 0.5)  # the document's start has no neighbour before it
    assert cost[2] == pytest.approx((1.0 + 6.0 * 0.2) * (1.0 + 2.0 * 0.5))  # between two matched sentences
    assert cost[4] == pytest.approx(1.0) and cost[5] == pytest.approx(1.0)  # a block's edge and inside
    plain = _skip_weights(np.full(8, 40.0, dtype=np.float32), own, Weights(skip_isolated=0.0))
    assert plain[2] == pytest.approx(1.0 + 6.0 * 0.2)


class TablePMI:
    """Fake translation likelihood: a PMI per (source run, target run), 0 for any other pair,
    and a score per stretch reading (a tuple of such pairs), 0 for any other."""

    name = "table"

    def __init__(self, table: dict[tuple[str, str], float], stretches: dict | None = None):
        self.table, self.asked = table, []
        self.stretches, self.asked_stretches = stretches or {}, []

    def pmi(self, pairs):
        self.asked += pairs
        return [self.table.get(pair, 0.0) for pair in pairs]

    def stretch_log_likelihoods(self, readings):
        self.asked_stretches += readings
        return [self.stretches.get(reading, 0.0) for reading in readings]


def hand_made_search(one_to_two_gain: float):
    """Two sentences a side whose best path is two 1-1 beads (gain 0.5 each); the rival reading
    1-2 then 1-0 gains ``one_to_two_gain``."""
    from align.aligner import Search, Step

    band = Band.full(2, 2)
    types = [(1, 1), (1, 2), (2, 1), (1, 0)]
    gains = np.full((len(types), band.size), -5.0, dtype=np.float32)
    cell = lambda i, j: int(band.index(np.array([i]), np.array([j]))[0])  # noqa: E731
    gains[0, cell(1, 1)] = gains[0, cell(2, 2)] = 0.5
    gains[1, cell(1, 2)] = one_to_two_gain
    gains[3, cell(2, 2)] = 0.0
    steps = [Step((1, 1), 1, 1, 1.0), Step((1, 1), 2, 2, 1.0)]
    none = np.zeros(3)
    return Search(steps, band, none, none, types, gains, np.ones_like(gains))


def test_rescoring_lets_translation_likelihood_decide_a_close_stretch() -> None:
    from align.aligner import Rescoring, rescore_path
    from align.aligner.rescoring import _readings

    src, tgt = ["un deux", "rien"], ["one", "two"]
    found = hand_made_search(0.95)
    readings = _readings(found, (0, 0), (2, 2), 4)
    assert [tuple(s.kind for s in steps) for _, steps in readings[:2]] == [((1, 1), (1, 1)), ((1, 2), (1, 0))]
    assert readings[0][0] == pytest.approx(1.0) and readings[1][0] == pytest.approx(0.95)
    likelihood = TablePMI({("un deux", "one two"): 30.0, ("un deux", "one"): 10.0, ("rien", "two"): -2.0})
    chosen = rescore_path(found, src, tgt, Rescoring(likelihood, weight=0.02, gap=0.15))
    assert [(s.kind, s.i, s.j) for s in chosen] == [((1, 2), 1, 2), ((1, 0), 2, 2)]
    # the rival is compared only when its embedding gain is close enough
    assert rescore_path(found, src, tgt, Rescoring(likelihood, weight=0.02, gap=0.01)) == found.steps
    # and only within stretches of at most ``span`` sentences a side (this one spans 2), from at
    # most ``rivals`` readings (one is the current path's: nothing to compare)
    asked = len(likelihood.asked)
    assert rescore_path(found, src, tgt, Rescoring(likelihood, weight=0.02, gap=0.15, span=1)) == found.steps
    assert rescore_path(found, src, tgt, Rescoring(likelihood, weight=0.02, gap=0.15, rivals=1)) == found.steps
    assert len(likelihood.asked) == asked
    # and wins only when the likelihood says so: here PMI favours the 1-1 pairs
    likelihood = TablePMI({("un deux", "one two"): 5.0, ("un deux", "one"): 10.0, ("rien", "two"): 8.0})
    assert rescore_path(found, src, tgt, Rescoring(likelihood, weight=0.02, gap=0.15)) == found.steps


def test_a_stretch_scored_whole_can_decide_where_the_pmi_cannot() -> None:
    from align.aligner import Rescoring, rescore_path

    src, tgt = ["un deux", "rien"], ["one", "two"]
    found = hand_made_search(0.95)
    merged, pairs = (("un deux", "one two"), ("rien", "")), (("un deux", "one"), ("rien", "two"))
    likelihood = TablePMI({}, {merged: -5.0, pairs: -20.0})
    assert rescore_path(found, src, tgt, Rescoring(likelihood, gap=0.15)) == found.steps
    assert likelihood.asked_stretches == []  # off by default: never scored
    chosen = rescore_path(found, src, tgt, Rescoring(likelihood, gap=0.15, stretch_weight=0.01))
    assert [(s.kind, s.i, s.j) for s in chosen] == [((1, 2), 1, 2), ((1, 0), 2, 2)]  # 0.95 - 0.05 > 1.0 - 0.2
    blank_merged, blank_pairs = (("", "one two"), ("", "")), (("", "one"), ("", "two"))
    assert set(likelihood.asked_stretches) == {merged, pairs, blank_merged, blank_pairs}
    # the baseline takes off what the layout alone, French left out, makes likely
    likelihood = TablePMI({}, {merged: -5.0, pairs: -20.0, blank_merged: 0.0, blank_pairs: -40.0})
    assert rescore_path(found, src, tgt, Rescoring(likelihood, gap=0.15, stretch_weight=0.01, stretch_baseline=0.5)) == found.steps
    chosen = rescore_path(found, src, tgt, Rescoring(likelihood, gap=0.15, stretch_weight=0.01, stretch_baseline=0.0))
    assert [s.kind for s in chosen] == [(1, 2), (1, 0)]
    assert blank_merged not in likelihood.asked_stretches[-2:]  # no baseline: never asked
    # a reading too long to score (NaN) leaves the whole stretch to the gain and the PMI
    likelihood = TablePMI({}, {merged: -5.0, pairs: math.nan})
    assert rescore_path(found, src, tgt, Rescoring(likelihood, gap=0.15, stretch_weight=0.01)) == found.steps


def test_rescoring_asks_for_each_candidate_pair_once_and_keeps_coverage() -> None:
    from align.aligner import Rescoring

    src, tgt, _ = build([(1, 1), (1, 2), (1, 1), (2, 1), (1, 1), (1, 0), (1, 1)])
    likelihood = TablePMI({})
    plain = align_sentences(src, tgt, WordEmbedder())
    rescored = align_sentences(src, tgt, WordEmbedder(), rescoring=Rescoring(likelihood, gap=10.0))
    assert_coverage(rescored.beads, len(src), len(tgt))
    assert likelihood.asked and len(likelihood.asked) == len(set(likelihood.asked))
    assert links(rescored.beads) == links(plain.beads)  # a PMI of 0 everywhere changes nothing


def test_rescoring_a_banded_search_stays_in_the_band_and_keeps_coverage() -> None:
    """A long document is searched in a band: with no likelihood evidence the path is exactly
    the search's; with random evidence it changes but every sentence stays in one bead, in order."""
    from align.aligner import Rescoring

    src, tgt, _ = build(EVERY_KIND * 10)
    assert len(src) * len(tgt) > 20_000  # banded (search's full_limit)
    plain = align_sentences(src, tgt, WordEmbedder())
    unchanged = align_sentences(src, tgt, WordEmbedder(), rescoring=Rescoring(TablePMI({}), gap=10.0))
    assert unchanged.beads == plain.beads

    class RandomPMI(TablePMI):
        def pmi(self, pairs):
            return [float(zlib.crc32(f"{a}|{b}".encode()) % 200 - 100) for a, b in pairs]

    rescored = align_sentences(src, tgt, WordEmbedder(), rescoring=Rescoring(RandomPMI({}), weight=0.05, gap=10.0))
    assert_coverage(rescored.beads, len(src), len(tgt))
    assert links(rescored.beads) != links(plain.beads)


def test_stretches_are_scored_only_where_gain_and_pmi_leave_the_choice_close() -> None:
    from align.aligner import Rescoring, rescore_path

    src, tgt = ["un deux", "rien"], ["one", "two"]
    found = hand_made_search(0.95)  # the two readings' gains differ by 0.05, their PMIs by 0
    merged, pairs = (("un deux", "one two"), ("rien", "")), (("un deux", "one"), ("rien", "two"))
    likelihood = TablePMI({}, {merged: -5.0, pairs: -20.0})
    wide = Rescoring(likelihood, gap=0.15, stretch_weight=0.01, stretch_baseline=0.0, stretch_margin=0.06)
    assert [s.kind for s in rescore_path(found, src, tgt, wide)] == [(1, 2), (1, 0)]
    assert set(likelihood.asked_stretches) == {merged, pairs}
    likelihood.asked_stretches.clear()
    narrow = Rescoring(likelihood, gap=0.15, stretch_weight=0.01, stretch_baseline=0.0, stretch_margin=0.04)
    assert rescore_path(found, src, tgt, narrow) == found.steps
    assert likelihood.asked_stretches == []
    # a PMI that brings the readings within the margin has their stretches read
    likelihood = TablePMI({("un deux", "one two"): 2.0}, {merged: -5.0, pairs: -20.0})
    narrow = Rescoring(likelihood, weight=0.02, gap=0.15, stretch_weight=0.01, stretch_baseline=0.0, stretch_margin=0.04)
    assert [s.kind for s in rescore_path(found, src, tgt, narrow)] == [(1, 2), (1, 0)]
