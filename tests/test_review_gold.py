"""Reviews become gold, and double review's agreement: in process, without a browser."""

from __future__ import annotations

import json
import re
import sqlite3
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from align.cli import main
from align.formats import read_beads
from align.review import ReviewStore, build_app, open_review
from align.review.accounts import Accounts, Member, read_team
from align.review.agreement import cohen_kappa
from align.errors import DataError
from test_review import write_run

@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path)


FRENCH = [
    "Le chat dort sur le canapé et il rêve de souris toute la nuit.",
    "Il pleut depuis trois jours à Paris.",
    "Les enfants jouent dans le jardin.",
    "Le train part à 8 heures.",
    "Le musée ferme le lundi.",
]
ENGLISH = [
    "The cat is sleeping on the sofa.",
    "It dreams of mice all night.",
    "It has been raining in Paris for three days.",
    "The children are playing in the garden.",
    "The train leaves at 8 o'clock.",
    "The museum is closed on Mondays.",
]


def cli(*args: object) -> str:
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


class Reviewer:
    """One reviewer's requests to an in-process app, with the page's token and versions."""

    def __init__(self, app, store: ReviewStore, token: str | None = None) -> None:
        self.client = TestClient(app, base_url="http://127.0.0.1")
        if token is not None:
            assert self.client.get(f"/signin/{token}").status_code == 200
        page = self.client.get("/")
        assert page.status_code == 200, page.text
        self.client.headers["X-CSRF-Token"] = re.search(r'name="csrf-token" content="([^"]+)"', page.text)[1]  # type: ignore[index]
        self.store = store

    def act(self, bead_id: int, action: str, copy: str | None = None, **body) -> dict:
        copy_store = self.store.copy_of(copy) if copy else self.store
        versions = {str(bead.id): bead.version for bead in copy_store.beads()}
        response = self.client.post(f"/api/pairs/{bead_id}/{action}", json={"versions": versions, **body})
        assert response.status_code == 200, response.text
        return response.json()


# ---------------------------------------------------------------------------------------------
# Gold round trip: align, review, export gold, score the original alignment against it


def test_gold_round_trip_scores_exactly_the_edits(tmp_path: Path) -> None:
    fr, en, run = tmp_path / "doc.fr", tmp_path / "doc.en", tmp_path / "run"
    fr.write_text("\n".join(FRENCH) + "\n", encoding="utf-8")
    en.write_text("\n".join(ENGLISH) + "\n", encoding="utf-8")
    run.mkdir()
    original = cli("pair", "--presegmented", fr, en)
    assert original.splitlines() == ["[0]:[0, 1]", "[1]:[2]", "[2]:[3]", "[3]:[4]", "[4]:[5]"]
    (run / "alignment.txt").write_text(original, encoding="utf-8")
    (run / "pairs.jsonl").write_text(cli("pair", "--presegmented", fr, en, "--format", "jsonl"), encoding="utf-8")

    store = ReviewStore.open(run)
    alice = Reviewer(build_app(store, "alice", "127.0.0.1"), store)
    alice.act(5, "accepted")
    alice.act(2, "merge")  # [1]:[2] + [2]:[3]
    alice.act(1, "split")  # [0]:[0, 1] -> [0]:[0] and []:[1] (new #6)
    alice.act(4, "rejected")  # [3]:[4] is wrong
    refused = CliRunner().invoke(main, ["review", str(run), "export", "--to", "gold", "--out", str(tmp_path / "x")])
    assert refused.exit_code == 1 and "3 pairs are not settled yet (#1, #6, #2)" in refused.output
    for bead_id in (1, 6, 2):
        alice.act(bead_id, "accepted")

    gold = tmp_path / "reviewed.gold"
    assert cli("review", run, "export", "--to", "gold", "--out", gold).strip() == str(gold)
    assert gold.read_text().splitlines() == ["[0]:[0]", "[]:[1]", "[1, 2]:[2, 3]", "[3]:[]", "[]:[4]", "[4]:[5]"]
    assert alice.client.get("/export/gold").text == gold.read_text()  # the same from the page
    scores = json.loads(cli("evaluate", "alignment", "--gold", gold, "--pred", run / "alignment.txt", "--json"))
    strict, lax = scores["pooled"]["strict"], scores["pooled"]["lax"]
    # Of the 5 original beads only [4]:[5] survives review exactly (strict precision 1/5); of
    # the 3 gold pairs it finds that one (recall 1/3). Every original bead overlaps its reviewed
    # form except the rejected [3]:[4] (lax precision 4/5), and every gold pair is overlapped.
    assert (strict["tp_pred"], strict["n_pred"], strict["tp_gold"], strict["n_gold"]) == (1, 5, 1, 3)
    assert (lax["tp_pred"], lax["n_pred"], lax["tp_gold"], lax["n_gold"]) == (4, 5, 3, 3)

    accepted = tmp_path / "accepted.jsonl"
    cli("review", run, "export", "--to", "jsonl", "--out", accepted)
    rows = [json.loads(line) for line in accepted.read_text().splitlines()]
    assert [(r["src_ids"], r["tgt_ids"]) for r in rows] == [([0], [0]), ([], [1]), ([1, 2], [2, 3]), ([4], [5])]


