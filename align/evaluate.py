"""Scores for alignments (Vecalign/Bertalign convention) and for translation drafts.

Alignment: *strict* counts a predicted bead as correct only if it equals a gold bead; *lax*
if it overlaps some gold bead on both sides. As in Vecalign's and Bertalign's scorers,
precision is over all predicted beads, unaligned (1-0, 0-1) ones included, so a sentence left
out that the gold aligns costs precision (an unaligned bead is right only if the gold has it
too); recall is over the gold's pair beads, found among the predicted pair beads. Counts are
pooled over all documents.
:func:`evaluate_alignment` adds per-document scores, a breakdown by gold bead type and the
list of disagreements with their texts.

Translation: corpus BLEU, chrF, chrF++ and TER from sacrebleu (with its signatures, so
numbers can be compared across papers), per-sentence chrF to find the worst drafts, and
sacrebleu's paired bootstrap test to compare two systems.

Every result is a dataclass with ``to_dict()`` (for ``--json``) and a ``format_*`` function
rendering it as aligned text columns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Iterable, Sequence

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric
from sacrebleu.significance import PairedTest

from align.errors import DataError
from align.formats import check_beads
from align.records import Bead

_Link = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True)
class PRF:
    """Precision/recall/F1 from true-positive counts over predicted and gold beads."""

    tp_pred: int
    n_pred: int
    tp_gold: int
    n_gold: int

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "PRF") -> "PRF":
        return PRF(
            self.tp_pred + other.tp_pred,
            self.n_pred + other.n_pred,
            self.tp_gold + other.tp_gold,
            self.n_gold + other.n_gold,
        )

    def to_dict(self) -> dict:
        return {**asdict(self), "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class AlignmentScores:
    strict: PRF
    lax: PRF

    def __add__(self, other: "AlignmentScores") -> "AlignmentScores":
        return AlignmentScores(self.strict + other.strict, self.lax + other.lax)

    def to_dict(self) -> dict:
        return {"strict": self.strict.to_dict(), "lax": self.lax.to_dict()}


def _links(beads: Iterable[Bead], unaligned: bool = False) -> list[_Link]:
    """Pair beads as (src, tgt) tuples, and 1-0/0-1 beads too when ``unaligned``."""
    return [(tuple(b.src), tuple(b.tgt)) for b in beads
            if (b.src and b.tgt) or (unaligned and (b.src or b.tgt))]


def _matches(tests: Sequence[_Link], refs: Sequence[_Link]) -> tuple[int, int]:
    """(strict, lax) counts of ``tests`` found in ``refs``; an unaligned bead overlaps none."""
    exact = set(refs)
    src_owner: dict[int, list[int]] = {}
    for i, (src, _) in enumerate(refs):
        for s in src:
            src_owner.setdefault(s, []).append(i)
    strict = lax = 0
    for src, tgt in tests:
        if (src, tgt) in exact:
            strict += 1
            lax += 1
            continue
        tgt_set = set(tgt)
        candidates = {i for s in src for i in src_owner.get(s, ())}
        if any(tgt_set.intersection(refs[i][1]) for i in candidates):
            lax += 1
    return strict, lax


def groups_unaligned_runs(golds: Iterable[Sequence[Bead]]) -> bool:
    """Whether a gold writes a run of sentences left out on one side as one bead (TransRead does;
    Text+Berg writes one bead per sentence). A run left out counts as right only if written the
    gold's way, so an alignment scored against such a gold should group its runs the same way
    (``align_sentences(..., group_unaligned=True)``, ``align pair --group-unaligned``)."""
    return any(not (b.src and b.tgt) and len(b.src) + len(b.tgt) > 1 for gold in golds for b in gold)


def score_document(gold: Sequence[Bead], pred: Sequence[Bead]) -> AlignmentScores:
    predicted = _links(pred, unaligned=True)
    p_strict, p_lax = _matches(predicted, _links(gold, unaligned=True))
    gold_links = _links(gold)
    r_strict, r_lax = _matches(gold_links, _links(pred))
    n_pred, n_gold = len(predicted), len(gold_links)
    return AlignmentScores(
        PRF(p_strict, n_pred, r_strict, n_gold), PRF(p_lax, n_pred, r_lax, n_gold)
    )


def score_alignment(docs: Iterable[tuple[Sequence[Bead], Sequence[Bead]]]) -> AlignmentScores:
    """Pooled scores over ``(gold, pred)`` bead lists, one pair per document."""
    total = AlignmentScores(PRF(0, 0, 0, 0), PRF(0, 0, 0, 0))
    for gold, pred in docs:
        total = total + score_document(gold, pred)
    return total


# ---------------------------------------------------------------------------------------------
# Alignment: per document, by bead type, disagreements


@dataclass
class DocumentAlignment:
    """One document's gold and predicted beads, with its sentences when known.

    Given the sentences, beads are checked against their counts (and for overlaps) and the
    error list carries the texts; ``gold_file``/``pred_file`` name the beads in errors.
    """

    name: str
    gold: Sequence[Bead]
    pred: Sequence[Bead]
    src_sents: Sequence[str] | None = None
    tgt_sents: Sequence[str] | None = None
    gold_file: str = "<gold>"
    pred_file: str = "<pred>"


@dataclass(frozen=True)
class DocumentScores:
    name: str
    scores: AlignmentScores

    def to_dict(self) -> dict:
        return {"name": self.name, **self.scores.to_dict()}


@dataclass(frozen=True)
class BeadTypeBreakdown:
    """What the prediction made of the gold beads of one type (``2-1``, ``1-0``, ...).

    ``predicted_as`` counts, per gold bead, the types of the predicted beads sharing a
    sentence with it, in document order (``"1-1+1-0"``: split in two; ``"none"``: those
    sentences are in no predicted bead).
    """

    kind: str
    gold: int
    exact: int
    predicted_as: dict[str, int]

    @property
    def recall(self) -> float:
        return self.exact / self.gold if self.gold else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "recall": self.recall}


@dataclass(frozen=True)
class Sentence:
    id: int
    text: str | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class AlignmentError:
    """A smallest group of gold and predicted beads that share sentences but disagree."""

    doc: str
    gold: tuple[Bead, ...]
    pred: tuple[Bead, ...]
    src: tuple[Sentence, ...]
    tgt: tuple[Sentence, ...]

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "gold": [b.to_vecalign() for b in self.gold],
            "pred": [b.to_vecalign() for b in self.pred],
            "src": [s.to_dict() for s in self.src],
            "tgt": [s.to_dict() for s in self.tgt],
        }


@dataclass(frozen=True)
class AlignmentReport:
    pooled: AlignmentScores
    documents: tuple[DocumentScores, ...]
    bead_types: tuple[BeadTypeBreakdown, ...]
    errors: tuple[AlignmentError, ...]

    def to_dict(self) -> dict:
        return {
            "pooled": self.pooled.to_dict(),
            "documents": [d.to_dict() for d in self.documents],
            "bead_types": [b.to_dict() for b in self.bead_types],
            "errors": [e.to_dict() for e in self.errors],
        }

    def format(self, max_errors: int = 20) -> str:
        return format_alignment_report(self, max_errors)


_SentenceKey = tuple[str, int]


def _sentence_keys(bead: Bead) -> list[_SentenceKey]:
    return [("src", i) for i in bead.src] + [("tgt", i) for i in bead.tgt]


def _link(bead: Bead) -> _Link:
    return tuple(bead.src), tuple(bead.tgt)


def _overlapping(beads: Sequence[Bead]) -> dict[_SentenceKey, list[int]]:
    """Sentence → indices of the beads containing it."""
    owners: dict[_SentenceKey, list[int]] = defaultdict(list)
    for index, bead in enumerate(beads):
        for key in _sentence_keys(bead):
            owners[key].append(index)
    return owners


def bead_type_breakdown(docs: Iterable[tuple[Sequence[Bead], Sequence[Bead]]]) -> list[BeadTypeBreakdown]:
    """Per gold bead type, pooled over ``(gold, pred)`` documents: found exactly, and as what."""
    totals: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    predicted_as: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, pred in docs:
        pred_links = {_link(b) for b in pred}
        owners = _overlapping(pred)
        for bead in gold:
            covering = sorted({i for key in _sentence_keys(bead) for i in owners.get(key, ())})
            totals[bead.kind] += 1
            exact[bead.kind] += _link(bead) in pred_links
            label = "+".join(pred[i].kind for i in covering) or "none"
            predicted_as[bead.kind][label] += 1
    return [
        BeadTypeBreakdown(kind, n, exact[kind], dict(predicted_as[kind].most_common()))
        for kind, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    ]


def alignment_errors(
    gold: Sequence[Bead],
    pred: Sequence[Bead],
    src_sents: Sequence[str] | None = None,
    tgt_sents: Sequence[str] | None = None,
    doc: str = "",
) -> list[AlignmentError]:
    """Disagreements between ``gold`` and ``pred``, in document order, with texts when given.

    Beads are grouped into connected sets (two beads connect when they share a sentence); a
    set is correct only if it is one gold bead identical to one predicted bead. Unaligned
    (1-0/0-1) beads take part, so a person sees every difference, scored or not.
    """
    beads = [("gold", b) for b in gold] + [("pred", b) for b in pred]
    owners = _overlapping([b for _, b in beads])
    seen: set[int] = set()
    errors = []
    for start in range(len(beads)):
        if start in seen or not _sentence_keys(beads[start][1]):
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            index = stack.pop()
            group.append(index)
            for key in _sentence_keys(beads[index][1]):
                fresh = [i for i in owners[key] if i not in seen]
                seen.update(fresh)
                stack.extend(fresh)
        group.sort()
        sides = {side: tuple(beads[i][1] for i in group if beads[i][0] == side) for side in ("gold", "pred")}
        if len(group) == 2 and len(sides["gold"]) == 1 and _link(sides["gold"][0]) == _link(sides["pred"][0]):
            continue
        src_ids = sorted({sid for member in group for sid in beads[member][1].src})
        tgt_ids = sorted({tid for member in group for tid in beads[member][1].tgt})
        errors.append(
            AlignmentError(
                doc, sides["gold"], sides["pred"], _sentences(src_ids, src_sents), _sentences(tgt_ids, tgt_sents)
            )
        )
    errors.sort(key=lambda e: (min((s.id for s in e.src), default=-1), min((s.id for s in e.tgt), default=-1)))
    return errors


def _sentences(ids: Sequence[int], texts: Sequence[str] | None) -> tuple[Sentence, ...]:
    return tuple(Sentence(i, texts[i] if texts is not None and i < len(texts) else None) for i in ids)


def evaluate_alignment(docs: Iterable[DocumentAlignment]) -> AlignmentReport:
    """Pooled and per-document scores, bead-type breakdown and error list.

    Raises :class:`DataError` naming the bead file and line when sentences are given and a
    bead points past them or two beads share a sentence.
    """
    docs = list(docs)
    for doc in docs:
        if doc.src_sents is not None or doc.tgt_sents is not None:
            n_src = len(doc.src_sents) if doc.src_sents is not None else None
            n_tgt = len(doc.tgt_sents) if doc.tgt_sents is not None else None
            check_beads(doc.gold, doc.gold_file, n_src=n_src, n_tgt=n_tgt)
            check_beads(doc.pred, doc.pred_file, n_src=n_src, n_tgt=n_tgt)
    documents = tuple(DocumentScores(doc.name, score_document(doc.gold, doc.pred)) for doc in docs)
    return AlignmentReport(
        pooled=score_alignment((doc.gold, doc.pred) for doc in docs),
        documents=documents,
        bead_types=tuple(bead_type_breakdown((doc.gold, doc.pred) for doc in docs)),
        errors=tuple(
            error
            for doc in docs
            for error in alignment_errors(doc.gold, doc.pred, doc.src_sents, doc.tgt_sents, doc.name)
        ),
    )


# ---------------------------------------------------------------------------------------------
# Translation


@dataclass(frozen=True)
class MetricScore:
    """A corpus score with sacrebleu's signature and its one-line detail (n-gram precisions...)."""

    name: str
    score: float
    signature: str
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class SentenceScore:
    index: int
    chrf: float
    hyp: str
    ref: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class TranslationScores:
    bleu: MetricScore
    chrf: MetricScore
    chrf_pp: MetricScore
    ter: MetricScore
    sentences: tuple[SentenceScore, ...] = field(repr=False)

    @property
    def metrics(self) -> tuple[MetricScore, ...]:
        return self.bleu, self.chrf, self.chrf_pp, self.ter

    def worst(self, n: int = 10) -> list[SentenceScore]:
        """The ``n`` sentences with the lowest chrF, worst first."""
        return sorted(self.sentences, key=lambda s: (s.chrf, s.index))[:n]

    def to_dict(self, worst: int = 10) -> dict:
        return {
            "metrics": {m.name: m.to_dict() for m in self.metrics},
            "sentence_chrf": [s.chrf for s in self.sentences],
            "worst": [s.to_dict() for s in self.worst(worst)],
        }

    def format(self, worst: int = 10) -> str:
        return format_translation_scores(self, worst)


