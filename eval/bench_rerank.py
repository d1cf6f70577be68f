"""Choosing among candidate drafts by a quality-estimation score (align.translate.qe).

    .venv/bin/python eval/bench_rerank.py generate --limit 100     # candidates, once, into $RERANK_DIR
    .venv/bin/python eval/bench_rerank.py evaluate --limit 100     # signals, fit on dev, tables

``--without pmi`` leaves a signal out (the forward PMI costs two model passes per candidate),
``--no-costs`` the uncached timing of the signals. Results: eval/results/translate.md,
"Choosing among candidates by a quality estimate".

Candidates per sentence, from the embedded Gemma 3 270M (``fast``): ``greedy`` (its
``translate``), ``block3`` and ``sample`` (the two repair decodings, ``retranslate``), ``tm``
(greedy with 4 examples per batch of 16 from the embedded translation memory) and ``default``
(what ``translate_sentences`` ships: greedy, flagged drafts repaired); and ``best`` (Qwen2.5-1.5B,
``--quality best``) where ``$RERANK_DIR/<set>.best.txt`` or ``/tmp/chat/cands/<set>.best.txt``
holds it. Signal weights are fitted on newstest2013-dev only; NTREX and newstest2014 are held out.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_translate import read_set  # noqa: E402

from align.translate.qe import SIGNALS  # noqa: E402

CANDIDATE_DIR = Path(os.environ.get("RERANK_DIR", "/tmp/rerank"))
LEAD_CANDIDATES = Path("/tmp/chat/cands")
SETS = ("newstest2013-dev", "ntrex128", "newstest2014")
DEV = "newstest2013-dev"
FAST_SYSTEMS = ("greedy", "block3", "sample", "tm", "default")
# Batches of this many sentences, as translate_sentences sends them (the memory's examples are shared by a batch).
BATCH = 16


def candidate_path(test_set: str, system: str) -> Path:
    return CANDIDATE_DIR / f"{test_set}.{system}.txt"


class _Recorded:
    """The fast translator answering from the greedy and repair candidates already made, so that
    ``translate_sentences`` (the shipped default) costs only its few extra calls (glossed names,
    pieces of long sentences)."""

    def __init__(self, translator, greedy: dict[str, str], repairs: dict[str, list[str]]):
        self.translator, self.greedy, self.repairs = translator, greedy, repairs
        self.name = translator.name

    def translate(self, sentences: Sequence[str]) -> list[str]:
        missing = [s for s in sentences if s not in self.greedy]
        if missing:
            self.greedy.update(zip(missing, self.translator.translate(missing)))
        return [self.greedy[s] for s in sentences]

    def retranslate(self, sentences: Sequence[str]) -> list[list[str]]:
        missing = [s for s in sentences if s not in self.repairs]
        if missing:
            self.repairs.update(zip(missing, self.translator.retranslate(missing)))
        return [self.repairs[s] for s in sentences]


def _write_lines(path: Path, lines: Sequence[str]) -> None:
    from align.textio import write_text_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "".join(line.replace("\n", " ") + "\n" for line in lines))


def generate(test_set: str, limit: int) -> dict[str, float]:
    """The fast model's candidates for ``test_set``, each written once; CPU seconds per sentence of each."""
    from align.translate import load_gguf_translator, translate_sentences
    from align.translate.memory import load_memory

    sources, _ = read_set(test_set, limit)
    translator = load_gguf_translator()
    cost: dict[str, float] = {}

    def timed(system: str, make) -> list:
        if "+" not in system and candidate_path(test_set, system).exists():
            return read_candidates(test_set, system, len(sources))
        before = os.times()
        lines = make()
        after = os.times()
        cost[system] = ((after.user + after.system) - (before.user + before.system)) / len(sources)
        if "+" not in system:
            _write_lines(candidate_path(test_set, system), lines)
        print(f"{test_set} {system}: {cost[system]:.2f} CPU s/sentence", flush=True)
        return lines

    def batched(run) -> list:
        return [out for start in range(0, len(sources), BATCH) for out in run(sources[start : start + BATCH])]

    greedy = timed("greedy", lambda: batched(translator.translate))
    if candidate_path(test_set, "sample").exists():
        repairs = [read_candidates(test_set, name, len(sources)) for name in ("block3", "sample")]
    else:  # both repair decodings come from one retranslate call, timed together
        repairs = [list(run) for run in zip(*timed("block3+sample", lambda: batched(translator.retranslate)))]
        for name, lines in zip(("block3", "sample"), repairs):
            _write_lines(candidate_path(test_set, name), lines)
    timed("tm", lambda: batched(load_gguf_translator(memory=load_memory()).translate))
    recorded = _Recorded(translator, dict(zip(sources, greedy)), {s: [b, p] for s, b, p in zip(sources, *repairs)})
    timed("default", lambda: [d.text for d in translate_sentences(sources, recorded)])
    if cost:
        costs_file = CANDIDATE_DIR / "costs.json"
        known = json.loads(costs_file.read_text()) if costs_file.exists() else {}
        known.update({f"{test_set}.{k}": v for k, v in cost.items()})
        _write_lines(costs_file, [json.dumps(known, indent=1)])
    return cost


