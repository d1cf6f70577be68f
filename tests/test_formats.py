"""Corpus exchange formats: round trips, TMX validity, and refusal of malformed input."""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from align.errors import DataError
from align.formats import (
    CORPUS_FORMATS,
    TSV_COLUMNS,
    check_beads,
    format_corpus,
    guess_corpus_format,
    moses_paths,
    parse_beads,
    read_beads,
    read_corpus,
    write_corpus,
)
from align.records import Bead, Pair

DATA = Path(__file__).parent / "data"
SINGLE_FILE_FORMATS = ("jsonl", "tsv", "tmx")

ODD_PAIRS = [
    Pair(
        doc="dprk\t2024",
        src_ids=[0],
        tgt_ids=[0],
        src='Déclaration « commune »\tdes <ministres> & "G7" \\N \\t',
        tgt="Joint statement\r\nof the G7's ministers\u2028(line separator) 😀",
        draft=None,
        score=0.9312345678901234,
        bead="1-1",
        flags=["length,ratio", "back\\slash", "tab\there"],
        status="accepted",
    ),
    Pair(doc="dprk\t2024", src_ids=[1, 2], tgt_ids=[], src="Partager\nSuite", tgt="", draft="", score=0.0, bead="2-0"),
    Pair(doc="", src_ids=[], tgt_ids=[3], src="", tgt="\\", draft="Brouillon\\n", score=1.0, bead="0-1", flags=[""], status=""),
]


def _export_import_export(pairs: list[Pair], fmt: str, folder: Path) -> tuple[list[bytes], list[bytes], list[Pair]]:
    first = write_corpus(pairs, folder / f"first.{fmt}", fmt)
    back = read_corpus(folder / f"first.{fmt}", fmt)
    second = write_corpus(back, folder / f"second.{fmt}", fmt)
    return [p.read_bytes() for p in first], [p.read_bytes() for p in second], back


@pytest.mark.parametrize("fmt", CORPUS_FORMATS)
def test_export_import_export_is_byte_identical(fmt: str, tmp_path: Path) -> None:
    first, second, _ = _export_import_export(ODD_PAIRS, fmt, tmp_path)
    assert first == second
    assert all(first)


@pytest.mark.parametrize("fmt", ["jsonl", "tsv", "tmx"])
def test_import_gives_back_the_pairs(fmt: str, tmp_path: Path) -> None:
    # ODD_PAIRS[2] has one empty flag, which TSV cannot tell from no flags: compare the rest.
    pairs = ODD_PAIRS[:2]
    _, _, back = _export_import_export(pairs, fmt, tmp_path)
    assert back == pairs


def test_jsonl_is_the_canonical_record(tmp_path: Path) -> None:
    (path,) = write_corpus(ODD_PAIRS, tmp_path / "c.jsonl", "jsonl")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
    assert rows == [pair.to_dict() for pair in ODD_PAIRS]
    assert "😀" in path.read_text(encoding="utf-8")  # UTF-8, not \u escapes


def test_numpy_numbers_from_an_aligner_are_written_as_plain_numbers(tmp_path: Path) -> None:
    pair = Pair("d", [np.int64(3)], [np.int64(4)], "a", "b", score=np.float32(0.5))
    for fmt in SINGLE_FILE_FORMATS:
        write_corpus([pair], tmp_path / f"c.{fmt}", fmt)
        (back,) = read_corpus(tmp_path / f"c.{fmt}")
        assert (back.src_ids, back.tgt_ids, back.score) == ([3], [4], 0.5)


def test_tsv_has_a_header_and_escapes_tabs_and_newlines(tmp_path: Path) -> None:
    (path,) = write_corpus(ODD_PAIRS, tmp_path / "c.tsv", "tsv")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[0].split("\t")[:5] == ["source", "target", "score", "bead", "flags"]
    assert len(lines) == len(ODD_PAIRS) + 2  # header, one line per pair, final newline
    assert {len(line.split("\t")) for line in lines[:-1]} == {len(TSV_COLUMNS)}
    first = dict(zip(lines[0].split("\t"), lines[1].split("\t")))
    assert first["flags"] == "length\\,ratio,back\\\\slash,tab\\there"
    assert first["draft"] == "\\N" and first["status"] == "accepted"


def test_tsv_reader_accepts_a_reduced_header_in_any_order(tmp_path: Path) -> None:
    path = tmp_path / "hand.tsv"
    path.write_text("target\tsource\nHello\\tthere\tBonjour\n", encoding="utf-8")
    (pair,) = read_corpus(path)
    assert (pair.src, pair.tgt, pair.src_ids, pair.bead, pair.draft) == ("Bonjour", "Hello\tthere", [], "0-0", None)


