"""Peak memory of a process that only aligns one long pair: the 2 GB goal at 50k × 50k.

bench_align.py traces ``align_sentences`` with tracemalloc inside a process that also holds
three aligners' caches; this measures what a user's process needs, from the operating system.
Embeddings come from the cache (run bench_align.py first, with the same ``--cache``)::

    .venv/bin/python eval/bench_memory.py --cache /tmp/h8/cache.sqlite3 [--sentences 50000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_align import DEFAULT_CACHE, long_pair  # noqa: E402 (it puts the project on sys.path)
from align.aligner import align_sentences  # noqa: E402
from align.cache import Cache  # noqa: E402
from align.embed import get_embedder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--sentences", type=int, default=50_000)
    args = parser.parse_args()
    src, tgt = long_pair(args.sentences)
    start = time.perf_counter()
    beads = align_sentences(src, tgt, get_embedder("use", Cache(args.cache))).beads
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.sentences:,} sentences a side: {len(beads):,} beads in {seconds:.1f} s "
          f"(embeddings from the cache), process max RSS {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
