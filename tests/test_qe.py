"""Quality estimation of candidate drafts (align.translate.qe) and choosing among translators."""

from __future__ import annotations

import numpy as np
import pytest

from align.translate.qe import SIGNALS, WEIGHTS, QualityEstimator, embedded_estimator, fit_pairwise
from align.translate.rerank import ChoosingTranslator, translate_and_repair


class TableEmbedder:
    """Fake embedder: each text's unit vector is given, so cosines are known."""

    def __init__(self, vectors: dict[str, list[float]]):
        self.vectors = {t: np.array(v, dtype=np.float32) / np.linalg.norm(v) for t, v in vectors.items()}

    def encode(self, texts):
        return np.stack([self.vectors[t] for t in texts])


class FakeTranslator:
    def __init__(self, name: str, drafts: dict[str, str], alternatives: dict[str, list[str]] | None = None):
        self.name, self.drafts, self.alternatives = name, drafts, alternatives
        self.calls: list[list[str]] = []

    def translate(self, sentences):
        self.calls.append(list(sentences))
        return [self.drafts[s] for s in sentences]


class FakeRetranslator(FakeTranslator):
    def retranslate(self, sentences):
        return [list(self.alternatives[s]) for s in sentences]


SOURCE_NUMBER = "Il a payé 2 270 euros pour la voiture."
SOURCE_ENTITY = "Le président a rencontré Angela Merkel à Berlin."


def test_flag_signals_count_each_kind_and_pick_the_faithful_draft() -> None:
    estimator = QualityEstimator({"number": -1.0, "entity": -1.0})
    candidates = [["He paid 2,720 euros for the car.", "He paid 2,270 euros for the car."],
                  ["The president met Angela Merkel in Paris.", "The president met Angela Merkel in Berlin."]]
    tables = estimator.signals([SOURCE_NUMBER, SOURCE_ENTITY], candidates, ("number", "entity", "negation"))
    assert tables[0][:, 0].tolist() == [1.0, 0.0]  # number-changed:2270 on the first only
    assert tables[1][0, 1] >= 1.0 and tables[1][1, 1] == 0.0  # Paris added (Berlin lost)
    assert not tables[0][:, 2].any() and not tables[1][:, 2].any()  # no negation anywhere
    assert estimator.choose([SOURCE_NUMBER, SOURCE_ENTITY], candidates) == [1, 1]


def test_similarity_and_reverse_likelihood_decide_when_weighted() -> None:
    source = "Nous avons demandé l'avis de deux spécialistes."
    close, far = "We asked two specialists for their opinion.", "We asked for two special lists."
    embedder = TableEmbedder({source: [1, 0, 0], close: [0.9, 0.1, 0], far: [0.2, 1, 0]})
    seen = []

    def reverse(pairs):  # (English, French) pairs: the draft is the context of the source
        seen.extend(pairs)
        return [-10.0 if english == close else -40.0 for english, _ in pairs]

    by_similarity = QualityEstimator({"similarity": 1.0}, embedder=embedder)
    sims = by_similarity.signals([source], [[far, close]])[0][:, 0]
    assert sims[1] == pytest.approx(0.9 / np.linalg.norm([0.9, 0.1]), abs=1e-6) and sims[0] < 0.3
    assert by_similarity.choose([source], [[far, close]]) == [1]
    by_reverse = QualityEstimator({"reverse": 1.0}, reverse=reverse)
    assert by_reverse.choose([source], [[far, close]]) == [1]
    assert seen == [(far, source), (close, source)]
    values = by_reverse.signals([source], [[far, close]])[0][:, 0]
    assert values.tolist() == pytest.approx([-40.0 / len(source), -10.0 / len(source)])  # per source character
    assert QualityEstimator({"reverse": -1.0}, reverse=reverse).choose([source], [[far, close]]) == [0]


def test_ties_go_to_the_earlier_candidate_and_glossary_terms_count() -> None:
    source = "Les troupes sont arrivées."
    first, second = "The troops arrived.", "The soldiers arrived."
    missing = lambda src, draft: () if "troops" in draft else ("term-missing:troops",)  # noqa: E731
    assert QualityEstimator({"number": -1.0}).choose([source], [[second, first]]) == [0]
    estimator = QualityEstimator({"terms": -1.0}, missing_terms=missing)
    assert estimator.signals([source], [[second, first]])[0][:, 0].tolist() == [1.0, 0.0]
    assert estimator.choose([source], [[second, first]]) == [1]


