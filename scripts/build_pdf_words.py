"""Build the word list the PDF reader consults at a hyphenated line end (align/documents/pdf_words.txt.gz).

    .venv/bin/python scripts/build_pdf_words.py

"détermi-" + "nation" is one word cut by the typesetter, "nord-" + "coréennes" a compound: the
reader keeps the hyphen when the hyphenated form is a known word and drops it when the joined
one is. Known = seen in the document itself or in this list: every French and English word of
four letters or more (hyphenated compounds included) in WMT newstest2013/2014 and Tatoeba in
../shared, lower-cased, one a line.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "translate"
OUTPUT = ROOT / "align" / "documents" / "pdf_words.txt.gz"
# NTREX-128 stays out: eval/bench_pdf.py typesets it to measure the readers on unseen words.
SOURCES = ("wmt/newstest201*.*", "tatoeba/tatoeba-test-*")
WORD = re.compile(r"[^\W\d_]+(?:[-‐][^\W\d_]+)*")
MIN_LENGTH = 4


def main() -> int:
    words: set[str] = set()
    files = sorted(path for pattern in SOURCES for path in SHARED.glob(pattern))
    for path in files:
        words.update(w.lower().replace("‐", "-") for w in WORD.findall(path.read_text(encoding="utf-8")) if len(w) >= MIN_LENGTH)
    data = gzip.compress("\n".join(sorted(words)).encode("utf-8") + b"\n", compresslevel=9, mtime=0)
    sys.path.insert(0, str(ROOT))
    from align.textio import write_bytes_atomic

    write_bytes_atomic(OUTPUT, data)
    print(f"{len(words)} words from {len(files)} files -> {OUTPUT.relative_to(ROOT)} ({len(data) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
