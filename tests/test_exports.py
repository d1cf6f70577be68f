"""Exports read back by the clients people open them with."""

from __future__ import annotations

import pytest

from align.exports import ExportOptions, export_corpus
from align.records import Pair

PAIRS = [
    Pair("seed", [0], [0], "Déclaration commune.", "Joint statement.", "Common declaration.", 0.93, "1-1",
         locator={"cue": 1, "start": "00:00:01,000", "end": "00:00:03,000"}),
    Pair("seed", [1, 2], [1], "Nous condamnons. Fermement.", "We firmly condemn.", "We condemn. Firmly.", 0.31,
         "2-1", ["draft:number-missing:3"],
         locator={"cue": 2, "start": "00:00:03,500", "end": "00:00:05,000",
                  "until": {"cue": 3, "start": "00:00:05,000", "end": "00:00:07,250"}, "blocks": [1, 2]}),
    Pair("seed", [], [2], "", "Signed by the ministers.", None, 0.8, "0-1"),
]


def test_xlsx_is_a_review_sheet_that_openpyxl_and_polars_read(tmp_path):
    import openpyxl
    import polars as pl

    out = tmp_path / "pairs.xlsx"
    export_corpus(PAIRS, out, "xlsx")
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:5] == ["id", "French", "English reference", "Draft", "Confidence"]
    assert sheet.freeze_panes == "B2"
    assert sheet["B3"].value == "Nous condamnons. Fermement." and sheet["B3"].alignment.wrap_text
    low, high = sheet["B3"].fill.fgColor.rgb, sheet["B2"].fill.fgColor.rgb
    assert low != high  # the low-confidence row stands out
    assert sheet.column_dimensions["B"].width >= 40
    frame = pl.read_excel(out, engine="openpyxl")
    assert frame.height == 3 and frame["English reference"][2] == "Signed by the ministers."


def test_bilingual_docx_is_a_two_column_table(tmp_path):
    import docx

    out = tmp_path / "bilingual.docx"
    export_corpus(PAIRS, out, "docx")
    table = docx.Document(out).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0][0].startswith("French") and rows[0][1].startswith("English")
    assert rows[1] == ["Déclaration commune.", "Joint statement."]
    export_corpus(PAIRS, out, "docx", ExportOptions(targets="draft"))
    assert docx.Document(out).tables[0].rows[1].cells[1].text == "Common declaration."


def test_xliff_has_unconfirmed_targets_that_translate_toolkit_and_lxml_read(tmp_path):
    from lxml import etree
    from translate.storage import factory

    out = tmp_path / "drafts.xlf"
    export_corpus(PAIRS, out, "xliff", ExportOptions(targets="draft"))
    root = etree.parse(str(out)).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    assert root.get("version") == "1.2"
    targets = root.findall(".//x:trans-unit/x:target", ns)
    assert [t.get("state") for t in targets] == ["needs-review-translation"] * 2
    store = factory.getobject(str(out))
    units = [u for u in store.units if not u.isheader()]
    assert [(u.source, u.target) for u in units] == [
        ("Déclaration commune.", "Common declaration."), ("Nous condamnons. Fermement.", "We condemn. Firmly."),
    ]


def test_srt_and_vtt_keep_the_source_timings(tmp_path):
    import srt

    out = tmp_path / "film.en.srt"
    export_corpus(PAIRS, out, "srt", ExportOptions(targets="draft"))
    cues = list(srt.parse(out.read_text(encoding="utf-8")))
    assert [(c.content, srt.timedelta_to_srt_timestamp(c.start), srt.timedelta_to_srt_timestamp(c.end)) for c in cues] == [
        ("Common declaration.", "00:00:01,000", "00:00:03,000"),
        ("We condemn. Firmly.", "00:00:03,500", "00:00:07,250"),
    ]
    vtt = tmp_path / "film.en.vtt"
    export_corpus(PAIRS, vtt, "vtt")
    assert vtt.read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nJoint statement.\n")


def test_subtitles_without_timings_are_refused(tmp_path):
    from align.errors import DataError

    with pytest.raises(DataError, match="no pair has subtitle timings"):
        export_corpus([PAIRS[2]], tmp_path / "x.srt", "srt")
    assert not (tmp_path / "x.srt").exists()
