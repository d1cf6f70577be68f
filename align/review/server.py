"""Serving a review: one process, on loopback for one reviewer or on a network for a team."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import uvicorn

from align.errors import DataError
from align.highlight import term_marks
from align.review.accounts import IDLE_HOURS, Accounts, read_team
from align.review.store import ReviewStore
from align.review.web import LOOPBACK_HOSTS, build_app


def open_review(corpus: Path, *, double: bool = False) -> ReviewStore:
    """The store of ``corpus``, switched to double review when asked."""
    store = ReviewStore.open(corpus)
    if double:
        store.start_double_review()
    return store


def serve(
    corpus: Path,
    host: str = "127.0.0.1",
    port: int | None = None,
    reviewer: str = "reviewer",
    *,
    team: Path | None = None,
    double: bool = False,
    glossary: Path | None = None,
    session_hours: float = IDLE_HOURS,
) -> None:
    """Serve the review page until interrupted; ``port`` None picks a free one. With ``team``
    (a TSV of names and roles) every member signs in with the private link printed for them,
    and a session ends after ``session_hours`` without a request (or a week after sign-in).
    The terms of ``glossary`` (default: the one a run directory's run used) are marked."""
    members = read_team(team) if team is not None else []
    marks = term_marks(glossary, corpus if corpus.is_dir() else None)
    store = open_review(corpus, double=double)
    accounts, links, reviewers = None, {}, [reviewer]
    if team is not None:
        reviewers = [member.name for member in members if not member.adjudicator]
        if store.double and len(reviewers) != 2:
            raise DataError(
                f"{team}: double review needs exactly two members with the role reviewer, not {len(reviewers)}"
            )
        accounts = Accounts(store, session_hours)
        tokens = accounts.issue(members)
        links = {member: tokens[member.name] for member in members}
    for name in reviewers:
        store.copy_of(name)  # in double review, each reviewer's copy exists from the start
    app = build_app(store, reviewer, host, accounts, marks)
    if host not in LOOPBACK_HOSTS and accounts is None:
        print(f"warning: serving on {host}: anyone who can reach this address can change the review", file=sys.stderr)
    elif host not in LOOPBACK_HOSTS:
        notice = f"notice: serving on {host} over plain HTTP: sign-in links and cookies travel unencrypted"
        print(notice, file=sys.stderr)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port or 0))
        sock.listen(128)  # connections queue from now on, before uvicorn starts accepting
    except OSError as exc:
        sock.close()
        raise DataError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{shown}:{sock.getsockname()[1]}/"
    mode = " (double review)" if store.double else ""
    print(f"Reviewing {store.progress().total} pairs at {base}{mode}", flush=True)
    if links:
        print("Sign-in links, one per member (private: give each only to its owner):")
        for member, token in links.items():
            print(f"{member.name}\t{member.role}\t{base}signin/{token}")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])


def _hours(text: str) -> float:
    """A ``--session-hours`` value: hours above 0 (a session of 0 or NaN hours could never start)."""
    import argparse

    try:
        hours = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {text!r}") from None
    if not hours > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return hours


def main(argv: list[str] | None = None) -> None:
    """``python -m align.review CORPUS [--host H] [--port N] [--reviewer NAME] [--team TSV] [--double]
    [--glossary FILE] [--session-hours H]``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m align.review", description=main.__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int)
    parser.add_argument("--reviewer", default="reviewer")
    parser.add_argument("--team", type=Path)
    parser.add_argument("--double", action="store_true")
    parser.add_argument("--glossary", type=Path)
    parser.add_argument("--session-hours", type=_hours, default=IDLE_HOURS)
    args = parser.parse_args(argv)
    try:
        serve(
            args.corpus,
            args.host,
            args.port,
            args.reviewer,
            team=args.team,
            double=args.double,
            glossary=args.glossary,
            session_hours=args.session_hours,
        )
    except DataError as exc:
        sys.exit(f"error: {exc}")
