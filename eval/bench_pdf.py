"""PDF readers compared: pages per second, and fidelity as the character error rate (CER) of the
extracted text against the text the PDF was typeset from.

    .venv/bin/python eval/bench_pdf.py [--documents 24]

The PDFs are typeset here with fpdf2 by the test suite's typesetter (tests/test_documents_pdf.py):
A5 pages with a running header and page numbers; the seed statement (page 1 one column, page 2
two, one cut word and one compound broken at its hyphen), and NTREX-128's French news set in
one column and in two (written in reading order, and row by row across the columns as some
producers do), compounds broken at their hyphen and long words cut with one where a line is
full. NTREX-128 is not in the reader's word list (scripts/build_pdf_words.py). The reference text has
no header, page number or line-end hyphen, so a reader pays for each one it leaves in, and for
lines read out of order. Whitespace is collapsed on both sides before the edit distance.
Records its table in eval/results/documents.md (section "PDF readers").
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from itertools import groupby
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from rapidfuzz.distance import Levenshtein  # noqa: E402

from align.documents import read_document  # noqa: E402
from align.textio import read_text, write_text_atomic  # noqa: E402
from test_documents_pdf import seed_paragraphs, write_pdf  # noqa: E402

NTREX = ROOT.parent / "shared" / "data" / "translate" / "ntrex128"
RESULTS = ROOT / "eval" / "results" / "documents.md"
SECTION_START, SECTION_END = "<!-- pdf-readers:start -->", "<!-- pdf-readers:end -->"
SENTENCES_PER_PARAGRAPH = 3
# In PDFium's text a hyphen it takes for a line end is U+FFFE with the line break dropped; one it
# does not (the next character in the content stream is elsewhere) is a hyphen before a space.
LINE_END_HYPHEN = re.compile(r"[^\W\d_](?:\ufffe|-\s)")
NOTES = [
    "How to read it. The raw readers keep the running header and the page numbers and leave every",
    "line-end hyphen in (PDFium marks one as U+FFFE), which is their CER on the one-column PDFs.",
    "pdfplumber's extract_text reads by position, line by line across the page, so it interleaves",
    "the two columns; pypdfium2's text follows the content stream, right only when the producer",
    "wrote the columns in reading order (fpdf2 does; the row-by-row PDFs show the other case);",
    "pdfminer's layout analysis finds the columns but keeps headers and hyphens. align's reader is",
    "built on pypdfium2, the fastest library here, and does the layout itself from character boxes.",
    "These PDFs are clean by construction (one font, exact columns, a known text); real PDFs",
    "(tables, footnotes, three columns, rotated text) are harder and not measured here.",
]


def read_align(path: Path) -> str:
    return "\n\n".join(block.text for block in read_document(path, "pdf").blocks)


def read_pypdfium2(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[index].get_textpage().get_text_range() for index in range(len(pdf)))
    finally:
        pdf.close()


def read_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def read_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))


READERS: dict[str, Callable[[Path], str]] = {
    "align.documents.pdf (pypdfium2 + layout)": read_align,
    "pypdfium2 get_text_range": read_pypdfium2,
    "pdfplumber extract_text": read_pdfplumber,
    "pdfminer.six extract_text": read_pdfminer,
}


def ntrex_paragraphs(documents: int) -> list[str]:
    """The first ``documents`` NTREX-128 French documents, three sentences a paragraph."""
    ids = read_text(NTREX / "DOCUMENT_IDS.tsv").text.splitlines()
    lines = read_text(NTREX / "newstest2019-ref.fra.txt").text.splitlines()
    paragraphs: list[str] = []
    for number, (_, rows) in enumerate(groupby(zip(ids, lines), key=lambda row: row[0])):
        if number == documents:
            break
        sentences = [line for _, line in rows]
        step = SENTENCES_PER_PARAGRAPH
        paragraphs += [" ".join(sentences[i:i + step]) for i in range(0, len(sentences), step)]
    return paragraphs


def corpora(folder: Path, documents: int) -> list[tuple[str, Path, int, str]]:
    """(name, PDF, pages, reference text) for each typeset test PDF; the name says how many
    hyphens end a line (cut words and compounds broken at their own hyphen)."""
    built = []
    title, paragraphs = seed_paragraphs()
    news = ntrex_paragraphs(documents)
    for label, file, kwargs, (head, body) in [
        ("seed statement, 1 + 2 columns", "seed.pdf", {}, (title, paragraphs)),
        ("NTREX-128 news, one column", "news1.pdf", {"two_columns_from_page": 10**6, "hyphenate": True, "splits": {}},
         ("Actualités", news)),
        ("NTREX-128 news, two columns", "news2.pdf", {"two_columns_from_page": 1, "hyphenate": True, "splits": {}},
         ("Actualités", news)),
        ("NTREX-128 news, two columns written row by row", "news3.pdf",
         {"two_columns_from_page": 1, "hyphenate": True, "splits": {}, "row_order": True}, ("Actualités", news)),
    ]:
        path = folder / file
        pages = write_pdf(path, head, body, **kwargs)
        hyphens = len(LINE_END_HYPHEN.findall(read_pypdfium2(path)))
        built.append((f"{label} ({hyphens} line-end hyphens)", path, pages, "\n\n".join([head, *body])))
    return built


def edits(reference: str, hypothesis: str) -> tuple[int, int]:
    """Character edits from the reference to the reader's text, and the reference's length."""
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    return Levenshtein.distance(ref, hyp), len(ref)


def measure(reader: Callable[[Path], str], path: Path, min_seconds: float = 1.0) -> tuple[str, float]:
    """The reader's text and its CPU seconds per call (repeated until ``min_seconds`` have passed;
    CPU time, since the machine is shared)."""
    reader(path)  # warm-up: imports, the word list
    runs, started = 0, time.process_time()
    while True:
        text = reader(path)
        runs += 1
        elapsed = time.process_time() - started
        if elapsed >= min_seconds:
            return text, elapsed / runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=24, help="NTREX-128 documents to typeset (default 24)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        built = corpora(Path(tmp), args.documents)
        for label, path, pages, reference in built:
            for reader_name, reader in READERS.items():
                text, seconds = measure(reader, path)
                distance, length = edits(reference, text)
                rows.append((label, pages, reader_name, pages / seconds, distance, distance / length))
                print(f"{label:72} {pages:3d} p  {reader_name:42} {pages / seconds:8.1f} pages/s  "
                      f"{distance:6d} edits  CER {distance / length:.4f}", flush=True)
    _record(rows, args.documents)
    return 0


def _record(rows: list[tuple[str, int, str, float, int, float]], documents: int) -> None:
    table = ["| PDF | pages | reader | pages/s | edits | CER |", "| --- | ---: | --- | ---: | ---: | ---: |"]
    table += [f"| {label} | {pages} | {reader} | {speed:.1f} | {distance} | {error:.4f} |"
              for label, pages, reader, speed, distance, error in rows]
    section = "\n".join([
        SECTION_START,
        "## PDF readers",
        "",
        f"`.venv/bin/python eval/bench_pdf.py --documents {documents}` ({time.strftime('%Y-%m-%d')}, one process on a "
        f"shared 2-core machine, load average {os.getloadavg()[0]:.1f} at the end; pages/s in CPU time after a "
        "warm-up, "
        "each PDF read repeatedly for at least a CPU second; edits: character edit distance to the typeset text, "
        "whitespace collapsed; CER = edits / its length).",
        "",
        *table,
        "",
        *NOTES,
        "",
        SECTION_END,
    ])
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Documents\n"
    pattern = re.compile(re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), re.DOTALL)
    new = pattern.sub(lambda _: section, old) if pattern.search(old) else old.rstrip("\n") + "\n\n" + section + "\n"
    write_text_atomic(RESULTS, new)
    print(f"recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    raise SystemExit(main())
