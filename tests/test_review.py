"""The review workbench, driven the way a translator uses it: a real server process, a real
headless Chromium, keyboard and mouse; then SIGKILL, restart, and check nothing was lost."""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest

from align.errors import DataError
from align.formats import read_corpus
from align.records import Pair
from align.review import ReviewStore, create_app, split_sentences
from conftest import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

needs_browser = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (scripts/install-browser)"
)

CORPUS = [
    Pair("memo", [0], [0], "Bonjour à tous.", "Hello everyone.", "Hello all.", 0.95),
    Pair(
        "memo",
        [1, 2],
        [1, 2],
        "Il pleut. Il fait froid.",
        "It is raining. It is cold.",
        "It rains. It is cold.",
        0.41,
        "2-2",
        ["length-ratio"],
    ),
    Pair("memo", [3], [3], SCRIPT, IMG, "<b>draft</b>", 0.12),
    Pair("memo", [4], [], "Phrase orpheline.", "", "Orphan sentence.", 0.30, "1-0"),
    Pair("memo", [5], [4], "Fin du document.", "End of the document.", "End of document.", 0.88),
]


def write_run(folder: Path) -> Path:
    """A run directory holding CORPUS as its pairs.jsonl."""
    run = folder / "run"
    run.mkdir()
    (run / "pairs.jsonl").write_text("".join(json.dumps(p.to_dict()) + "\n" for p in CORPUS), encoding="utf-8")
    return run


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path)