def test_gold_of_several_documents_goes_to_a_folder(tmp_path: Path) -> None:
    from align.formats import write_corpus
    from align.records import Pair

    corpus = tmp_path / "two.jsonl"
    write_corpus(
        [Pair("a/one", [0], [0], "Un.", "One.", status="accepted"), Pair("b two", [0], [], "Deux.", "", status="rejected")],
        corpus,
        "jsonl",
    )
    out = tmp_path / "gold"
    written = cli("review", corpus, "export", "--to", "gold", "--out", out).split()
    assert written == [str(out / "a_one.gold"), str(out / "b_two.gold")]
    assert read_beads(out / "a_one.gold")[0].to_vecalign() == "[0]:[0]"
    assert read_beads(out / "b_two.gold")[0].to_vecalign() == "[0]:[]"


def test_unreviewed_pairs_go_into_the_gold_only_when_asked(run_dir: Path, tmp_path: Path) -> None:
    gold = tmp_path / "memo.gold"
    result = CliRunner().invoke(main, ["review", str(run_dir), "export", "--to", "gold", "--out", str(gold)])
    assert result.exit_code == 1 and result.output.startswith("error: ") and "5 pairs are not settled" in result.output
    assert not gold.exists()
    cli("review", run_dir, "export", "--to", "gold", "--out", gold, "--include-unreviewed")
    assert gold.read_text().splitlines() == ["[0]:[0]", "[1, 2]:[1, 2]", "[3]:[3]", "[4]:[]", "[5]:[4]"]


# ---------------------------------------------------------------------------------------------
# Agreement


def test_kappa_matches_a_hand_computed_example() -> None:
    # 10 beads: both accept 6, both reject 2, they differ on 2 (one each way).
    # p_o = 8/10; each accepts 7 of 10, so p_e = 0.7 * 0.7 + 0.3 * 0.3 = 0.58;
    # kappa = (0.8 - 0.58) / (1 - 0.58) = 0.22 / 0.42 = 11/21.
    decisions = [("accepted", "accepted")] * 6 + [("rejected", "rejected")] * 2
    decisions += [("accepted", "rejected"), ("rejected", "accepted")]
    assert cohen_kappa(decisions) == pytest.approx(11 / 21)
    assert cohen_kappa([("accepted", "accepted")] * 3) is None  # chance agreement is certain
    assert cohen_kappa([("accepted", "rejected"), ("rejected", "accepted")]) == pytest.approx(-1.0)
    assert cohen_kappa([]) is None


def double_review(run: Path) -> tuple[ReviewStore, dict[str, Reviewer]]:
    store = open_review(run, double=True)
    store.copy_of("reviewer")  # a local review before the team's: not one of the two compared
    accounts = Accounts(store)
    team = [Member("alice"), Member("bob"), Member("carol", "adjudicator")]
    tokens = accounts.issue(team)
    app = build_app(store, "reviewer", "127.0.0.1", accounts)
    return store, {member.name: Reviewer(app, store, tokens[member.name]) for member in team}


def test_double_review_agreement_and_adjudication(run_dir: Path, tmp_path: Path) -> None:
    store, people = double_review(run_dir)
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    for bead_id, decision in [(1, "accepted"), (2, "accepted"), (3, "rejected"), (4, "accepted"), (5, "accepted")]:
        alice.act(bead_id, decision, copy="alice")
    for bead_id, decision in [(1, "accepted"), (2, "rejected"), (3, "rejected")]:
        bob.act(bead_id, decision, copy="bob")
    bob.act(4, "merge", copy="bob")  # the orphan French sentence belongs with #5
    bob.act(4, "accepted", copy="bob")

    # Neither sees the other's decisions.
    assert 'id="p-2"' in alice.client.get("/").text
    assert re.search(r'id="p-2"[^>]*\n\s*data-status="accepted"', alice.client.get("/").text)
    assert re.search(r'id="p-2"[^>]*\n\s*data-status="rejected"', bob.client.get("/").text)
    assert "bob" not in alice.client.get("/").text.split('id="history"')[1]

    # Beads: alice's 5 and bob's 4 are 6 distinct; 3 cut alike, decided alike 2 of 3.
    # Alice accepts 2 of 3, bob 1 of 3: p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9, p_o = 2/3,
    # kappa = (2/3 - 4/9) / (5/9) = 0.4.
    figures = carol.client.get("/api/agreement").json()
    assert (figures["beads"], figures["same_boundaries"], figures["decided"], figures["agreed"]) == (6, 3, 3, 2)
    assert figures["kappa"] == pytest.approx(0.4) and figures["disputed"] == 2 and figures["settled"] == 0
    assert bob.client.get("/api/agreement").status_code == 403
    wrong_token = {"X-CSRF-Token": "guess"}
    assert bob.client.post("/api/pairs/5/accepted", json={}, headers=wrong_token).status_code == 403
    assert bob.client.post("/api/settle", json={"region": "x", "chosen": "bob"}).status_code == 403
    assert carol.client.post("/api/pairs/1/accepted", json={"versions": {"1": 1}}).status_code == 400

    keys = [unescape(key) for key in re.findall(r'data-region="([^"]+)"', carol.client.get("/").text)]
    assert [json.loads(key)[0] for key in keys] == ["memo", "memo"]
    assert carol.client.post("/api/settle", json={"region": keys[0], "chosen": "alice"}).status_code == 200
    assert carol.client.post("/api/settle", json={"region": keys[0], "chosen": "bob"}).status_code == 409
    assert carol.client.post("/api/settle", json={"region": keys[1], "chosen": "bob"}).status_code == 200
    assert carol.client.get("/api/agreement").json()["settled"] == 2
    assert "No disagreements to settle" in carol.client.get("/").text
    assert "carol: took bob's reading" in unescape(carol.client.get("/").text)

    gold = carol.client.get("/export/gold")
    assert gold.status_code == 200
    assert gold.text.splitlines() == ["[0]:[0]", "[1, 2]:[1, 2]", "[3]:[]", "[]:[3]", "[4, 5]:[4]"]
    assert bob.client.get("/export/gold").status_code == 404  # a reviewer sees no settled result
    out = tmp_path / "settled.gold"
    cli("review", run_dir, "export", "--to", "gold", "--out", out)
    assert out.read_text() == gold.text
    assert "Cohen's kappa                   0.400" in cli("review", run_dir, "agreement")


