"""EPUB: spine order, chapter titles, the navigation document skipped, DRM and hostile books
refused. Books are built here with ebooklib from the seed statement."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from align.blocks import segment_document
from align.documents import detect_format, read_document
from align.errors import DataError
from test_documents_office import rezip, seed_paragraphs, seed_sentences

XHTML_11 = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
            '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapitre deux</title></head><body>{}</body></html>')


def make_epub(path: Path, *, nav: bool = True) -> Path:
    """Two chapters (the title and first two paragraphs; the last two, one in a block quote, with a
    footnote aside), an NCX, and a navigation document, which comes first in the spine."""
    from ebooklib import epub

    title, first, second, third, fourth = seed_paragraphs()
    book = epub.EpubBook()
    book.set_identifier("dprk-troops-2024-11-05")
    book.set_title("Déclaration")
    book.set_language("fr")
    one = epub.EpubHtml(title="Chapitre 1", file_name="text/ch1.xhtml", lang="fr")
    one.content = f"<h1>{title}</h1><p>{first}</p><div>\n  {second}\n</div><nav><p>Menu</p></nav>"
    two = epub.EpubHtml(title="Chapitre 2", file_name="text/ch2.xhtml", lang="fr")
    two.content = (f'<p>{third}<a epub:type="noteref" href="#n1">1</a></p><blockquote><p>{fourth}</p></blockquote>'
                   '<aside epub:type="footnote"><p>Texte de la note.</p></aside>')
    book.add_item(one)
    book.add_item(two)
    book.toc = (epub.Link("text/ch1.xhtml", "Chapitre 1", "ch1"), epub.Link("text/ch2.xhtml#top", "Chapitre 2", "ch2"))
    book.add_item(epub.EpubNcx())
    if nav:
        book.add_item(epub.EpubNav())
    book.spine = (["nav"] if nav else []) + [one, two]
    epub.write_epub(str(path), book)
    return path


def member(path: Path, suffix: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return next(name for name in archive.namelist() if name.endswith(suffix))


def test_epub_reads_chapters_in_spine_order_without_the_navigation(tmp_path):
    path = make_epub(tmp_path / "statement.epub")
    document = read_document(path)
    assert document.format == "epub"
    texts = [s.text for s in segment_document(document, "fr") if s.kind != "footnote"]
    assert texts == seed_sentences()
    assert "Menu" not in document.text and "Chapitre 1" not in document.text  # nav document and <nav> left out
    assert [b.kind for b in document.blocks] == ["heading", "paragraph", "paragraph", "paragraph", "quote", "footnote"]
    assert document.blocks[0].locator == {"chapter": "Chapitre 1", "item": "text/ch1.xhtml"}
    assert document.blocks[3].locator == {"chapter": "Chapitre 2", "item": "text/ch2.xhtml"}
    assert document.blocks[-1].text == "Texte de la note."


def test_epub_chapter_titles_come_from_the_ncx_without_a_nav_document(tmp_path):
    document = read_document(make_epub(tmp_path / "epub2.epub", nav=False))
    assert [b.locator["chapter"] for b in document.blocks] == ["Chapitre 1"] * 3 + ["Chapitre 2"] * 3


def test_epub2_xhtml_with_its_dtd_and_named_entities_is_read_without_loading_the_dtd(tmp_path):
    source = make_epub(tmp_path / "statement.epub")
    chapter = member(source, "ch2.xhtml")
    content = XHTML_11.format("<h2>Chapitre&nbsp;deux</h2><p>Un&nbsp;texte &amp; une suite.</p>").encode()
    book = rezip(source, tmp_path / "epub2.epub", replace={chapter: content})
    blocks = read_document(book).blocks
    assert [b.text for b in blocks[-2:]] == ["Chapitre\u00a0deux", "Un\u00a0texte & une suite."]
    assert blocks[-1].locator["chapter"] == "Chapitre 2"


def test_epub_named_otherwise_is_still_an_epub(tmp_path):
    disguised = make_epub(tmp_path / "statement.zip")
    assert detect_format(disguised) == "epub"


@pytest.mark.parametrize("protection", ["encryption", "rights"])
def test_drm_epub_is_refused_in_one_line(tmp_path, protection):
    source = make_epub(tmp_path / "statement.epub")
    if protection == "encryption":
        added = {"META-INF/encryption.xml": (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>'
            f'<enc:CipherData><enc:CipherReference URI="{member(source, "ch1.xhtml")}"/></enc:CipherData>'
            "</enc:EncryptedData></encryption>").encode()}
    else:
        added = {"META-INF/rights.xml": b'<rights xmlns="http://ns.adobe.com/adept"/>'}
    drm = rezip(source, tmp_path / "drm.epub", add=added)
    with pytest.raises(DataError, match=r"drm\.epub: refused: this EPUB is DRM-protected") as caught:
        read_document(drm)
    assert "\n" not in str(caught.value)


def test_obfuscated_fonts_alone_are_not_drm(tmp_path):
    source = make_epub(tmp_path / "statement.epub")
    fonts = rezip(source, tmp_path / "fonts.epub", add={
        "OEBPS/fonts/serif.otf": bytes(100),
        "META-INF/encryption.xml": (
            '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
            'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData>'
            '<enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>'
            '<enc:CipherData><enc:CipherReference URI="OEBPS/fonts/serif.otf"/></enc:CipherData>'
            "</enc:EncryptedData></encryption>").encode(),
    })
    assert len(read_document(fonts).blocks) == 6


def test_epub_with_entity_expansion_is_refused(tmp_path):
    source = make_epub(tmp_path / "statement.epub")
    laughs = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&b;</p></body></html>')
    evil = rezip(source, tmp_path / "evil.epub", replace={member(source, "ch1.xhtml"): laughs.encode()})
    with pytest.raises(DataError, match=r"evil\.epub: refused: .*entities"):
        read_document(evil)


def test_truncated_and_bomb_epubs_are_refused(tmp_path):
    source = make_epub(tmp_path / "statement.epub")
    cut = tmp_path / "cut.epub"
    cut.write_bytes(source.read_bytes()[:1500])
    with pytest.raises(DataError, match=r"cut\.epub: a truncated or corrupt EPUB"):
        read_document(cut)
    bomb = rezip(source, tmp_path / "bomb.epub", add={"OEBPS/big.bin": bytes(20 * 2**20)})
    with pytest.raises(DataError, match="zip bomb"):
        read_document(bomb)


def test_epub_without_text_is_refused(tmp_path):
    source = make_epub(tmp_path / "statement.epub")
    empty = XHTML_11.format("<p> </p>").encode()
    blank = rezip(source, tmp_path / "blank.epub",
                  replace={member(source, "ch1.xhtml"): empty, member(source, "ch2.xhtml"): empty})
    with pytest.raises(DataError, match=r"blank\.epub: no text found"):
        read_document(blank)
