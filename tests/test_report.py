"""The HTML run report: self-contained, escaped, and really rendered by a browser."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from align.cli import main
from align.errors import DataError
from align.formats import write_corpus
from align.pipeline import RunOptions, run_document
from align.records import Pair
from align.report import _pooled, render_html, write_report
from conftest import SEED_EN, SEED_FR

PAIRS = [
    Pair("doc", [0], [], "Titre", "", "Title", 0.2, "1-0", ["low-confidence"]),
    Pair("doc", [1], [0], "Il pleut.", "It is raining.", "It rains.", 0.9, "1-1", locator={"page": 2, "paragraph": 3}),
    Pair("doc", [2, 3], [1], "Il fait froid. <script>alert(1)</script>", "It is cold and <b>late</b>.",
         "It is cold. <script>alert(1)</script>", 0.6, "2-1", ["draft:untranslated", "number-changed:2270"],
         locator={"cue": 4, "start": "00:00:01,000", "end": "00:00:02,500"}),
]
# "froid" is a term; its English is in the reference, not in the draft; "<b>" must stay text.
GLOSSARY = "froid\tcold\n<b>pluie</b>\t<i>rain</i>\n"


@pytest.fixture
def run_dir(tmp_path):
    write_corpus(PAIRS, tmp_path / "pairs.jsonl", "jsonl")
    (tmp_path / "report.json").write_text(json.dumps({"document": "doc", "counts": {"beads": 3}}))
    return tmp_path


def test_report_is_self_contained_and_escaped(run_dir):
    similarity = np.eye(4, 2, dtype=np.float32)
    html = render_html(run_dir, similarity)
    assert html.count("data:image/png;base64,") == 3  # alignment path, confidence, drafts
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from outside


def test_report_refuses_a_directory_without_pairs(tmp_path):
    with pytest.raises(DataError, match="no pairs.jsonl"):
        render_html(tmp_path)


@pytest.mark.parametrize("summary", ["{'document': 'doc'}", "[1, 2]"])
def test_a_damaged_report_json_is_refused_in_one_line(run_dir, summary):
    (run_dir / "report.json").write_text(summary)
    with pytest.raises(DataError, match="report.json: not the JSON object align run writes"):
        write_report(run_dir)


def test_damaged_segments_are_refused_in_one_line(run_dir):
    (run_dir / "segments.fr.jsonl").write_text('{"id": 0}\n')
    (run_dir / "segments.en.jsonl").write_text('{"id": 0, "text": "It rains."}\n')
    with pytest.raises(DataError, match="segments.fr.jsonl:1: missing field"):
        write_report(run_dir)


def test_large_matrices_are_pooled_by_maximum():
    matrix = np.zeros((1000, 10), dtype=np.float32)
    matrix[999, 9] = 1.0
    pooled, fy, fx = _pooled(matrix, 100)
    assert pooled.shape == (100, 10) and (fy, fx) == (10.0, 1.0)
    assert pooled[99, 9] == 1.0


def test_report_renders_in_headless_chromium(run_dir, browser):
    path = write_report(run_dir, np.eye(4, 2, dtype=np.float32))
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    page.goto(path.as_uri())
    for plot in ("#plot-alignment", "#plot-confidence", "#plot-drafts"):
        assert page.eval_on_selector(plot, "img => img.complete && img.naturalWidth > 100"), plot
    assert page.locator("#low-confidence tr").count() == 1 + len(PAIRS)
    assert "<script>alert(1)</script>" in page.locator("#flagged").inner_text()
    assert page.locator("#low-confidence .where").all_inner_texts() == [
        "cue 4, start 00:00:01,000, end 00:00:02,500", "page 2, paragraph 3"
    ]
    assert errors == []
    page.close()


def _cells(html: str, table: str) -> str:
    return re.search(rf'<table id="{table}">.*?</table>', html, re.S)[0]  # type: ignore[index]


def test_tables_show_each_pair_locator_and_flags_in_words(run_dir):
    html = render_html(run_dir)
    for table in ("low-confidence", "flagged"):
        cells = _cells(html, table)
        assert '<small class="where">cue 4, start 00:00:01,000, end 00:00:02,500</small>' in cells
    assert '<small class="where">page 2, paragraph 3</small>' in _cells(html, "low-confidence")
    flagged = _cells(html, "flagged")
    assert '<span class="flag" title="draft:untranslated">The draft is still in French.</span>' in flagged
    assert "does not have the source&#39;s number 2270." in flagged
    assert "draft:untranslated, " not in flagged  # words, not the bare codes


def test_glossary_terms_are_marked_on_both_sides_and_escaped(run_dir, tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    path = write_report(run_dir, np.eye(4, 2, dtype=np.float32), glossary=glossary)
    flagged = _cells(path.read_text(encoding="utf-8"), "flagged")
    assert 'Il fait <mark class="term" title="glossary: cold">froid</mark>. &lt;script&gt;' in flagged
    assert 'It is <mark class="term" title="glossary: froid">cold</mark> and &lt;b&gt;late&lt;/b&gt;.' in flagged
    assert flagged.count("<mark") == 3  # French, reference and draft ("It is cold."); the Title row has no term
    assert "<script>" not in flagged and "<b>" not in flagged
    assert 'id="glossary-note"' in path.read_text(encoding="utf-8")
    assert "<mark" not in render_html(run_dir)  # no glossary: nothing marked


def test_report_marks_the_glossary_run_recorded_and_cli_takes_one(run_dir, tmp_path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(GLOSSARY, encoding="utf-8")
    (run_dir / "report.json").write_text(json.dumps({"document": "doc", "glossary": str(glossary)}))
    assert '<mark class="term"' in write_report(run_dir, np.eye(4, 2)).read_text(encoding="utf-8")
    glossary.unlink()  # moved away since the run: the report is still written, unmarked
    assert "<mark" not in write_report(run_dir, np.eye(4, 2)).read_text(encoding="utf-8")

    other = tmp_path / "other.tsv"
    other.write_text("pleut\tis raining\n", encoding="utf-8")
    (run_dir / "report.json").write_text(json.dumps({"document": "doc", "embedder": "use"}))
    result = CliRunner().invoke(main, ["report", str(run_dir), "--glossary", str(other)])
    assert result.exit_code == 0, result.output
    assert 'title="glossary: pleut">is raining</mark>' in (run_dir / "report.html").read_text(encoding="utf-8")
    bad = tmp_path / "bad.tsv"
    bad.write_text("one field only\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", str(run_dir), "--glossary", str(bad)])
    assert result.exit_code == 1 and "line 1" in result.output and "Traceback" not in result.output


def test_run_with_a_glossary_marks_its_terms_in_the_report(tmp_path: Path):
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("troupe\ttroops\nhaut représentant\tHigh Representative\n", encoding="utf-8")
    out = tmp_path / "run"
    run_document(SEED_FR, SEED_EN, out, RunOptions(translate=False, glossary=str(glossary)))
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["glossary"] == str(glossary.resolve())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r'<mark class="term" title="glossary: troops">troupes</mark>', html)
    assert re.search(r'<mark class="term" title="glossary: troupe">troops</mark>', html)