def test_double_review_needs_a_fresh_store(run_dir: Path) -> None:
    store = ReviewStore.open(run_dir)
    Reviewer(build_app(store, "alice", "127.0.0.1"), store).act(1, "accepted")
    with pytest.raises(DataError, match="double review needs a fresh store"):
        open_review(run_dir, double=True)


# ---------------------------------------------------------------------------------------------
# Team files and sessions


def test_team_files_are_checked_line_by_line(tmp_path: Path) -> None:
    team = tmp_path / "team.tsv"
    team.write_text("name\trole\n# the Lyon team\nalice\treviewer\n\ncarol\tadjudicator\n", encoding="utf-8")
    assert read_team(team) == [Member("alice"), Member("carol", "adjudicator")]
    for text, message in [
        ("alice\teditor\n", r"team.tsv:1: expected 'name<TAB>reviewer'"),
        ("alice\treviewer\nalice\tadjudicator\n", "team.tsv:2: alice is listed twice"),
        ("# nobody\n", "no reviewers listed"),
    ]:
        team.write_text(text, encoding="utf-8")
        with pytest.raises(DataError, match=message):
            read_team(team)


def test_tokens_and_sessions_are_stored_hashed(run_dir: Path) -> None:
    store = ReviewStore.open(run_dir)
    accounts = Accounts(store)
    token = accounts.issue([Member("alice")])["alice"]
    signed, session = accounts.sign_in(token)  # type: ignore[misc]
    assert signed.member == Member("alice") and accounts.session(session).member == signed.member  # type: ignore[union-attr]
    dump = "\n".join(store.db.iterdump())
    assert token not in dump and session not in dump
    accounts.issue([Member("bob")])  # alice left the team: her session ends, her old link too
    assert accounts.session(session) is None and accounts.sign_in(token) is None


def test_a_review_store_from_before_copies_is_upgraded(run_dir: Path) -> None:
    run = run_dir
    store = ReviewStore.open(run)
    bead = store.beads()[0]
    store.db.close()
    db = sqlite3.connect(run / "review.sqlite3")
    db.executescript(
        "DROP TABLE beads; DROP TABLE history; DROP TABLE accounts; DROP TABLE sessions; DROP TABLE settlements;"
        "CREATE TABLE beads (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, live INTEGER NOT NULL,"
        " seq REAL NOT NULL, state TEXT NOT NULL); CREATE INDEX beads_order ON beads (live, seq);"
        "CREATE TABLE history (id INTEGER PRIMARY KEY, at TEXT NOT NULL, reviewer TEXT NOT NULL,"
        " action TEXT NOT NULL, summary TEXT NOT NULL, changes TEXT NOT NULL, undone_by INTEGER);"
    )
    state = {k: v for k, v in bead.state().items() if k != "reviewer"}
    db.execute("INSERT INTO beads VALUES (1, 3, 1, 1024.0, ?)", (json.dumps({**state, "status": "accepted"}),))
    db.execute("INSERT INTO history VALUES (1, '2026-01-01T00:00:00+00:00', 'old', 'accepted', 'accepted #1', '[]', NULL)")
    db.commit()
    db.close()
    upgraded = ReviewStore.open(run)
    assert [(b.id, b.version, b.status, b.reviewer) for b in upgraded.beads()] == [(1, 3, "accepted", None)]
    assert [entry.reviewer for entry in upgraded.history()] == ["old"]
