"""Align the shared gold sets through the CLI and score them with `align evaluate alignment`.

This is the end-to-end check of the command-line path (``align pair --presegmented`` then
``align evaluate alignment`` pooled over each set); eval/bench_align.py measures the aligner
itself in depth. TransRead's gold writes each run of sentences left out on one side as one
bead, so its novels are aligned with ``--group-unaligned``; Text+Berg's gold has one bead per
sentence left out. Usage: .venv/bin/python eval/cli_gold_alignment.py [--embedder use]
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALIGN_DATA = ROOT.parent / "shared" / "data" / "align"
RESULTS = ROOT / "eval" / "results" / "cli-gold-alignment.md"
sys.path.insert(0, str(ROOT))

from align.evaluate import groups_unaligned_runs  # noqa: E402
from align.formats import read_beads  # noqa: E402


def gold_sets() -> dict[str, list[tuple[Path, Path, Path]]]:
    """(source sentences, target sentences, gold beads) per document, per set."""
    transread = ALIGN_DATA / "transread-fr-en"
    textberg = ALIGN_DATA / "textberg-de-fr"
    return {
        "transread-fr-en (7 novels)": [
            (transread / f"{book}.fr.sents", transread / f"{book}.en.sents", transread / f"{book}.fr-en.gold")
            for book in sorted(p.name.split(".")[0] for p in transread.glob("*.fr-en.gold"))
        ],
        "textberg-de-fr (test0-6)": [
            (textberg / f"test{i}.de", textberg / f"test{i}.fr", textberg / f"test{i}.defr") for i in range(7)
        ],
    }


def align_cli(*args: str) -> str:
    command = [sys.executable, "-m", "align", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", default="use")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, docs in gold_sets().items():
            started = time.perf_counter()
            preds = []
            # beads written in the gold's convention for runs left out
            grouping = ["--group-unaligned"] if groups_unaligned_runs(read_beads(gold) for _, _, gold in docs) else []
            for src, tgt, gold in docs:
                pred = Path(tmp) / f"{gold.name}.pred"
                options = ["--presegmented", "--quiet", "--embedder", args.embedder, *grouping]
                pred.write_text(align_cli("pair", *options, str(src), str(tgt)))
                preds.append(pred)
            seconds = time.perf_counter() - started
            pairs = [x for gold, pred in zip((d[2] for d in docs), preds) for x in ("--gold", str(gold), "--pred", str(pred))]
            scores = json.loads(align_cli("evaluate", "alignment", "--json", *pairs))["pooled"]
            rows.append((name, grouping, scores, seconds))
            print(f"{name}: strict F1 {scores['strict']['f1']:.4f}  lax F1 {scores['lax']['f1']:.4f}  ({seconds:.0f} s)")
    command = "python eval/cli_gold_alignment.py " + shlex.join(sys.argv[1:])
    table = ["| set | `align pair` options | strict P | strict R | strict F1 | lax P | lax R | lax F1 | seconds (CLI, cold processes) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, grouping, s, seconds in rows:
        st, lx = s["strict"], s["lax"]
        table.append(f"| {name} | {' '.join(grouping) or '–'} | {st['precision']:.4f} | {st['recall']:.4f} | {st['f1']:.4f} | "
                     f"{lx['precision']:.4f} | {lx['recall']:.4f} | {lx['f1']:.4f} | {seconds:.0f} |")
    RESULTS.write_text(
        f"# Gold alignment through the CLI\n\nCommand: `{command.strip()}` (embedder `{args.embedder}`; embedding cache warm from eval/bench_align.py), "
        f"run {date.today().isoformat()} on 2 cores.\nEach document is aligned by a separate "
        "`align pair --presegmented` process (model load included), then pooled by "
        "`align evaluate alignment`.\n\n" + "\n".join(table) + "\n"
    )
    print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
