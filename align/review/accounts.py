"""Accounts for a shared review server: a team file, private sign-in links, sessions.

Each server start issues every member a fresh sign-in link (a random token); the link opens a
session whose cookie identifies the reviewer on every later request. The store keeps only
SHA-256 hashes of tokens and session ids, so reading it gives nobody a way in; sessions
outlive a restart, so a killed server costs nobody their sign-in.

A session ends when its reviewer signs out, after a spell of inactivity (``idle_hours``), and in
any case a week after it began, as on any shared web tool: a link or cookie that leaks, or a
browser left open on a shared machine, stops being a way in. Decisions are kept by reviewer
name, not by session, so nothing is lost when one ends.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from align.errors import DataError
from align.review.store import ReviewStore
from align.textio import read_text

ROLES = ("reviewer", "adjudicator")
SESSION_COOKIE = "align_review_session"
IDLE_HOURS = 12.0
LIFETIME_SECONDS = 7 * 24 * 3600  # however active, a session ends a week after sign-in
REFRESH_SECONDS = 60  # activity is written at most once a minute per session, to spare writes


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


@dataclass(frozen=True)
class Session:
    """A valid session as a request finds it: who holds it, how many seconds its cookie has
    left, and whether this request renewed it (so the cookie's Max-Age is renewed too)."""

    member: Member
    max_age: int
    renewed: bool = False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The team of a store, their sign-in links and their sessions; ``clock`` (seconds since
    the epoch) is injectable so that expiry can be tested without waiting."""

    def __init__(
        self, store: ReviewStore, idle_hours: float = IDLE_HOURS, clock: Callable[[], float] = time.time
    ) -> None:
        self.store = store
        self.db = store.db
        self.idle = idle_hours * 3600
        self.clock = clock

    def issue(self, team: list[Member]) -> dict[str, str]:
        """Make ``team`` the store's accounts with a new sign-in token each (earlier links stop
        working); sessions of members who left the team, and expired ones, end. Returns the
        tokens by name."""
        tokens = {member.name: secrets.token_urlsafe(32) for member in team}
        with self.store.transaction():
            self.db.execute("DELETE FROM accounts")
            self.db.executemany(
                "INSERT INTO accounts VALUES (?, ?, ?)", [(m.name, m.role, _hash(tokens[m.name])) for m in team]
            )
            self.db.execute("DELETE FROM sessions WHERE name NOT IN (SELECT name FROM accounts)")
            self._purge(self.clock())
        return tokens

    def sign_in(self, token: str) -> tuple[Session, str] | None:
        """A new session for the holder of a sign-in token: (session, session id), or None."""
        row = self.db.execute("SELECT name, role FROM accounts WHERE token_hash = ?", (_hash(token),)).fetchone()
        if row is None:
            return None
        session, moment = secrets.token_urlsafe(32), self.clock()
        with self.store.transaction():
            self._purge(moment)
            self.db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_hash(session), row[0], moment, moment))
        return Session(Member(*row), int(self._left(moment, moment, moment))), session

    def session(self, session: str | None) -> Session | None:
        """The live session ``session``, its last-seen time renewed if a minute has passed;
        None for no such session or one that has expired (whose row goes)."""
        if not session:
            return None
        row = self.db.execute(
            "SELECT accounts.name, accounts.role, sessions.created, sessions.last_seen "
            "FROM sessions JOIN accounts USING (name) WHERE sessions.token_hash = ?",
            (_hash(session),),
        ).fetchone()
        if row is None:
            return None
        name, role, created, last_seen = row
        moment = self.clock()
        left = self._left(created, last_seen, moment)
        if left <= 0:
            with self.store.transaction():
                self._purge(moment)
            return None
        if moment - last_seen < REFRESH_SECONDS:
            return Session(Member(name, role), int(left))
        with self.store.transaction():
            self.db.execute("UPDATE sessions SET last_seen = ? WHERE token_hash = ?", (moment, _hash(session)))
            self._purge(moment)
        return Session(Member(name, role), int(self._left(created, moment, moment)), renewed=True)

    def sign_out(self, session: str | None) -> None:
        """End the session ``session`` (nothing to do if there is none)."""
        if session:
            with self.store.transaction():
                self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(session),))

    def _left(self, created: float, last_seen: float, moment: float) -> float:
        """Seconds a session has left at ``moment``: to the idle limit or to the end of its
        lifetime, whichever comes first."""
        return min(last_seen + self.idle, created + LIFETIME_SECONDS) - moment

    def _purge(self, moment: float) -> None:
        """Delete expired sessions (inside a transaction)."""
        self.db.execute(
            "DELETE FROM sessions WHERE last_seen <= ? OR created <= ?", (moment - self.idle, moment - LIFETIME_SECONDS)
        )
