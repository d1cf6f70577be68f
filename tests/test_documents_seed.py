"""The seed statement as every kind of document a translator receives: each gives the sentences
of the text (without the page's "Partager" button) and `align run` gives the same corpus."""

from __future__ import annotations

from html import escape
from pathlib import Path

import pytest

from align.blocks import segment_document
from align.documents import read_document
from align.pipeline import RunOptions, run_document
from conftest import SEED_EN, SEED_FR
from test_documents_epub import make_epub
from test_documents_html import seed_page
from test_documents_office import make_docx, make_odt
from test_documents_pdf import seed_paragraphs, write_pdf


def text_without_share_button(path: Path) -> Path:
    paragraphs = [p for p in SEED_FR.read_text(encoding="utf-8").split("\n\n") if p.strip() != "Partager"]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


def html(path: Path) -> Path:
    path.write_text(seed_page(), encoding="utf-8")
    return path


def pdf(path: Path) -> Path:
    title, paragraphs = seed_paragraphs()
    write_pdf(path, title, paragraphs, hyphenate=True)
    return path


def markdown(path: Path) -> Path:
    """Title as a heading, the paragraphs, and a code block that is no text to translate."""
    title, paragraphs = seed_paragraphs()
    body = "\n\n".join(paragraphs[:2] + ["```\nalign run dprk.md\n```"] + paragraphs[2:])
    path.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
    return path


def xliff(path: Path) -> Path:
    """A CAT tool's XLIFF 1.2 export: one unit per sentence of the text, no targets yet."""
    sentences = [s.text for s in segment_document(read_document(text_without_share_button(path)), "fr")]
    units = "".join(f'<trans-unit id="{i}"><source>{escape(s)}</source></trans-unit>' for i, s in enumerate(sentences, 1))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
        f'<file original="dprk.txt" source-language="fr" target-language="en" datatype="plaintext"><body>{units}'
        "</body></file></xliff>", encoding="utf-8",
    )
    return path


BUILDERS = {
    "html": (".html", html), "docx": (".docx", make_docx), "odt": (".odt", make_odt), "pdf": (".pdf", pdf),
    "epub": (".epub", make_epub), "markdown": (".md", markdown), "xliff": (".xlf", xliff),
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("seed-documents")
    return {fmt: builder(folder / f"dprk{suffix}") for fmt, (suffix, builder) in BUILDERS.items()}


@pytest.fixture(scope="module")
def text_run(tmp_path_factory) -> list[tuple]:
    folder = tmp_path_factory.mktemp("seed-text")
    run_document(text_without_share_button(folder / "dprk.txt"), SEED_EN, folder / "out", RunOptions(translate=False))
    return corpus(folder / "out")


def corpus(out: Path) -> list[tuple]:
    from align.formats import read_corpus

    return [(p.src_ids, p.tgt_ids, p.src, p.tgt, p.bead) for p in read_corpus(out / "pairs.jsonl")]


@pytest.mark.parametrize("fmt", BUILDERS)
def test_every_format_gives_the_sentences_of_the_text(fmt, documents):
    document = read_document(documents[fmt])
    assert document.format == fmt
    expected = [s.text for s in segment_document(read_document(SEED_FR), "fr") if s.text != "Partager"]
    got = [" ".join(s.text.split()) for s in segment_document(document, "fr") if s.kind != "footnote"]
    assert got == [" ".join(s.split()) for s in expected]


@pytest.mark.parametrize("fmt", BUILDERS)
def test_run_on_every_format_gives_the_corpus_of_the_text(fmt, documents, text_run, tmp_path):
    report = run_document(documents[fmt], SEED_EN, tmp_path / "out", RunOptions(translate=False))
    assert report["formats"]["source"] == fmt
    got = [(src_ids, tgt_ids, " ".join(src.split()), tgt, bead) for src_ids, tgt_ids, src, tgt, bead in corpus(tmp_path / "out")]
    if fmt in ("docx", "odt", "epub"):  # their fixtures carry a footnote after the body: one more sentence
        got = [row for row in got if "note" not in row[2].lower() or row[1]]
    assert got == text_run
    assert (tmp_path / "out" / "text.fr.txt").exists()
