"""Quality estimation of drafts, to choose among candidates without a reference.

Each (source, candidate) gets signals the workbench already computes elsewhere: the USE cosine
of source and draft, the reverse-translation likelihood (how likely the French source is as a
translation of the English draft, :func:`align.likelihood.embedded_reverse_likelihood`), the
forward PMI the aligner's ``--rescore`` uses (:func:`align.likelihood.embedded_likelihood`),
the draft's flags by kind (:func:`align.quality.check_draft`), how far its length ratio is from
a translation's, how much it agrees with the other candidates (chrF, as in minimum Bayes risk),
and with a glossary its missing terms. A draft's score is a weighted sum of
them; the candidate with the highest score is kept. Only differences between candidates of one
source matter, so the weights come from a pairwise model (:func:`fit_pairwise`): which of two
candidates of a source has the higher sentence chrF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np

from align.fidelity import LENGTH_MODEL, similarities
from align.quality import check_draft

# Flag kinds counted as one signal each (the flag's text before ":").
FLAG_SIGNALS = {
    "entity": ("entity-added", "entity-missing"),
    "number": ("number-changed",),
    "negation": ("negation-lost",),
    "length_flag": ("omission", "addition"),
    "machine": ("empty", "untranslated", "looping", "truncated"),
}
MODEL_SIGNALS = ("similarity", "reverse", "pmi")
SIGNALS = MODEL_SIGNALS + tuple(FLAG_SIGNALS) + ("length", "consensus", "terms")

# Fitted by eval/bench_rerank.py on newstest2013 dev lines 1001-1100 (never on the reported sets):
# pairwise logistic regression over the fast model's five candidates (greedy, the two repair
# decodings, with memory examples, the shipped default), in the signals' own units; ``pmi`` was
# not measured. Similarity carries nearly all of it; the small reverse and entity weights have
# the wrong sign from their overlap with it. Choosing by them gave +1.4 chrF on NTREX (held out)
# but +0.2 on dev in sample and ±0 cross-validated, and lost to Qwen alone when choosing between
# Qwen's and the default's drafts (eval/results/translate.md, "Choosing among candidates"), so
# nothing uses them by default.
WEIGHTS: dict[str, float] = {
    "similarity": 18.89, "reverse": -0.08231, "entity": 0.1371, "negation": -0.2052, "length_flag": 0.2182,
    "length": -0.2812, "consensus": 0.004259,
}

Likelihood = Callable[[Sequence[tuple[str, str]]], list[float]]


@dataclass
class QualityEstimator:
    """Scores candidate drafts by ``weights`` over :data:`SIGNALS`; a signal without a weight is
    never computed, so a cheap estimator skips the models. ``embedder`` (USE) gives
    ``similarity``, ``reverse``/``forward`` are PMI functions (``PromptedLikelihood.pmi``) of
    (English, French) and (French, English) pairs, ``missing_terms`` a glossary's check."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))
    embedder: object | None = None
    reverse: Likelihood | None = None
    forward: Likelihood | None = None
    missing_terms: Callable[[str, str], tuple[str, ...]] | None = None

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signal(s) {', '.join(sorted(unknown))}; expected some of {', '.join(SIGNALS)}")
        needs = {"similarity": self.embedder, "reverse": self.reverse, "pmi": self.forward}
        missing = [name for name, given in needs.items() if self.weights.get(name) and given is None]
        if missing:
            raise ValueError(f"signal(s) {', '.join(missing)} weighted but their model not given")

    @property
    def name(self) -> str:
        """Identifies the weighting in cache keys: choices change when the weights do."""
        return "qe:" + ",".join(f"{n}={self.weights[n]:.4g}" for n in self.used)

    @property
    def used(self) -> tuple[str, ...]:
        return tuple(name for name in SIGNALS if self.weights.get(name)
                     and (name != "terms" or self.missing_terms is not None))

    def signals(self, sources: Sequence[str], candidates: Sequence[Sequence[str]],
                names: Sequence[str] | None = None) -> list[np.ndarray]:
        """Per source, a (candidates × ``names``) array of signals (default: those weighted)."""
        names = tuple(self.used if names is None else names)
        pairs = [(source, text) for source, texts in zip(sources, candidates) for text in texts]
        flags = [check_draft(s, t) for s, t in pairs] if set(names) & set(FLAG_SIGNALS) else []
        columns = {name: consensus(candidates) if name == "consensus" else self._column(name, pairs, flags)
                   for name in names}
        table = np.stack([columns[n] for n in names], axis=1) if names else np.zeros((len(pairs), 0))
        bounds = np.cumsum([0] + [len(texts) for texts in candidates])
        return [table[start:end] for start, end in zip(bounds[:-1], bounds[1:])]

    def scores(self, sources: Sequence[str], candidates: Sequence[Sequence[str]]) -> list[np.ndarray]:
        names = self.used
        w = np.array([self.weights[n] for n in names], dtype=np.float64)
        return [table @ w for table in self.signals(sources, candidates, names)]

    def choose(self, sources: Sequence[str], candidates: Sequence[Sequence[str]]) -> list[int]:
        """The index of the best-scoring candidate of each source; the earliest wins ties."""
        return [int(np.argmax(s)) if len(s) else -1 for s in self.scores(sources, candidates)]

    def _column(self, name: str, pairs: list[tuple[str, str]], flags: list[tuple[str, ...]]) -> np.ndarray:
        if not pairs:
            return np.zeros(0)
        per_char = np.array([1.0 / max(len(source), 1) for source, _ in pairs])
        if name == "similarity":
            return np.asarray(similarities([s for s, _ in pairs], [t for _, t in pairs], self.embedder), dtype=np.float64)
        if name == "reverse":  # log P(source | draft) less log P(source), per source character
            return np.array(self.reverse([(t, s) for s, t in pairs])) * per_char
        if name == "pmi":  # log P(draft | source) less log P(draft): the same, by Bayes, as the model sees it
            return np.array(self.forward(pairs)) * per_char
        if name == "length":
            return np.array([abs(LENGTH_MODEL.zscore(s, t)) if t.strip() else 10.0 for s, t in pairs])
        if name == "terms":
            check = self.missing_terms or (lambda s, t: ())
            return np.array([len(check(s, t)) for s, t in pairs], dtype=np.float64)
        kinds = FLAG_SIGNALS[name]
        return np.array([sum(f.split(":", 1)[0] in kinds for f in found) for found in flags], dtype=np.float64)