def test_tmx_is_valid_tmx_14b(tmp_path: Path) -> None:
    (path,) = write_corpus(ODD_PAIRS, tmp_path / "c.tmx", "tmx", src_lang="fr-CA", tgt_lang="en-US")
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    tree = etree.parse(str(path))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">')
    header = tree.find("header")
    assert header.get("srclang") == "fr-CA" and header.get("segtype") == "sentence"
    assert header.get("creationtool") and header.get("creationtoolversion") and header.get("o-tmf")
    tus = tree.findall("body/tu")
    assert len(tus) == len(ODD_PAIRS)
    langs = [tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tus[0].findall("tuv")]
    assert langs == ["fr-CA", "en-US"]
    props = [(p.get("type"), p.text) for p in tus[0].findall("prop")]
    assert ("x-score", "0.9312345678901234") in props and ("x-status", "accepted") in props
    assert [v for k, v in props if k == "x-flag"] == ODD_PAIRS[0].flags


def test_tmx_is_written_a_unit_at_a_time_in_the_layout_of_a_pretty_printed_tree() -> None:
    from align.tmx import format_tmx, write_tmx

    writes: list[str] = []

    class Recorder:
        def write(self, text: str) -> None:
            writes.append(text)

    pairs = [Pair("d", [i], [i], f"Phrase {i}.", f"Sentence {i}.") for i in range(3)]
    write_tmx(pairs, Recorder(), "fr-FR", "en-GB")
    units = [w for w in writes if "<tu " in w]
    assert len(units) == 3 and all(w.count("<tu ") == 1 for w in units)  # never the whole body at once
    tree = etree.fromstring("".join(writes).split("\n", 2)[2].encode())  # without declaration and doctype
    assert "".join(writes).split("\n", 2)[2] == etree.tostring(tree, encoding="unicode", pretty_print=True)
    assert format_tmx([], "fr-FR", "en-GB").endswith("<body/>\n</tmx>\n")


def test_the_dtd_check_rejects_invalid_tmx() -> None:
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    no_header = etree.fromstring(b'<tmx version="1.4"><body><tu><tuv xml:lang="fr"><seg/></tuv></tu></body></tmx>')
    assert not dtd.validate(no_header)


def test_tmx_drops_characters_xml_cannot_carry(tmp_path: Path) -> None:
    pair = Pair("d", [0], [0], "bell\x07 nul\x00 vt\x0b ok", "fine\ufffe")
    _, _, (back,) = _export_import_export([pair], "tmx", tmp_path)
    assert (back.src, back.tgt) == ("bell nul vt ok", "fine")
    assert etree.DTD(str(DATA / "tmx14.dtd")).validate(etree.parse(str(tmp_path / "first.tmx")))


def test_tmx_from_another_tool_keeps_text_and_skips_inline_codes() -> None:
    first, second = read_corpus(DATA / "other_tool.tmx")
    assert (first.src, first.tgt) == ("La déclaration commune.", "The joint statement.")
    assert (first.src_ids, first.tgt_ids, first.bead) == ([0], [0], "1-1")
    assert (second.src, second.tgt, second.src_ids, second.tgt_ids, second.bead) == ("Partager", "", [1], [], "1-0")


def test_comments_and_processing_instructions_in_a_seg_are_not_text(tmp_path: Path) -> None:
    content = GOOD_TMX.replace("<seg>Partager</seg>", "<seg>Par<!-- cut here -->ta<?cat x?>ger</seg>")
    assert read_corpus(_write(tmp_path, "c.tmx", content)) == read_corpus(DATA / "other_tool.tmx")


def test_tmx_in_utf16_is_read(tmp_path: Path) -> None:
    text = (DATA / "other_tool.tmx").read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "utf16.tmx"
    path.write_bytes(text.encode("utf-16"))
    assert read_corpus(path) == read_corpus(DATA / "other_tool.tmx")


def test_moses_writes_two_line_parallel_files_of_aligned_beads(tmp_path: Path) -> None:
    paths = write_corpus(ODD_PAIRS, tmp_path / "train", "moses")
    assert paths == [tmp_path / "train.fr", tmp_path / "train.en"]
    fr, en = (p.read_text(encoding="utf-8").split("\n") for p in paths)
    assert len(fr) == len(en) == 2  # only the 1-1 bead has text on both sides
    assert fr[0] == ODD_PAIRS[0].src
    assert en[0] == "Joint statement of the G7's ministers (line separator) 😀"
    assert moses_paths("x", "de_CH", "fr") == (Path("x.de"), Path("x.fr"))
    with pytest.raises(ValueError):
        moses_paths("x", "en-GB", "en-US")