_METRICS = {"bleu": BLEU, "chrf": CHRF, "chrf++": lambda: CHRF(word_order=2), "ter": TER}


def _check_parallel(hyps: Sequence[str], refs: Sequence[str], hyp_name: str, ref_name: str) -> None:
    if len(hyps) != len(refs):
        raise DataError(f"{hyp_name} has {len(hyps)} sentences but {ref_name} has {len(refs)}")
    if not refs:
        raise DataError(f"{ref_name}: no sentences to score")


def _corpus_score(metric: Metric, hyps: Sequence[str], refs: Sequence[str]) -> MetricScore:
    result = metric.corpus_score(list(hyps), [list(refs)])
    return MetricScore(result.name, result.score, str(metric.get_signature()), str(result))


def score_translation(
    hyps: Sequence[str], refs: Sequence[str], *, hyp_name: str = "hypotheses", ref_name: str = "references"
) -> TranslationScores:
    """Corpus BLEU, chrF, chrF++, TER (sacrebleu defaults) and per-sentence chrF."""
    _check_parallel(hyps, refs, hyp_name, ref_name)
    sentence_chrf = CHRF()
    return TranslationScores(
        *(_corpus_score(make(), hyps, refs) for make in _METRICS.values()),
        sentences=tuple(
            SentenceScore(i, sentence_chrf.sentence_score(hyp, [ref]).score, hyp, ref)
            for i, (hyp, ref) in enumerate(zip(hyps, refs))
        ),
    )


