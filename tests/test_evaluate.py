"""Alignment scores against hand-computed cases; translation scores against sacrebleu itself."""

from __future__ import annotations

import json

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from align.errors import DataError
from align.evaluate import (
    DocumentAlignment,
    alignment_errors,
    bead_type_breakdown,
    evaluate_alignment,
    format_alignment_report,
    format_bootstrap,
    format_translation_scores,
    groups_unaligned_runs,
    paired_bootstrap,
    score_alignment,
    score_document,
    score_translation,
)
from align.formats import parse_beads

# Document 1, worked by hand (Vecalign's convention: precision over every predicted bead,
# recall over the gold's pair beads).
# Gold pair beads: [0]:[0] [1]:[1,2] [3,4]:[3] [5]:[5]                           -> 4
# Pred beads:      [0]:[0] [1]:[1] []:[2] [2,3]:[3] [4]:[4] [5]:[5]              -> 6
# strict: [0]:[0] and [5]:[5]; []:[2] is no gold bead (the gold left out source 2,
#         not target 2)                                                         -> P 2/6, R 2/4
# lax: [1]:[1] overlaps [1]:[1,2]; [2,3]:[3] overlaps [3,4]:[3] on both sides;
#      [4]:[4] only meets gold []:[4] (no pair) and [3,4]:[3] on the source side -> P 4/6, R 4/4
GOLD_1 = parse_beads("[0]:[0]\n[1]:[1, 2]\n[2]:[]\n[3, 4]:[3]\n[]:[4]\n[5]:[5]\n")
PRED_1 = parse_beads("[0]:[0]\n[1]:[1]\n[]:[2]\n[2, 3]:[3]\n[4]:[4]\n[5]:[5]\n")
SRC_1 = [f"fr{i}" for i in range(6)]
TGT_1 = [f"en{i}" for i in range(6)]
# Document 2: a 2-2 prediction over two gold 1-1 beads: strict 0/1 and 0/2, lax 1/1 and 2/2.
GOLD_2 = parse_beads("[0]:[0]\n[1]:[1]\n")
PRED_2 = parse_beads("[0, 1]:[0, 1]\n")


def test_hand_computed_document() -> None:
    scores = score_document(GOLD_1, PRED_1)
    assert (scores.strict.tp_pred, scores.strict.n_pred, scores.strict.tp_gold, scores.strict.n_gold) == (2, 6, 2, 4)
    assert scores.strict.precision == pytest.approx(1 / 3)
    assert scores.strict.recall == pytest.approx(0.5)
    assert scores.strict.f1 == pytest.approx(2 * (1 / 3) * 0.5 / (1 / 3 + 0.5))
    assert (scores.lax.precision, scores.lax.recall) == pytest.approx((2 / 3, 1.0))
    assert scores.lax.f1 == pytest.approx(2 * (2 / 3) / (2 / 3 + 1))


def test_counts_are_pooled_over_documents_not_averaged() -> None:
    pooled = score_alignment([(GOLD_1, PRED_1), (GOLD_2, PRED_2)])
    # strict: 2 of 7 predicted, 2 of 6 gold, F1 0.308; the mean of the two documents' F1 would be 0.2
    assert (pooled.strict.precision, pooled.strict.recall) == pytest.approx((2 / 7, 1 / 3))
    assert pooled.strict.f1 == pytest.approx(2 * (2 / 7) * (1 / 3) / (2 / 7 + 1 / 3))
    assert (pooled.lax.precision, pooled.lax.recall) == pytest.approx((5 / 7, 1.0))
    assert pooled.lax.f1 == pytest.approx(2 * (5 / 7) / (5 / 7 + 1))


def test_unaligned_beads_count_in_precision_only() -> None:
    gold = parse_beads("[0]:[0]\n[1]:[]\n")
    only_nulls = parse_beads("[0]:[]\n[1]:[]\n[]:[0]\n")
    scores = score_document(gold, only_nulls)
    # [1]:[] is the gold's own unaligned bead: right; the other two are not gold beads
    assert (scores.strict.tp_pred, scores.strict.n_pred, scores.strict.tp_gold, scores.strict.n_gold) == (1, 3, 0, 1)
    assert (scores.lax.tp_pred, scores.lax.tp_gold) == (1, 0)
    assert (scores.strict.f1, scores.lax.f1) == (0.0, 0.0)  # no gold pair found
    # a pair found, and a target sentence left out that the gold does not have: precision 1/2
    pair_and_a_stray_null = score_document(gold, parse_beads("[0]:[0]\n[]:[5]\n"))
    assert (pair_and_a_stray_null.strict.precision, pair_and_a_stray_null.strict.recall) == (0.5, 1.0)
    assert pair_and_a_stray_null.lax.precision == 0.5


