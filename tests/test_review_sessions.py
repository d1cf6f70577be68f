"""Review sessions end: sign-out, an idle limit, a lifetime; activity renews them, at most
once a minute; expired rows go; stores from before expiry still open. The clock is injected."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from align.cli import main
from align.review import ReviewStore, build_app, open_review
from align.review.accounts import IDLE_HOURS, LIFETIME_SECONDS, SESSION_COOKIE, Accounts, Member
from test_review import write_run

HOUR = 3600.0
TEAM = [Member("alice"), Member("bob"), Member("carol", "adjudicator")]


class Clock:
    """Seconds since the epoch, moved by the test."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path)


class Team:
    """A team's review app over ``run``, on an injected clock."""

    def __init__(self, run: Path, idle_hours: float = IDLE_HOURS, double: bool = False) -> None:
        self.store = open_review(run, double=double)
        self.clock = Clock()
        self.accounts = Accounts(self.store, idle_hours, self.clock)
        self.tokens = self.accounts.issue(TEAM)
        self.app = build_app(self.store, "reviewer", "127.0.0.1", self.accounts)

    def client(self, cookie: str | None = None) -> TestClient:
        cookies = {SESSION_COOKIE: cookie} if cookie else None
        return TestClient(self.app, base_url="http://127.0.0.1", cookies=cookies)

    def sign_in(self, name: str) -> tuple[TestClient, str]:
        """A browser signed in as ``name``, and its session cookie's Set-Cookie header."""
        client = self.client()
        response = client.get(f"/signin/{self.tokens[name]}")
        assert response.status_code == 200
        return client, response.headers["set-cookie"]

    def last_seen(self) -> list[float]:
        return [row[0] for row in self.store.db.execute("SELECT last_seen FROM sessions ORDER BY created")]

    def rows(self) -> int:
        return self.store.db.execute("SELECT count(*) FROM sessions").fetchone()[0]


def csrf(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page)[1]  # type: ignore[index]


def accept(client: TestClient, store: ReviewStore, bead_id: int, token: str) -> int:
    versions = {str(bead.id): bead.version for bead in store.beads()}
    response = client.post(
        f"/api/pairs/{bead_id}/accepted", json={"versions": versions}, headers={"X-CSRF-Token": token}
    )
    return response.status_code


