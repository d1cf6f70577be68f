"""Benchmark French→English drafts: a naive few-shot baseline against the default translator.

Each (system, test set) pair runs in its own child process so that peak RSS is per system.
Reports BLEU and chrF (sacrebleu, with signatures), sentences per second (wall clock), CPU
seconds per sentence (less sensitive to other jobs on a shared machine), peak RSS, and how many
drafts :func:`align.quality.check_draft` flags.

    .venv/bin/python eval/bench_translate.py --limit 100 --write eval/results/translate.md

Systems: ``naive`` (below), ``fewshot`` (fixed examples, no adapter: the default before the
adapter), ``default`` (``get_translator("gguf")``: the embedded LoRA adapter and the prompt
header, or ``--adapter PATH``), ``wide`` (the default with the model's whole 262k-token
vocabulary instead of the narrowed one, as before run 8), ``memory`` (the default plus 4
examples per batch from the embedded translation memory), ``best`` (``--quality best``:
Qwen2.5-Coder-1.5B-Instruct, align.translate.presets; compared with ``default`` by sacrebleu's
paired bootstrap, with p-values) and ``best-memory`` (best with the memory's examples as chat
turns). With a network, ``transformers``
and ``ctranslate2`` run ``--model`` (default Helsinki-NLP/opus-mt-fr-en) through those
backends. The few-shot examples and the memory come from WMT newstest2013 lines 1-1000 /
Tatoeba, the adapter's training data from newstest2013 outside lines 1000-1199, UD PUD and
Tatoeba (scripts/train_adapter.py), never from the reported sets; ``--set newstest2013-dev``
scores lines 1001+ of newstest2013 for choosing variants.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(os.environ.get("ALIGN_TRANSLATE_DATA", "/work/shared/data/translate"))
# name → (French file, English reference file, first line used)
TEST_SETS = {
    "ntrex128": (DATA / "ntrex128/newstest2019-ref.fra.txt", DATA / "ntrex128/newstest2019-src.eng.txt", 0),
    "newstest2014": (DATA / "wmt/newstest2014.fra", DATA / "wmt/newstest2014.eng", 0),
    "newstest2013-dev": (DATA / "wmt/newstest2013.fra", DATA / "wmt/newstest2013.eng", 1000),
}
SYSTEMS = ("naive", "fewshot", "default", "wide", "memory", "best", "best-memory")
# Encoder-decoder backends need a real MT model (``--model``, downloaded from the hub once), so
# they run only when asked for; their speed on a model of opus-mt's shape: bench_seq2seq.py.
SEQ2SEQ_SYSTEMS = ("transformers", "ctranslate2")


def read_set(name: str, limit: int) -> tuple[list[str], list[str]]:
    french, english, first = TEST_SETS[name]
    sources = french.read_text(encoding="utf-8").splitlines()[first : first + limit]
    references = english.read_text(encoding="utf-8").splitlines()[first : first + limit]
    return sources, references


class NaiveFewShot:
    """What one writes first: three Tatoeba pairs as shots, one llama.cpp completion per
    sentence, greedy, stop at newline; no source rewriting, batching or repair."""

    name = "naive"

    def __init__(self) -> None:
        from llama_cpp import Llama

        from align.translate import embedded_gguf_path

        tatoeba = DATA / "tatoeba/tatoeba-test-v2021-08-07"
        french = tatoeba.with_suffix(".fra").read_text(encoding="utf-8").splitlines()[:3]
        english = tatoeba.with_suffix(".eng").read_text(encoding="utf-8").splitlines()[:3]
        self.prefix = "".join(f"French: {f}\nEnglish: {e}\n\n" for f, e in zip(french, english))
        self.llm = Llama(str(embedded_gguf_path()), n_ctx=2048, n_threads=2, n_threads_batch=2, swa_full=True, verbose=False)

    def translate(self, sentences):
        return [
            self.llm(f"{self.prefix}French: {s}\nEnglish:", max_tokens=256, temperature=0.0, stop=["\n"])[
                "choices"
            ][0]["text"].strip()
            for s in sentences
        ]


def run_worker(system: str, test_set: str, limit: int, adapter: str | None = None, model: str | None = None,
               best_adapter: str | None = None) -> dict:
    from align.embed import get_embedder
    from align.fidelity import FIDELITY_EMBEDDER
    from align.quality import check_draft
    from align.translate.memory import load_memory
    from align.translate import get_translator, load_gguf_translator, translate_sentences

    sources, _ = read_set(test_set, limit)
    if system == "naive":
        translator = NaiveFewShot()
    elif system == "memory":
        translator = load_gguf_translator(memory=load_memory())
    elif system == "fewshot":
        translator = load_gguf_translator(adapter=False)
    elif system in ("best", "best-memory"):
        from align.translate.presets import quality_backend

        backend, best_model = quality_backend("best", "gguf", None, len(sources))
        if system == "best-memory":
            translator = load_gguf_translator(best_model, memory=load_memory())
        elif best_adapter:
            translator = load_gguf_translator(best_model, adapter=Path(best_adapter))
        else:
            translator = get_translator(backend, best_model)
    elif system in SEQ2SEQ_SYSTEMS:
        translator = get_translator(system, model)
    elif system == "wide":
        translator = load_gguf_translator(adapter=Path(adapter) if adapter else True, narrow=False)
    elif adapter:
        translator = load_gguf_translator(adapter=Path(adapter))
    else:
        translator = get_translator("gguf")
    before, start = os.times(), time.perf_counter()
    if system == "naive":
        hypotheses = translator.translate(sources)
    else:
        # as `align translate` and `align run` draft: a sentence of the draft's own is repaired
        hypotheses = [d.text for d in translate_sentences(sources, translator, embedder=get_embedder(FIDELITY_EMBEDDER))]
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.user + after.system) - (before.user + before.system)
    return {
        "hypotheses": hypotheses,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "flagged": sum(bool(check_draft(s, h)) for s, h in zip(sources, hypotheses)),
    }


def score(hypotheses: list[str], references: list[str]) -> dict:
    from sacrebleu.metrics import BLEU, CHRF

    bleu, chrf = BLEU(), CHRF()
    return {
        "bleu": bleu.corpus_score(hypotheses, [references]).score,
        "chrf": chrf.corpus_score(hypotheses, [references]).score,
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


def chrf_gain(hypotheses: list[str], baseline: list[str], references: list[str],
              samples: int = 1000, seed: int = 12345) -> tuple[float, float, float]:
    """chrF of ``hypotheses`` minus chrF of ``baseline`` with a 95 % paired-bootstrap interval:
    on 100 sentences one run's chrF moves by about 0.7 from float rounding alone, so a gain is
    reported with the spread that resampling the sentences gives it."""
    import numpy as np
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    ours = np.array(chrf._extract_corpus_statistics(hypotheses, [references]), dtype=np.float64)
    theirs = np.array(chrf._extract_corpus_statistics(baseline, [references]), dtype=np.float64)

    def gain(sentences: np.ndarray) -> float:
        return (chrf._compute_score_from_stats(ours[sentences].sum(0)).score
                - chrf._compute_score_from_stats(theirs[sentences].sum(0)).score)

    draws = np.random.default_rng(seed).integers(0, len(references), size=(samples, len(references)))
    point = gain(np.arange(len(references)))
    low, high = np.percentile([gain(d) for d in draws], [2.5, 97.5])
    return float(point), float(low), float(high)


def best_against_default(rows: list, references_of: dict) -> str:
    """``best`` against ``default`` on the same sentences: sacrebleu's paired bootstrap (align.evaluate)."""
    from align.evaluate import paired_bootstrap

    outputs = {(test_set, system): r["hypotheses"] for test_set, system, _, r in rows}
    lines = []
    for test_set, references in references_of.items():
        if (test_set, "best") in outputs and (test_set, "default") in outputs:
            for c in paired_bootstrap(outputs[test_set, "default"], outputs[test_set, "best"], references,
                                      names=("default", "best")).comparisons:
                lines.append(f"| {test_set} | {c.metric} | {c.baseline.score:.1f} | {c.system.score:.1f} | "
                             f"{c.system.score - c.baseline.score:+.1f} | {c.system.p_value:.4f} |")
    if not lines:
        return ""
    return ("\nbest against default, sacrebleu paired bootstrap (1,000 resamples):\n\n"
            "| set | metric | default | best | gain | p |\n|---|---|---|---|---|---|\n" + "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=100, help="first N sentences of each set")
    parser.add_argument("--set", dest="sets", action="append", choices=sorted(TEST_SETS))
    parser.add_argument("--system", dest="systems", action="append", choices=SYSTEMS + SEQ2SEQ_SYSTEMS)
    parser.add_argument("--model", default="Helsinki-NLP/opus-mt-fr-en",
                        help="hub id or directory for the transformers and ctranslate2 systems")
    parser.add_argument("--write", type=Path, help="also write the Markdown table here")
    parser.add_argument("--save-hypotheses", type=Path, help="directory for system outputs")
    parser.add_argument("--adapter", help="LoRA GGUF for the default system instead of the embedded one")
    parser.add_argument("--best-adapter", help="LoRA GGUF for best's model (scripts/train_adapter.py --model qwen-1.5b)")
    parser.add_argument("--worker", nargs=2, metavar=("SYSTEM", "SET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker[0], args.worker[1], args.limit, args.adapter, args.model, args.best_adapter)))
        return

    rows = []
    references_of = {}
    for test_set in args.sets or ["ntrex128", "newstest2014"]:
        references = references_of[test_set] = read_set(test_set, args.limit)[1]
        for system in args.systems or list(SYSTEMS):
            child = subprocess.run(
                [sys.executable, __file__, "--limit", str(args.limit), "--model", args.model, "--worker", system, test_set]
                + (["--adapter", args.adapter] if args.adapter else [])
                + (["--best-adapter", args.best_adapter] if args.best_adapter else []),
                check=True, capture_output=True, text=True,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result.update(score(result["hypotheses"], references))
            n = len(references)
            rows.append((test_set, system, n, result))
            if args.save_hypotheses:
                args.save_hypotheses.mkdir(parents=True, exist_ok=True)
                (args.save_hypotheses / f"{test_set}.{system}.txt").write_text("\n".join(result["hypotheses"]) + "\n")
            print(f"{test_set:16} {system:8} BLEU {result['bleu']:5.1f} chrF {result['chrf']:5.1f} "
                  f"{n / result['wall_s']:5.2f} sent/s  {result['cpu_s'] / n:5.2f} cpu-s/sent "
                  f"{result['peak_rss_mib']:6.0f} MiB  flagged {result['flagged']}/{n}", flush=True)

    table = ["| set | system | n | BLEU | chrF | sent/s | CPU s/sent | peak RSS MiB | flagged |",
             "|---|---|---|---|---|---|---|---|---|"]
    for test_set, system, n, r in rows:
        table.append(f"| {test_set} | {system} | {n} | {r['bleu']:.1f} | {r['chrf']:.1f} | {n / r['wall_s']:.2f} | "
                     f"{r['cpu_s'] / n:.2f} | {r['peak_rss_mib']:.0f} | {r['flagged']} |")
    signatures = sorted({r["bleu_signature"] for *_, r in rows} | {r["chrf_signature"] for *_, r in rows})
    text = "\n".join(table) + "\n\nsacrebleu signatures: " + "; ".join(f"`{s}`" for s in signatures) + "\n"
    outputs = {(test_set, system): r["hypotheses"] for test_set, system, _, r in rows}
    gains = []
    for test_set, system, _, r in rows:
        if system != "naive" and (test_set, "naive") in outputs:
            point, low, high = chrf_gain(r["hypotheses"], outputs[test_set, "naive"], references_of[test_set])
            gains.append(f"| {test_set} | {system} | {point:+.1f} | {low:+.1f} … {high:+.1f} |")
    if gains:
        text += ("\nchrF gain over naive, 95 % paired-bootstrap interval (1,000 resamples of the sentences):\n\n"
                 "| set | system | gain | 95 % interval |\n|---|---|---|---|\n" + "\n".join(gains) + "\n")
    text += best_against_default(rows, references_of)
    print(text)
    if args.write:
        args.write.write_text(text)


if __name__ == "__main__":
    main()
