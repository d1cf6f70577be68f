"""What review shows beside the texts: each pair's locator (kept through merges, splits and
moves, and in exports), flags in words with a filter by flag kind, and glossary terms marked
on both sides, escaped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from align.cli import main
from align.formats import read_corpus, write_corpus
from align.highlight import term_marks
from align.records import Pair
from align.review import ReviewBead, create_app
from align.review.web import View, flag_counts, flag_kind
from test_review import expect, needs_browser, open_page, start_server  # noqa: F401  (fixtures)

LOCATORS = [{"page": 1, "paragraph": 1}, {"page": 1, "paragraph": 2}, {"page": 2, "paragraph": 1}, {"page": 3}]
PAIRS = [
    Pair("memo", [0], [0], "Les troupes arrivent.", "The troops arrive.", "Troops arrive.", 0.9, "1-1",
         ["entity-missing:Indo-Pacific"], locator=LOCATORS[0]),
    Pair("memo", [1, 2], [1], "Il pleut. Le haut représentant parle.", "It rains; the High Representative speaks.",
         "It rains. The representative speaks.", 0.6, "2-1",
         ["number-changed:2270", "draft:term-missing:High Representative"], locator=LOCATORS[1]),
    Pair("memo", [3], [2], "Fin <b>des</b> troupes.", "End of the <i>troops</i>.", "End of troops.", 0.8, "1-1",
         ["entity-missing:Russie", "draft:term-missing:troops"], locator=LOCATORS[3]),
    Pair("memo", [], [3], "", "An English sentence alone.", None, 0.3, "0-1"),
]
GLOSSARY = "troupe\ttroops\nhaut représentant\tHigh Representative\n"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A run directory: pairs, and French segments that know each sentence's place."""
    run = tmp_path / "run"
    run.mkdir()
    write_corpus(PAIRS, run / "pairs.jsonl", "jsonl")
    texts = ["Les troupes arrivent.", "Il pleut.", "Le haut représentant parle.", "Fin <b>des</b> troupes."]
    segments = [{"id": i, "text": t, "start": 0, "end": len(t), "locator": loc} for i, (t, loc) in
                enumerate(zip(texts, LOCATORS, strict=True))]
    (run / "segments.fr.jsonl").write_text("".join(json.dumps(s) + "\n" for s in segments), encoding="utf-8")
    return run


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text(GLOSSARY, encoding="utf-8")
    return path


def client_for(corpus: Path, glossary: Path | None = None) -> TestClient:
    client = TestClient(create_app(corpus, "alice", marks=term_marks(glossary)), base_url="http://127.0.0.1")
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)[1]  # type: ignore[index]
    return client


def post(client: TestClient, bead: int, action: str, versions: dict[int, int], **body) -> dict:
    reply = client.post(f"/api/pairs/{bead}/{action}", json={"versions": versions, **body})
    assert reply.is_success, reply.text
    return reply.json()


def where(client: TestClient) -> list[str]:
    return re.findall(r'<span class="where"[^>]*>([^<]*)</span>', client.get("/").text)


# ---------------------------------------------------------------------------------------------
# Locators


def test_a_pair_keeps_its_locator_through_merge_split_and_move(run_dir: Path, tmp_path: Path) -> None:
    client = client_for(run_dir)
    assert where(client) == ["page 1, paragraph 1", "page 1, paragraph 2", "page 3"]

    post(client, 1, "merge", {1: 1, 2: 1})  # a merged bead keeps the first bead's locator
    assert where(client) == ["page 1, paragraph 1", "page 3"]
    post(client, 1, "split", {1: 2})  # the rest starts at sentence 1, whose place the run knows
    assert where(client) == ["page 1, paragraph 1", "page 1, paragraph 2", "page 3"]
    new = max(int(i) for i in re.findall(r'data-id="(\d+)"', client.get("/").text))
    post(client, new, "move", {new: 1, 3: 1}, side="src", direction="next")  # sentence 2 joins #3 at its start
    assert where(client)[-1] == "page 2, paragraph 1"

    post(client, 3, "accepted", {3: 2})
    exported = read_corpus(client_export(client, tmp_path))
    assert [(p.src_ids, p.locator) for p in exported] == [([2, 3], LOCATORS[2])]


def client_export(client: TestClient, tmp_path: Path) -> Path:
    path = tmp_path / "accepted.jsonl"
    path.write_bytes(client.get("/export/jsonl").content)
    return path


def test_a_corpus_file_gives_its_pairs_locators_and_never_guesses_one(tmp_path: Path) -> None:
    corpus = tmp_path / "memo.tmx"
    write_corpus(PAIRS, corpus, "tmx")
    client = client_for(corpus)
    assert where(client) == ["page 1, paragraph 1", "page 1, paragraph 2", "page 3"]
    post(client, 2, "split", {2: 1})
    assert where(client) == ["page 1, paragraph 1", "page 1, paragraph 2", "page 3"]  # sentence 2's place is unknown


def test_a_store_from_before_locators_still_opens() -> None:
    state = {"seq": 1.0, "doc": "memo", "src": [{"ids": [0], "text": "Bonjour.", "draft": None}],
             "tgt": [{"ids": [0], "text": "Hello."}], "score": 0.9, "flags": [], "status": None, "live": True,
             "reviewer": None}
    bead = ReviewBead.from_state(1, 1, state)
    assert bead.locator is None and bead.to_pair().locator is None


# ---------------------------------------------------------------------------------------------
# Flags