class Server:
    """``python -m align.review`` as a child process, stopped the hard way (SIGKILL)."""

    def __init__(self, corpus: Path, reviewer: str, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "align.review", str(corpus), "--reviewer", reviewer, *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        line = self.process.stdout.readline() if ready else ""  # type: ignore[union-attr]
        match = re.fullmatch(r"Reviewing (\d+) pairs at (http://\S+/)\n", line)
        if match is None:
            self.kill()
            raise AssertionError(f"server did not start: {line!r} {self.process.stderr.read()!r}")  # type: ignore[union-attr]
        self.count, self.url = int(match[1]), match[2]

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def start_server() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(corpus: Path, reviewer: str = "alice", *extra: str) -> Server:
        servers.append(Server(corpus, reviewer, *extra))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def open_page(browser) -> Iterator[Callable]:
    """Open pages in one browser context (tabs); any JavaScript dialog fails the test."""
    context = browser.new_context(accept_downloads=True)
    dialogs: list[str] = []

    def open_(url: str):
        page = context.new_page()
        page.set_default_timeout(5000)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        return page

    yield open_
    context.close()
    assert dialogs == [], f"a script from the corpus ran: {dialogs}"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def csrf_token(url: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', httpx.get(url).text)[1]  # type: ignore[index]


# ---------------------------------------------------------------------------------------------
# In the browser


@needs_browser
def test_keyboard_review_survives_sigkill(run_dir: Path, start_server, open_page) -> None:
    original = (run_dir / "pairs.jsonl").read_bytes()
    server = start_server(run_dir)
    assert server.count == len(CORPUS)
    page = open_page(server.url)

    page.keyboard.press("a")
    expect(page.locator("#p-1 .status")).to_have_text("accepted")
    expect(page.locator("#p-2")).to_have_class(re.compile("current"))
    page.keyboard.press("r")
    expect(page.locator("#p-2 .status")).to_have_text("rejected")
    page.keyboard.press("k")
    expect(page.locator("#p-2")).to_have_class(re.compile("current"))
    page.keyboard.press("e")
    editor = page.locator("#p-2 .side.tgt textarea")
    expect(editor).to_have_value("It is raining.\nIt is cold.")
    editor.fill("It's raining.\nIt's cold.")
    with page.expect_navigation():
        editor.press("Control+Enter")
    expect(page.locator("#p-2 .side.tgt .text")).to_have_text(["It's raining.", "It's cold."])
    expect(page.locator('[data-count="reviewed"]')).to_have_text("2")
    server.kill()

    server = start_server(run_dir)
    page = open_page(server.url)
    expect(page.locator("#p-1 .status")).to_have_text("accepted")
    expect(page.locator("#p-2 .status")).to_have_text("rejected")
    expect(page.locator("#p-2 .side.tgt .text")).to_have_text(["It's raining.", "It's cold."])
    expect(page.locator("#progress")).to_contain_text("2 of 5 reviewed · 1 accepted · 1 rejected")
    expect(page.locator("#history li")).to_have_text(
        [
            re.compile(r"alice: edited the English of #2"),
            re.compile(r"alice: rejected #2"),
            re.compile("alice: accepted #1"),
        ]
    )
    assert (run_dir / "pairs.jsonl").read_bytes() == original, "the run's own output must never change"


@needs_browser
def test_mouse_merge_split_move_unalign_and_undo(run_dir: Path, start_server, open_page) -> None:
    page = open_page(start_server(run_dir).url)
    bead_kinds = page.locator(".pair .bead-kind")

    with page.expect_navigation():
        page.locator("#p-1 button[data-op=merge]").click()
    expect(bead_kinds).to_have_text(["3-3", "1-1", "1-0", "1-1"])
    expect(page.locator("#p-1 .side.src .text")).to_have_text(["Bonjour à tous.", "Il pleut.", "Il fait froid."])

    with page.expect_navigation():
        page.locator("#p-1 button[data-op=split]").click()
    expect(bead_kinds).to_have_text(["1-1", "2-2", "1-1", "1-0", "1-1"])

    with page.expect_navigation():
        page.keyboard.press("z")  # undo the split
    expect(bead_kinds).to_have_text(["3-3", "1-1", "1-0", "1-1"])
    with page.expect_navigation():
        page.keyboard.press("z")  # and the merge
    expect(bead_kinds).to_have_text(["1-1", "2-2", "1-1", "1-0", "1-1"])
    expect(page.locator("#history li.undone")).to_have_count(2)

    # The orphan French sentence of #4 belongs with #5's English: move it down.
    page.locator("#p-4").click()
    with page.expect_navigation():
        page.locator("#p-4 .side.src button[data-direction=next]").click()
    expect(page.locator("#p-4")).to_have_count(0)
    expect(page.locator("#p-5 .side.src .text")).to_have_text(["Phrase orpheline.", "Fin du document."])
    expect(page.locator("#p-5 .bead-kind")).to_have_text("2-1")

    # Then take it back out as an unaligned sentence of its own.
    page.locator("#p-5").click()
    with page.expect_navigation():
        page.locator("#p-5 .side.src button[data-op=unalign]").first.click()
    expect(bead_kinds).to_have_text(["1-1", "2-2", "1-1", "1-0", "1-1"])
    expect(page.locator(".pair").nth(3).locator(".side.src .text")).to_have_text("Phrase orpheline.")
    expect(page.locator(".pair").nth(3).locator(".side.draft .text")).to_have_text("Orphan sentence.")


@needs_browser
def test_a_stale_tab_is_refused_with_a_message(run_dir: Path, start_server, open_page) -> None:
    server = start_server(run_dir)
    first, second = open_page(server.url), open_page(server.url)
    first.locator("#p-1 button[data-op=edit-tgt]").click()
    first.locator("#p-1 textarea").fill("Hello, all of you.")
    with first.expect_navigation():
        first.locator("#p-1 textarea").press("Control+Enter")

    second.locator("#p-1 button[data-op=edit-tgt]").click()
    second.locator("#p-1 textarea").fill("Hi everyone.")
    with second.expect_response(re.compile(r"/api/pairs/1/edit")) as response:
        second.locator("#p-1 textarea").press("Control+Enter")
    assert response.value.status == 409
    expect(second.locator("#message")).to_be_visible()
    expect(second.locator("#message-text")).to_contain_text("changed in another tab")
    with second.expect_navigation():
        second.locator("#reload").click()
    expect(second.locator("#p-1 .side.tgt .text")).to_have_text("Hello, all of you.")

    # Merging into a neighbour that changed elsewhere is refused just the same.
    first.reload()
    first.locator("#p-2 button[data-op=accepted]").click()
    expect(first.locator("#p-2 .status")).to_have_text("accepted")
    with second.expect_response(re.compile(r"/api/pairs/1/merge")) as response:
        second.locator("#p-1 button[data-op=merge]").click()
    assert response.value.status == 409
    expect(second.locator(".pair")).to_have_count(5)


@needs_browser
def test_corpus_markup_is_shown_as_text(run_dir: Path, start_server, open_page) -> None:
    page = open_page(start_server(run_dir).url)
    expect(page.locator("#p-3 .side.src .text")).to_have_text(SCRIPT)
    expect(page.locator("#p-3 .side.tgt .text")).to_have_text(IMG)
    expect(page.locator("#p-3 .side.draft .text")).to_have_text("<b>draft</b>")
    assert page.locator("#pairs img, #pairs b, #pairs script").count() == 0

    page.locator("#p-1 button[data-op=edit-tgt]").click()
    page.locator("#p-1 textarea").fill(IMG + SCRIPT)
    with page.expect_navigation():
        page.locator("#p-1 textarea").press("Control+Enter")
    expect(page.locator("#p-1 .side.tgt .text")).to_have_text(IMG + SCRIPT)
    assert page.locator("#pairs img, #pairs script").count() == 0
    page.fill('input[name="q"]', "onerror")
    with page.expect_navigation():
        page.press('input[name="q"]', "Enter")
    expect(page.locator(".pair")).to_have_count(2)


@needs_browser
def test_filters_sort_and_export_of_accepted_pairs(run_dir: Path, start_server, open_page, tmp_path: Path) -> None:
    server = start_server(run_dir)
    page = open_page(server.url)
    for pair_id in (2, 5):
        page.locator(f"#p-{pair_id} button[data-op=accepted]").click()
        expect(page.locator(f"#p-{pair_id} .status")).to_have_text("accepted")
    page.locator("#p-3 button[data-op=rejected]").click()
    expect(page.locator("#p-3 .status")).to_have_text("rejected")

    with page.expect_navigation():
        page.select_option('select[name="sort"]', "score")
    expect(page.locator(".pair .number")).to_have_text(["#3", "#4", "#2", "#5", "#1"])
    with page.expect_navigation():
        page.select_option('select[name="status"]', "unreviewed")
    expect(page.locator(".pair .number")).to_have_text(["#4", "#1"])
    with page.expect_navigation():
        page.check('input[name="flagged"]')
    expect(page.locator(".pair")).to_have_count(0)

    with page.expect_download() as download:
        page.click("a[href='/export/tsv']")
    exported = tmp_path / "accepted.tsv"
    download.value.save_as(exported)
    pairs = read_corpus(exported)
    assert [p.src for p in pairs] == ["Il pleut. Il fait froid.", "Fin du document."]
    assert [p.status for p in pairs] == ["accepted", "accepted"]
    assert pairs[0].src_ids == [1, 2] and pairs[0].draft == "It rains. It is cold."
    for fmt in ("tmx", "jsonl"):
        (tmp_path / f"accepted.{fmt}").write_bytes(httpx.get(f"{server.url}export/{fmt}").content)
        assert read_corpus(tmp_path / f"accepted.{fmt}") == pairs


# ---------------------------------------------------------------------------------------------
# Over plain HTTP


def test_state_changes_need_the_page_token(run_dir: Path, start_server) -> None:
    server = start_server(run_dir)
    url = server.url + "api/pairs/1/accepted"
    body = {"versions": {"1": 1}}
    assert httpx.post(url, json=body).status_code == 403
    assert httpx.post(url, json=body, headers={"X-CSRF-Token": "guess"}).status_code == 403
    assert httpx.post(url, json=body, headers={"X-CSRF-Token": "gu\xe9ss".encode("latin-1")}).status_code == 403
    form = httpx.post(url, data={"versions": "1"}, headers={"X-CSRF-Token": csrf_token(server.url)})
    assert form.status_code == 415
    assert ReviewStore.open(run_dir).progress().reviewed == 0
    accepted = httpx.post(url, json=body, headers={"X-CSRF-Token": csrf_token(server.url)})
    assert accepted.status_code == 200 and accepted.json()["progress"]["accepted"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/static/../review.py",
        "/static/%2e%2e/review.py",
        "/static/..%2freview.py",
        "/static/%2e%2e/%2e%2e/records.py",
        "/static//etc/passwd",
        "/static/../../pyproject.toml",
    ],
)
def test_no_file_outside_the_assets_is_served(run_dir: Path, start_server, path: str) -> None:
    server = start_server(run_dir)
    host, port = server.url.split("/")[2].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)  # sent as written, not normalised by a client library
    response = connection.getresponse()
    body = response.read()
    assert response.status == 404 and b"import" not in body and b"root:" not in body
    connection.request("GET", "/static/review.js")
    assert connection.getresponse().status == 200


