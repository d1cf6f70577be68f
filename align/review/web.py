"""The review pages and their routes (Starlette), and the checks every request passes.

Checks, in order: on a loopback address only loopback host names are answered (no DNS
rebinding); a state change coming from another site is refused (403); with a team, a request
without a live session is refused (401) and the reviewer is whoever the session belongs to
(activity renews the session and its cookie); a state change must carry the page's CSRF
token (403).
"""

from __future__ import annotations

import html
import json
import secrets
import shutil
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from align.documents import locator_label
from align.errors import DataError
from align.fidelity import DRAFT_PREFIX, describe
from align.highlight import TermMarks
from align.records import LOW_CONFIDENCE_SCORE
from align.review.accounts import SESSION_COOKIE, Accounts, Member
from align.review.actions import ACTIONS
from align.review.agreement import DoubleReview, Region
from align.review.beads import STATUSES, Conflict, Refused, ReviewBead
from align.review.gold import CORPUS_FORMATS, export_accepted, gold_download, settled
from align.review.store import Change, ReviewStore

ASSETS = Path(__file__).with_name("assets")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
PAGE_SIZE = 50
# "nobody": beads no reviewer has decided or changed yet, so a team can split the work.
STATUS_FILTERS = ("all", "unreviewed", "nobody", *STATUSES)
_SAFE_METHODS = ("GET", "HEAD")
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def flag_kind(flag: str) -> str:
    """What a flag found, without the value: ``draft:term-missing:Indo-Pacific`` →
    ``draft:term-missing`` (what the page filters by)."""
    prefix = DRAFT_PREFIX if flag.startswith(DRAFT_PREFIX) else ""
    return prefix + flag.removeprefix(prefix).split(":", 1)[0]


def flag_counts(beads: list[ReviewBead]) -> list[tuple[str, int]]:
    """Each flag kind present, with how many beads carry it, most frequent first."""
    counts = Counter(kind for bead in beads for kind in {flag_kind(flag) for flag in bead.flags})
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True)
class View:
    """What the page shows: sort order, filters, search and page number (the query string)."""

    sort: str = "doc"
    status: str = "all"
    flagged: bool = False
    flag: str = ""  # a flag kind (flag_kind): only beads carrying it
    bead: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> "View":
        page = params.get("page", "1")
        return cls(
            sort="score" if params.get("sort") == "score" else "doc",
            status=params.get("status") if params.get("status") in STATUS_FILTERS else "all",
            flagged=params.get("flagged") == "1",
            flag=params.get("flag", ""),
            bead=params.get("bead", ""),
            q=params.get("q", "").strip(),
            page=int(page) if page.isdigit() and int(page) > 0 else 1,
        )

    def matches(self, bead: ReviewBead) -> bool:
        if self.status == "unreviewed" and bead.status is not None:
            return False
        if self.status == "nobody" and bead.reviewer is not None:
            return False
        if self.status in STATUSES and bead.status != self.status:
            return False
        if self.flagged and not bead.flags:
            return False
        if self.flag and self.flag not in {flag_kind(flag) for flag in bead.flags}:
            return False
        if self.bead and bead.kind != self.bead:
            return False
        if self.q:
            pair = bead.to_pair()
            haystack = " ".join((pair.src, pair.tgt, pair.draft or "")).casefold()
            return self.q.casefold() in haystack
        return True

    def query(self, page: int) -> str:
        """The query string of this view at another page."""
        params = {**asdict(self), "flagged": "1" if self.flagged else "", "page": page}
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", "all", "doc")})


@dataclass
class Row:
    """A bead on the page, with the versions of its neighbours (a merge or move changes them)."""

    bead: ReviewBead
    previous: ReviewBead | None
    following: ReviewBead | None