def test_a_gold_that_writes_a_run_left_out_as_one_bead_is_told_apart() -> None:
    per_sentence = parse_beads("[0]:[0]\n[1]:[]\n[2]:[]\n[]:[1]\n[3]:[2]\n")
    as_runs = parse_beads("[0]:[0]\n[]:[1, 2]\n[1]:[3]\n")
    assert not groups_unaligned_runs([GOLD_1, per_sentence])
    assert groups_unaligned_runs([per_sentence, as_runs])
    assert not groups_unaligned_runs([GOLD_2])  # pair beads of any size are not runs left out


def test_report_has_documents_pooled_bead_types_and_errors() -> None:
    report = evaluate_alignment(
        [
            DocumentAlignment("doc1", GOLD_1, PRED_1, SRC_1, TGT_1),
            DocumentAlignment("doc2", GOLD_2, PRED_2),
        ]
    )
    assert [d.name for d in report.documents] == ["doc1", "doc2"]
    assert report.documents[0].scores == score_document(GOLD_1, PRED_1)
    assert report.documents[1].scores.strict.f1 == 0.0
    assert report.pooled == score_alignment([(GOLD_1, PRED_1), (GOLD_2, PRED_2)])
    kinds = {b.kind: b for b in report.bead_types}
    assert (kinds["1-1"].gold, kinds["1-1"].exact) == (4, 2)
    assert kinds["1-1"].predicted_as == {"1-1": 2, "2-2": 2}
    assert kinds["1-2"].predicted_as == {"1-1+0-1": 1}
    assert kinds["2-1"].predicted_as == {"2-1+1-1": 1}
    assert kinds["1-0"].predicted_as == {"2-1": 1}
    assert kinds["0-1"].predicted_as == {"1-1": 1}
    assert [e.doc for e in report.errors] == ["doc1", "doc1", "doc2"]
    json.dumps(report.to_dict())


def test_bead_type_breakdown_reports_sentences_the_prediction_left_out() -> None:
    (row,) = bead_type_breakdown([(parse_beads("[0, 1]:[0]\n"), parse_beads("[0]:[0]\n"))])
    assert (row.kind, row.gold, row.exact, row.predicted_as) == ("2-1", 1, 0, {"1-1": 1})
    (row,) = bead_type_breakdown([(parse_beads("[0]:[0]\n"), [])])
    assert row.predicted_as == {"none": 1} and row.recall == 0.0


def test_errors_group_disagreeing_beads_with_their_texts() -> None:
    errors = alignment_errors(GOLD_1, PRED_1, SRC_1, TGT_1, "doc1")
    assert len(errors) == 2
    split, merged = errors
    assert [b.to_vecalign() for b in split.gold] == ["[1]:[1, 2]"]
    assert [b.to_vecalign() for b in split.pred] == ["[1]:[1]", "[]:[2]"]
    assert [(s.id, s.text) for s in split.src] == [(1, "fr1")]
    assert [(s.id, s.text) for s in split.tgt] == [(1, "en1"), (2, "en2")]
    assert [b.to_vecalign() for b in merged.gold] == ["[2]:[]", "[3, 4]:[3]", "[]:[4]"]
    assert [b.to_vecalign() for b in merged.pred] == ["[2, 3]:[3]", "[4]:[4]"]
    assert [s.id for s in merged.src] == [2, 3, 4] and [s.id for s in merged.tgt] == [3, 4]
    without_texts = alignment_errors(GOLD_1, PRED_1)
    assert [s.text for s in without_texts[0].src] == [None]
    assert alignment_errors(GOLD_1, GOLD_1) == []


def test_beads_outside_the_sentences_are_refused_naming_file_and_line() -> None:
    pred = parse_beads("[0]:[0]\n[1]:[6]\n")
    with pytest.raises(DataError, match=r"pred\.txt:2: target sentence 6 out of range"):
        evaluate_alignment([DocumentAlignment("d", GOLD_1, pred, SRC_1, TGT_1, pred_file="pred.txt")])
    overlapping = parse_beads("[0]:[0]\n[0, 1]:[1]\n")
    with pytest.raises(DataError, match=r"gold\.txt:2: source sentence 0 is already in the bead on line 1"):
        evaluate_alignment([DocumentAlignment("d", overlapping, PRED_1, SRC_1, TGT_1, gold_file="gold.txt")])
    # without sentences there is nothing to check against, as with score_alignment
    assert evaluate_alignment([DocumentAlignment("d", overlapping, pred)]).documents