def test_consensus_prefers_the_draft_the_others_agree_with() -> None:
    source = "Nous avons demandé l'avis de deux spécialistes."
    texts = ["We asked two specialists for their opinion.", "Two specialists were asked.",
             "We asked two specialists for an opinion.", "We asked two experts for their opinion."]
    values = QualityEstimator({"consensus": 1.0}).signals([source, source], [texts, texts[:1]])
    assert int(np.argmax(values[0][:, 0])) == 0 and int(np.argmin(values[0][:, 0])) == 1
    assert values[1][:, 0].tolist() == [0.0]  # a lone candidate agrees with nobody


def test_estimator_refuses_unknown_signals_and_weights_without_their_model() -> None:
    with pytest.raises(ValueError, match="unknown signal"):
        QualityEstimator({"fluency": 1.0})
    with pytest.raises(ValueError, match="similarity"):
        QualityEstimator({"similarity": 1.0})
    assert set(WEIGHTS) <= set(SIGNALS)
    cheap = embedded_estimator({"length": -1.0, "entity": -1.0})  # no model needed, none attached
    assert cheap.embedder is None and cheap.reverse is None and cheap.forward is None
    assert cheap.used == ("entity", "length")


def test_fit_pairwise_orders_candidates_as_quality_does() -> None:
    rng = np.random.default_rng(0)
    tables, quality = [], []
    for _ in range(200):
        table = np.column_stack([rng.normal(0, 1, 4), rng.normal(0, 10, 4), rng.normal(0, 1, 4), np.ones(4)])
        tables.append(table)
        quality.append(10 * table[:, 0] - 0.5 * table[:, 1] + rng.normal(0, 1, 4))
    weights = fit_pairwise(tables, quality)
    assert weights[0] > 0 and weights[1] < 0  # the right signs, in the signals' own units
    assert abs(weights[2]) < 0.2 * weights[0]  # noise gets little weight
    assert weights[3] == 0.0  # a constant signal tells nothing
    assert abs(weights[1] / weights[0] + 0.05) < 0.02  # ratio of the true weights: −0.5 / 10
    chosen = [int(np.argmax(t @ weights)) for t in tables]
    assert np.mean([c == int(np.argmax(q)) for c, q in zip(chosen, quality)]) > 0.8
    assert fit_pairwise([t[:, 3:] for t in tables], quality).tolist() == [0.0]  # nothing to learn from
    assert fit_pairwise(tables, [np.zeros(4)] * len(tables)).tolist() == [0.0] * 4  # no pair differs


def test_choosing_translator_keeps_the_estimators_pick_per_sentence() -> None:
    sources = [SOURCE_NUMBER, SOURCE_ENTITY]
    strong = FakeTranslator("strong", {SOURCE_NUMBER: "He paid 2,720 euros for the car.",
                                       SOURCE_ENTITY: "The president met Angela Merkel in Berlin."})
    weak = FakeTranslator("weak", {SOURCE_NUMBER: "He paid 2,270 euros for the car.",
                                   SOURCE_ENTITY: "The president met Angela Merkel in Paris."})
    chooser = ChoosingTranslator([strong, weak], QualityEstimator({"number": -1.0, "entity": -1.0}))
    assert chooser.translate(sources) == ["He paid 2,270 euros for the car.",
                                          "The president met Angela Merkel in Berlin."]
    assert strong.calls == weak.calls == [sources]
    assert "strong" in chooser.name and "weak" in chooser.name and "number=-1" in chooser.name


def test_choice_keeps_repair_of_flagged_drafts() -> None:
    """A chosen draft that is still flagged is retried with every translator's other decodings."""
    wrong = "He paid 2,720 euros for the car."
    first = FakeRetranslator("first", {SOURCE_NUMBER: wrong}, {SOURCE_NUMBER: ["He paid 2,270 euros for the car."]})
    second = FakeTranslator("second", {SOURCE_NUMBER: "He paid 2,721 euros for the car."})
    chooser = ChoosingTranslator([first, second], QualityEstimator({"number": -1.0}))
    assert chooser.translate([SOURCE_NUMBER]) == [wrong]  # both wrong: the first on the tie
    assert chooser.retranslate([SOURCE_NUMBER]) == [["He paid 2,270 euros for the car."]]
    assert translate_and_repair([SOURCE_NUMBER], chooser) == ["He paid 2,270 euros for the car."]