def page_rows(beads: list[ReviewBead], view: View) -> tuple[list[Row], int]:
    """The rows of ``view``'s page, and how many pages the view has."""
    rows = []
    for i, bead in enumerate(beads):
        previous = beads[i - 1] if i > 0 and beads[i - 1].doc == bead.doc else None
        following = beads[i + 1] if i + 1 < len(beads) and beads[i + 1].doc == bead.doc else None
        if view.matches(bead):
            rows.append(Row(bead, previous, following))
    if view.sort == "score":
        rows.sort(key=lambda row: row.bead.score)
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    start = (min(view.page, pages) - 1) * PAGE_SIZE
    return rows[start : start + PAGE_SIZE], pages


def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(ASSETS / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["where"] = locator_label  # page, chapter, cue time: where to look in the original
    environment.filters["words"] = describe  # a flag such as number-changed:2270 in a sentence
    return environment


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _cross_site(request: Request) -> bool:
    """A state change sent by a page of another site (or another origin on this host). The
    pages send no referrer, so a browser posts their forms with ``Origin: null``: that counts
    as this site when the browser itself (Sec-Fetch-Site, which no script can set) says so."""
    site = request.headers.get("sec-fetch-site")
    if site == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin == "null" and site == "same-origin":
        return False
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def _set_session_cookie(response: Response, session: str, max_age: int) -> None:
    """The session cookie, living as long as the session has left (renewed with activity)."""
    response.set_cookie(SESSION_COOKIE, session, max_age=max_age, httponly=True, samesite="strict", path="/")


class _Gate(BaseHTTPMiddleware):
    """Refuses cross-site state changes and, with a team, requests without a valid session;
    sets ``request.state.member`` to who is asking, and adds the security headers."""

    def __init__(self, app: ASGIApp, accounts: Accounts | None, local: Member, templates: jinja2.Environment) -> None:
        super().__init__(app)
        self.accounts = accounts
        self.local = local
        self.templates = templates

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await self._checked(request, call_next)
        response.headers.update(_SECURITY_HEADERS)
        return response

    async def _checked(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.method not in _SAFE_METHODS and _cross_site(request):
            return _error(403, "Refused: this request came from another site")
        if self.accounts is None or request.url.path.startswith("/signin/") or request.url.path == "/signout":
            request.state.member = self.local
            return await call_next(request)
        cookie = request.cookies.get(SESSION_COOKIE)
        session = self.accounts.session(cookie)
        if session is None:
            message = "Not signed in, or your session has ended: sign in with your own link (the one the server printed)"
            if "text/html" in request.headers.get("accept", ""):  # a browser opening a page: a page, not JSON
                page = self.templates.get_template("not-signed-in.html").render(message=message)
                return HTMLResponse(page, status_code=401)
            return _error(401, message)
        request.state.member = session.member
        response = await call_next(request)
        if session.renewed and cookie:
            _set_session_cookie(response, cookie, session.max_age)
        return response


def create_app(
    corpus: Path, reviewer: str, *, host: str = "127.0.0.1", marks: TermMarks | None = None
) -> ASGIApp:
    """The review app for ``corpus`` (a run directory or a corpus file), one local reviewer."""
    return build_app(ReviewStore.open(corpus), reviewer, host, marks=marks)


def build_app(
    store: ReviewStore,
    reviewer: str,
    host: str,
    accounts: Accounts | None = None,
    marks: TermMarks | None = None,
) -> ASGIApp:
    """The app over ``store``: for one local ``reviewer``, or with ``accounts`` for a team
    whose members sign in; ``marks`` highlights a glossary's terms in the pairs. On a loopback
    ``host`` the app answers only requests addressed to loopback names, so a web page
    elsewhere cannot reach it through DNS rebinding."""
    templates = _templates()
    marks = marks or TermMarks()

    def member_of(request: Request) -> Member:
        return request.state.member

    def adjudicating(member: Member) -> bool:
        return store.double and member.adjudicator

    def review_page(request: Request, member: Member) -> HTMLResponse:
        copy = store.copy_of(member.name)
        view = View.from_query(request.query_params)
        beads = copy.beads()
        rows, pages = page_rows(beads, view)
        text = templates.get_template("review.html").render(
            rows=rows,
            view=view,
            pages=pages,
            page=min(view.page, pages),
            kinds=sorted({bead.kind for bead in beads}),
            flag_kinds=flag_counts(beads),
            marks=marks,
            progress=copy.progress(),
            history=copy.history(),
            csrf=store.csrf_token,
            member=member,
            team=accounts is not None,
            corpus=store.title,
            low_confidence=LOW_CONFIDENCE_SCORE,
            formats=CORPUS_FORMATS,
            gold=not store.double,
            unsettled=0 if store.double else len(settled(store).unsettled),
        )
        return HTMLResponse(text)

    def adjudication_page(member: Member) -> HTMLResponse:
        try:
            review = DoubleReview(store)
        except DataError as exc:
            return HTMLResponse(f"<p>{html.escape(str(exc))}</p>", status_code=409)
        text = templates.get_template("adjudicate.html").render(
            agreement=review.agreement(),
            disputes=review.disputes(),
            names=review.names,
            progress={name: copy.progress() for name, copy in store.reviewer_copies()},
            history=store.history(),
            csrf=store.csrf_token,
            member=member,
            corpus=store.title,
            formats=CORPUS_FORMATS,
            unsettled=sum(isinstance(item, Region) for item in review.settled()),
        )
        return HTMLResponse(text)

    async def page(request: Request) -> HTMLResponse:
        member = member_of(request)
        return adjudication_page(member) if adjudicating(member) else review_page(request, member)

    def forged(token: str) -> JSONResponse | None:
        """The refusal of a state change whose CSRF token is not the page's (None: it is)."""
        if secrets.compare_digest(token.encode(), store.csrf_token.encode()):
            return None
        return _error(403, "This request did not come from the review page (missing or wrong token); reload it")

    async def guarded(request: Request, act: Callable[[dict], dict]) -> JSONResponse:
        """Check the CSRF token and run ``act`` on the JSON body, mapping refusals to replies."""
        refusal = forged(request.headers.get("x-csrf-token", ""))
        if refusal is not None:
            return refusal
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return _error(415, "Expected a JSON body")
        try:
            body = await request.json()
            return JSONResponse(act(body if isinstance(body, dict) else {}))
        except json.JSONDecodeError:
            return _error(400, "Malformed JSON body")
        except Refused as exc:
            return _error(400, str(exc))
        except Conflict as exc:
            return _error(409, str(exc))

    def reply(copy: ReviewStore, change: Change) -> dict:
        return {
            "beads": [{"id": b.id, "version": b.version, "status": b.status, "live": b.live} for b in change.beads],
            "reload": change.structural,
            "focus": change.focus,
            "progress": asdict(copy.progress()),
            "history": asdict(change.entry),
        }

    def reviewing(request: Request) -> tuple[Member, ReviewStore]:
        member = member_of(request)
        if adjudicating(member):
            raise Refused("In double review the adjudicator settles disagreements and reviews no copy of their own")
        return member, store.copy_of(member.name)

    async def bead_action(request: Request) -> JSONResponse:
        name = request.path_params["action"]
        action = ACTIONS.get(name)
        if action is None:
            return _error(404, "Unknown action")
        bead_id = request.path_params["bead_id"]

        def act(body: dict) -> dict:
            member, copy = reviewing(request)
            versions = body.get("versions") or {}
            expected = {int(k): int(v) for k, v in versions.items() if str(k).isdigit() and isinstance(v, int)}
            change = copy.change(member.name, name, expected, lambda: action(copy, copy.get(bead_id), body))
            return reply(copy, change)

        return await guarded(request, act)

    async def undo(request: Request) -> JSONResponse:
        def act(body: dict) -> dict:
            member, copy = reviewing(request)
            return reply(copy, copy.undo(member.name))

        return await guarded(request, act)

    async def settle(request: Request) -> JSONResponse:
        member = member_of(request)
        if not adjudicating(member):
            return _error(403, "Only the adjudicator of a double review settles disagreements")

        def act(body: dict) -> dict:
            try:
                review = DoubleReview(store)
            except DataError as exc:
                raise Conflict(str(exc)) from exc
            summary = review.settle(str(body.get("region", "")), str(body.get("chosen", "")), member.name)
            return {"summary": summary, "agreement": review.agreement().to_dict()}

        return await guarded(request, act)

    async def agreement(request: Request) -> JSONResponse:
        if not adjudicating(member_of(request)):
            return _error(403, "The agreement figures are for the adjudicator of a double review")
        try:
            return JSONResponse(DoubleReview(store).agreement().to_dict())
        except DataError as exc:
            return _error(409, str(exc))

    async def export(request: Request) -> Response:
        """The accepted pairs of the asker's copy (the settled ones for the adjudicator), named
        after the asker; or the gold of the settled alignment."""
        member, fmt = member_of(request), request.path_params["fmt"]
        gold = fmt == "gold" and (adjudicating(member) or not store.double)
        if fmt not in CORPUS_FORMATS and not gold:
            return _error(404, f"Export formats: {', '.join(CORPUS_FORMATS)}, and gold for the settled alignment")
        folder = Path(tempfile.mkdtemp(prefix="align-review-"))
        cleanup = BackgroundTask(shutil.rmtree, folder, ignore_errors=True)
        try:
            if gold:
                name, data = gold_download(store)
                written = folder / "gold"
                written.write_bytes(data)
            else:
                beads = settled(store).beads if adjudicating(member) else store.copy_of(member.name).beads()
                name = f"{store.corpus.stem}.{member.name}.accepted.{fmt}"
                written = export_accepted(beads, folder / "accepted", fmt)[0]
        except DataError as exc:
            await cleanup()
            return _error(409 if gold else 400, str(exc))
        return FileResponse(written, filename=name, background=cleanup)

    async def sign_in(request: Request) -> Response:
        signed = accounts.sign_in(request.path_params["token"]) if accounts else None
        if signed is None:
            return _error(401, "This sign-in link is not valid (the server issues new links each time it starts)")
        session, cookie = signed
        text = templates.get_template("signed-in.html").render(member=session.member, corpus=store.title)
        response = HTMLResponse(text)
        _set_session_cookie(response, cookie, session.max_age)
        return response

    async def sign_out(request: Request) -> Response:
        """End the session (the page's form posts the CSRF token as a field) and clear its cookie."""
        if accounts is None:
            return _error(404, "This server has no sign-in (it was started without --team)")
        fields = parse_qs((await request.body()).decode("utf-8", "replace"))
        refusal = forged(fields.get("csrf", [""])[0])
        if refusal is not None:
            return refusal
        accounts.sign_out(request.cookies.get(SESSION_COOKIE))
        response = HTMLResponse(templates.get_template("signed-out.html").render(corpus=store.title))
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    middleware = [Middleware(_Gate, accounts=accounts, local=Member(reviewer), templates=templates)]
    if host in LOOPBACK_HOSTS:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=["127.0.0.1", "localhost", "[::1]"]))
    routes = [
        Route("/", page),
        Route("/signin/{token}", sign_in),
        Route("/signout", sign_out, methods=["POST"]),
        Route("/api/pairs/{bead_id:int}/{action}", bead_action, methods=["POST"]),
        Route("/api/undo", undo, methods=["POST"]),
        Route("/api/settle", settle, methods=["POST"]),
        Route("/api/agreement", agreement),
        Route("/export/{fmt}", export),
        Mount("/static", StaticFiles(directory=ASSETS / "static"), name="static"),
    ]
    return Starlette(routes=routes, middleware=middleware)