def test_moses_files_of_different_lengths_are_refused(tmp_path: Path) -> None:
    (tmp_path / "c.fr").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "c.en").write_text("a\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"c\.fr has 2 lines but .*c\.en has 1"):
        read_corpus(tmp_path / "c", "moses")


@pytest.mark.parametrize("fmt", CORPUS_FORMATS)
def test_an_empty_corpus_round_trips(fmt: str, tmp_path: Path) -> None:
    first, second, back = _export_import_export([], fmt, tmp_path)
    assert back == [] and first == second


def test_format_is_guessed_from_the_suffix(tmp_path: Path) -> None:
    assert [guess_corpus_format(f"x.{s}") for s in ("jsonl", "TSV", "tmx")] == ["jsonl", "tsv", "tmx"]
    with pytest.raises(DataError, match="x.txt"):
        read_corpus(tmp_path / "x.txt")
    with pytest.raises(ValueError):
        format_corpus(ODD_PAIRS, "xliff")


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_PAIRS = st.lists(
    st.builds(
        Pair,
        doc=_TEXT,
        src_ids=st.lists(st.integers(0, 10**6), max_size=3),
        tgt_ids=st.lists(st.integers(0, 10**6), max_size=3),
        src=_TEXT,
        tgt=_TEXT,
        draft=st.none() | _TEXT,
        score=st.floats(0, 1),
        bead=_TEXT,
        flags=st.lists(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=10), max_size=3),
        status=st.none() | _TEXT,
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(pairs=_PAIRS)
def test_round_trips_hold_for_any_text(pairs: list[Pair]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for fmt in CORPUS_FORMATS:
            first, second, back = _export_import_export(pairs, fmt, Path(folder))
            assert first == second, fmt
            if fmt in ("jsonl", "tsv"):
                assert back == pairs, fmt
            if fmt == "tmx":
                assert back == [_without_xml_forbidden(pair) for pair in pairs]


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _without_xml_forbidden(pair: Pair) -> Pair:
    def clean(text: str | None) -> str | None:
        return None if text is None else _NOT_IN_XML.sub("", text)

    texts = {name: clean(getattr(pair, name)) for name in ("doc", "src", "tgt", "draft", "bead", "status")}
    return dataclasses.replace(pair, **texts, flags=[clean(f) for f in pair.flags])


# --- malformed input: DataError naming file and line, nothing written --------------------------


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


GOOD_TMX = (DATA / "other_tool.tmx").read_text(encoding="utf-8")
TMX_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD_TMX.replace("</tu>", "", 1), r"bad\.tmx:\d+: not well-formed XML"),
        (GOOD_TMX.encode("latin-1"), r"bad\.tmx:9: not well-formed XML \(Invalid bytes"),
        (GOOD_TMX.replace('<tuv xml:lang="en-US"><seg/></tuv>', ""), r"bad\.tmx:11: <tu> has 1 <tuv>, expected 2"),
        (GOOD_TMX.replace("<seg>Partager</seg>", ""), r"bad\.tmx:12: <tuv> without <seg>"),
        (GOOD_TMX.replace('xml:lang="fr"', 'xml:lang="de"'), r"bad\.tmx:6: expected one <tuv> in source language"),
        (GOOD_TMX.replace("<seg>Partager</seg>", "<seg>Par<sub>t</sub></seg>"), r"bad\.tmx:12: unexpected <sub>"),
        ("<html><body/></html>", r"bad\.tmx:1: not a TMX file"),
        ("", r"bad\.tmx:1: not well-formed XML"),
        (
            GOOD_TMX.replace(TMX_DOCTYPE, '<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
            .replace("<seg>Partager</seg>", "<seg>&xxe;</seg>"),
            r"bad\.tmx:12: entity reference &xxe; is not allowed in TMX",
        ),
        (
            GOOD_TMX.replace(TMX_DOCTYPE, '<!DOCTYPE tmx [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>')
            .replace("<seg>Partager</seg>", "<seg>&b;</seg>"),
            r"bad\.tmx:12: entity reference &b; is not allowed",
        ),
        (
            GOOD_TMX.replace(TMX_DOCTYPE, '<!DOCTYPE tmx [<!ENTITY org "SomeCAT">]>')
            .replace('<note>imported</note>', '<prop type="x-doc">&org;</prop>'),
            r"bad\.tmx:7: entity reference &org; is not allowed",
        ),
    ],
    ids=[
        "unclosed-tu", "latin1-declared-utf8", "missing-tuv", "missing-seg", "no-source-tuv", "bad-inline", "not-tmx",
        "empty", "external-entity", "internal-entities", "entity-in-prop",
    ],
)
def test_malformed_tmx_is_refused(content: str | bytes, message: str, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=message):
        read_corpus(_write(tmp_path, "bad.tmx", content))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("src\ttgt\nBonjour\tHello\n", r"bad\.tsv:1: bad header"),
        ("source\ttarget\tsource\na\tb\tc\n", r"bad\.tsv:1: bad header"),
        ("score\tbead\n1.0\t1-1\n", r"bad\.tsv:1: bad header"),
        ("source\ttarget\nBonjour\tHello\nSalut\n", r"bad\.tsv:3: 1 columns, the header has 2"),
        ("source\ttarget\nBonjour\tHello\textra\n", r"bad\.tsv:2: 3 columns, the header has 2"),
        ("source\ttarget\tscore\na\tb\thigh\n", r"bad\.tsv:2: bad number"),
        ("source\ttarget\tsrc_ids\na\tb\t1,x\n", r"bad\.tsv:2: bad number"),
        ("source\ttarget\tlocator\na\tb\t" + "[" * 100_000 + "\n", r"bad\.tsv:2: the locator is not a JSON object"),
    ],
    ids=["unknown-columns", "duplicate-column", "no-source", "short-row", "long-row", "bad-score", "bad-id", "deep-locator"],
)
def test_malformed_tsv_is_refused(content: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=message):
        read_corpus(_write(tmp_path, "bad.tsv", content))


