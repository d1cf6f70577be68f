"""Review as a team, in a real server process and real headless Chromium: accounts and
sessions, the refusals (401, 403, 409), double review with SIGKILL in the middle."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

import httpx
import pytest
from click.testing import CliRunner

from align.cli import main
from align.review import ReviewStore
from test_review import ROOT, expect, needs_browser, write_run

TEAM = "alice\treviewer\nbob\treviewer\ncarol\tadjudicator\n"


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    return write_run(tmp_path)


class TeamServer:
    """``python -m align.review CORPUS --team TEAM`` as a child process, with its sign-in links."""

    def __init__(self, corpus: Path, team: Path, *extra: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "align.review", str(corpus), "--team", str(team), *extra],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,  # unbuffered, so select() sees every line that readline() has not read
        )
        first = self._line()
        match = re.fullmatch(r"Reviewing (\d+) pairs at (http://\S+/)( \(double review\))?\n", first)
        if match is None:
            self.kill()
            raise AssertionError(f"server did not start: {first!r} {self.stderr()!r}")
        self.url = match[2]
        assert self._line().startswith("Sign-in links")
        self.links: dict[str, str] = {}
        for _ in team.read_text().splitlines():
            name, role, link = self._line().rstrip("\n").split("\t")
            assert link.startswith(f"{self.url}signin/")
            self.links[name] = link

    def _line(self) -> str:
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        return self.process.stdout.readline().decode() if ready else ""  # type: ignore[union-attr]

    def stderr(self) -> str:
        return self.process.stderr.read().decode()  # type: ignore[union-attr]

    def kill(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def team(tmp_path: Path) -> Path:
    path = tmp_path / "team.tsv"
    path.write_text(TEAM, encoding="utf-8")
    return path


@pytest.fixture
def start_team_server() -> Iterator[Callable[..., TeamServer]]:
    servers: list[TeamServer] = []

    def start(corpus: Path, team: Path, *extra: str) -> TeamServer:
        servers.append(TeamServer(corpus, team, *extra))
        return servers[-1]

    yield start
    for server in servers:
        server.kill()


@pytest.fixture
def sign_in(browser) -> Iterator[Callable]:
    """Each member in a browser context of their own (their own cookies), signed in with
    their link; any JavaScript dialog fails the test."""
    contexts, dialogs = [], []

    def sign_in_(link: str, home: str):
        context = browser.new_context(accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(5000)
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(link)
        page.wait_for_url(home)
        return page

    yield sign_in_
    for context in contexts:
        context.close()
    assert dialogs == []


@needs_browser
def test_two_reviewers_sign_in_and_every_stranger_is_refused(
    run_dir: Path, team: Path, start_team_server, sign_in
) -> None:
    server = start_team_server(run_dir, team)
    alice, bob = sign_in(server.links["alice"], server.url), sign_in(server.links["bob"], server.url)
    expect(alice.locator(".tools .reviewer")).to_have_text("as alice (reviewer)")
    expect(bob.locator(".tools .reviewer")).to_have_text("as bob (reviewer)")
    (cookie,) = alice.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # No session, a made-up one, a made-up link: 401, and nothing is served.
    assert httpx.get(server.url).status_code == 401
    assert httpx.get(server.url, cookies={cookie["name"]: "made-up"}).status_code == 401
    assert httpx.get(f"{server.url}signin/made-up").status_code == 401
    assert httpx.post(f"{server.url}api/pairs/1/accepted", json={"versions": {"1": 1}}).status_code == 401
    assert httpx.get(f"{server.url}export/tsv").status_code == 401

    # Bob's page is stale once alice accepts #1: his edit is refused, and hers is kept.
    alice.locator("#p-1 button[data-op=accepted]").click()
    expect(alice.locator("#p-1 .status")).to_have_text("accepted")
    bob.locator("#p-1 button[data-op=edit-tgt]").click()
    bob.locator("#p-1 textarea").fill("Hi everyone.")
    with bob.expect_response(re.compile(r"/api/pairs/1/edit")) as response:
        bob.locator("#p-1 textarea").press("Control+Enter")
    assert response.value.status == 409
    expect(bob.locator("#message-text")).to_contain_text("changed in another tab or by another reviewer")
    with bob.expect_navigation():
        bob.locator("#reload").click()
    expect(bob.locator("#p-1 .status")).to_have_text("accepted")
    expect(bob.locator("#p-1 .side.tgt .text")).to_have_text("Hello everyone.")
    bob.locator("#p-2 button[data-op=rejected]").click()
    expect(bob.locator("#p-2 .status")).to_have_text("rejected")
    expect(bob.locator("#gold-pending")).to_have_text("gold alignment once every pair is settled (3 to go)")
    expect(bob.locator("#gold")).to_be_hidden()

    # The history names each reviewer from their session; progress counts per reviewer; the
    # team can list what nobody has reviewed yet.
    alice.reload()
    expect(alice.locator("#history li")).to_have_text([re.compile("bob: rejected #2"), re.compile("alice: accepted #1")])
    expect(alice.locator("#by-reviewer")).to_contain_text("alice 1")
    expect(alice.locator("#by-reviewer")).to_contain_text("bob 1")
    with alice.expect_navigation():
        alice.select_option('select[name="status"]', "nobody")
    expect(alice.locator(".pair .number")).to_have_text(["#3", "#4", "#5"])

    # A page of another site that posts to the review (with alice's browser) is refused.
    attack = f'<form method="post" action="{server.url}api/pairs/3/accepted"><button>win</button></form>'
    alice.context.route("http://attacker.example/**", lambda route: route.fulfill(body=attack, content_type="text/html"))
    alice.goto("http://attacker.example/")
    with alice.expect_response(re.compile(r"/api/pairs/3/accepted")) as response:
        alice.click("button")
    assert response.value.status == 403
    store = ReviewStore.open(run_dir)
    assert [(b.id, b.status, b.reviewer) for b in store.beads()][:3] == [
        (1, "accepted", "alice"),
        (2, "rejected", "bob"),
        (3, None, None),
    ]


@needs_browser
def test_double_review_survives_sigkill_with_its_agreement(
    run_dir: Path, team: Path, start_team_server, sign_in
) -> None:
    server = start_team_server(run_dir, team, "--double")
    alice, bob = sign_in(server.links["alice"], server.url), sign_in(server.links["bob"], server.url)
    for page, keys in ((alice, "aar"), (bob, "arr")):
        for n, key in enumerate(keys, 1):
            page.keyboard.press(key)
            expect(page.locator(f"#p-{n} .status")).to_have_text("accepted" if key == "a" else "rejected")
    expect(alice.locator("#p-2 .status")).to_have_text("accepted")  # bob's rejection is not shown to her
    expect(alice.locator("#history li")).to_have_count(3)

    carol = sign_in(server.links["carol"], server.url)
    figures = {
        "boundaries": "5 of 5 (1.000)",
        "observed": "2 of 3 (0.667)",
        "kappa": "0.400",  # p_o 2/3, p_e 2/3 * 1/3 + 1/3 * 2/3 = 4/9
        "disputed": "1 (0 settled)",
    }
    for name, text in figures.items():
        expect(carol.locator(f'[data-figure="{name}"]')).to_have_text(text)
    expect(carol.locator(".dispute")).to_have_count(1)
    expect(carol.locator('.dispute .reading[data-reviewer="bob"] .status')).to_have_text("rejected")

    server.kill()
    server = start_team_server(run_dir, team, "--double")  # new links; sessions live on
    for page in (alice, bob, carol):
        page.goto(server.url)
    expect(alice.locator(".pair .status")).to_have_text(["accepted", "accepted", "rejected", "unreviewed", "unreviewed"])
    expect(bob.locator(".pair .status")).to_have_text(["accepted", "rejected", "rejected", "unreviewed", "unreviewed"])
    for name, text in figures.items():
        expect(carol.locator(f'[data-figure="{name}"]')).to_have_text(text)

    with carol.expect_navigation():
        carol.locator('.dispute button[data-chosen="bob"]').click()
    expect(carol.locator(".empty")).to_have_text("No disagreements to settle.")
    expect(carol.locator('[data-figure="disputed"]')).to_have_text("1 (1 settled)")
    expect(carol.locator('#gold-pending [data-count="unsettled"]')).to_have_text("2")  # #4 and #5: nobody decided
    expect(carol.locator("#history li")).to_have_text([re.compile("carol: took bob's reading of #2")])


def test_a_team_server_on_the_network_prints_one_link_each(run_dir: Path, team: Path, start_team_server) -> None:
    server = start_team_server(run_dir, team, "--host", "0.0.0.0")
    assert server.url.startswith("http://0.0.0.0:") and sorted(server.links) == ["alice", "bob", "carol"]
    assert len(set(server.links.values())) == 3
    server.kill()
    stderr = server.stderr()
    assert "warning" not in stderr and "plain HTTP" in stderr


def test_the_team_and_the_command_line_name_disagree_only_loudly(run_dir: Path, team: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["review", str(run_dir), "--team", str(team), "--reviewer", "mallory"])
    assert result.exit_code == 2 and "with --team names come from each sign-in" in result.output
    bad = tmp_path / "bad.tsv"
    bad.write_text("alice\treviewer\ncarol\tadjudicator\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(run_dir), "--team", str(bad), "--double"])
    assert result.exit_code == 1 and "double review needs exactly two members with the role reviewer, not 1" in result.output


@needs_browser
def test_signing_out_in_the_browser_ends_the_session(run_dir: Path, team: Path, start_team_server, sign_in) -> None:
    server = start_team_server(run_dir, team, "--session-hours", "0.5")
    alice = sign_in(server.links["alice"], server.url)
    (cookie,) = alice.context.cookies()
    assert 0 < cookie["expires"] - time.time() <= 1800  # Max-Age follows --session-hours
    alice.keyboard.press("a")
    expect(alice.locator("#p-1 .status")).to_have_text("accepted")
    with alice.expect_navigation():
        alice.locator("#signout").click()
    expect(alice.locator("#signed-out")).to_contain_text("Signed out")
    assert alice.context.cookies() == []
    assert alice.goto(server.url).status == 401  # type: ignore[union-attr]
    assert httpx.get(server.url, cookies={cookie["name"]: cookie["value"]}).status_code == 401
    assert [(b.status, b.reviewer) for b in ReviewStore.open(run_dir).beads()][:1] == [("accepted", "alice")]
