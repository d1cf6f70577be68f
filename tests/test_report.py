"""The HTML run report: self-contained, escaped, and really rendered by a browser."""

from __future__ import annotations

import json

import numpy as np
import pytest

from align.errors import DataError
from align.formats import write_corpus
from align.records import Pair
from align.report import _pooled, render_html, write_report

PAIRS = [
    Pair("doc", [0], [], "Titre", "", "Title", 0.2, "1-0", ["low-confidence"]),
    Pair("doc", [1], [0], "Il pleut.", "It is raining.", "It rains.", 0.9, "1-1"),
    Pair("doc", [2, 3], [1], "Il fait froid. <script>alert(1)</script>", "It is cold and <b>late</b>.",
         "It is cold. <script>alert(1)</script>", 0.6, "2-1", ["draft:untranslated"]),
]


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
    assert errors == []
    page.close()