def read_candidates(test_set: str, system: str, limit: int) -> list[str]:
    path = candidate_path(test_set, system)
    if not path.exists() and system == "best":
        path = LEAD_CANDIDATES / f"{test_set}.best.txt"
    lines = path.read_text(encoding="utf-8").split("\n")[:-1] if path.exists() else []
    return lines[:limit] if limit else lines


def available_systems(test_set: str, limit: int) -> list[str]:
    """``best`` first where its candidates exist (ties go to the earlier system), then the fast ones."""
    return [s for s in ("best", *FAST_SYSTEMS) if len(read_candidates(test_set, s, limit)) >= limit]


# Every signal but ``terms`` (no glossary on these sets); ``--without`` leaves more out.
MEASURED = [n for n in SIGNALS if n != "terms"]


def _estimator(cache):
    """An estimator that computes the :data:`MEASURED` signals."""
    from align.embed import get_embedder
    from align.likelihood import embedded_likelihood, embedded_reverse_likelihood
    from align.translate.qe import QualityEstimator

    names = tuple(MEASURED)
    return QualityEstimator({n: 1.0 for n in names}, get_embedder("use", cache),
                            embedded_reverse_likelihood(cache).pmi, embedded_likelihood(cache).pmi), names


def measured_signals(test_set: str, limit: int, systems: Sequence[str]):
    """Every signal of every (sentence, system) candidate: one (systems × signals) table per
    sentence; embeddings and likelihoods cached in ``$RERANK_DIR/cache.sqlite3``."""
    from align.cache import Cache

    sources, _ = read_set(test_set, limit)
    candidates = [list(c) for c in zip(*(read_candidates(test_set, s, limit) for s in systems))]
    estimator, names = _estimator(Cache(CANDIDATE_DIR / "cache.sqlite3"))
    return estimator.signals(sources, candidates, names), names, candidates


def signal_costs(sentences: int = 10) -> dict[str, float]:
    """CPU seconds per candidate of each signal, nothing cached: two fast candidates of the first
    ``sentences`` dev sentences, after one warm-up pair has loaded the models."""
    from align.cache import Cache

    sources = read_set(DEV, sentences)[0]
    candidates = [list(c) for c in zip(*(read_candidates(DEV, s, sentences) for s in ("greedy", "block3")))]
    estimator, names = _estimator(Cache(None))
    estimator.signals(["Bonjour."], [["Hello."]], names)
    costs = {}
    for name in names:
        before = os.times()
        estimator.signals(sources, candidates, (name,))
        after = os.times()
        costs[name] = ((after.user + after.system) - (before.user + before.system)) / (2 * len(sources))
    return costs