GOOD_ROW = json.dumps(ODD_PAIRS[0].to_dict())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{GOOD_ROW}\n{{'doc': 1}}\n", r"bad\.jsonl:2: not valid JSON"),
        (f"{GOOD_ROW}\n\n{GOOD_ROW[:-5]}\n", r"bad\.jsonl:3: not valid JSON"),
        (f"{GOOD_ROW}\n[1, 2]\n", r"bad\.jsonl:2: expected a JSON object"),
        ('{"doc": "d", "src": "a", "tgt": "b"}\n', r"bad\.jsonl:1: missing field\(s\) src_ids, tgt_ids"),
        (GOOD_ROW.replace('"src_ids": [0]', '"src_ids": ["0"]') + "\n", r"bad\.jsonl:1: wrong type for field\(s\) src_ids"),
        (GOOD_ROW.replace('"score": 0.9312345678901234', '"score": true') + "\n", r"wrong type for field\(s\) score"),
        (f"{GOOD_ROW}\n" + "[" * 100_000 + "]" * 100_000 + "\n", r"bad\.jsonl:2: JSON nested too deeply"),
    ],
    ids=["bad-json", "truncated-after-blank", "not-object", "missing-fields", "string-ids", "bool-score", "deep-nesting"],
)
def test_malformed_jsonl_is_refused(content: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(DataError, match=message):
        read_corpus(_write(tmp_path, "bad.jsonl", content))


def test_missing_file_is_a_data_error(tmp_path: Path) -> None:
    for fmt in SINGLE_FILE_FORMATS:
        with pytest.raises(DataError, match="no such file"):
            read_corpus(tmp_path / f"absent.{fmt}")


def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write_corpus(ODD_PAIRS, path, "jsonl")
    before = path.read_bytes()
    unencodable = Pair("d", [0], [0], "lone surrogate \udc80", "x")
    with pytest.raises(UnicodeEncodeError):
        write_corpus([unencodable], path, "jsonl")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl"]


# --- beads ------------------------------------------------------------------------------------


def test_bead_checks_name_the_file_and_the_real_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "gold.txt", "[0]:[0]\n\n[1, 2]:[1]\n[3]:[5]\n")
    assert len(read_beads(path)) == 3  # no counts: no checks, as before
    assert len(read_beads(path, n_src=4, n_tgt=6)) == 3
    with pytest.raises(DataError, match=r"gold\.txt:4: target sentence 5 out of range \(the document has 5 target"):
        read_beads(path, n_src=4, n_tgt=5)
    with pytest.raises(DataError, match=r"gold\.txt:3: source sentence 2 out of range"):
        read_beads(path, n_src=2)


def test_overlapping_beads_are_refused_when_checking() -> None:
    text = "[0]:[0]\n[1, 2]:[1]\n[2]:[2]\n"
    assert len(parse_beads(text, "pred")) == 3
    with pytest.raises(DataError, match=r"pred:3: source sentence 2 is already in the bead on line 2"):
        parse_beads(text, "pred", n_src=3, n_tgt=3)
    with pytest.raises(DataError, match=r"<pred>:2: target sentence 0 is already in the bead on line 1"):
        check_beads([Bead((0,), (0,)), Bead((1,), (0,))], "<pred>")


def test_tmx_source_side_is_found_by_exact_tag_before_primary_language(tmp_path: Path) -> None:
    pairs = ODD_PAIRS[:2]
    write_corpus(pairs, tmp_path / "en.tmx", "tmx", src_lang="en-GB", tgt_lang="en-US")
    assert read_corpus(tmp_path / "en.tmx") == pairs
