"""The documents registry, its guards, segmentation inside blocks, and plain text as a document."""

from __future__ import annotations

import io
import zipfile

import pytest

from align.blocks import segment_document, texts_by_block, write_translation
from align.documents import RawBlock, build_document, detect_format, locator_label, read_document
from align.documents.safety import MAX_UNCOMPRESSED_BYTES, open_zip, parse_xml
from align.errors import DataError
from align.segment import segment
from conftest import SEED_FR


def test_a_text_file_is_read_with_offsets_into_the_original():
    document = read_document(SEED_FR)
    assert document.format == "text"
    original = SEED_FR.read_text(encoding="utf-8")
    assert document.text == original
    for block in document.blocks:
        assert original[block.start:block.end] == block.text
    assert document.blocks[0].kind == "heading"


def test_segmenting_a_text_document_gives_what_the_segmenter_gives_the_whole_text():
    document = read_document(SEED_FR)
    by_blocks = segment_document(document, "fr")
    whole = segment(document.text, "fr")
    assert [(s.text, s.start, s.end) for s in by_blocks] == [(s.text, s.start, s.end) for s in whole]
    assert all(s.block is not None and s.kind and s.locator for s in by_blocks)


def test_block_boundaries_are_hard_sentence_boundaries():
    document = build_document("x", "test", [RawBlock("Les faits", "heading"), RawBlock("Le procès a commencé hier.")])
    assert [s.text for s in segment_document(document, "fr")] == ["Les faits", "Le procès a commencé hier."]


def test_a_sentence_over_several_cues_is_one_segment_naming_every_cue():
    cues = [
        RawBlock("Nous avons décidé", "cue", {"cue": 1, "start": "00:00:01,000", "end": "00:00:02,000"}),
        RawBlock("de partir demain.", "cue", {"cue": 2, "start": "00:00:02,000", "end": "00:00:04,000"}),
        RawBlock("Il pleut.", "cue", {"cue": 3, "start": "00:00:05,000", "end": "00:00:06,000"}),
    ]
    document = build_document("film.srt", "srt", cues, flowing=True)
    segments = segment_document(document, "fr")
    assert [s.text for s in segments] == ["Nous avons décidé de partir demain.", "Il pleut."]
    assert segments[0].locator["blocks"] == [0, 1] and segments[0].locator["until"]["end"] == "00:00:04,000"
    assert segments[1].locator == cues[2].locator
    texts = texts_by_block(document, segments, ["We decided to leave tomorrow.", "It is raining."])
    assert texts[0] and texts[1] and texts[2] == "It is raining."
    assert f"{texts[0]} {texts[1]}" == "We decided to leave tomorrow."
    assert "cue 1" in locator_label(segments[0].locator) and "cue 2" in locator_label(segments[0].locator)


def test_a_sentence_past_the_limit_is_refused_before_any_model_sees_it():
    from align.records import MAX_SENTENCE_CHARS

    document = build_document("list.txt", "text", [RawBlock("troupes déployées " * (MAX_SENTENCE_CHARS // 18 + 1))])
    with pytest.raises(DataError, match="list.txt: sentence 1 has .* over the limit"):
        segment_document(document, "fr")


def test_a_translated_text_document_keeps_its_layout(tmp_path):
    source = tmp_path / "lettre.txt"
    source.write_text("Titre\n\nPremière phrase. Deuxième phrase.\n\n\nFin.\n", encoding="utf-8")
    document = read_document(source)
    segments = segment_document(document, "fr")
    out = tmp_path / "letter.txt"
    write_translation(document, segments, ["Title", "First sentence.", "Second sentence.", "End."], str(out))
    assert out.read_text(encoding="utf-8") == "Title\n\nFirst sentence. Second sentence.\n\n\nEnd.\n"
    with pytest.raises(DataError, match="input document itself"):
        write_translation(document, segments, ["a", "b", "c", "d"], str(source))


@pytest.mark.parametrize(
    "head, mentions",
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "legacy Office"),
        (b"{\\rtf1\\ansi Bonjour}", "RTF"),
    ],
)
def test_files_that_are_not_documents_are_named_in_the_refusal(tmp_path, head, mentions):
    path = tmp_path / "lettre.docx"  # the extension lies; the content decides
    path.write_bytes(head)
    with pytest.raises(DataError, match=mentions):
        read_document(path)


def test_a_zip_that_is_no_document_is_refused(tmp_path):
    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes/readme.txt", "bonjour")
    with pytest.raises(DataError, match="a zip archive, not a document"):
        detect_format(path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", b"\0" * (MAX_UNCOMPRESSED_BYTES // 64))
    with pytest.raises(DataError, match="zip bomb"):
        open_zip(path, "ODT")


def test_a_truncated_zip_is_refused_in_one_line(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>" * 100)
    path = tmp_path / "cut.docx"
    path.write_bytes(buffer.getvalue()[:60])
    with pytest.raises(DataError, match="truncated or corrupt DOCX"):
        open_zip(path, "DOCX")


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>',
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]><l>&x;</l>',
        b'<?xml version="1.0"?><!DOCTYPE l SYSTEM "http://example.org/l.dtd"><l/>',
    ],
)
def test_xml_entities_and_external_dtds_are_refused_never_resolved(xml):
    with pytest.raises(DataError, match="entities or an external DTD"):
        parse_xml(xml, "unit.xml", "XLIFF")


def test_entities_hidden_by_a_utf16_encoding_are_refused_too():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE l [<!ENTITY a "aaaa">]><l>&a;</l>'
    with pytest.raises(DataError, match="entities or an external DTD"):
        parse_xml(xml.encode("utf-16"), "unit.xml", "XLIFF")


def test_malformed_xml_is_one_line():
    with pytest.raises(DataError, match="not well-formed XML"):
        parse_xml(b"<xliff><file>", "cut.xlf", "XLIFF")


def test_a_document_without_text_is_refused():
    with pytest.raises(DataError, match="no text found"):
        build_document("empty.docx", "docx", [RawBlock("  "), RawBlock("\n")])