def sentence_chrf(candidates: Sequence[Sequence[str]], references: Sequence[str]) -> list[np.ndarray]:
    """Sentence chrF of each candidate: what the weights are fitted to and the oracle picks by."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    return [np.array([chrf.sentence_score(text, [ref]).score for text in texts]) for texts, ref in zip(candidates, references)]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[float, float]:
    from sacrebleu.metrics import BLEU, CHRF

    return (CHRF().corpus_score(list(hypotheses), [list(references)]).score,
            BLEU().corpus_score(list(hypotheses), [list(references)]).score)


def pick(candidates: Sequence[Sequence[str]], tables: Sequence[np.ndarray], weights: np.ndarray) -> list[str]:
    """The highest-scoring candidate of each sentence, the earliest on ties."""
    return [texts[int(np.argmax(table @ weights))] for texts, table in zip(candidates, tables)]


POOLS = {
    "fast": ("greedy", "block3", "sample", "tm", "default"),
    "best+default": ("best", "default"),
    "best+fast": ("best", "greedy", "block3", "sample", "tm", "default"),
}


class SetData:
    """One test set's candidates (all available systems), their signals and sentence chrF."""

    def __init__(self, test_set: str, limit: int):
        limit = self.n = min(limit, len(read_candidates(test_set, "greedy", 0)))  # as many as were generated
        self.systems = available_systems(test_set, limit)
        self.tables, self.names, self.candidates = measured_signals(test_set, limit, self.systems)
        self.references = read_set(test_set, limit)[1]
        self.quality = sentence_chrf(self.candidates, self.references)

    def pool(self, systems: Sequence[str]):
        """Tables, candidates and chrF restricted to ``systems`` (in that order)."""
        from align.translate.qe import consensus

        k = [self.systems.index(s) for s in systems]
        candidates = [[c[i] for i in k] for c in self.candidates]
        tables = [t[k] for t in self.tables]
        if "consensus" in self.names:  # agreement among this pool's candidates only
            agreement = consensus(candidates).reshape(len(candidates), len(k))
            for table, row in zip(tables, agreement):
                table[:, self.names.index("consensus")] = row
        return tables, candidates, [q[k] for q in self.quality]


def _fit(data: SetData, pool: Sequence[str], keep: Sequence[str], rows: Sequence[int] | None = None) -> np.ndarray:
    """Weights of the ``keep`` signals (0 for the others), fitted on ``rows`` (default: all sentences)."""
    from align.translate.qe import fit_pairwise

    tables, _, quality = data.pool(pool)
    rows = range(len(tables)) if rows is None else rows
    mask = np.array([n in keep for n in data.names])
    weights = np.zeros(len(data.names))
    weights[mask] = fit_pairwise([tables[i][:, mask] for i in rows], [quality[i] for i in rows])
    return weights


def cross_validated(data: SetData, pool: Sequence[str], folds: int = 5) -> list[str]:
    """Each sentence's choice by weights fitted on the other folds of the same set: an
    out-of-sample figure for dev, where the weights are fitted."""
    tables, candidates, _ = data.pool(pool)
    chosen = [""] * len(tables)
    for fold in range(folds):
        held = [i for i in range(len(tables)) if i % folds == fold]
        weights = _fit(data, pool, data.names, [i for i in range(len(tables)) if i % folds != fold])
        for i in held:
            chosen[i] = candidates[i][int(np.argmax(tables[i] @ weights))]
    return chosen


def _row(test_set: str, name: str, hypotheses: list[str], base: list[str], references: list[str],
         bootstrap: bool, baseline: str) -> str:
    from align.evaluate import paired_bootstrap

    chrf, bleu = corpus_scores(hypotheses, references)
    if bootstrap:
        tests = {c.metric: c for c in paired_bootstrap(base, hypotheses, references, names=(baseline, name)).comparisons}
        cells = [f"{tests[m].system.score - tests[m].baseline.score:+.1f} | {tests[m].system.p_value:.3f}"
                 for m in ("chrF2", "BLEU")]
    else:
        base_chrf, base_bleu = corpus_scores(base, references)
        cells = [f"{chrf - base_chrf:+.1f} | ", f"{bleu - base_bleu:+.1f} | "]
    return f"| {test_set} | {name} | {chrf:.1f} | {bleu:.1f} | {cells[0]} | {cells[1]} |"