def embedded_estimator(weights: Mapping[str, float] | None = None, cache=None,
                       missing_terms: Callable[[str, str], tuple[str, ...]] | None = None) -> QualityEstimator:
    """An estimator with the models its ``weights`` (default :data:`WEIGHTS`) need: USE for
    similarity, the embedded Gemma 3 270M for the likelihoods (both cached in ``cache``)."""
    from align.embed import get_embedder
    from align.fidelity import FIDELITY_EMBEDDER
    from align.likelihood import embedded_likelihood, embedded_reverse_likelihood

    weights = dict(WEIGHTS if weights is None else weights)
    return QualityEstimator(
        weights,
        get_embedder(FIDELITY_EMBEDDER, cache) if weights.get("similarity") else None,
        embedded_reverse_likelihood(cache).pmi if weights.get("reverse") else None,
        embedded_likelihood(cache).pmi if weights.get("pmi") else None,
        missing_terms,
    )


def consensus(candidates: Sequence[Sequence[str]]) -> np.ndarray:
    """Each candidate's mean chrF against the other candidates of its source (0 when alone):
    what several systems agree on is more often right (minimum Bayes risk), at no model cost."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    values = []
    for texts in candidates:
        for i, text in enumerate(texts):
            others = [other for j, other in enumerate(texts) if j != i]
            values.append(float(np.mean([chrf.sentence_score(text, [o]).score for o in others])) if others else 0.0)
    return np.array(values, dtype=np.float64)


def fit_pairwise(tables: Sequence[np.ndarray], quality: Sequence[np.ndarray], margin: float = 1.0,
                 l2: float = 1.0, steps: int = 200) -> np.ndarray:
    """Weights w such that ``table @ w`` orders each source's candidates as ``quality`` does.

    Logistic regression on differences: every two candidates of one source whose quality differs
    by at least ``margin`` give one example (signal difference → which is better), weighted by
    how much better, so that a choice costing much chrF counts for much. Signals are scaled to
    unit spread for the fit (``l2`` penalises the scaled weights; Newton steps) and the weights
    returned in the signals' own units. Constant signals get weight 0."""
    diffs, labels, sizes = [], [], []
    for table, q in zip(tables, quality):
        for i in range(len(q)):
            for j in range(i + 1, len(q)):
                if abs(q[i] - q[j]) >= margin:
                    diffs.append(table[i] - table[j])
                    labels.append(1.0 if q[i] > q[j] else 0.0)
                    sizes.append(abs(q[i] - q[j]))
    width = tables[0].shape[1] if len(tables) else 0
    x, y, sample = np.array(diffs), np.array(labels), np.array(sizes)
    spread = np.sqrt((x**2).mean(axis=0)) if diffs else np.zeros(width)
    live = spread > 1e-12
    if not live.any():
        return np.zeros(width)
    sample = sample / sample.mean()
    xs = x[:, live] / spread[live]
    w = np.zeros(xs.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(xs @ w)))
        gradient = xs.T @ (sample * (p - y)) + l2 * w
        hessian = (xs * (sample * p * (1 - p))[:, None]).T @ xs + l2 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    weights = np.zeros(width)
    weights[live] = w / spread[live]
    return weights
