"""Accounts for a shared review server: a team file, private sign-in links, sessions.

Each server start issues every member a fresh sign-in link (a random token); the link opens a
session whose cookie identifies the reviewer on every later request. The store keeps only
SHA-256 hashes of tokens and session ids, so reading it gives nobody a way in; sessions
outlive a restart, so a killed server costs nobody their sign-in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from align.errors import DataError
from align.review.store import ReviewStore, now
from align.textio import read_text

ROLES = ("reviewer", "adjudicator")
SESSION_COOKIE = "align_review_session"


@dataclass(frozen=True)
class Member:
    name: str
    role: str = "reviewer"

    @property
    def adjudicator(self) -> bool:
        return self.role == "adjudicator"


def read_team(path: Path) -> list[Member]:
    """Members from a TSV of ``name<TAB>role`` lines (a ``name role`` header, blank lines and
    ``#`` comments are skipped); the role is ``reviewer`` or ``adjudicator``."""
    members: dict[str, Member] = {}
    for lineno, line in enumerate(read_text(path).text.splitlines(), 1):
        fields = [field.strip() for field in line.split("\t")]
        if not fields[0] or fields[0].startswith("#") or [f.casefold() for f in fields] == ["name", "role"]:
            continue
        where = f"{path}:{lineno}"
        if len(fields) != 2 or fields[1] not in ROLES:
            raise DataError(
                f"{where}: expected 'name<TAB>reviewer' or 'name<TAB>adjudicator', got {line.strip()[:60]!r}"
            )
        if fields[0] in members:
            raise DataError(f"{where}: {fields[0]} is listed twice; give each reviewer one line")
        members[fields[0]] = Member(fields[0], fields[1])
    if not members:
        raise DataError(f"{path}: no reviewers listed; write one 'name<TAB>role' line per reviewer")
    return list(members.values())


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The team of a store, their sign-in links and their sessions."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store
        self.db = store.db

    def issue(self, team: list[Member]) -> dict[str, str]:
        """Make ``team`` the store's accounts with a new sign-in token each (earlier links stop
        working); sessions of members who left the team end. Returns the tokens by name."""
        tokens = {member.name: secrets.token_urlsafe(32) for member in team}
        with self.store.transaction():
            self.db.execute("DELETE FROM accounts")
            self.db.executemany(
                "INSERT INTO accounts VALUES (?, ?, ?)", [(m.name, m.role, _hash(tokens[m.name])) for m in team]
            )
            self.db.execute("DELETE FROM sessions WHERE name NOT IN (SELECT name FROM accounts)")
        return tokens

    def sign_in(self, token: str) -> tuple[Member, str] | None:
        """A new session for the holder of a sign-in token: (member, session id), or None."""
        row = self.db.execute("SELECT name, role FROM accounts WHERE token_hash = ?", (_hash(token),)).fetchone()
        if row is None:
            return None
        session = secrets.token_urlsafe(32)
        with self.store.transaction():
            self.db.execute("INSERT INTO sessions VALUES (?, ?, ?)", (_hash(session), row[0], now()))
        return Member(*row), session

    def member(self, session: str | None) -> Member | None:
        """Who holds the session ``session`` (None: no such session)."""
        if not session:
            return None
        row = self.db.execute(
            "SELECT accounts.name, accounts.role FROM sessions JOIN accounts USING (name) "
            "WHERE sessions.token_hash = ?",
            (_hash(session),),
        ).fetchone()
        return Member(*row) if row else None