@dataclass(frozen=True)
class SystemResult:
    """A system's score, bootstrap mean and 95% half-interval; ``p_value`` against the baseline."""

    name: str
    score: float
    mean: float
    ci: float
    p_value: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class MetricComparison:
    metric: str
    signature: str
    baseline: SystemResult
    system: SystemResult

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "signature": self.signature,
            "baseline": self.baseline.to_dict(),
            "system": self.system.to_dict(),
        }


@dataclass(frozen=True)
class BootstrapComparison:
    n_samples: int
    comparisons: tuple[MetricComparison, ...]

    def to_dict(self) -> dict:
        return {"n_samples": self.n_samples, "comparisons": [c.to_dict() for c in self.comparisons]}

    def format(self) -> str:
        return format_bootstrap(self)


def paired_bootstrap(
    hyps_a: Sequence[str],
    hyps_b: Sequence[str],
    refs: Sequence[str],
    *,
    names: tuple[str, str] = ("A", "B"),
    metrics: Sequence[str] = ("bleu", "chrf"),
    n_samples: int = 1000,
) -> BootstrapComparison:
    """Compare system B against baseline A with sacrebleu's paired bootstrap resampling.

    ``metrics`` are names from ``bleu``, ``chrf``, ``chrf++``, ``ter``. The seed is
    sacrebleu's (``SACREBLEU_SEED``, default 12345). sacrebleu reports p ≈ 1/(n+1) when both
    systems score exactly the same; a zero difference is not evidence of one, so p is 1 then.
    """
    _check_parallel(hyps_a, refs, names[0], "references")
    _check_parallel(hyps_b, refs, names[1], "references")
    unknown = [m for m in metrics if m not in _METRICS]
    if unknown or not metrics:
        raise ValueError(f"unknown or no metric(s) {', '.join(unknown)}; expected some of {', '.join(_METRICS)}")
    test = PairedTest(
        [(names[0], list(hyps_a)), (names[1], list(hyps_b))],
        {m: _METRICS[m]() for m in metrics},
        [list(refs)],
        test_type="bs",
        n_samples=n_samples,
    )
    signatures, results = test()
    comparisons = []
    for metric, (baseline, system) in ((k, v) for k, v in results.items() if k != "System"):
        p_value = 1.0 if system.score == baseline.score else system.p_value
        comparisons.append(
            MetricComparison(
                metric,
                str(signatures[metric]),
                SystemResult(names[0], baseline.score, float(baseline.mean), float(baseline.ci)),
                SystemResult(names[1], system.score, float(system.mean), float(system.ci), p_value),
            )
        )
    return BootstrapComparison(n_samples, tuple(comparisons))