def test_alignment_report_text_has_aligned_columns_and_the_errors() -> None:
    report = evaluate_alignment([DocumentAlignment("doc1", GOLD_1, PRED_1, SRC_1, TGT_1)])
    text = format_alignment_report(report)
    score_lines = text.split("\n\n")[0].splitlines()
    assert len({len(line) for line in score_lines}) == 1
    assert score_lines[-1].split()[:4] == ["pooled", "0.333", "0.500", "0.400"]
    assert "gold [1]:[1, 2]  pred [1]:[1] []:[2]" in text
    assert "fr: 1: fr1" in text and "en: 1: en1 | 2: en2" in text
    assert "Errors: 2 (first 1)" in report.format(max_errors=1)


# --- translation --------------------------------------------------------------------------------

REFS = [
    "The ministers condemned the deployment of troops.",
    "They called on Russia to stop.",
    "The statement was signed by ten ministers.",
    "Cooperation deepened.",
    "This is a serious escalation.",
    "We remain united.",
]
HYPS = [
    "The ministers condemned the troop deployment.",
    "They asked Russia to stop.",
    "Ten ministers signed the statement.",
    "Cooperation has deepened.",
    "It is a grave escalation.",
    "We stay united.",
]


def test_translation_scores_match_sacrebleu() -> None:
    scores = score_translation(HYPS, REFS)
    for ours, metric in zip(scores.metrics, (BLEU(), CHRF(), CHRF(word_order=2), TER())):
        expected = metric.corpus_score(HYPS, [REFS])
        assert (ours.name, ours.score) == (expected.name, pytest.approx(expected.score))
        assert ours.signature == str(metric.get_signature())
    assert [m.name for m in scores.metrics] == ["BLEU", "chrF2", "chrF2++", "TER"]
    assert "tok:13a" in scores.bleu.signature and "nw:2" in scores.chrf_pp.signature
    sentence = CHRF()
    assert [s.chrf for s in scores.sentences] == pytest.approx(
        [sentence.sentence_score(h, [r]).score for h, r in zip(HYPS, REFS)]
    )


def test_perfect_translation_scores() -> None:
    scores = score_translation(REFS, REFS)
    assert (scores.bleu.score, scores.chrf.score, scores.chrf_pp.score, scores.ter.score) == pytest.approx((100, 100, 100, 0))


def test_worst_sentences_come_first_with_their_texts() -> None:
    scores = score_translation(HYPS, REFS)
    worst = scores.worst(2)
    assert [w.chrf for w in worst] == sorted(s.chrf for s in scores.sentences)[:2]
    assert worst[0].hyp == HYPS[worst[0].index] and worst[0].ref == REFS[worst[0].index]
    as_dict = scores.to_dict(worst=3)
    assert len(as_dict["worst"]) == 3 and len(as_dict["sentence_chrf"]) == len(REFS)
    json.dumps(as_dict)
    text = format_translation_scores(scores, worst=2)
    assert scores.format(worst=2) == text
    assert scores.bleu.signature in text and worst[0].hyp in text


def test_mismatched_or_empty_translation_input_is_refused() -> None:
    with pytest.raises(DataError, match="drafts.txt has 5 sentences but ref.txt has 6"):
        score_translation(HYPS[:5], REFS, hyp_name="drafts.txt", ref_name="ref.txt")
    with pytest.raises(DataError, match="no sentences"):
        score_translation([], [])
    with pytest.raises(DataError, match="B has 5 sentences"):
        paired_bootstrap(HYPS, HYPS[:5], REFS)


def test_paired_bootstrap_is_sacrebleus() -> None:
    worse = [" ".join(h.split()[:2]) for h in HYPS]
    comparison = paired_bootstrap(HYPS, worse, REFS, names=("good", "bad"), n_samples=200)
    _, expected = PairedTest(
        [("good", HYPS), ("bad", worse)], {"bleu": BLEU(), "chrf": CHRF()}, [REFS], test_type="bs", n_samples=200
    )()
    for ours, metric in zip(comparison.comparisons, ("BLEU", "chrF2")):
        assert ours.metric == metric
        baseline, system = expected[metric]
        assert (ours.baseline.score, ours.baseline.mean, ours.baseline.ci) == pytest.approx(
            (baseline.score, baseline.mean, baseline.ci)
        )
        assert (ours.system.score, ours.system.p_value) == pytest.approx((system.score, system.p_value))
        assert ours.system.p_value < 0.05
        assert "bs:200" in ours.signature
    json.dumps(comparison.to_dict())
    assert "bad" in format_bootstrap(comparison) and comparison.format() == format_bootstrap(comparison)


def test_paired_bootstrap_of_a_system_against_itself_is_not_significant() -> None:
    comparison = paired_bootstrap(HYPS, list(HYPS), REFS, metrics=("chrf",), n_samples=100)
    (only,) = comparison.comparisons
    assert only.system.p_value == 1.0
    with pytest.raises(ValueError, match="meteor"):
        paired_bootstrap(HYPS, HYPS, REFS, metrics=("meteor",))
