"""The benchmark's reimplementation of Bertalign's algorithm (eval/bertalign_baseline.py), on the
synthetic documents of test_aligner: the baseline the issue's reference figures come from must
itself be right."""

from __future__ import annotations

import sys

from conftest import ROOT
from test_aligner import EVERY_KIND, WordEmbedder, assert_coverage, build, links

sys.path.insert(0, str(ROOT / "eval"))
from bertalign_baseline import bertalign  # noqa: E402


def test_recovers_every_bead_type_up_to_max_align() -> None:
    src, tgt, gold = build(EVERY_KIND * 3)
    beads = bertalign(src, tgt, WordEmbedder())
    assert_coverage(beads, len(src), len(tgt))
    assert links(beads) == links(gold)


def test_short_and_empty_documents() -> None:
    src, tgt, gold = build([(2, 1)])
    assert links(bertalign(src, tgt, WordEmbedder())) == links(gold)
    assert links(bertalign(src, [], WordEmbedder())) == [((0,), ()), ((1,), ())]