def test_requests_for_other_host_names_are_refused(run_dir: Path, start_server) -> None:
    server = start_server(run_dir)
    assert httpx.get(server.url, headers={"Host": "attacker.example"}).status_code == 400
    assert httpx.get(server.url).headers["content-security-policy"].startswith("default-src 'none'")


def test_a_public_host_is_warned_about(run_dir: Path, start_server) -> None:
    server = start_server(run_dir, "bob", "--host", "0.0.0.0")
    assert server.url.startswith("http://0.0.0.0:")
    server.kill()
    assert "warning" in server.process.stderr.read()  # type: ignore[union-attr]


def test_two_reviews_of_a_corpus_file_keep_their_store_beside_it(tmp_path: Path, start_server) -> None:
    corpus = tmp_path / "memo.tmx"
    from align.formats import write_corpus

    write_corpus(CORPUS, corpus, "tmx")
    server = start_server(corpus, "carol")
    assert (tmp_path / "memo.tmx.review.sqlite3").exists() and server.count == len(CORPUS)


# ---------------------------------------------------------------------------------------------
# In process (two reviewers, two apps on one corpus)


def reviewer_client(corpus: Path, name: str):
    from starlette.testclient import TestClient

    client = TestClient(create_app(corpus, name), base_url="http://127.0.0.1")
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/").text)[1]  # type: ignore[index]
    client.headers["X-CSRF-Token"] = token
    return client


