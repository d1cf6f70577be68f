"""Fidelity checks on long pairs: a whole paragraph or document on one line.

`align check --presegmented` takes line i of each file as one pair, and a line may be a whole
document (up to the reader's limit of 100,000 characters a sentence). The checks once read all
the text before each name, negation and number, so their time grew with the square of a pair's
length. Each row joins the first N lines of newstest2013 into one French and one English line
and times :func:`align.fidelity.check_translation` (no embedder: the names, numbers, negations
and lengths; USE adds one embedding per pair and per clause left out). Process CPU seconds::

    .venv/bin/python eval/bench_long_pairs.py [--lines 25 100 400 750] [--record]

``--record`` appends the table, with the commit and the command, to eval/results/fidelity.md.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.fidelity import check_translation  # noqa: E402
from align.french_words import is_french_word  # noqa: E402

WMT = ROOT.parent / "shared" / "data" / "translate" / "wmt"
RESULTS = ROOT / "eval" / "results" / "fidelity.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[25, 100, 400, 750])
    parser.add_argument("--record", action="store_true", help="append the table to eval/results/fidelity.md")
    args = parser.parse_args()
    french = (WMT / "newstest2013.fra").read_text(encoding="utf-8").splitlines()
    english = (WMT / "newstest2013.eng").read_text(encoding="utf-8").splitlines()
    is_french_word("Paris")  # the dictionary loads once, not inside the first row's time
    rows = ["| lines joined | French characters | flags | CPU s | ms per line joined |", "|---|---|---|---|---|"]
    for n in args.lines:
        source, target = " ".join(french[:n]), " ".join(english[:n])
        started = time.process_time()
        flags = check_translation(source, target)
        seconds = time.process_time() - started
        rows.append(f"| {n} | {len(source):,} | {len(flags)} | {seconds:.2f} | {1000 * seconds / n:.1f} |")
        print(rows[-1], flush=True)
    if args.record:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
        command = "    .venv/bin/python eval/bench_long_pairs.py " + " ".join(sys.argv[1:])
        with RESULTS.open("a", encoding="utf-8") as results:
            results.write(f"\n### Long pairs, `eval/bench_long_pairs.py` (commit {commit})\n\n{command}\n\n" + "\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