# ---------------------------------------------------------------------------------------------
# Text rendering


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Columns padded to a common width: numbers right-aligned (three decimals), text left."""
    rows = [list(row) for row in rows]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(header))]
    cells = [list(header)] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(row, widths, numeric)).rstrip()
        for row in cells
    ]
    return "\n".join(lines) + "\n"


def _prf_row(name: str, scores: AlignmentScores) -> list[object]:
    s, x = scores.strict, scores.lax
    return [name, s.precision, s.recall, s.f1, x.precision, x.recall, x.f1, s.n_pred, s.n_gold]


def _quoted(sentences: Sequence[Sentence]) -> str:
    return " | ".join(f"{s.id}: {s.text}" if s.text is not None else str(s.id) for s in sentences) or "-"


def format_alignment_report(report: AlignmentReport, max_errors: int = 20) -> str:
    header = ["document", "strict P", "strict R", "strict F1", "lax P", "lax R", "lax F1", "pred", "gold"]
    rows = [_prf_row(d.name, d.scores) for d in report.documents] + [_prf_row("pooled", report.pooled)]
    parts = [_table(header, rows)]
    parts.append(
        "\nBy gold bead type (predicted as: types of the predicted beads covering each gold bead)\n"
        + _table(
            ["gold", "count", "exact", "recall", "predicted as"],
            [
                [b.kind, b.gold, b.exact, b.recall, ", ".join(f"{k} ×{n}" for k, n in b.predicted_as.items())]
                for b in report.bead_types
            ],
        )
    )
    shown = report.errors[:max_errors]
    cut = f" (first {len(shown)})" if len(shown) < len(report.errors) else ""
    parts.append(f"\nErrors: {len(report.errors)}{cut}\n")
    for error in shown:
        parts.append(
            f"\n[{error.doc}] gold {' '.join(b.to_vecalign() for b in error.gold) or '-'}"
            f"  pred {' '.join(b.to_vecalign() for b in error.pred) or '-'}\n"
            f"  fr: {_quoted(error.src)}\n  en: {_quoted(error.tgt)}\n"
        )
    return "".join(parts)


def format_translation_scores(scores: TranslationScores, worst: int = 10) -> str:
    parts = [_table(["metric", "score", "signature"], [[m.name, m.score, m.signature] for m in scores.metrics])]
    parts.append(f"\n{scores.bleu.detail}\n")
    if worst:
        parts.append(f"\nLowest chrF ({min(worst, len(scores.sentences))} of {len(scores.sentences)})\n")
        rows = [[s.index + 1, s.chrf, s.hyp, s.ref] for s in scores.worst(worst)]
        parts.append(_table(["#", "chrF", "hypothesis", "reference"], rows))
    return "".join(parts)


def format_bootstrap(comparison: BootstrapComparison) -> str:
    rows = []
    for c in comparison.comparisons:
        for result in (c.baseline, c.system):
            p = "-" if result.p_value is None else f"{result.p_value:.4f}"
            rows.append([c.metric, result.name, result.score, f"{result.mean:.3f} ± {result.ci:.3f}", p])
    signatures = "".join(f"{c.metric}: {c.signature}\n" for c in comparison.comparisons)
    baseline = comparison.comparisons[0].baseline.name
    return (
        f"Paired bootstrap resampling ({comparison.n_samples} samples), p against baseline {baseline}\n"
        + _table(["metric", "system", "score", "mean ± 95% CI", "p"], rows)
        + "\n"
        + signatures
    )