def test_signing_out_ends_the_session_and_keeps_the_decisions(run_dir: Path) -> None:
    team = Team(run_dir)
    alice, set_cookie = team.sign_in("alice")
    assert f"Max-Age={int(IDLE_HOURS * HOUR)}" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=strict" in set_cookie
    cookie = alice.cookies[SESSION_COOKIE]
    page = alice.get("/")
    token = csrf(page.text)
    assert 'action="/signout"' in page.text and f'name="csrf" value="{token}"' in page.text
    assert accept(alice, team.store, 1, token) == 200

    # Without the page's token (a forged form), sign-out is refused and the session lives on.
    assert alice.post("/signout", data={"csrf": "forged"}).status_code == 403
    assert alice.post("/signout").status_code == 403
    # The page sends no referrer, so its form arrives with Origin: null; only the browser's own
    # Sec-Fetch-Site: same-origin makes that this site.
    for site in (None, "same-site", "cross-site"):
        headers = {"Origin": "null", **({"Sec-Fetch-Site": site} if site else {})}
        assert alice.post("/signout", data={"csrf": token}, headers=headers).status_code == 403
    assert alice.get("/").status_code == 200

    signed_out = alice.post("/signout", data={"csrf": token}, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert signed_out.status_code == 200 and "Signed out" in signed_out.text
    assert re.search(rf'{SESSION_COOKIE}=""; .*Max-Age=0', signed_out.headers["set-cookie"])
    assert SESSION_COOKIE not in alice.cookies and alice.get("/").status_code == 401
    stolen = team.client(cookie)  # the old cookie, kept by someone: refused too
    assert stolen.get("/").status_code == 401 and accept(stolen, team.store, 2, token) == 401
    assert team.rows() == 0

    # Signing in again finds every decision, and undo still reaches the one made before.
    again, _ = team.sign_in("alice")
    assert "alice: accepted #1" in again.get("/").text
    assert [(b.status, b.reviewer) for b in team.store.beads()][:2] == [("accepted", "alice"), (None, None)]
    undone = again.post("/api/undo", json={}, headers={"X-CSRF-Token": token})
    assert undone.status_code == 200 and team.store.beads()[0].status is None


def test_a_session_idle_too_long_is_refused_and_its_row_goes(run_dir: Path) -> None:
    team = Team(run_dir, idle_hours=2)
    alice, set_cookie = team.sign_in("alice")
    bob, _ = team.sign_in("bob")
    assert "Max-Age=7200" in set_cookie
    token = csrf(alice.get("/").text)
    team.clock.now += 2 * HOUR - 1
    assert alice.get("/").status_code == 200  # one second short of the limit: renewed
    team.clock.now += 2 * HOUR
    refused = alice.get("/")
    assert refused.status_code == 401 and "session has ended" in refused.json()["error"]
    page = alice.get("/", headers={"accept": "text/html,application/xhtml+xml"})  # what a browser asks for
    assert page.status_code == 401 and page.headers["content-type"].startswith("text/html")
    assert "your session has ended" in page.text and "Your decisions are saved" in page.text
    assert accept(alice, team.store, 1, token) == 401 and team.store.beads()[0].status is None
    assert bob.get("/").status_code == 401  # idle since sign-in
    assert team.rows() == 0


def test_activity_renews_the_session_at_most_once_a_minute(run_dir: Path) -> None:
    team = Team(run_dir)
    alice, _ = team.sign_in("alice")
    start = team.clock.now
    team.clock.now += 30
    quiet = alice.get("/")
    assert quiet.status_code == 200 and "set-cookie" not in quiet.headers
    assert team.last_seen() == [start]  # no write for a request within the minute
    team.clock.now += 31
    renewed = alice.get("/")
    assert team.last_seen() == [start + 61]
    assert f"Max-Age={int(IDLE_HOURS * HOUR)}" in renewed.headers["set-cookie"]
    assert "HttpOnly" in renewed.headers["set-cookie"] and "SameSite=strict" in renewed.headers["set-cookie"]
    team.clock.now = start + IDLE_HOURS * HOUR + 30  # past the idle limit counted from sign-in
    assert alice.get("/").status_code == 200


def test_no_session_outlives_a_week_however_active(run_dir: Path) -> None:
    team = Team(run_dir)
    alice, _ = team.sign_in("alice")
    end = team.clock.now + LIFETIME_SECONDS
    while team.clock.now + 11 * HOUR < end:
        team.clock.now += 11 * HOUR
        assert alice.get("/").status_code == 200
    team.clock.now = end - HOUR
    last = alice.get("/")
    assert last.status_code == 200 and "Max-Age=3600" in last.headers["set-cookie"]  # the cookie ends with it
    team.clock.now = end
    assert alice.get("/").status_code == 401 and team.rows() == 0


def test_expired_sessions_are_purged_when_someone_signs_in(run_dir: Path) -> None:
    team = Team(run_dir)
    team.sign_in("alice")
    team.clock.now += IDLE_HOURS * HOUR
    team.sign_in("bob")
    assert team.last_seen() == [team.clock.now]  # alice's expired row is gone, bob's is there
    team.clock.now += LIFETIME_SECONDS
    team.accounts.issue(TEAM)  # a restart purges too
    assert team.rows() == 0


def test_the_adjudicator_signs_out_too_and_a_local_review_has_no_sign_out(run_dir: Path, tmp_path: Path) -> None:
    team = Team(run_dir, double=True)
    for name in ("alice", "bob"):
        team.store.copy_of(name)  # as the server makes them at start
    carol, _ = team.sign_in("carol")
    page = carol.get("/")
    assert "Adjudicate" in page.text and 'action="/signout"' in page.text
    assert carol.post("/signout", data={"csrf": csrf(page.text)}).status_code == 200
    assert carol.get("/").status_code == 401

    (tmp_path / "local").mkdir()
    app = build_app(open_review(write_run(tmp_path / "local")), "alice", "127.0.0.1")
    local = TestClient(app, base_url="http://127.0.0.1")
    page = local.get("/")
    assert page.status_code == 200 and "/signout" not in page.text
    assert local.post("/signout", data={"csrf": csrf(page.text)}).status_code == 404


def test_a_store_with_sessions_from_before_expiry_opens_and_keeps_its_decisions(run_dir: Path) -> None:
    team = Team(run_dir)
    alice, _ = team.sign_in("alice")
    assert accept(alice, team.store, 1, csrf(alice.get("/").text)) == 200
    team.store.db.close()
    db = sqlite3.connect(run_dir / "review.sqlite3")
    db.executescript(
        "DROP TABLE sessions;"
        "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL);"
        "INSERT INTO sessions VALUES ('old-hash', 'alice', '2026-01-01T00:00:00+00:00');"
    )
    db.close()

    upgraded = Team(run_dir)
    columns = [row[1] for row in upgraded.store.db.execute("PRAGMA table_info(sessions)")]
    assert columns == ["token_hash", "name", "created", "last_seen"]
    assert upgraded.rows() == 0  # sessions from before expiry end
    assert [(b.status, b.reviewer) for b in upgraded.store.beads()][:1] == [("accepted", "alice")]
    alice, _ = upgraded.sign_in("alice")
    assert alice.get("/").status_code == 200 and upgraded.rows() == 1
    ReviewStore.open(run_dir)  # opening the upgraded store again changes nothing
    assert upgraded.rows() == 1


def test_session_hours_is_an_option_of_a_team_server(run_dir: Path, tmp_path: Path, monkeypatch) -> None:
    calls: list[dict] = []
    monkeypatch.setattr("align.review.serve", lambda corpus, **options: calls.append(options))
    team = tmp_path / "team.tsv"
    team.write_text("alice\treviewer\n", encoding="utf-8")

    def review(*args: str):
        return CliRunner().invoke(main, ["review", str(run_dir), *args])

    assert review("--team", str(team), "--session-hours", "1.5").exit_code == 0
    assert review("--team", str(team)).exit_code == 0
    assert [call["session_hours"] for call in calls] == [1.5, IDLE_HOURS]
    for args, message in [
        (["--team", str(team), "--session-hours", "0"], "not in the range x>0"),
        (["--session-hours", "2"], "--session-hours applies to the sign-ins of a --team"),
    ]:
        result = review(*args)
        assert result.exit_code == 2 and message in result.output, result.output

    from align.review import server

    monkeypatch.setattr(server, "serve", lambda corpus, *args, **options: calls.append(options))
    server.main([str(run_dir), "--team", str(team), "--session-hours", "0.25"])
    assert calls[-1]["session_hours"] == 0.25
    for bad in ("0", "-1", "nan", "twelve"):
        with pytest.raises(SystemExit) as exit_:
            server.main([str(run_dir), "--team", str(team), "--session-hours", bad])
        assert exit_.value.code == 2
    assert calls[-1]["session_hours"] == 0.25