def test_undo_never_discards_another_reviewers_later_change(run_dir: Path) -> None:
    alice, bob = reviewer_client(run_dir, "alice"), reviewer_client(run_dir, "bob")
    assert alice.post("/api/pairs/1/edit", json={"versions": {"1": 1}, "field": "tgt", "text": "Hi all."}).is_success
    assert bob.post("/api/pairs/1/rejected", json={"versions": {"1": 2}}).is_success
    refused = alice.post("/api/undo", json={})
    assert refused.status_code == 409 and "#1 has changed since" in refused.json()["error"]
    assert bob.post("/api/undo", json={}).is_success
    assert alice.post("/api/undo", json={}).is_success
    assert alice.post("/api/undo", json={}).json()["error"] == "Nothing to undo"
    bead = ReviewStore.open(run_dir).beads()[0]
    assert (bead.tgt[0].text, bead.status, bead.version) == ("Hello everyone.", None, 5)


def test_edits_keep_one_line_per_sentence(run_dir: Path) -> None:
    client = reviewer_client(run_dir, "alice")
    draft = client.post("/api/pairs/2/edit", json={"versions": {"2": 1}, "field": "draft", "text": "One line."})
    assert draft.status_code == 400 and "one draft line per French sentence (2 lines" in draft.json()["error"]
    empty = client.post("/api/pairs/2/edit", json={"versions": {"2": 1}, "field": "tgt", "text": " \n "})
    assert empty.status_code == 400
    joined = client.post("/api/pairs/2/edit", json={"versions": {"2": 1}, "field": "tgt", "text": "Rain, cold."})
    assert joined.is_success
    pair = ReviewStore.open(run_dir).beads()[1].to_pair()
    assert (pair.tgt, pair.tgt_ids, pair.bead, pair.draft) == ("Rain, cold.", [1, 2], "2-2", "It rains. It is cold.")


# ---------------------------------------------------------------------------------------------
# Without a server


def test_a_bad_corpus_stops_the_server_with_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "align.review", str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"error: {tmp_path}: no pairs.jsonl here (not a run directory with a reference)\n"


def test_bad_corpora_are_one_line_data_errors(tmp_path: Path, run_dir: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        create_app(tmp_path / "missing.tmx", "alice")
    with pytest.raises(DataError, match="no pairs.jsonl"):
        create_app(tmp_path, "alice")
    (tmp_path / "broken.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(DataError):
        create_app(tmp_path / "broken.jsonl", "alice")
    assert not (tmp_path / "broken.jsonl.review.sqlite3").exists()

    create_app(run_dir, "alice")
    with (run_dir / "pairs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(CORPUS[0].to_dict()) + "\n")
    with pytest.raises(DataError, match="another version"):
        create_app(run_dir, "alice")


def test_sentences_come_from_the_run_segments_when_the_text_is_ambiguous(tmp_path: Path) -> None:
    pair = Pair("memo", [0, 1], [0], "M. Dupont arrive. Il parle.", "Mr Dupont arrives and speaks.")
    segments = [
        {"id": 0, "text": "M. Dupont arrive.", "start": 0, "end": 17},
        {"id": 1, "text": "Il parle.", "start": 18, "end": 27},
    ]
    without, with_segments = tmp_path / "without", tmp_path / "with"
    for run in (without, with_segments):
        run.mkdir()
        (run / "pairs.jsonl").write_text(json.dumps(pair.to_dict()) + "\n", encoding="utf-8")
    (with_segments / "segments.fr.jsonl").write_text("".join(json.dumps(s) + "\n" for s in segments), encoding="utf-8")

    assert [s.ids for s in ReviewStore.open(without).beads()[0].src] == [[0, 1]]  # no guessing
    sentences = ReviewStore.open(with_segments).beads()[0].src
    assert [(s.ids, s.text) for s in sentences] == [([0], "M. Dupont arrive."), ([1], "Il parle.")]


@pytest.mark.parametrize(
    "text, count, expected",
    [
        ("Il pleut. Il fait froid.", 2, ["Il pleut.", "Il fait froid."]),
        ("Il a dit « non. » Puis il est parti !", 2, ["Il a dit « non. »", "Puis il est parti !"]),
        ("Voir la p. suivante. Fin.", 2, ["Voir la p. suivante.", "Fin."]),
        ("Un. Deux. Trois.", 2, None),
        ("Une seule phrase.", 2, None),
        ("Une seule phrase.", 1, ["Une seule phrase."]),
    ],
)
def test_split_sentences_never_guesses(text: str, count: int, expected: list[str] | None) -> None:
    assert split_sentences(text, count) == expected
