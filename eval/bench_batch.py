"""Batch throughput: `align batch` with the local engine at 1 and 2 workers and with Ray at 2.

Run from the project root::

    .venv/bin/python eval/bench_batch.py                 # ~200 pairs, writes eval/results/batch.md
    .venv/bin/python eval/bench_batch.py --pairs 40      # a quick look

The manifest is built from the shared data: the TransRead novels cut at gold bead boundaries into
documents of about 50 French sentences (paragraphs of 5 beads, sentences joined by spaces, so the
segmenter has real work), plus the French/English statement pairs, repeated until there are
``--pairs`` pairs. Drafts are off (``--no-translate``) and the cache is disabled, so every
document's embeddings are computed even when its text repeats. Each configuration gets a fresh
output folder. Besides throughput the script records each worker's peak RSS, where a document's
time goes (stages from report.json; the rest is writing outputs and the HTML report) and the
one-off cost of starting a worker (imports and model load), for the scaling estimate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from align.batch import merged_pairs, run_batch, write_corpus_files  # noqa: E402
from align.cache import Cache  # noqa: E402
from align.formats import read_beads  # noqa: E402
from align.pipeline import RunOptions  # noqa: E402

SHARED = PROJECT_ROOT.parent / "shared" / "data"
DEFAULT_OUT = PROJECT_ROOT / "eval" / "results" / "batch.md"
CHUNK_SENTENCES = 50
PARAGRAPH_BEADS = 5
# name: (engine, workers, threads per worker)
CONFIGS = {
    "local-1": ("local", 1, 1),
    "local-1x2": ("local", 1, 2),
    "local-2": ("local", 2, 1),
    "ray-2": ("ray", 2, 1),
}
STARTUP_PROBE = """
import time; start = time.perf_counter()
from align.batch import WorkerSetup, prepare_worker
options = prepare_worker(WorkerSetup({"translate": False}, None, 1))
imported = time.perf_counter()
import align.pipeline
align.pipeline.get_embedder(options.embedder, options.cache).encode(["Bonjour."])
print(imported - start, time.perf_counter() - imported)
"""


def book_chunks(folder: Path) -> list[tuple[str, str, str]]:
    """(name, French text, English text) for each ~50-sentence piece of each TransRead book."""
    chunks = []
    for gold in sorted(folder.glob("*.fr-en.gold")):
        book = gold.name.removesuffix(".fr-en.gold")
        french = (folder / f"{book}.fr.sents").read_text(encoding="utf-8").splitlines()
        english = (folder / f"{book}.en.sents").read_text(encoding="utf-8").splitlines()
        beads = read_beads(gold)
        start = 0
        while start < len(beads):
            end, count = start, 0
            while end < len(beads) and count < CHUNK_SENTENCES:
                count += len(beads[end].src)
                end += 1
            piece = beads[start:end]
            paragraphs = [piece[i : i + PARAGRAPH_BEADS] for i in range(0, len(piece), PARAGRAPH_BEADS)]
            texts = [
                "\n\n".join(" ".join(side[k] for bead in para for k in getattr(bead, attr)) for para in paragraphs) + "\n"
                for side, attr in ((french, "src"), (english, "tgt"))
            ]
            chunks.append((f"{book}-{len(chunks):03d}", *texts))
            start = end
    return chunks


def build_manifest(work: Path, pairs: int) -> Path:
    """Write the documents and a manifest of ``pairs`` rows (ids unique, texts repeated)."""
    docs = work / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, fr, en in book_chunks(SHARED / "align" / "transread-fr-en"):
        (docs / f"{name}.fr.txt").write_text(fr, encoding="utf-8")
        (docs / f"{name}.en.txt").write_text(en, encoding="utf-8")
        rows.append((f"documents/{name}.fr.txt", f"documents/{name}.en.txt", "transread"))
    for folder in sorted(p for p in (SHARED / "statements").iterdir() if p.is_dir()):
        fr, en = (next(folder.glob(f"{lang}_*.txt")) for lang in ("fr", "en"))
        rows.append((str(fr), str(en), "statement"))
    lines = ["id\tsource\treference\tkind"]
    lines += [f"pair{i:04d}\t{src}\t{ref}\t{kind}" for i, (src, ref, kind) in ((i, rows[i % len(rows)]) for i in range(pairs))]
    manifest = work / "manifest.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def source_hash() -> str:
    """Hash of the package's code: other people editing it mid-benchmark make runs incomparable."""
    digest = hashlib.sha256()
    for path in sorted((PROJECT_ROOT / "align").glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def worker_startup_seconds() -> tuple[float, float]:
    """(imports, model load + first encode) in a fresh process, as a pool worker pays them."""
    result = subprocess.run([sys.executable, "-c", STARTUP_PROBE], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT)
    imports, model = map(float, result.stdout.split())
    return imports, model


def run_config(name: str, manifest: Path, work: Path) -> dict:
    engine, workers, threads = CONFIGS[name]
    out = work / f"out-{name}"
    shutil.rmtree(out, ignore_errors=True)
    load_before = os.getloadavg()[0]
    code_before = source_hash()
    started = time.perf_counter()
    options = RunOptions(cache=Cache(None))
    summary = run_batch(
        manifest, out, engine=engine, workers=workers, translate=False, options=options, threads_per_worker=threads
    )
    wall = time.perf_counter() - started
    merge_started = time.perf_counter()
    write_corpus_files(merged_pairs(zip(summary.entries, summary.documents), out), out, tmx=False)
    merge = time.perf_counter() - merge_started
    ok = [d for d in summary.documents if d.status == "ok"]
    stages: dict[str, float] = defaultdict(float)
    for doc in ok:
        for stage, seconds in json.loads((out / "docs" / doc.id / "report.json").read_text())["seconds"].items():
            stages[stage] += seconds
    doc_seconds = sum(d.seconds for d in summary.documents)
    stages["write outputs + HTML report"] = doc_seconds - sum(stages.values())
    sentences = sum(d.source_sentences or 0 for d in summary.documents)
    return {
        "config": name,
        "threads": threads,
        "documents": len(summary.documents),
        "ok": len(ok),
        "source_sentences": sentences,
        "reference_sentences": sum(d.reference_sentences or 0 for d in summary.documents),
        "pairs": summary.pairs,
        "wall_s": round(wall, 1),
        "docs_per_min": round(len(summary.documents) / wall * 60, 1),
        "sentences_per_min": round(sentences / wall * 60, 0),
        "worker_peak_rss_mb": max(d.worker_peak_rss_mb or 0 for d in summary.documents),
        "doc_seconds_total": round(doc_seconds, 1),
        "cpu_s_per_doc": round(sum(d.cpu_seconds for d in summary.documents) / len(summary.documents), 2),
        "cores_used": round(sum(d.cpu_seconds for d in summary.documents) / wall, 2),
        "stage_share": {k: round(v / doc_seconds, 3) for k, v in stages.items()},
        "merge_s": round(merge, 2),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "code": code_before if source_hash() == code_before else f"{code_before} → {source_hash()} (changed during the run)",
        "identical_corpus_bytes": (out / "corpus.jsonl").read_bytes(),
    }


def render(results: list[dict], startup: tuple[float, float], args: argparse.Namespace) -> str:
    base = results[0]
    lines = [
        "# Batch throughput (`align batch`)",
        "",
        f"Command: `.venv/bin/python eval/bench_batch.py --pairs {args.pairs}` "
        f"({time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}).",
        "",
        f"Manifest: {base['documents']} document pairs (TransRead novels cut into "
        f"~{CHUNK_SENTENCES}-sentence raw-text documents plus the shared statement pairs, repeated), "
        f"{base['source_sentences']} French and {base['reference_sentences']} English sentences, "
        f"`--no-translate`, cache disabled (every embedding computed).",
        "",
        "| engine | workers × threads | wall s | pairs/min | FR sentences/min | speed-up | CPU s per pair "
        "| cores used | peak RSS per worker (MB) | load avg before → after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        engine, workers, _ = CONFIGS[r["config"]]
        lines.append(
            f"| {engine} | {workers} × {r['threads']} | {r['wall_s']} | {r['docs_per_min']} | {r['sentences_per_min']:.0f} | "
            f"{base['wall_s'] / r['wall_s']:.2f}× | {r['cpu_s_per_doc']} | {r['cores_used']} | {r['worker_peak_rss_mb']:.0f} | {r['load_before']} → {r['load_after']} |"
        )
    same = all(r["identical_corpus_bytes"] == base["identical_corpus_bytes"] for r in results)
    codes = sorted({r["code"] for r in results})
    lines += [
        "",
        "Cores used = the workers' CPU seconds / wall seconds: below the worker count means other processes "
        "held the cores (see the load average).",
        "",
        f"Package code (hash of align/*.py) during the runs: {', '.join(codes)}"
        + ("" if len(codes) == 1 else " — someone edited the package between runs; compare with care"),
        "",
        f"Merged corpus identical across configurations: {'yes' if same else 'NO'} "
        f"({base['pairs']} pairs, {base['ok']} of {base['documents']} documents ok).",
        "",
        "Where a document's time goes (share of the summed per-document seconds, local 1 worker):",
        "",
    ]
    lines += [f"- {stage}: {share:.1%}" for stage, share in base["stage_share"].items()]
    lines += [
        "",
        f"One-off per worker: imports {startup[0]:.1f} s, model load and first encode {startup[1]:.1f} s. "
        f"Merging the corpus (JSONL + Parquet, {base['pairs']} pairs): {base['merge_s']} s.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=["local-1", "local-2", "ray-2"])
    parser.add_argument("--work", type=Path, default=Path("/tmp/align-bench-batch"))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Markdown results ('-' to only print).")
    args = parser.parse_args()

    manifest = build_manifest(args.work, args.pairs)
    startup = worker_startup_seconds()
    results = []
    for name in args.configs:
        results.append(run_config(name, manifest, args.work))
        printable = {k: v for k, v in results[-1].items() if k != "identical_corpus_bytes"}
        print(json.dumps(printable), flush=True)
    text = render(results, startup, args)
    print(text)
    if str(args.out) != "-":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        scaling = previous[previous.index("## Scaling") :] if "## Scaling" in previous else ""
        args.out.write_text(text + ("\n" + scaling if scaling else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