def evaluate(limit: int, sets: Sequence[str], measure_costs: bool = True) -> str:
    """Per candidate pool: single systems, the oracle, all signals, each alone and all but one,
    against the pool's baseline (best where in the pool, else default); weights fitted on dev's
    candidates of the same pool, or of the fast pool where dev lacks the pool's systems."""
    data = {test_set: SetData(test_set, limit) for test_set in dict.fromkeys((DEV, *sets))}
    dev = data[DEV]
    names = dev.names
    lines = ["First sentences per set: " + ", ".join(f"{t} {d.n}" for t, d in data.items())
             + f"; signals: {', '.join(names)}.", ""]
    for pool_name, pool in POOLS.items():
        evaluated = [t for t in data if set(pool) <= set(data[t].systems)]
        if not evaluated:
            continue
        fit_pool = pool if set(pool) <= set(dev.systems) else POOLS["fast"]
        baseline = "best" if "best" in pool else "default"
        rankers = {"all signals": _fit(dev, fit_pool, names)}
        rankers.update({f"{n} alone": _fit(dev, fit_pool, [n]) for n in names})
        rankers.update({f"all but {n}": _fit(dev, fit_pool, [m for m in names if m != n]) for n in names})
        lines += [f"Pool {pool_name}: {', '.join(pool)}; baseline {baseline}; weights fitted on dev's "
                  f"{'own' if fit_pool == pool else 'fast-pool'} candidates: "
                  + ", ".join(f"{n} {w:+.4g}" for n, w in zip(names, rankers["all signals"])), "",
                  "| set | choice | chrF | BLEU | ΔchrF | p | ΔBLEU | p |", "|---|---|---|---|---|---|---|---|"]
        for test_set in evaluated:
            tables, candidates, quality = data[test_set].pool(pool)
            references = data[test_set].references
            base = [c[pool.index(baseline)] for c in candidates]
            outputs = {s: [c[k] for c in candidates] for k, s in enumerate(pool)}
            outputs["oracle"] = [texts[int(np.argmax(q))] for texts, q in zip(candidates, quality)]
            outputs.update({name: pick(candidates, tables, w) for name, w in rankers.items()})
            if test_set == DEV and fit_pool == pool:
                outputs["all signals, 5-fold"] = cross_validated(data[DEV], pool)
            for name, hypotheses in outputs.items():
                if name == baseline:
                    chrf, bleu = corpus_scores(hypotheses, references)
                    lines.append(f"| {test_set} | {name} | {chrf:.1f} | {bleu:.1f} | | | | |")
                else:
                    bootstrap = name in pool or name in ("oracle", "all signals", "all signals, 5-fold")
                    lines.append(_row(test_set, name, hypotheses, base, references, bootstrap, baseline))
                print(lines[-1], file=sys.stderr, flush=True)
        lines.append("")
    if not measure_costs:
        return "\n".join(lines) + "\n"
    costs = signal_costs()
    lines += ["CPU seconds per candidate of each signal (10 dev sentences × 2 candidates, uncached, models loaded):", "",
              "| " + " | ".join(names) + " |", "|" + "---|" * len(names),
              "| " + " | ".join(f"{costs[n]:.4f}" for n in names) + " |"]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=("generate", "evaluate"))
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--set", dest="sets", action="append", choices=SETS)
    parser.add_argument("--no-costs", action="store_true", help="leave out the uncached timing of the signals")
    parser.add_argument("--without", action="append", default=[], choices=MEASURED, help="a signal not to measure")
    args = parser.parse_args()
    MEASURED[:] = [n for n in MEASURED if n not in args.without]
    if args.step == "generate":
        for test_set in args.sets or SETS:
            generate(test_set, args.limit)
    else:
        print(evaluate(args.limit, args.sets or SETS[1:], not args.no_costs))


if __name__ == "__main__":
    main()