def test_flag_kinds_drop_the_value_and_keep_the_draft_prefix() -> None:
    assert flag_kind("entity-missing:Indo-Pacific") == "entity-missing"
    assert flag_kind("draft:term-missing:High Representative") == "draft:term-missing"
    assert flag_kind("number-changed:12:30") == "number-changed"
    assert flag_kind("negation-lost") == "negation-lost"
    beads = [ReviewBead(1, 1.0, "d", [], [], 1.0, ["entity-missing:A", "entity-missing:B", "omission:0.4"])]
    beads.append(ReviewBead(2, 2.0, "d", [], [], 1.0, ["entity-missing:C"]))
    assert flag_counts(beads) == [("entity-missing", 2), ("omission", 1)]  # beads carrying it, not flags


def test_the_page_filters_by_flag_kind_and_says_each_flag_in_words(run_dir: Path) -> None:
    client = client_for(run_dir)
    page = client.get("/").text
    options = re.findall(r'<option value="([^"]*)" >([^<]*)</option>', re.search(r'name="flag">(.*?)</select>', page, re.S)[1])  # type: ignore[index]
    assert options == [
        ("draft:term-missing", "draft:term-missing (2)"),
        ("entity-missing", "entity-missing (2)"),
        ("number-changed", "number-changed (1)"),
    ]
    assert ('<span class="flag" title="draft:term-missing:High Representative">The draft does not use the '
            "glossary&#39;s term &#39;High Representative&#39;.</span>") in page

    shown = client.get("/", params={"flag": "draft:term-missing"}).text
    assert re.findall(r'data-id="(\d+)"', shown) == ["2", "3"]
    assert re.search(r'<option value="draft:term-missing" selected>', shown)
    assert re.findall(r'data-id="(\d+)"', client.get("/", params={"flag": "number-changed"}).text) == ["2"]
    gone = client.get("/", params={"flag": "addition"}).text  # a kind no pair carries (any more)
    assert "No pairs match this view." in gone and '<option value="addition" selected>addition (0)</option>' in gone
    assert View(flag="draft:term-missing").query(2) == "?flag=draft%3Aterm-missing&page=2"  # pages keep it


# ---------------------------------------------------------------------------------------------
# Glossary terms


def test_glossary_terms_are_marked_on_both_sides_from_escaped_pieces(run_dir: Path, glossary: Path) -> None:
    page = client_for(run_dir, glossary).get("/").text
    src = re.search(r'id="p-3".*?</article>', page, re.S)[0]  # type: ignore[index]
    assert 'Fin &lt;b&gt;des&lt;/b&gt; <mark class="term" title="glossary: troops">troupes</mark>.' in src
    assert 'End of the &lt;i&gt;<mark class="term" title="glossary: troupe">troops</mark>&lt;/i&gt;.' in src
    assert 'End of <mark class="term" title="glossary: troupe">troops</mark>.' in src  # the draft too
    second = re.search(r'id="p-2".*?</article>', page, re.S)[0]  # type: ignore[index]
    assert 'the <mark class="term" title="glossary: haut représentant">High Representative</mark> speaks' in second
    assert "The representative speaks." in second  # the draft lacks the term: nothing marked there
    assert "<b>" not in page and "<i>" not in page
    assert "<mark" not in client_for(run_dir).get("/").text


def test_align_review_passes_its_glossary_on(run_dir: Path, glossary: Path, monkeypatch) -> None:
    served: dict = {}
    monkeypatch.setattr("align.review.serve", lambda corpus, **options: served.update(options, corpus=corpus))
    result = CliRunner().invoke(main, ["review", str(run_dir), "--glossary", str(glossary)])
    assert result.exit_code == 0, result.output
    assert served["corpus"] == run_dir and served["glossary"] == glossary


# ---------------------------------------------------------------------------------------------
# In the browser


@needs_browser
def test_the_reviewer_filters_by_flag_and_sees_locators_and_terms(
    run_dir: Path, glossary: Path, start_server, open_page  # noqa: F811  (fixtures)
) -> None:
    # The run's glossary is found through report.json, as 'align run --glossary' records it.
    (run_dir / "report.json").write_text(json.dumps({"document": "memo", "glossary": str(glossary)}), encoding="utf-8")
    page = open_page(start_server(run_dir).url)
    expect(page.locator("#p-1 .where")).to_have_text("page 1, paragraph 1")
    expect(page.locator("#p-3 .side.src mark")).to_have_text("troupes")
    expect(page.locator("#p-3 .side.tgt mark")).to_have_attribute("title", "glossary: troupe")
    expect(page.locator("#p-1 .flag")).to_have_attribute("title", "entity-missing:Indo-Pacific")
    expect(page.locator("#p-1 .flag")).to_have_text("The translation does not render 'Indo-Pacific' from the source.")

    with page.expect_navigation():
        page.select_option('select[name="flag"]', "draft:term-missing")
    expect(page.locator(".pair .number")).to_have_text(["#2", "#3"])
    expect(page.locator('select[name="flag"]')).to_have_value("draft:term-missing")
    expect(page.locator("#p-2 .where")).to_have_text("page 1, paragraph 2")

    page.locator("#p-3 button[data-op=edit-tgt]").click()  # the editor holds the text, not the marks
    expect(page.locator("#p-3 textarea")).to_have_value("End of the <i>troops</i>.")
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.select_option('select[name="flag"]', "")
    expect(page.locator(".pair")).to_have_count(len(PAIRS))
