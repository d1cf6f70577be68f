"""Choosing among candidate drafts by a quality-estimation score (align.translate.qe).

    .venv/bin/python eval/bench_rerank.py generate --limit 100     # candidates, once, into $RERANK_DIR
    .venv/bin/python eval/bench_rerank.py evaluate --limit 100     # signals, fit on dev, tables

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


def measured_signals(test_set: str, limit: int, systems: Sequence[str]):
    """Every signal of every (sentence, system) candidate, one (systems × SIGNALS) table per
    sentence, and the CPU seconds per sentence each signal cost over all systems' candidates
    (measured the first time; later runs read the likelihoods and embeddings from the cache)."""
    from align.cache import Cache
    from align.embed import get_embedder
    from align.likelihood import embedded_likelihood, embedded_reverse_likelihood
    from align.translate.qe import SIGNALS, QualityEstimator

    sources, _ = read_set(test_set, limit)
    candidates = [list(c) for c in zip(*(read_candidates(test_set, s, limit) for s in systems))]
    cache = Cache(CANDIDATE_DIR / "cache.sqlite3")
    names = tuple(n for n in SIGNALS if n != "terms")
    estimator = QualityEstimator({n: 1.0 for n in names}, get_embedder("use", cache),
                                 embedded_reverse_likelihood(cache).pmi, embedded_likelihood(cache).pmi)
    columns, cost = [], {}
    for name in names:
        before = os.times()
        columns.append(estimator.signals(sources, candidates, (name,)))
        after = os.times()
        cost[name] = ((after.user + after.system) - (before.user + before.system)) / len(sources)
    tables = [np.concatenate([column[k] for column in columns], axis=1) for k in range(len(sources))]
    return tables, names, candidates, cost


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


def evaluate(limit: int, sets: Sequence[str]) -> str:
    """Tables of single systems, the oracle, each signal alone, all signals and all but one, per
    candidate pool; weights fitted on dev's candidates of the same pool."""
    from align.evaluate import paired_bootstrap
    from align.translate.qe import fit_pairwise

    systems = available_systems(DEV, limit)
    for test_set in sets:
        systems = [s for s in systems if s in available_systems(test_set, limit)]
    pools = {"fast": [s for s in systems if s != "best"]}
    if "best" in systems:
        pools["best+default"] = ["best", "default"]
        pools["best+fast"] = systems
    data = {}
    for test_set in dict.fromkeys((DEV, *sets)):
        tables, names, candidates, cost = measured_signals(test_set, limit, systems)
        references = read_set(test_set, limit)[1]
        data[test_set] = (tables, candidates, sentence_chrf(candidates, references), references, cost)
    lines = [f"Systems: {', '.join(systems)}; signals: {', '.join(names)}; first {limit} sentences per set.", ""]
    for pool_name, pool in pools.items():
        columns = [systems.index(s) for s in pool]
        baseline = "best" if "best" in pool else "default"

        def subset(test_set):
            tables, candidates, quality, references, _ = data[test_set]
            return ([t[columns] for t in tables], [[c[k] for k in columns] for c in candidates],
                    [q[columns] for q in quality], references)

        dev_tables, _, dev_quality, _ = subset(DEV)

        def fitted(keep: Sequence[str]) -> np.ndarray:
            mask = np.array([n in keep for n in names])
            weights = np.zeros(len(names))
            weights[mask] = fit_pairwise([t[:, mask] for t in dev_tables], dev_quality)
            return weights

        rankers = {"all signals": fitted(names)}
        rankers.update({f"{n} alone": fitted([n]) for n in names})
        rankers.update({f"all but {n}": fitted([m for m in names if m != n]) for n in names})
        lines += [f"### Pool {pool_name}: {', '.join(pool)} (baseline {baseline})", "",
                  "Weights fitted on dev, all signals: " + ", ".join(
                      f"{n} {w:+.4g}" for n, w in zip(names, rankers["all signals"])), "",
                  "| set | choice | chrF | BLEU | ΔchrF | p | ΔBLEU | p |", "|---|---|---|---|---|---|---|---|"]
        for test_set in dict.fromkeys((DEV, *sets)):
            tables, candidates, quality, references = subset(test_set)
            base = [c[pool.index(baseline)] for c in candidates]
            outputs = {s: [c[k] for c in candidates] for k, s in enumerate(pool)}
            outputs["oracle"] = [texts[int(np.argmax(q))] for texts, q in zip(candidates, quality)]
            outputs.update({name: pick(candidates, tables, w) for name, w in rankers.items()})
            for name, hypotheses in outputs.items():
                chrf, bleu = corpus_scores(hypotheses, references)
                if name == baseline:
                    lines.append(f"| {test_set} | {name} | {chrf:.1f} | {bleu:.1f} | | | | |")
                    continue
                if name in pool or name in ("oracle", "all signals"):
                    tests = {c.metric: c for c in paired_bootstrap(base, hypotheses, references,
                                                                     names=(baseline, name)).comparisons}
                    cells = [f"{tests[m].system.score - tests[m].baseline.score:+.1f} | {tests[m].system.p_value:.3f}"
                             for m in ("chrf", "bleu")]
                else:
                    base_chrf, base_bleu = corpus_scores(base, references)
                    cells = [f"{chrf - base_chrf:+.1f} | ", f"{bleu - base_bleu:+.1f} | "]
                lines.append(f"| {test_set} | {name} | {chrf:.1f} | {bleu:.1f} | {cells[0]} | {cells[1]} |")
            print("\n".join(lines[-len(outputs):]), flush=True)
        lines.append("")
    costs = {test_set: data[test_set][4] for test_set in data}
    lines += ["CPU seconds per sentence for the signals of all its candidates (first, uncached run):", "",
              "| set | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    lines += [f"| {t} | " + " | ".join(f"{c[n]:.3f}" for n in names) + " |" for t, c in costs.items()]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=("generate", "evaluate"))
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--set", dest="sets", action="append", choices=SETS)
    args = parser.parse_args()
    if args.step == "generate":
        for test_set in args.sets or SETS:
            generate(test_set, args.limit)
    else:
        print(evaluate(args.limit, args.sets or SETS[1:]))


if __name__ == "__main__":
    main()
